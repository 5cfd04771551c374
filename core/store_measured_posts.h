// StoreMeasuredPosts: the MeasuredPostSource of a running herald: the store's analytics posts
// (herald's published targets and the imported history) with their latest normalised metrics.
// Reports aggregate over an AnalyticsFactCache (each organization's posts in memory, caught up
// with the store on every report), then read the few top posts' rows.
#ifndef HERALD_CORE_STORE_MEASURED_POSTS_H_
#define HERALD_CORE_STORE_MEASURED_POSTS_H_

#include "core/analytics_fact_cache.h"
#include "core/measured_posts.h"
#include "store/store.h"

namespace herald::core {

class StoreMeasuredPosts final : public MeasuredPostSource {
 public:
  explicit StoreMeasuredPosts(store::Store& store, AnalyticsFactCacheOptions cache = {})
      : store_(store), facts_(store, cache) {}
  // Reads Tx::ListAnalyticsPosts; a post's metrics are its sample's "normalized" object (numbers
  // only). With a limit, the newest `limit` posts. Thread-safe.
  base::Result<std::vector<ReportPost>> MeasuredPosts(const MeasuredPostQuery& query) override;
  // AggregateAnalyticsReport over the organization's cached facts; the top posts' ids and urls
  // from their rows. Thread-safe.
  base::Result<AnalyticsReport> Report(const std::string& org_id,
                                       const std::vector<std::string>& account_ids,
                                       const ReportOptions& options) override;

  // How many posts the fact cache holds (for tests and operators).
  size_t cached_posts() const { return facts_.held_posts(); }

 private:
  store::Store& store_;
  AnalyticsFactCache facts_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_STORE_MEASURED_POSTS_H_
