#include "core/rate_limiter.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace herald::core {

void RateLimiter::SetBudget(std::string_view key, RateBudget budget) {
  std::lock_guard lock(mu_);
  budgets_.per_key[std::string(key)] = budget;
  buckets_.erase(std::string(key));
}

RateLimiter::Bucket& RateLimiter::BucketFor(std::string_view key) {
  auto it = buckets_.find(key);
  if (it != buckets_.end()) return it->second;
  Bucket bucket;
  auto b = budgets_.per_key.find(key);
  bucket.budget = b != budgets_.per_key.end() ? b->second : budgets_.fallback;
  return buckets_.emplace(std::string(key), bucket).first->second;
}

void RateLimiter::Refill(Bucket& bucket, base::Time now) {
  double burst = std::max(1.0, bucket.budget.burst);
  if (bucket.fresh) {
    bucket.tokens = burst;
    bucket.updated = now;
    bucket.fresh = false;
  } else if (now > bucket.updated) {
    double seconds = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(burst, bucket.tokens + seconds * bucket.budget.rate);
    bucket.updated = now;
  }
}

base::Time RateLimiter::Reserve(std::string_view key, base::Time now) {
  std::lock_guard lock(mu_);
  Bucket& bucket = BucketFor(key);
  if (bucket.budget.rate <= 0) return now;
  Refill(bucket, now);
  bucket.tokens -= 1.0;
  if (bucket.tokens >= 0.0) return now;
  double wait_s = -bucket.tokens / bucket.budget.rate;
  return now + base::Micros(static_cast<int64_t>(std::ceil(wait_s * 1e6)));
}

std::optional<base::Time> RateLimiter::TryAcquire(std::string_view key, base::Time now) {
  std::lock_guard lock(mu_);
  Bucket& bucket = BucketFor(key);
  if (bucket.budget.rate <= 0) return std::nullopt;
  Refill(bucket, now);
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  double wait_s = (1.0 - bucket.tokens) / bucket.budget.rate;
  return now + base::Micros(static_cast<int64_t>(std::ceil(wait_s * 1e6)));
}

std::optional<base::Time> RateLimiter::TryAcquireSpare(std::string_view key, base::Time now,
                                                       double keep) {
  std::lock_guard lock(mu_);
  Bucket& bucket = BucketFor(key);
  if (bucket.budget.rate <= 0) return std::nullopt;
  Refill(bucket, now);
  // Publishing reserves into debt (Reserve): tokens < 0 means it is queued for the budget.
  // A bucket of one token cannot keep any back: it lends its only token when full.
  const double floor = std::max(
      0.0, std::min(std::clamp(keep, 0.0, 1.0) * bucket.budget.burst, bucket.budget.burst - 1.0));
  if (bucket.tokens - 1.0 >= floor) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  double wait_s = (floor + 1.0 - bucket.tokens) / bucket.budget.rate;
  return now + base::Micros(static_cast<int64_t>(std::ceil(wait_s * 1e6)));
}

base::Result<RateBudgets> RateBudgets::Parse(std::string_view spec) {
  RateBudgets out;
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view entry = spec.substr(pos, end - pos);
    pos = end + 1;
    if (entry.empty()) continue;
    auto bad = [&] {
      return base::InvalidArgument("rate budget '" + std::string(entry) +
                                   "' is not NETWORK=RATE[/BURST] (e.g. mastodon=5/20)");
    };
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) return bad();
    std::string key(entry.substr(0, eq));
    std::string_view value = entry.substr(eq + 1);
    size_t slash = value.find('/');
    RateBudget budget;
    auto parse = [](std::string_view text, double& number) {
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      return ec == std::errc() && ptr == text.data() + text.size();
    };
    if (!parse(value.substr(0, slash), budget.rate)) return bad();
    budget.burst = std::max(1.0, budget.rate);
    if (slash != std::string_view::npos && !parse(value.substr(slash + 1), budget.burst)) {
      return bad();
    }
    if (key == "*") {
      out.fallback = budget;
    } else {
      out.per_key[key] = budget;
    }
  }
  return out;
}

}  // namespace herald::core
