// Scheduler: the loop that drives a PublishWorker in a running herald.
//
// It sleeps until the earliest due job (Tx::NextDueTime), woken early by the store's
// jobs-changed callback (an in-process signal on SQLite, LISTEN/NOTIFY on PostgreSQL) and when
// one of its own jobs finishes; claims due jobs with a lease (bounded by the worker's
// max_in_flight); renews the leases of running publishes every lease_for/3; and once an hour
// deletes expired idempotency records and OAuth states. It never sleeps longer than max_sleep,
// so a lost notification costs at most that much delay. The loop runs on a strand of the given
// executor; publishes run on the executor itself. Start/Stop/Wake are thread-safe.
//
// The decision of when to wake next is the pure function NextWake (unit-tested); the claiming
// and publishing is PublishWorker::RunOnce/ClaimAndStart (steppable).
#ifndef HERALD_CORE_SCHEDULER_H_
#define HERALD_CORE_SCHEDULER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "base/async.h"
#include "base/clock.h"
#include "core/publish_worker.h"
#include "store/store.h"

namespace herald::core {

struct SchedulerOptions {
  std::chrono::milliseconds max_sleep{30'000};
  // When jobs are due but none could be claimed (their accounts are busy in another process,
  // or every slot is taken), look again after this long.
  std::chrono::milliseconds busy_poll{200};
  std::chrono::milliseconds error_backoff{1'000};  // after a store error
  std::chrono::milliseconds housekeeping_every{3'600'000};
  std::chrono::milliseconds drain_timeout{10'000};  // Stop waits this long for running jobs
  // More housekeeping run with the store's (e.g. removing unused media); may be empty.
  std::function<base::Task<void>(base::Time now)> extra_housekeeping;
};

// When the loop should next look at the queue. `next_due` is the earliest due time in the
// store (nullopt when the queue is empty), read after the last claim, which looked at the queue
// as of `claimed_at`: a job due by then and not claimed is blocked (its account is busy, or no
// slot was free) and is polled for; one that became due after it is claimable now.
// `claimed_all` is true when the last claim filled every requested slot (more may be due right
// now); `in_flight` jobs need lease renewal at `renew_at`.
base::Time NextWake(base::Time now, std::optional<base::Time> next_due, base::Time claimed_at,
                    bool claimed_all, bool slots_free, int in_flight, base::Time renew_at,
                    const SchedulerOptions& options);

class Scheduler {
 public:
  // Publishes run on `executor`; blocking store calls on `blocking`. Both outlive the scheduler.
  Scheduler(store::Store& store, PublishWorker& worker, const base::Clock& clock,
            base::asio::any_io_executor executor, base::asio::thread_pool& blocking,
            SchedulerOptions options = {});
  ~Scheduler();  // Stop()

  // Registers the jobs-changed callback and starts the loop. Call once.
  void Start();
  // Stops claiming, waits up to drain_timeout for running publishes (what is left keeps its
  // lease and is taken over after it expires), and unregisters the callback. Idempotent.
  void Stop();
  // Look at the queue now (thread-safe, cheap).
  void Wake();

 private:
  struct State;
  base::Task<void> Loop(std::shared_ptr<State> state);

  store::Store& store_;
  PublishWorker& worker_;
  const base::Clock& clock_;
  base::asio::any_io_executor executor_;
  base::asio::thread_pool& blocking_;
  SchedulerOptions options_;
  std::shared_ptr<State> state_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_SCHEDULER_H_
