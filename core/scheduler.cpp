#include "core/scheduler.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace herald::core {

namespace asio = base::asio;
using base::Time;

Time NextWake(Time now, std::optional<Time> next_due, Time claimed_at, bool claimed_all,
              bool slots_free, int in_flight, Time renew_at, const SchedulerOptions& options) {
  if (claimed_all && slots_free) return now;  // there may be more due right now
  Time wake = now + options.max_sleep;
  if (next_due.has_value()) {
    // Due when we claimed but not claimed: the accounts are busy (one publish per account) or
    // the slots are full; a finishing job of ours wakes us, a poll covers other processes.
    // Due since then (the claim and the read take a while): claim it now.
    wake = std::min(wake, *next_due <= claimed_at ? now + options.busy_poll : *next_due);
  }
  if (in_flight > 0) wake = std::min(wake, std::max(renew_at, now));
  return wake;
}

struct Scheduler::State {
  explicit State(asio::any_io_executor ex) : strand(asio::make_strand(ex)), timer(strand) {}
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer timer;
  std::atomic<bool> stopping{false};
  std::atomic<bool> wake_pending{false};
  std::mutex mu;
  std::condition_variable cv;
  bool loop_done = false;  // guarded by mu
  bool started = false;    // guarded by mu
};

Scheduler::Scheduler(store::Store& store, PublishWorker& worker, const base::Clock& clock,
                     asio::any_io_executor executor, asio::thread_pool& blocking,
                     SchedulerOptions options)
    : store_(store),
      worker_(worker),
      clock_(clock),
      executor_(std::move(executor)),
      blocking_(blocking),
      options_(options),
      state_(std::make_shared<State>(executor_)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  {
    std::lock_guard lock(state_->mu);
    if (state_->started) return;
    state_->started = true;
  }
  std::weak_ptr<State> weak = state_;
  store_.SetJobsChangedCallback([weak] {
    if (auto s = weak.lock(); s != nullptr) {
      s->wake_pending = true;
      asio::post(s->strand, [s] { s->timer.cancel(); });
    }
  });
  asio::co_spawn(state_->strand, Loop(state_), asio::detached);
}

void Scheduler::Wake() {
  state_->wake_pending = true;
  std::lock_guard lock(state_->mu);
  if (state_->loop_done) return;
  asio::post(state_->strand, [s = state_] { s->timer.cancel(); });
}

void Scheduler::Stop() {
  bool was_started;
  {
    std::lock_guard lock(state_->mu);
    was_started = state_->started;
  }
  if (state_->stopping.exchange(true) || !was_started) return;
  store_.SetJobsChangedCallback(nullptr);
  Wake();
  std::unique_lock lock(state_->mu);
  auto limit = options_.drain_timeout + std::chrono::seconds(2);
  if (!state_->cv.wait_for(lock, limit, [&] { return state_->loop_done; })) {
    spdlog::warn("publishing workers did not stop within {} ms; running jobs keep their leases",
                 options_.drain_timeout.count());
  }
}

base::Task<void> Scheduler::Loop(std::shared_ptr<State> state) {
  // Marks the loop finished however it ends (also when the executor is destroyed under it).
  struct Finished {
    std::shared_ptr<State> s;
    ~Finished() {
      std::lock_guard lock(s->mu);
      s->loop_done = true;
      s->cv.notify_all();
    }
  } finished{state};

  const auto renew_every = worker_.options().lease_for / 3;
  Time last_renew = clock_.Now();
  Time last_housekeeping = clock_.Now();
  auto on_done = [weak = std::weak_ptr<State>(state)] {
    if (auto s = weak.lock(); s != nullptr) {
      s->wake_pending = true;
      asio::post(s->strand, [s] { s->timer.cancel(); });
    }
  };
  spdlog::info("publishing worker {} started", worker_.owner());
  auto read_next_due = [this]() -> base::Task<base::Result<std::optional<Time>>> {
    co_return co_await base::RunBlocking(blocking_, [&] {
      return store::ReadValue<std::optional<Time>>(store_,
                                                   [](store::Tx& tx) { return tx.NextDueTime(); });
    });
  };
  bool more_due = false;  // the last claim filled its batch: more may be due right now
  while (!state->stopping) {
    state->wake_pending = false;
    Time now = clock_.Now();
    const Time claimed_at = now;
    const int requested = std::min(worker_.options().claim_batch,
                                   worker_.options().max_in_flight - worker_.in_flight());
    // A read first, unless the last claim was full: most wake-ups (a post scheduled for later,
    // another process's commit) find nothing due, and a claim is a write transaction.
    base::Result<std::optional<Time>> next_due = std::optional<Time>(now);
    const bool read_first = !more_due;
    if (read_first) next_due = co_await read_next_due();
    bool store_error = !next_due.ok();
    int started = 0;
    more_due = false;
    if (next_due.ok() && next_due->has_value() && **next_due <= now && requested > 0) {
      auto claimed = co_await worker_.ClaimAndStart(now, executor_, on_done);
      if (!claimed.ok()) {
        store_error = true;
        spdlog::warn("claiming jobs failed: {}", claimed.error().ToLogString());
      } else {
        started = *claimed;
        more_due = started >= requested &&
                   worker_.in_flight() < worker_.options().max_in_flight;
        // What is due next, for the sleep below (not needed when looping at once).
        if (!more_due && (started > 0 || !read_first)) {
          next_due = co_await read_next_due();
          store_error = !next_due.ok();
        }
      }
    }

    now = clock_.Now();
    if (worker_.in_flight() > 0 && now - last_renew >= renew_every) {
      auto renewed =
          co_await base::RunBlocking(blocking_, [&] { return worker_.RenewLeases(now); });
      if (!renewed.ok()) spdlog::warn("renewing leases failed: {}", renewed.error().ToLogString());
      last_renew = now;
    } else if (worker_.in_flight() == 0) {
      last_renew = now;
    }
    if (now - last_housekeeping >= options_.housekeeping_every) {
      last_housekeeping = now;
      auto deleted = co_await base::RunBlocking(blocking_, [&]() -> base::Result<int> {
        return store::WriteValue<int>(store_, [&](store::Tx& tx) { return tx.DeleteExpired(now); });
      });
      if (!deleted.ok()) spdlog::warn("housekeeping failed: {}", deleted.error().ToLogString());
      if (options_.extra_housekeeping) co_await options_.extra_housekeeping(now);
    }

    Time wake;
    now = clock_.Now();
    if (store_error) {
      if (!next_due.ok()) spdlog::warn("reading the queue failed: {}", next_due.error().ToLogString());
      wake = now + options_.error_backoff;
    } else {
      bool claimed_all = requested > 0 && started >= requested;
      bool slots_free = worker_.in_flight() < worker_.options().max_in_flight;
      wake = NextWake(now, *next_due, claimed_at, claimed_all, slots_free, worker_.in_flight(),
                      last_renew + renew_every, options_);
    }
    if (wake <= now || state->wake_pending || state->stopping) continue;
    state->timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        wake - now));
    co_await state->timer.async_wait(base::kNoThrow);
  }
  spdlog::info("publishing worker {} stopping", worker_.owner());
  // Let running publishes record their outcome; what does not finish keeps its lease.
  const auto drain_until = std::chrono::steady_clock::now() + options_.drain_timeout;
  while (worker_.in_flight() > 0 && std::chrono::steady_clock::now() < drain_until) {
    state->timer.expires_after(std::chrono::milliseconds(100));
    co_await state->timer.async_wait(base::kNoThrow);
  }
  co_return;
}

}  // namespace herald::core
