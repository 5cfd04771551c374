// BackupScheduler with a fake clock: a backup a day, each verified, the newest seven kept; a
// failure is retried with backoff and the age of the last good backup keeps growing; a restart
// carries on from the newest backup on disk.
#include "core/backup_scheduler.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/clock.h"
#include "store/backup.h"
#include "tests/store/backup_test_support.h"
#include "tests/store/test_support.h"

namespace herald::core {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
namespace fs = std::filesystem;

class BackupSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::testing::OpenTestStore("sqlite::memory:");
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store::testing::FillForBackup(*store_, clock_.Now(), 5).ok());
    options_.dir = dir_.File("backups");
    options_.herald_version = "test";
    options_.secret_key_id = "1a2b3c4d";
  }

  base::FakeClock clock_;
  store::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  BackupSchedulerOptions options_;
};

TEST_F(BackupSchedulerTest, OneVerifiedBackupADayAndTheNewestSevenKept) {
  BackupScheduler scheduler(*store_, options_, clock_.Now());
  base::Time next = scheduler.Step(clock_.Now());
  EXPECT_EQ(next, clock_.Now() + hours(24));
  ASSERT_EQ(BackupScheduler::ListBackups(options_.dir).size(), 1u);
  EXPECT_EQ(scheduler.SecondsSinceLastGood(clock_.Now()), 0);
  clock_.Advance(hours(1));
  EXPECT_EQ(scheduler.Step(clock_.Now()), next);  // not due: nothing written
  EXPECT_EQ(BackupScheduler::ListBackups(options_.dir).size(), 1u);
  EXPECT_EQ(scheduler.SecondsSinceLastGood(clock_.Now()), 3600);

  std::vector<std::string> first_seven;
  for (int day = 2; day <= 9; ++day) {
    clock_.Set(next);
    next = scheduler.Step(clock_.Now());
    auto files = BackupScheduler::ListBackups(options_.dir);
    EXPECT_EQ(files.size(), static_cast<size_t>(std::min(day, 7))) << "day " << day;
    if (day == 7) first_seven = files;
  }
  auto files = BackupScheduler::ListBackups(options_.dir);
  ASSERT_EQ(files.size(), 7u);
  // After the 8th and 9th, the two oldest are gone and the newest is the 9th day's.
  EXPECT_EQ(files.front(), first_seven[2]);
  EXPECT_EQ(fs::path(files.back()).filename().string(), BackupScheduler::FileNameAt(clock_.Now()));
  for (const auto& f : files) EXPECT_TRUE(store::VerifyBackupFile(f).ok()) << f;
  EXPECT_EQ(scheduler.failures_total(), 0);
}

TEST_F(BackupSchedulerTest, AFailureIsRetriedWithBackoffNeverSkipped) {
  // The backup directory's path is taken by a file: every attempt fails.
  std::ofstream(options_.dir) << "in the way";
  BackupScheduler scheduler(*store_, options_, clock_.Now());
  const base::Time start = clock_.Now();
  EXPECT_EQ(scheduler.Step(clock_.Now()), start + minutes(1));
  EXPECT_EQ(scheduler.consecutive_failures(), 1);
  clock_.Set(start + minutes(1));
  EXPECT_EQ(scheduler.Step(clock_.Now()), start + minutes(3));  // 2 min later
  clock_.Set(start + minutes(3));
  EXPECT_EQ(scheduler.Step(clock_.Now()), start + minutes(7));  // 4 min later
  EXPECT_EQ(scheduler.consecutive_failures(), 3);
  EXPECT_FALSE(scheduler.last_good().has_value());
  EXPECT_EQ(scheduler.SecondsSinceLastGood(clock_.Now()), 180);  // counted from the start
  for (int i = 0; i < 10; ++i) {  // the wait stops growing at an hour
    clock_.Set(scheduler.Step(clock_.Now()));
  }
  EXPECT_EQ(scheduler.Step(clock_.Now()) - clock_.Now(), hours(1));
  // The cause goes away: the next attempt succeeds and the daily rhythm resumes.
  fs::remove(options_.dir);
  clock_.Advance(hours(1));
  EXPECT_EQ(scheduler.Step(clock_.Now()), clock_.Now() + hours(24));
  EXPECT_EQ(scheduler.consecutive_failures(), 0);
  EXPECT_EQ(scheduler.failures_total(),
            13);  // 3 above, 9 in the loop (its first step was early), 1 more
  EXPECT_EQ(scheduler.last_good(), clock_.Now());
  EXPECT_EQ(BackupScheduler::ListBackups(options_.dir).size(), 1u);
}

TEST_F(BackupSchedulerTest, ARestartCarriesOnFromTheNewestBackup) {
  {
    BackupScheduler first(*store_, options_, clock_.Now());
    first.Step(clock_.Now());
  }
  const base::Time taken = clock_.Now();
  clock_.Advance(hours(5));
  BackupScheduler again(*store_, options_, clock_.Now());
  EXPECT_EQ(again.last_good(), std::chrono::floor<std::chrono::seconds>(taken));
  EXPECT_EQ(again.Step(clock_.Now()), std::chrono::floor<std::chrono::seconds>(taken) + hours(24));
  EXPECT_EQ(BackupScheduler::ListBackups(options_.dir).size(), 1u);
}

}  // namespace
}  // namespace herald::core
