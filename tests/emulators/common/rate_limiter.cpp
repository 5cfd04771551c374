#include "tests/emulators/common/rate_limiter.h"

#include <algorithm>

namespace herald::emulators {

RateStatus RateLimiter::Consume(const std::string& key, int points, int limit,
                                std::chrono::seconds window, base::Time now) {
  std::lock_guard lock(mu_);
  if (windows_.size() >= kMaxKeys && windows_.find(key) == windows_.end()) {
    for (auto it = windows_.begin(); it != windows_.end();) {
      it = now >= it->second.start + it->second.length ? windows_.erase(it) : std::next(it);
    }
    if (windows_.size() >= kMaxKeys) windows_.erase(windows_.begin());
  }
  Window& w = windows_[key];
  if (w.length.count() == 0 || now >= w.start + w.length) w = Window{now, 0, window};
  RateStatus status;
  status.limit = limit;
  status.window = window;
  status.reset_at = w.start + w.length;
  if (w.used + points > limit) {
    status.exceeded = true;
    status.remaining = std::max(0, limit - w.used);
    return status;
  }
  w.used += points;
  status.remaining = std::max(0, limit - w.used);
  return status;
}

void RateLimiter::Clear() {
  std::lock_guard lock(mu_);
  windows_.clear();
}

}  // namespace herald::emulators
