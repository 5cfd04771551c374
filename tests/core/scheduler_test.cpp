// Scheduler: the real loop on real threads and the system clock, with fake platforms: a post
// due shortly is published without anyone stepping the worker, a new post wakes a sleeping
// loop at once (jobs-changed callback), and Stop drains. Waits are on events with bounded
// timeouts, never sleeps.
#include "core/scheduler.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <thread>

#include "base/time.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

using ::herald::matchers::IsOk;
using testing::CoreEnv;

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    account_ = env_.AddAccount("native", "@alice@example.social");
    env_.native->OnPublish([this](const platforms::PublishRequest&) {
      std::lock_guard lock(mu_);
      ++published_;
      cv_.notify_all();
    });
    env_.native->OnDelete([this] {
      std::lock_guard lock(mu_);
      ++deleted_;
      cv_.notify_all();
    });
    auto opts = env_.DefaultWorkerOptions("wrk_sched");
    worker_ = std::make_unique<PublishWorker>(*env_.store, env_.registry, env_.credentials,
                                              base::SystemClock::Instance(), *env_.pool, opts);
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (scheduler_) scheduler_->Stop();
    guard_.reset();
    io_.stop();
    thread_.join();
  }

  // Schedules through a PostService on the system clock (FakeClock does not move here).
  std::string ScheduleIn(std::chrono::milliseconds in) {
    PostService posts(*env_.store, env_.registry, &env_.credentials,
                      base::SystemClock::Instance(), *env_.pool);
    CreatePostRequest req;
    req.mode = CreateMode::kSchedule;
    req.accounts = {account_.id};
    req.content.text = "soon";
    req.publish_at = base::FormatRfc3339(base::SystemClock::Instance().Now() + in);
    auto r = posts.CreateSync(env_.editor, req);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? r->post.id : "";
  }

  bool WaitPublished(int n, std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return published_ >= n; });
  }

  bool WaitDeleted(int n, std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return deleted_ >= n; });
  }

  std::unique_ptr<Scheduler> StartScheduler() {
    SchedulerOptions options;
    options.max_sleep = std::chrono::seconds(30);  // only the callback can wake it in time
    auto s = std::make_unique<Scheduler>(*env_.store, *worker_, base::SystemClock::Instance(),
                                         io_.get_executor(), *env_.pool, options);
    s->Start();
    return s;
  }

  CoreEnv env_;
  store::Account account_;
  std::unique_ptr<PublishWorker> worker_;
  std::unique_ptr<Scheduler> scheduler_;
  base::asio::io_context io_;
  base::asio::executor_work_guard<base::asio::io_context::executor_type> guard_ =
      base::asio::make_work_guard(io_);
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  int published_ = 0;
  int deleted_ = 0;
};

TEST_F(SchedulerTest, PublishesDuePostsOnItsOwnAndWakesForNewOnes) {
  SchedulerOptions options;
  options.max_sleep = std::chrono::seconds(30);  // only the callback can wake it in time
  scheduler_ = std::make_unique<Scheduler>(*env_.store, *worker_, base::SystemClock::Instance(),
                                           io_.get_executor(), *env_.pool, options);
  scheduler_->Start();
  // The loop now sleeps on an empty queue for up to 30 s; a new post must wake it.
  auto t0 = std::chrono::steady_clock::now();
  std::string first = ScheduleIn(std::chrono::milliseconds(0));
  ASSERT_TRUE(WaitPublished(1, std::chrono::seconds(10)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  // A post due in 300 ms: the loop sleeps until then.
  t0 = std::chrono::steady_clock::now();
  std::string second = ScheduleIn(std::chrono::milliseconds(300));
  ASSERT_TRUE(WaitPublished(2, std::chrono::seconds(10)));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(250));
  scheduler_->Stop();
  EXPECT_EQ(env_.Targets(first)[0].status, store::TargetStatus::kPublished);
  EXPECT_EQ(env_.Targets(second)[0].status, store::TargetStatus::kPublished);
  EXPECT_EQ(worker_->in_flight(), 0);
}

TEST_F(SchedulerTest, DeletePostWakesTheLoopWhichDeletesInTheBackground) {
  scheduler_ = StartScheduler();
  std::string id = ScheduleIn(std::chrono::milliseconds(0));
  ASSERT_TRUE(WaitPublished(1, std::chrono::seconds(10)));
  scheduler_->Stop();  // drains: the target is recorded published
  ASSERT_EQ(env_.Targets(id)[0].status, store::TargetStatus::kPublished);

  scheduler_ = StartScheduler();  // sleeps on an empty queue for up to 30 s
  PostService posts(*env_.store, env_.registry, &env_.credentials, base::SystemClock::Instance(),
                    *env_.pool);
  auto t0 = std::chrono::steady_clock::now();
  auto r = testing::Await(posts.Delete(env_.editor, id));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->targets[0].result, "deleting");
  ASSERT_TRUE(WaitDeleted(1, std::chrono::seconds(10)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  scheduler_->Stop();  // drains: the deletion is recorded
  auto t = env_.Targets(id)[0];
  EXPECT_EQ(t.deletion, store::DeletionStatus::kDeleted);
  EXPECT_EQ(t.status, store::TargetStatus::kCancelled);
  EXPECT_EQ(worker_->in_flight(), 0);
}

TEST_F(SchedulerTest, StopIsPromptAndIdempotent) {
  scheduler_ = std::make_unique<Scheduler>(*env_.store, *worker_, base::SystemClock::Instance(),
                                           io_.get_executor(), *env_.pool);
  scheduler_->Start();
  auto t0 = std::chrono::steady_clock::now();
  scheduler_->Stop();
  scheduler_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

}  // namespace
}  // namespace herald::core
