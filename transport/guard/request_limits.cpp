#include "transport/guard/request_limits.h"

#include <utility>

namespace herald::transport {

RequestLimits::RequestLimits(core::RateBudgets per_role, const base::Clock& clock)
    : per_role_(std::move(per_role)), clock_(clock) {}

core::RateBudget RequestLimits::BudgetOf(std::string_view role) const {
  auto it = per_role_.per_key.find(role);
  return it == per_role_.per_key.end() ? per_role_.fallback : it->second;
}

std::optional<std::chrono::milliseconds> RequestLimits::Take(const base::Caller& caller) {
  if (caller.key_id.empty()) return std::nullopt;
  std::string_view role = base::RoleName(caller.role);
  const core::RateBudget budget = BudgetOf(role);
  if (budget.rate <= 0) return std::nullopt;
  // One bucket per key and role, so a key whose role changes starts on its new budget.
  std::string bucket = std::string(role) + "/" + caller.key_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (seen_.insert(bucket).second) limiter_.SetBudget(bucket, budget);
  }
  const base::Time now = clock_.Now();
  std::optional<base::Time> next = limiter_.TryAcquire(bucket, now);
  if (!next) return std::nullopt;
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - now);
  return std::max(wait, std::chrono::milliseconds(1));
}

}  // namespace herald::transport
