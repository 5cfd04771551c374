#include "core/analytics_fact_cache.h"

#include <utility>
#include <vector>

namespace herald::core {
namespace {

constexpr int kPageRows = 5000;  // rows read per statement while catching up

}  // namespace

AnalyticsFactCache::AnalyticsFactCache(store::Store& store, AnalyticsFactCacheOptions options)
    : store_(store), options_(options) {}

size_t AnalyticsFactCache::held_posts() const {
  std::lock_guard lock(mu_);
  size_t total = 0;
  for (const auto& [org, entry] : entries_) total += entry->posts;
  return total;
}

base::Result<void> AnalyticsFactCache::Refresh(const std::string& org_id, Entry& entry,
                                               int64_t revision) {
  store::AnalyticsChangeCursor cursor{
      .revision = entry.revision, .account_id = "", .remote_id = ""};
  while (true) {
    std::vector<store::AnalyticsPost> rows;
    HERALD_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> base::Result<void> {
      HERALD_ASSIGN_OR_RETURN(rows,
                              tx.ListAnalyticsPostsChanged(org_id, cursor, revision, kPageRows));
      return base::Ok();
    }));
    for (const store::AnalyticsPost& row : rows) {
      auto normalized = row.metrics.find("normalized");
      entry.table.Upsert(row.account_id, row.remote_id, row.platform, row.published_at,
                         normalized == row.metrics.end()
                             ? MetricValues{}
                             : MetricValues::FromNormalized(*normalized));
    }
    if (rows.size() < static_cast<size_t>(kPageRows)) break;
    const store::AnalyticsPost& last = rows.back();
    cursor = {
        .revision = last.revision, .account_id = last.account_id, .remote_id = last.remote_id};
  }
  entry.table.Seal();
  entry.revision = revision;
  return base::Ok();
}

base::Result<void> AnalyticsFactCache::Read(const std::string& org_id,
                                            const std::function<void(const FactTable&)>& read) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mu_);
    std::shared_ptr<Entry>& slot = entries_[org_id];
    if (!slot) slot = std::make_shared<Entry>();
    slot->last_used = ++uses_;
    entry = slot;
  }
  int64_t revision = 0;
  HERALD_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> base::Result<void> {
    HERALD_ASSIGN_OR_RETURN(revision, tx.GetAnalyticsRevision(org_id));
    return base::Ok();
  }));
  {
    std::shared_lock shared(entry->mu);
    if (entry->revision >= revision) {
      read(entry->table);
      return base::Ok();
    }
  }
  size_t posts = 0;
  {
    std::unique_lock exclusive(entry->mu);
    if (entry->revision < revision) {
      if (auto refreshed = Refresh(org_id, *entry, revision); !refreshed.ok()) {
        // Whatever was applied is still true of the store; the next call reads it again.
        entry->table.Seal();
        return refreshed.error();
      }
    }
    read(entry->table);
    posts = entry->table.size();
  }
  std::lock_guard lock(mu_);
  entry->posts = posts;
  Evict(org_id);
  return base::Ok();
}

void AnalyticsFactCache::Evict(const std::string& keep) {
  size_t total = 0;
  for (const auto& [org, entry] : entries_) total += entry->posts;
  while (total > options_.max_posts) {
    auto victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == keep) continue;
      if (victim == entries_.end() || it->second->last_used < victim->second->last_used) {
        victim = it;
      }
    }
    if (victim == entries_.end()) victim = entries_.find(keep);  // too large alone
    if (victim == entries_.end()) return;
    total -= victim->second->posts;
    entries_.erase(victim);  // readers holding the entry finish with it
  }
}

}  // namespace herald::core
