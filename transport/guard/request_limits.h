// RequestLimits: per-API-key request rate limits, with a budget per role (HERALD_REQUEST_RATES,
// e.g. "*=20/100,admin=0": 20 requests a second with bursts of 100 for every role but admin,
// which is unlimited). Each key has its own token bucket (core::RateLimiter); a request over it
// is answered 429 with Retry-After by HttpGuard (a JSON-RPC error naming the wait on /mcp).
// Requests without a key (the local operator, --auth none) are not limited. Thread-safe.
#ifndef HERALD_TRANSPORT_GUARD_REQUEST_LIMITS_H_
#define HERALD_TRANSPORT_GUARD_REQUEST_LIMITS_H_

#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "base/caller.h"
#include "base/clock.h"
#include "core/rate_limiter.h"

namespace herald::transport {

class RequestLimits {
 public:
  // `per_role`: budgets keyed by role name ("viewer", "editor", "admin", ...; "*" for the
  // rest). `clock` must outlive this object.
  RequestLimits(core::RateBudgets per_role, const base::Clock& clock);

  // Takes one request from `caller`'s key. nullopt when allowed; otherwise how long until the
  // key may make its next request (nothing taken).
  std::optional<std::chrono::milliseconds> Take(const base::Caller& caller);

  // The budget of `role` (rate <= 0: unlimited).
  core::RateBudget BudgetOf(std::string_view role) const;

 private:
  const core::RateBudgets per_role_;
  const base::Clock& clock_;
  core::RateLimiter limiter_;
  std::mutex mu_;
  std::set<std::string, std::less<>> seen_;  // buckets given their role's budget
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_GUARD_REQUEST_LIMITS_H_
