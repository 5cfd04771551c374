// AnalyticsFactCache: each organization's analytics posts kept in memory as a FactTable and
// brought up to date from the store on every use by reading only the rows written since (the
// store's analytics revision), so a report over a year of posts costs a scan of memory, not a
// read of every row. Several herald processes on one PostgreSQL stay right: each asks the store
// what changed. Organizations beyond `max_posts` in total are dropped least recently used first;
// an organization larger than that alone is read whole for each use and not kept.
// Thread-safe.
#ifndef HERALD_CORE_ANALYTICS_FACT_CACHE_H_
#define HERALD_CORE_ANALYTICS_FACT_CACHE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "base/result.h"
#include "core/fact_table.h"
#include "store/store.h"

namespace herald::core {

struct AnalyticsFactCacheOptions {
  size_t max_posts = 500'000;  // about 90 MB of facts in all
};

class AnalyticsFactCache {
 public:
  explicit AnalyticsFactCache(store::Store& store, AnalyticsFactCacheOptions options = {});

  // Runs `read` over the organization's posts as the store holds them at the call (later
  // writes are not seen by this call). Concurrent calls for one organization read the same
  // table; a refresh waits for them. Errors: those of the store. Blocking.
  base::Result<void> Read(const std::string& org_id,
                          const std::function<void(const FactTable&)>& read);

  // How many posts are held in memory now, over all organizations.
  size_t held_posts() const;

 private:
  struct Entry {
    std::shared_mutex mu;
    FactTable table;         // guarded by mu
    int64_t revision = -1;   // guarded by mu; -1 = nothing read yet
    uint64_t last_used = 0;  // guarded by AnalyticsFactCache::mu_
    size_t posts = 0;        // guarded by AnalyticsFactCache::mu_
  };

  // Reads the rows written after entry.revision up to `revision`. REQUIRES: entry.mu held
  // exclusively.
  base::Result<void> Refresh(const std::string& org_id, Entry& entry, int64_t revision);
  // Drops least recently used organizations other than `keep` while over max_posts; drops
  // `keep` too when it alone is over. REQUIRES: mu_ held.
  void Evict(const std::string& keep);

  store::Store& store_;
  const AnalyticsFactCacheOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries_;  // guarded by mu_
  uint64_t uses_ = 0;                                                   // guarded by mu_
};

}  // namespace herald::core

#endif  // HERALD_CORE_ANALYTICS_FACT_CACHE_H_
