// PublishWorker: takes due publish and delete jobs from the durable queue; delivers each post
// target to its network exactly once, and removes a published target when delete_post asked
// (publish_worker_delete.cpp). What each claim does next is decided by the pure state machine in
// attempt_decision.h; the worker only performs the effects it names. See the block comment at
// the top of publish_worker.cpp for how "exactly once" is achieved; in short: a stable identity
// per target, a durable `publishing` mark before sending, outcome + job completion in one
// transaction fenced by the lease, and reconciliation before anything is sent again after an
// interruption.
//
// Steppable: RunOnce(now) claims what is due at `now` and processes it to completion on a
// private io_context (tests, with a FakeClock). In production the Scheduler calls
// ClaimAndStart() from its loop and RenewLeases() periodically; processing then runs on the
// executor given to ClaimAndStart. Bounded: at most max_in_flight jobs at a time. Thread-safe.
#ifndef HERALD_CORE_PUBLISH_WORKER_H_
#define HERALD_CORE_PUBLISH_WORKER_H_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "base/async.h"
#include "base/clock.h"
#include "base/result.h"
#include "core/account_pacing.h"
#include "core/attempt_decision.h"
#include "core/credential_source.h"
#include "core/media_preparer.h"
#include "core/rate_limiter.h"
#include "core/retry_policy.h"
#include "platforms/platform_registry.h"
#include "store/store.h"

namespace herald::core {

using base::Result;
using base::Task;

struct WorkerOptions {
  // Lease owner id, unique per process ("wrk_<random>" when empty).
  std::string owner;
  // How long a claim lasts; renewed every lease_for/3 while a publish runs. A crashed process's
  // jobs are taken over after this long.
  std::chrono::milliseconds lease_for{60'000};
  // Longest one network call (Publish or Find) may take before its outcome counts as unknown.
  // Also how long a taken-over `publishing` target waits before being reconciled, so an
  // attempt still in flight elsewhere cannot race the check. Must be < lease_for.
  std::chrono::milliseconds publish_timeout{45'000};
  int max_in_flight = 32;  // concurrent publishes in this process
  int claim_batch = 32;    // jobs per claim
  RetryOptions retry;
  RateBudgets rates;       // per network; default unlimited
  // When set, the worker spends this limiter's budget instead of its own `rates`: one budget
  // per network shared with background work (the analytics collector takes only what is spare,
  // RateLimiter::TryAcquireSpare, so publishing always wins). Outlives the worker.
  RateLimiter* shared_limiter = nullptr;
  // How many times the store write that records an outcome is retried when the database is
  // busy (kUnavailable) before the job is left to its lease.
  int store_retries = 3;
  // Per-account pacing (account_pacing.h): a publish that would break it waits, saying why.
  // Off by default here; herald serve uses HERALD_ACCOUNT_PACING (kDefaultPacing). An
  // account's own override (set_account_pacing) replaces the parts it gives.
  PacingRules pacing;
};

struct WorkerStats {
  int64_t claimed = 0;
  int64_t published = 0;
  int64_t failed = 0;
  int64_t unknown = 0;
  int64_t retried = 0;     // transient errors rescheduled
  int64_t reconciled = 0;  // interrupted attempts resolved by Find
  int64_t lease_lost = 0;  // outcomes not recorded because another worker took the job
  int64_t abandoned = 0;   // processing stopped by an exception (left to the lease)
  int64_t deleted = 0;         // published targets removed from their networks
  int64_t delete_failed = 0;   // deletions ended as failed
};

class PublishWorker {
 public:
  PublishWorker(store::Store& store, const platforms::PlatformRegistry& platforms,
                CredentialSource& credentials, const base::Clock& clock,
                base::asio::thread_pool& blocking, WorkerOptions options = {});
  ~PublishWorker();

  const std::string& owner() const { return options_.owner; }
  const WorkerOptions& options() const { return options_; }

  // Makes media ready for each network just before a send (conversion, signed URLs, bytes).
  // Without one (tests of the queue alone) media goes as loaded: bytes of rows that hold them.
  // Set before the worker runs; `preparer` outlives the worker.
  void SetMediaPreparer(MediaPreparer* preparer) { media_ = preparer; }

  // Claims the jobs due at `now` (at most the free slots) and processes them to completion on a
  // private io_context. Returns how many jobs were claimed. An exception escaping a job's
  // processing (a simulated crash in tests) abandons that job exactly like a crash: nothing
  // more is written and its lease expires.
  Result<int> RunOnce(base::Time now);
  // The same on `io`, which the caller keeps (e.g. because an HTTPS client pools connections
  // of its executor); runs it until this round's jobs are done (io.restart() + io.run()).
  Result<int> RunOnce(base::Time now, base::asio::io_context& io);

  // Claims due jobs (at most the free slots) and starts processing each on `executor`; returns
  // how many were started. `on_done` is called (on `executor`) after each job finishes.
  Task<Result<int>> ClaimAndStart(base::Time now, base::asio::any_io_executor executor,
                                  std::function<void()> on_done);

  // Extends the lease of every job in flight to now + lease_for, each in its own short
  // transaction. Returns how many were extended (a lost lease is skipped); an error only when a
  // store failure left none extended.
  Result<int> RenewLeases(base::Time now);

  int in_flight() const;
  WorkerStats stats() const;

 private:
  struct Attempt;
  enum class Outcome { kDone, kLeaseLost, kAbandoned };

  // Claims due jobs and, in the same transaction, reads what each needs (LoadAttempt).
  Result<std::vector<Attempt>> Claim(base::Time now);
  // Fills `a` (its job set) from the store: target, post, account, content with media.
  // Under `pacing` (with the account's override), also when the account's posts of the day
  // before `now` were published.
  static Result<void> LoadAttempt(store::Tx& tx, Attempt& a, const PacingRules& pacing,
                                  base::Time now);
  // Runs the attempt decision (attempt_decision.h) to its end, applying each step's effect.
  Task<void> Process(Attempt a);
  // The same for a delete job (publish_worker_delete.cpp).
  Task<void> ProcessDelete(Attempt& a);
  // What the decision needs to know about `a` at the start of its processing.
  AttemptFacts FactsOf(const Attempt& a);
  // Performs a gathering step (kTakeRateSlot, kOpenCredentials) into `f` (the opened
  // credentials into `account`); false for any other step.
  Task<bool> Gather(Attempt& a, AttemptStep step, AttemptFacts& f,
                    std::optional<platforms::AccountContext>& account);
  // The request for `a`'s target, with a lease-fenced save_remote_state and report_progress.
  platforms::PublishRequest MakeRequest(const Attempt& a, platforms::AccountContext account);
  // Publish, given up as kUnknown after publish_timeout without a sign of life in `alive`.
  Task<Result<platforms::PublishReceipt>> PublishWithTimeout(
      platforms::Platform& platform, platforms::PublishRequest request,
      std::shared_ptr<std::atomic<int64_t>> alive);
  Task<Result<std::optional<platforms::PublishReceipt>>> FindWithTimeout(
      platforms::Platform& platform, platforms::PublishRequest request);

  // Store writes, each one transaction (group commit), fenced by the job's lease.
  Task<Result<void>> Commit(std::function<Result<void>(store::Tx&)> fn);
  Task<Result<void>> MarkPublishing(Attempt& a);
  Task<void> RecordPublished(Attempt& a, const platforms::PublishReceipt& receipt);
  Task<void> RecordFailed(Attempt& a, const std::string& reason, bool needs_reauth);
  Task<void> RecordUnknown(Attempt& a, std::string reason);
  Task<void> RecordRetry(Attempt& a, const AttemptDecision& d);
  Task<void> RecordCheckLater(Attempt& a, const AttemptDecision& d);
  // Back to the queue at `run_at`, saying why on the target. `hold_account` (pacing): the
  // account's other due publishes wait until then too.
  Task<void> Postpone(Attempt& a, base::Time run_at, std::string reason, bool hold_account = false);
  Task<void> FinishJob(Attempt& a);
  // Delete jobs (publish_worker_delete.cpp), each fenced by the lease like the above.
  Task<Result<void>> MarkDeleting(Attempt& a);
  Task<Result<void>> DeleteWithTimeout(platforms::Platform& platform,
                                       platforms::AccountContext account,
                                       platforms::PublishReceipt receipt);
  Task<void> RecordDeleted(Attempt& a);
  Task<void> RecordDeleteRetry(Attempt& a, const AttemptDecision& d);
  Task<void> RecordDeleteFailed(Attempt& a, const std::string& reason, bool needs_reauth);

  void Forget(const std::string& job_id);
  std::optional<base::Time> AccountNotBefore(const std::string& account_id, base::Time now);
  void SetAccountNotBefore(const std::string& account_id, base::Time t);
  // True if the job may send now under the network's rate budget; otherwise `*later` is the
  // slot reserved for it (the job is postponed to it and does not pay again).
  bool TakeRateSlot(const std::string& job_id, const std::string& network, base::Time now,
                    base::Time* later);

  store::Store& store_;
  const platforms::PlatformRegistry& platforms_;
  CredentialSource& credentials_;
  MediaPreparer* media_ = nullptr;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  WorkerOptions options_;
  RetryPolicy retry_;
  RateLimiter limiter_;

  mutable std::mutex mu_;
  std::set<std::string> in_flight_;                      // job ids
  std::map<std::string, base::Time> account_not_before_;  // after a 429 with retry_after
  std::map<std::string, base::Time> reserved_;  // job id -> its rate-budget slot (paid)
  WorkerStats stats_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_PUBLISH_WORKER_H_
