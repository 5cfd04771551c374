// SQLite across processes: concurrent migrations, a database locked by another process, and
// two processes claiming from one queue.
#include <gtest/gtest.h>

#include <set>

#include "tests/store/contract_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::store::testing {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using base::ErrorCode;
using std::chrono::seconds;

TEST(StoreProcessTest, ConcurrentMigrationsFromTwoProcesses) {
  TempDir dir;
  const std::string url = "sqlite:" + dir.File("herald.db");
  std::vector<std::unique_ptr<ChildProcess>> children;
  for (int i = 0; i < 2; ++i) {
    auto child = ChildProcess::Start({HERALD_STORE_HELPER, "migrate", url});
    ASSERT_THAT(child, IsOk());
    children.push_back(std::move(*child));
  }
  int applied = 0;
  for (auto& c : children) {
    auto line = c->ReadLine(seconds(60));
    ASSERT_TRUE(line.has_value()) << c->err();
    ASSERT_TRUE(line->starts_with("applied ")) << *line;
    applied += std::stoi(line->substr(8));
    EXPECT_EQ(c->Wait(seconds(30)), 0) << c->err();
  }
  auto store = OpenTestStore(url, /*migrate=*/false);
  HERALD_ASSERT_OK(store);
  EXPECT_EQ(applied, (*store)->KnownSchemaVersion());
  auto v = (*store)->SchemaVersion();
  HERALD_ASSERT_OK(v);
  EXPECT_EQ(*v, (*store)->KnownSchemaVersion());
}

TEST(StoreProcessTest, DatabaseLockedByAnotherProcess) {
  TempDir dir;
  const std::string path = dir.File("herald.db");
  { HERALD_ASSERT_OK(OpenTestStore("sqlite:" + path)); }
  auto holder = ChildProcess::Start({HERALD_STORE_HELPER, "lock", path});
  ASSERT_THAT(holder, IsOk());
  ASSERT_EQ((*holder)->ReadLine(seconds(30)).value_or("<none>"), "locked") << (*holder)->err();
  const std::string before = ReadFileBytes(path);
  StoreOptions options;
  options.url = "sqlite:" + path;
  options.busy_timeout = std::chrono::milliseconds(300);
  auto r = OpenStore(options);
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnavailable));
  EXPECT_EQ(r.error().message(), "database " + path + " is locked by another process");
  EXPECT_EQ(ReadFileBytes(path), before);
  (*holder)->CloseStdin();
  EXPECT_EQ((*holder)->Wait(seconds(30)), 0);
  HERALD_EXPECT_OK(OpenTestStore("sqlite:" + path));
}

TEST(StoreProcessTest, TwoProcessesNeverClaimTheSameJob) {
  TempDir dir;
  const std::string url = "sqlite:" + dir.File("herald.db");
  base::Time now = base::SystemClock::Instance().Now();
  {
    auto store = OpenTestStore(url);
    HERALD_ASSERT_OK(store);
    Organization org = MakeOrg(now, "acme");
    HERALD_ASSERT_OK((*store)->Write([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
      for (int i = 0; i < 100; ++i) {
        Account acc = MakeAccount(org.id, now);
        HERALD_RETURN_IF_ERROR(tx.UpsertAccount(acc));
        Job job = MakeJob(org.id, "", acc.id, now - seconds(i), now);
        job.kind = JobKind::kRefresh;
        HERALD_RETURN_IF_ERROR(tx.InsertJob(job));
      }
      return base::Ok();
    }));
  }
  std::vector<std::unique_ptr<ChildProcess>> children;
  for (int i = 0; i < 2; ++i) {
    auto child = ChildProcess::Start({HERALD_STORE_HELPER, "claim", url, "p" + std::to_string(i),
                                      std::to_string(base::ToUnixMicros(now)), "3"});
    ASSERT_THAT(child, IsOk());
    children.push_back(std::move(*child));
  }
  for (auto& c : children) ASSERT_EQ(c->ReadLine(seconds(30)).value_or("<none>"), "ready") << c->err();
  for (auto& c : children) c->Write("go\n");
  std::multiset<std::string> all;
  for (auto& c : children) {
    while (true) {
      auto line = c->ReadLine(seconds(120));
      ASSERT_TRUE(line.has_value()) << c->err();
      if (*line == "done") break;
      all.insert(*line);
    }
    EXPECT_EQ(c->Wait(seconds(30)), 0) << c->err();
  }
  EXPECT_EQ(all.size(), 100u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 100u);
}

}  // namespace
}  // namespace herald::store::testing
