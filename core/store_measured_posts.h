// StoreMeasuredPosts: the MeasuredPostSource of a running herald: the store's analytics posts
// (herald's published targets and the imported history) with their latest normalised metrics.
#ifndef HERALD_CORE_STORE_MEASURED_POSTS_H_
#define HERALD_CORE_STORE_MEASURED_POSTS_H_

#include "core/measured_posts.h"
#include "store/store.h"

namespace herald::core {

class StoreMeasuredPosts final : public MeasuredPostSource {
 public:
  explicit StoreMeasuredPosts(store::Store& store) : store_(store) {}
  // Reads Tx::ListAnalyticsPosts; a post's metrics are its sample's "normalized" object (numbers
  // only). With a limit, the newest `limit` posts. Thread-safe.
  base::Result<std::vector<ReportPost>> MeasuredPosts(const MeasuredPostQuery& query) override;

 private:
  store::Store& store_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_STORE_MEASURED_POSTS_H_
