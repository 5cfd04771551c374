#include "transport/guard/body_budget.h"

#include <algorithm>
#include <utility>

namespace herald::transport {

BodyBudget::Lease::Lease(Lease&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)),
      key_(std::move(other.key_)),
      bytes_(std::exchange(other.bytes_, 0)) {}

BodyBudget::Lease& BodyBudget::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (budget_ != nullptr) budget_->Release(key_, bytes_);
    budget_ = std::exchange(other.budget_, nullptr);
    key_ = std::move(other.key_);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

BodyBudget::Lease::~Lease() {
  if (budget_ != nullptr) budget_->Release(key_, bytes_);
}

std::optional<BodyBudget::Lease> BodyBudget::TryAcquire(std::string_view key, size_t bytes) {
  if (per_key_bytes_ == 0 || bytes == 0) return Lease(nullptr, {}, 0);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = in_flight_.find(std::string(key));
  size_t held = it == in_flight_.end() ? 0 : it->second;
  if (held > 0 && (bytes > per_key_bytes_ || held > per_key_bytes_ - bytes)) return std::nullopt;
  if (it == in_flight_.end()) {
    in_flight_.emplace(std::string(key), bytes);
  } else {
    it->second += bytes;
  }
  return Lease(this, std::string(key), bytes);
}

size_t BodyBudget::in_flight(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = in_flight_.find(std::string(key));
  return it == in_flight_.end() ? 0 : it->second;
}

void BodyBudget::Release(const std::string& key, size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = in_flight_.find(key);
  if (it == in_flight_.end()) return;
  it->second -= std::min(bytes, it->second);
  if (it->second == 0) in_flight_.erase(it);
}

}  // namespace herald::transport
