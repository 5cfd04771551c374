// AnalyticsCollector: measures published targets and connected accounts over time
// (core/analytics_plan.h says when), imports each account's history, and stores what it reads
// as samples {"normalized", "raw"} (core/metric_names.h).
//
// Runs beside the publishing workers and shares their per-network rate budget through
// RateLimiter::TryAcquireSpare, so a measurement only spends what publishing leaves over: when
// the budget is short the entry is deferred, not counted as a failure. A network that does not
// report a kind of metric leaves the plan at the first try (nothing stored, no retries). A
// failed fetch is retried with a growing delay (retry_initial, doubling, at most retry_max);
// after max_failures in a row a target's measurement is skipped to its next planned time.
//
// Steppable: RunOnce(now) claims what is due at `now` and measures it on a private io_context
// (tests, with a FakeClock). In production Loop() runs on the workers' executor. Refresh*
// measure at once for refresh_analytics. Thread-safe.
#ifndef HERALD_CORE_ANALYTICS_COLLECTOR_H_
#define HERALD_CORE_ANALYTICS_COLLECTOR_H_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/async.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "core/credential_source.h"
#include "core/rate_limiter.h"
#include "platforms/platform_registry.h"
#include "store/store.h"

namespace herald::core {

using base::Json;
using base::Result;
using base::Task;

struct CollectorOptions {
  std::string owner;  // lease owner, unique per process ("col_<random>" when empty)
  std::chrono::milliseconds lease_for{300'000};
  int claim_batch = 4;  // entries measured per round, one after the other
  // Share of each network's burst left to publishing (RateLimiter::TryAcquireSpare).
  double publish_reserve = 0.5;
  std::chrono::minutes spread{10};  // plan times are pushed by a stable offset below this
  std::chrono::minutes retry_initial{15};
  std::chrono::hours retry_max{24};
  int max_failures = 5;
  std::chrono::hours history_window{24 * 90};
  int history_max_posts = 500;
  int history_every_days = 7;  // the account's daily measurement re-imports every N days
  // The production loop: wakes at the next due entry, at most this long after the last round.
  std::chrono::milliseconds max_sleep{60'000};
  std::chrono::milliseconds sweep_every{300'000};  // newly connected accounts enter the plan
  int refresh_max_targets = 20;                    // refresh_analytics of one post
  int refresh_max_accounts = 20;                   // refresh_analytics of a whole organization
};

struct CollectStats {
  int claimed = 0;
  int measured = 0;  // samples stored
  int imported = 0;  // history posts stored
  int deferred = 0;  // put off for the rate budget
  int failed = 0;    // fetches that failed (retried later)
  int dropped = 0;   // entries that left the plan (end of plan, unsupported, gone)
};

class AnalyticsCollector {
 public:
  // `limiter` is the publishing workers' (PublishWorker::rate_limiter()). All outlive this.
  AnalyticsCollector(store::Store& store, const platforms::PlatformRegistry& platforms,
                     CredentialSource& credentials, const base::Clock& clock,
                     base::asio::thread_pool& blocking, RateLimiter& limiter,
                     CollectorOptions options = {});
  ~AnalyticsCollector();

  const CollectorOptions& options() const { return options_; }

  // Puts every active account of every organization that is not in the plan yet into it, due
  // at `now` (its first measurement imports its history). Returns how many were added.
  Result<int> PlanAccounts(base::Time now);

  // Claims the entries due at `now` and measures them (one round). Blocking: runs a private
  // io_context, or `io` (restarted and run until the round is done).
  Result<CollectStats> RunOnce(base::Time now);
  Result<CollectStats> RunOnce(base::Time now, base::asio::io_context& io);
  // The same round as a coroutine.
  Task<Result<CollectStats>> Collect(base::Time now);

  // refresh_analytics: measures now, within the rate budget, and returns what was updated:
  // {"updated": [{"kind": "post"|"account"|"history", "account_id", "platform",
  //   "target_id"?, "status": "updated"|"deferred"|"unsupported"|"failed", "error"?,
  //   "imported"?}]}. RefreshPost: the post's published targets (at most
  // refresh_max_targets). RefreshAccount: the account's numbers and its history.
  // RefreshOrganization: RefreshAccount for each active account (at most refresh_max_accounts).
  // Errors: kNotFound for a post or account of another organization (or none).
  Task<Result<Json>> RefreshPost(std::string org_id, std::string post_id);
  Task<Result<Json>> RefreshAccount(std::string org_id, std::string account_id);
  Task<Result<Json>> RefreshOrganization(std::string org_id);

  // The production loop (sweep, round, sleep until the next due entry, at most max_sleep);
  // returns at its next wake after Stop().
  Task<void> Loop();
  void Stop();

  CollectStats stats() const;

  // What one measurement came to (defined and used in analytics_collector.cpp only).
  struct Outcome;

 private:
  Task<Outcome> Measure(store::CollectionTask task, base::Time now);
  Task<Outcome> MeasureTarget(const store::Account& account, platforms::Platform& platform,
                              const store::CollectionTask& task, base::Time now);
  Task<Outcome> MeasureAccount(const store::Account& account, platforms::Platform& platform,
                               const store::CollectionTask& task, bool with_history,
                               base::Time now);
  Task<Outcome> ImportHistory(const store::Account& account, platforms::Platform& platform,
                              base::Time now);
  // Settles `task` after `outcome`: next stage, retry later, or out of the plan.
  Task<void> Settle(store::CollectionTask task, const Outcome& outcome, base::Time now);
  // Deferred (until the budget allows) when publishing needs what is left of the network's
  // rate budget; nullopt when a token was taken.
  std::optional<Outcome> TakeBudget(platforms::Platform& platform, base::Time now);
  Task<Result<platforms::AccountContext>> Open(const store::Account& account);
  Task<Result<void>> Write(std::function<Result<void>(store::Tx&)> fn);

  store::Store& store_;
  const platforms::PlatformRegistry& platforms_;
  CredentialSource& credentials_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  RateLimiter& limiter_;
  CollectorOptions options_;

  mutable std::mutex mu_;
  CollectStats stats_;
  std::atomic<bool> stopping_{false};
};

}  // namespace herald::core

#endif  // HERALD_CORE_ANALYTICS_COLLECTOR_H_
