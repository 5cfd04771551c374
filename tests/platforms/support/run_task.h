// RunTask: runs a coroutine to completion on `io` from a test and returns its value (which need
// not be default-constructible, unlike asio::use_future). Exceptions propagate.
#ifndef HERALD_TESTS_PLATFORMS_SUPPORT_RUN_TASK_H_
#define HERALD_TESTS_PLATFORMS_SUPPORT_RUN_TASK_H_

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

#include "base/async.h"

namespace herald::testing {

template <class T>
T RunTask(boost::asio::io_context& io, base::Task<T> task) {
  std::optional<T> out;
  boost::asio::co_spawn(
      io,
      [&out, task = std::move(task)]() mutable -> base::Task<void> {
        out.emplace(co_await std::move(task));
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.restart();
  io.run();
  return std::move(*out);
}

}  // namespace herald::testing

#endif  // HERALD_TESTS_PLATFORMS_SUPPORT_RUN_TASK_H_
