#include "core/retry_policy.h"

#include <algorithm>
#include <mutex>
#include <random>

namespace herald::core {
namespace {

uint64_t Draw(uint64_t seed, int attempt, uint64_t bound) {
  if (bound == 0) return 0;
  if (seed != 0) {
    std::mt19937_64 gen(seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(attempt));
    return std::uniform_int_distribution<uint64_t>(0, bound)(gen);
  }
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_int_distribution<uint64_t>(0, bound)(gen);
}

}  // namespace

RetryPolicy::RetryPolicy(RetryOptions options) : options_(options) {}

std::chrono::milliseconds RetryPolicy::Backoff(int attempt) const {
  using std::chrono::milliseconds;
  int64_t ceiling = options_.initial.count();
  for (int i = 1; i < attempt && ceiling < options_.cap.count(); ++i) ceiling *= 2;
  ceiling = std::min<int64_t>(ceiling, options_.cap.count());
  auto drawn = static_cast<int64_t>(Draw(options_.seed, attempt, static_cast<uint64_t>(ceiling)));
  return std::max(milliseconds(drawn), options_.min_delay);
}

std::chrono::milliseconds RetryPolicy::Delay(int attempt, const base::Error& error) const {
  if (auto hint = error.retry_after(); hint.has_value()) {
    // The network said when: never earlier. A little jitter spreads a burst of retries.
    auto jitter = std::chrono::milliseconds(
        static_cast<int64_t>(Draw(options_.seed, attempt, 250)));
    return std::max(*hint, std::chrono::milliseconds(0)) + jitter;
  }
  return Backoff(attempt);
}

}  // namespace herald::core
