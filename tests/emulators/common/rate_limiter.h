// RateLimiter: fixed-window request counting per key, as the networks do it ("300 requests per
// 5 minutes per token"). Emulators consume points per request and answer 429 the network's way
// when a window is exhausted; they also report the numbers in rate-limit headers. Time comes
// from the emulator's Clock, so tests can move past a window. Bounded (kMaxKeys, expired
// windows are evicted first); thread-safe.
#ifndef HERALD_TESTS_EMULATORS_COMMON_RATE_LIMITER_H_
#define HERALD_TESTS_EMULATORS_COMMON_RATE_LIMITER_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.h"

namespace herald::emulators {

struct RateStatus {
  int limit = 0;
  int remaining = 0;      // after this request (never below 0)
  base::Time reset_at{};  // when the current window ends
  std::chrono::seconds window{0};
  bool exceeded = false;  // this request is over the limit (not counted)
};

class RateLimiter {
 public:
  static constexpr size_t kMaxKeys = 10'000;

  // Counts `points` against `key` in a window of `window` starting at the key's first request.
  RateStatus Consume(const std::string& key, int points, int limit, std::chrono::seconds window,
                     base::Time now);
  void Clear();

 private:
  struct Window {
    base::Time start{};
    int used = 0;
    std::chrono::seconds length{0};
  };
  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_RATE_LIMITER_H_
