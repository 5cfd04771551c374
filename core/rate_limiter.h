// RateLimiter: a token bucket per key (a network id), so one herald process never sends more
// than a configured budget to a network, whatever the queue holds.
//
// Each bucket refills at `rate` tokens per second up to `burst`. Time comes from the caller
// (steppable in tests). Keys without an explicit budget use the default budget; a rate <= 0
// means unlimited. Thread-safe.
#ifndef HERALD_CORE_RATE_LIMITER_H_
#define HERALD_CORE_RATE_LIMITER_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/clock.h"
#include "base/result.h"

namespace herald::core {

struct RateBudget {
  double rate = 0;   // tokens per second; <= 0 = unlimited
  double burst = 1;  // bucket size
};

// Budgets per key plus a default ("*").
struct RateBudgets {
  RateBudget fallback;
  std::map<std::string, RateBudget, std::less<>> per_key;

  // Parses "mastodon=300/600,telegram=30,*=50" (rate[/burst] per key; "*" = default; empty =
  // unlimited). Errors: kInvalidArgument naming the bad entry.
  static base::Result<RateBudgets> Parse(std::string_view spec);
};

class RateLimiter {
 public:
  explicit RateLimiter(RateBudgets budgets = {}) : budgets_(std::move(budgets)) {}

  // Sets the budget for `key` (replacing the bucket).
  void SetBudget(std::string_view key, RateBudget budget);

  // Takes one token for `key` at `now`. Returns nullopt if granted, or the earliest time a
  // token will be available (nothing taken).
  std::optional<base::Time> TryAcquire(std::string_view key, base::Time now);

  // Reserves the next token for `key`: returns `now` if one is available, else the time the
  // reserved token becomes available (the bucket goes into debt, so successive reservations
  // get successive slots instead of all waking at the same moment). The caller must not
  // acquire again for what it reserved.
  base::Time Reserve(std::string_view key, base::Time now);

  // Background work that must never delay publishing (analytics collection): takes one token
  // for `key` only when `keep` of the bucket's burst (0..1) would still be left for publishing
  // afterwards. Returns nullopt if granted, or the earliest time it may ask again (nothing
  // taken). Unlimited keys always grant.
  std::optional<base::Time> TryAcquireSpare(std::string_view key, base::Time now, double keep);

 private:
  struct Bucket {
    RateBudget budget;
    double tokens = 0;
    base::Time updated;
    bool fresh = true;
  };
  Bucket& BucketFor(std::string_view key);
  void Refill(Bucket& bucket, base::Time now);

  std::mutex mu_;
  RateBudgets budgets_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_RATE_LIMITER_H_
