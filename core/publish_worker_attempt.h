// PublishWorker::Attempt: one claimed job with the rows it needs, shared by the worker's source
// files (publish_worker.cpp: claiming and publishing; publish_worker_delete.cpp: deleting).
// Internal to the core.
#ifndef HERALD_CORE_PUBLISH_WORKER_ATTEMPT_H_
#define HERALD_CORE_PUBLISH_WORKER_ATTEMPT_H_

#include <atomic>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/publish_worker.h"
#include "core/upload_progress.h"

namespace herald::core {

struct PublishWorker::Attempt {
  store::Job job;
  store::PostTarget target;
  store::Post post;
  store::Account account;
  platforms::Platform* platform = nullptr;
  std::string network;               // display name, "Mastodon"
  platforms::Content content;        // publish jobs only
  Result<void> loaded = base::Ok();  // how LoadAttempt went
  // The account's pacing: the worker's, with the parts its own settings override.
  PacingRules pacing;
  // Publish jobs under pacing: when the account's posts of the last day were published.
  std::vector<base::Time> recent_publishes;
  // Steady-clock ticks of the publish's last sign of life (progress reported, state saved):
  // the publish timeout runs from it, so a long upload that keeps moving is never cut off.
  std::shared_ptr<std::atomic<int64_t>> alive = std::make_shared<std::atomic<int64_t>>(0);
};

namespace worker_internal {

// remote_state keys herald keeps beside the adapter's own: reconciliation checks so far, and a
// long upload's progress {"done", "total" (bytes), "at"} that get_post shows (tools/post_views).
inline constexpr std::string_view kChecksKey = "herald_checks";
inline constexpr std::string_view kProgressKey = kUploadProgressKey;
// Why a queued publish waits and until when ({"reason", "until"}), while pacing holds it.
inline constexpr std::string_view kWaitingKey = "herald_waiting";

// remote_state as the adapter sees it, plus herald's own keys (herald_*) kept from `old`.
base::Json MergeRemoteState(const base::Json& old, const base::Json& fresh);

// Marks the account needs_reauth with `reason` if it is active (an auth error from its network).
Result<void> MarkNeedsReauth(store::Tx& tx, std::string_view org_id, std::string_view account_id,
                             const std::string& reason, base::Time now);

// Runs `task`, returning an exception it throws as a value: awaitable operator|| waits for the
// first *successful* branch, so an exception (a crash in tests, a bug in an adapter) must not
// make it wait for the timer instead. (A struct, not a variant: operator|| flattens variants.)
template <class T>
struct Caught {
  std::optional<T> value;
  std::exception_ptr failure;
  T Get() && {
    if (failure) std::rethrow_exception(failure);
    return std::move(*value);
  }
};

template <class T>
Task<Caught<T>> Catching(Task<T> task) {
  Caught<T> out;
  try {
    out.value.emplace(co_await std::move(task));
  } catch (...) {
    out.failure = std::current_exception();
  }
  co_return out;
}

// Awaits a network call for at most `timeout`: its result, or `on_timeout` when the time runs
// out first (the call is abandoned). An exception the call throws is rethrown.
template <class T>
Task<Result<T>> WithTimeout(Task<Result<T>> call, std::chrono::milliseconds timeout,
                            base::Error on_timeout) {
  using namespace boost::asio::experimental::awaitable_operators;  // NOLINT
  base::asio::steady_timer timer(co_await base::asio::this_coro::executor, timeout);
  auto r = co_await (Catching(std::move(call)) || timer.async_wait(base::kNoThrow));
  if (r.index() == 0) co_return std::get<0>(std::move(r)).Get();
  co_return on_timeout;
}

// Records a sign of life in `alive` now; returns the steady-clock ticks it stored.
inline int64_t Touch(std::atomic<int64_t>& alive) {
  const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  alive.store(now);
  return now;
}

// Like WithTimeout, but the time runs from the call's last sign of life (`alive`, see Touch),
// not from its start: a call that keeps reporting progress runs as long as it needs.
template <class T>
Task<Result<T>> WithIdleTimeout(Task<Result<T>> call, std::chrono::milliseconds timeout,
                                std::shared_ptr<std::atomic<int64_t>> alive,
                                base::Error on_timeout) {
  using namespace boost::asio::experimental::awaitable_operators;  // NOLINT
  Touch(*alive);
  auto watchdog = [](std::chrono::milliseconds idle,
                     std::shared_ptr<std::atomic<int64_t>> last) -> Task<void> {
    using Steady = std::chrono::steady_clock;
    base::asio::steady_timer timer(co_await base::asio::this_coro::executor);
    for (;;) {
      const auto deadline = Steady::time_point(Steady::duration(last->load())) + idle;
      if (Steady::now() >= deadline) co_return;
      timer.expires_at(deadline);
      auto [ec] = co_await timer.async_wait(base::kNoThrow);
      if (ec == base::asio::error::operation_aborted) co_return;  // the call finished first
    }
  };
  auto r = co_await (Catching(std::move(call)) || watchdog(timeout, alive));
  if (r.index() == 0) co_return std::get<0>(std::move(r)).Get();
  co_return on_timeout;
}

}  // namespace worker_internal

}  // namespace herald::core

#endif  // HERALD_CORE_PUBLISH_WORKER_ATTEMPT_H_
