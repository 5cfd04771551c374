// Async vocabulary: Asio C++20 coroutines (Task<T>) and RunBlocking, which moves a blocking call
// (a Store operation, say) onto a thread pool and resumes the coroutine on its own executor.
// Include only where coroutines are used; Asio is compiled once in herald_asio.
#ifndef HERALD_BASE_ASYNC_H_
#define HERALD_BASE_ASYNC_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace herald::base {

namespace asio = boost::asio;

template <class T = void>
using Task = asio::awaitable<T>;

// Completion token that returns errors as tuple elements instead of throwing.
inline constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// Runs `fn()` on `pool` and returns its value to the awaiting coroutine, resumed on the
// coroutine's executor. Exceptions from `fn` are rethrown in the coroutine.
template <class F>
Task<std::invoke_result_t<F&>> RunBlocking(asio::thread_pool& pool, F fn) {
  using R = std::invoke_result_t<F&>;
  std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> out;
  std::exception_ptr failure;
  co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
      [&pool, &fn, &out, &failure](auto handler) {
        auto work = asio::make_work_guard(asio::get_associated_executor(handler));
        asio::post(pool, [handler = std::move(handler), work = std::move(work), &fn, &out,
                          &failure]() mutable {
          try {
            if constexpr (std::is_void_v<R>) {
              fn();
              out.emplace(true);
            } else {
              out.emplace(fn());
            }
          } catch (...) {
            failure = std::current_exception();
          }
          auto ex = work.get_executor();
          asio::post(ex, std::move(handler));
        });
      },
      asio::use_awaitable);
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<R>) co_return std::move(*out);
}

}  // namespace herald::base

#endif  // HERALD_BASE_ASYNC_H_
