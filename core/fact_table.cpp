#include "core/fact_table.h"

#include <algorithm>

namespace herald::core {

uint32_t FactTable::Intern(std::string_view id, std::vector<std::string>& names,
                           std::unordered_map<std::string, uint32_t>& index) {
  auto [it, inserted] = index.try_emplace(std::string(id), static_cast<uint32_t>(names.size()));
  if (inserted) names.emplace_back(id);
  return it->second;
}

std::optional<uint32_t> FactTable::AccountIndex(std::string_view id) const {
  auto it = account_index_.find(std::string(id));
  if (it == account_index_.end()) return std::nullopt;
  return it->second;
}

void FactTable::Upsert(std::string_view account_id, std::string_view remote_id,
                       std::string_view platform, base::Time published_at,
                       const MetricValues& metrics) {
  const uint32_t account = Intern(account_id, accounts_, account_index_);
  if (by_remote_id_.size() < accounts_.size()) by_remote_id_.resize(accounts_.size());
  const int64_t published_us = base::ToUnixMicros(published_at);
  auto [it, inserted] = by_remote_id_[account].try_emplace(std::string(remote_id),
                                                           static_cast<uint32_t>(facts_.size()));
  if (inserted) {
    facts_.push_back({.published_us = published_us,
                      .account = account,
                      .platform = Intern(platform, platforms_, platform_index_),
                      .remote_id = &it->first,
                      .metrics = metrics});
    // A post newer than every other (the usual case) keeps the order.
    if (!order_.empty() && facts_[order_.back()].published_us > published_us) sealed_ = false;
    order_.push_back(it->second);
    return;
  }
  Fact& fact = facts_[it->second];
  if (fact.published_us != published_us) sealed_ = false;
  fact.published_us = published_us;
  fact.platform = Intern(platform, platforms_, platform_index_);
  fact.metrics = metrics;
}

void FactTable::Seal() {
  // A large first load leaves up to half of each array unused: give it back.
  if (facts_.capacity() > facts_.size() + facts_.size() / 4 + 1024) {
    facts_.shrink_to_fit();
    order_.shrink_to_fit();
  }
  if (sealed_) return;
  std::stable_sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    return facts_[a].published_us < facts_[b].published_us;
  });
  sealed_ = true;
}

size_t FactTable::LowerBound(int64_t published_us) const {
  auto it = std::lower_bound(order_.begin(), order_.end(), published_us,
                             [&](uint32_t i, int64_t t) { return facts_[i].published_us < t; });
  return static_cast<size_t>(it - order_.begin());
}

}  // namespace herald::core
