// worker_internal::WithTimeout: the one deadline every network call of the publish worker runs
// under (publish, find, delete).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>

#include "core/publish_worker_attempt.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::core::worker_internal {
namespace {

using ::herald::matchers::IsOkAndHolds;
using ::herald::matchers::StatusIs;

template <class T>
T RunToEnd(Task<T> task) {
  boost::asio::io_context io;
  return testing::RunTask(io, std::move(task));
}

Task<Result<int>> AnswersAtOnce() { co_return 7; }

// Waits on a timer far longer than any deadline below: a network call that never answers.
Task<Result<int>> NeverAnswers() {
  base::asio::steady_timer timer(co_await base::asio::this_coro::executor, std::chrono::hours(1));
  co_await timer.async_wait(base::kNoThrow);
  co_return 1;
}

Task<Result<int>> Throws() {
  throw std::runtime_error("adapter bug");
  co_return 0;
}

TEST(WithTimeoutTest, AnAnswerInTimeIsReturned) {
  EXPECT_THAT(RunToEnd(WithTimeout(AnswersAtOnce(), std::chrono::hours(1), base::Unknown("late"))),
              IsOkAndHolds(7));
}

TEST(WithTimeoutTest, NoAnswerInTimeIsTheGivenError) {
  EXPECT_THAT(RunToEnd(WithTimeout(NeverAnswers(), std::chrono::milliseconds(1),
                              base::Unknown("no answer within 1 s"))),
              StatusIs(base::ErrorCode::kUnknown, "no answer within 1 s"));
}

TEST(WithTimeoutTest, AThrowingCallIsRethrownNotTurnedIntoATimeout) {
  EXPECT_THROW(
      RunToEnd(WithTimeout(Throws(), std::chrono::hours(1), base::Unknown("late"))),
      std::runtime_error);
}

// Reports a sign of life every 20 ms, `beats` times, then answers: each gap is shorter than
// the idle timeout, the whole call longer.
Task<Result<int>> KeepsMoving(std::shared_ptr<std::atomic<int64_t>> alive, int beats) {
  base::asio::steady_timer timer(co_await base::asio::this_coro::executor);
  for (int i = 0; i < beats; ++i) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(base::kNoThrow);
    Touch(*alive);
  }
  co_return 9;
}

TEST(WithIdleTimeoutTest, ACallThatKeepsMovingOutlivesTheIdleTimeout) {
  auto alive = std::make_shared<std::atomic<int64_t>>(0);
  // 15 beats of 20 ms = 300 ms in all, against a 200 ms idle timeout: ten times a gap, so a
  // loaded machine stretching a gap does not fail the test.
  EXPECT_THAT(RunToEnd(WithIdleTimeout(KeepsMoving(alive, 15), std::chrono::milliseconds(200),
                                       alive, base::Unknown("stalled"))),
              IsOkAndHolds(9));
}

TEST(WithIdleTimeoutTest, ASilentCallTimesOut) {
  auto alive = std::make_shared<std::atomic<int64_t>>(0);
  EXPECT_THAT(RunToEnd(WithIdleTimeout(NeverAnswers(), std::chrono::milliseconds(1), alive,
                                       base::Unknown("no progress"))),
              StatusIs(base::ErrorCode::kUnknown, "no progress"));
}

}  // namespace
}  // namespace herald::core::worker_internal
