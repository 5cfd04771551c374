// SingleFlight: concurrent callers of one key share one run; other keys and later callers run
// their own; a leader destroyed mid-work releases its waiters with kUnavailable. Driven step by
// step on io_contexts (a gate timer that the test cancels; no sleeps).
#include "core/single_flight.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <vector>

#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using base::Json;
using base::Result;
using base::Task;
using ::herald::matchers::IsOkAndHolds;
using ::herald::matchers::StatusIs;
namespace asio = boost::asio;

class SingleFlightTest : public ::testing::Test {
 protected:
  // Work that counts its runs and finishes when the gate opens (the timer is cancelled).
  SingleFlight::Work Gated(int value) {
    return [this, value]() -> Task<Result<Json>> {
      ++runs_;
      co_await gate_.async_wait(base::kNoThrow);
      co_return Json(value);
    };
  }

  void Spawn(asio::io_context& io, std::string key, SingleFlight::Work work,
             std::optional<Result<Json>>& out) {
    asio::co_spawn(
        io,
        [this, key = std::move(key), work = std::move(work), &out]() -> Task<void> {
          // Named: GCC 12 destroys temporaries in a co_await expression twice.
          Task<Result<Json>> run = flights_.Run(key, work);
          out.emplace(co_await std::move(run));
        },
        asio::detached);
  }

  asio::io_context io_;
  asio::steady_timer gate_{io_, asio::steady_timer::time_point::max()};
  SingleFlight flights_;
  int runs_ = 0;
};

TEST_F(SingleFlightTest, ConcurrentCallersOfOneKeyShareOneRun) {
  std::vector<std::optional<Result<Json>>> out(4);
  for (auto& o : out) Spawn(io_, "acc_1", Gated(42), o);
  std::optional<Result<Json>> other;
  Spawn(
      io_, "acc_2", [&]() -> Task<Result<Json>> { co_return Json(7); }, other);
  io_.poll();  // everyone is waiting on the gate or done
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(flights_.InFlight(), 1u);
  ASSERT_TRUE(other.has_value());
  EXPECT_THAT(*other, IsOkAndHolds(Json(7)));
  gate_.cancel();
  io_.run();
  for (const auto& o : out) {
    ASSERT_TRUE(o.has_value());
    EXPECT_THAT(*o, IsOkAndHolds(Json(42)));
  }
  EXPECT_EQ(flights_.InFlight(), 0u);

  // A caller after the run finished starts a new one.
  std::optional<Result<Json>> later;
  gate_.expires_at(asio::steady_timer::time_point::max());
  Spawn(io_, "acc_1", Gated(43), later);
  io_.restart();
  io_.poll();
  gate_.cancel();
  io_.run();
  ASSERT_TRUE(later.has_value());
  EXPECT_THAT(*later, IsOkAndHolds(Json(43)));
  EXPECT_EQ(runs_, 2);
}

TEST_F(SingleFlightTest, ALeaderDestroyedMidWorkReleasesItsWaiters) {
  std::optional<Result<Json>> waiter;
  {
    asio::io_context leader_io;
    asio::steady_timer never(leader_io, asio::steady_timer::time_point::max());
    std::optional<Result<Json>> leader;
    Spawn(
        leader_io, "acc_1",
        [&]() -> Task<Result<Json>> {
          co_await never.async_wait(base::kNoThrow);
          co_return Json(1);
        },
        leader);
    leader_io.poll();
    EXPECT_EQ(flights_.InFlight(), 1u);
    Spawn(io_, "acc_1", Gated(2), waiter);
    io_.poll();
    EXPECT_FALSE(waiter.has_value());
    EXPECT_EQ(runs_, 0);  // it waits; it does not run the work
  }                       // the leader's io_context and its coroutine frames are destroyed
  io_.run();
  ASSERT_TRUE(waiter.has_value());
  EXPECT_THAT(*waiter, StatusIs(ErrorCode::kUnavailable));
  EXPECT_EQ(flights_.InFlight(), 0u);
}

}  // namespace
}  // namespace herald::core
