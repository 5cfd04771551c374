#include "base/async.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <stdexcept>
#include <thread>

#include "base/result.h"

namespace herald::base {
namespace {

TEST(AsyncTest, RunBlockingReturnsOnCallerExecutor) {
  asio::io_context io;
  asio::thread_pool pool(2);
  std::thread::id io_thread;
  auto task = [&]() -> Task<int> {
    std::thread::id worker;
    Result<int> r = co_await RunBlocking(pool, [&worker]() -> Result<int> {
      worker = std::this_thread::get_id();
      return 41;
    });
    EXPECT_NE(worker, std::this_thread::get_id());
    EXPECT_EQ(io_thread, std::this_thread::get_id());
    co_await RunBlocking(pool, [] {});
    co_return *r + 1;
  };
  auto fut = asio::co_spawn(io, task(), asio::use_future);
  io_thread = std::this_thread::get_id();
  io.run();
  EXPECT_EQ(fut.get(), 42);
  pool.join();
}

TEST(AsyncTest, RunBlockingRethrows) {
  asio::io_context io;
  asio::thread_pool pool(1);
  auto task = [&]() -> Task<int> {
    co_return co_await RunBlocking(pool, []() -> int { throw std::runtime_error("boom"); });
  };
  auto fut = asio::co_spawn(io, task(), asio::use_future);
  io.run();
  EXPECT_THROW(fut.get(), std::runtime_error);
  pool.join();
}

}  // namespace
}  // namespace herald::base
