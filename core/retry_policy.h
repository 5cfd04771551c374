// RetryPolicy: when to try a failed publish again.
//
// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
// Jitter"): the n-th retry waits a uniformly random time in [0, min(cap, initial * 2^(n-1))],
// at least `min_delay`. A retry_after carried by the error (Retry-After, rate-limit headers)
// takes precedence over the computed delay. After max_attempts sends the target fails.
// Immutable after construction; Delay() is thread-safe (each call draws from a thread-local
// generator unless a seed is given).
#ifndef HERALD_CORE_RETRY_POLICY_H_
#define HERALD_CORE_RETRY_POLICY_H_

#include <chrono>
#include <cstdint>
#include <optional>

#include "base/clock.h"
#include "base/error.h"

namespace herald::core {

struct RetryOptions {
  std::chrono::milliseconds initial{2'000};
  std::chrono::milliseconds cap{10 * 60'000};
  std::chrono::milliseconds min_delay{250};
  int max_attempts = 8;            // sends of one target before it fails
  int max_reconcile_attempts = 6;  // "cannot tell yet" answers before a target is `unknown`
  // Deterministic jitter for tests; 0 = random.
  uint64_t seed = 0;
};

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryOptions options = {});

  const RetryOptions& options() const { return options_; }

  // The wait before retry number `attempt` (1 = the first retry) after `error`.
  std::chrono::milliseconds Delay(int attempt, const base::Error& error) const;
  // The wait from backoff alone.
  std::chrono::milliseconds Backoff(int attempt) const;

  // True if a target that was sent `attempts` times may be sent again.
  bool MayRetry(int attempts) const { return attempts < options_.max_attempts; }

 private:
  RetryOptions options_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_RETRY_POLICY_H_
