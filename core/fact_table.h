// FactTable: an organization's measured posts held in memory in a compact form (about 180 bytes
// a post), keyed by (account id, remote id) and ordered by publication time, so a report over a
// year of posts is a scan of an array rather than a read of every row from the store.
// AnalyticsFactCache keeps one per organization up to date; BuildAnalyticsReport builds one
// from given posts. Not thread-safe: writers (Upsert, Seal) need exclusive access; the const
// members may run concurrently.
#ifndef HERALD_CORE_FACT_TABLE_H_
#define HERALD_CORE_FACT_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "core/metric_values.h"

namespace herald::core {

class FactTable {
 public:
  struct Fact {
    int64_t published_us = 0;                // Unix microseconds
    uint32_t account = 0;                    // index for account_id()
    uint32_t platform = 0;                   // index for platform_id()
    const std::string* remote_id = nullptr;  // the network's id of the post (owned by the table)
    MetricValues metrics;
  };

  FactTable() = default;
  FactTable(const FactTable&) = delete;
  FactTable& operator=(const FactTable&) = delete;

  // Inserts the post, or replaces the one with the same (account_id, remote_id). The table
  // must be Sealed before the next ForRange.
  void Upsert(std::string_view account_id, std::string_view remote_id, std::string_view platform,
              base::Time published_at, const MetricValues& metrics);
  // Orders the posts by publication time after Upserts (a no-op when none moved a post).
  void Seal();

  size_t size() const { return facts_.size(); }
  size_t account_count() const { return accounts_.size(); }
  size_t platform_count() const { return platforms_.size(); }
  const std::string& account_id(uint32_t index) const { return accounts_[index]; }
  const std::string& platform_id(uint32_t index) const { return platforms_[index]; }
  // The index of account `id`; nullopt when the table has no post of it.
  std::optional<uint32_t> AccountIndex(std::string_view id) const;

  // Calls fn(fact) for each post published in [from, to), oldest first (ties in a stable
  // order). REQUIRES: Sealed since the last Upsert.
  template <class Fn>
  void ForRange(base::Time from, base::Time to, Fn&& fn) const {
    const int64_t lo = base::ToUnixMicros(from);
    const int64_t hi = base::ToUnixMicros(to);
    for (size_t i = LowerBound(lo); i < order_.size(); ++i) {
      const Fact& fact = facts_[order_[i]];
      if (fact.published_us >= hi) break;
      fn(fact);
    }
  }

 private:
  static uint32_t Intern(std::string_view id, std::vector<std::string>& names,
                         std::unordered_map<std::string, uint32_t>& index);
  size_t LowerBound(int64_t published_us) const;  // first position in order_ at or after

  std::vector<Fact> facts_;
  std::vector<uint32_t> order_;  // indexes into facts_, by published_us
  bool sealed_ = true;
  std::vector<std::string> accounts_;
  std::unordered_map<std::string, uint32_t> account_index_;
  std::vector<std::string> platforms_;
  std::unordered_map<std::string, uint32_t> platform_index_;
  // Per account: remote id -> index into facts_. Node-based, so the keys Fact::remote_id points
  // at never move.
  std::vector<std::unordered_map<std::string, uint32_t>> by_remote_id_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_FACT_TABLE_H_
