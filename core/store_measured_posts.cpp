#include "core/store_measured_posts.h"

#include <algorithm>

namespace herald::core {

base::Result<std::vector<ReportPost>> StoreMeasuredPosts::MeasuredPosts(
    const MeasuredPostQuery& query) {
  std::vector<store::AnalyticsPost> rows;
  HERALD_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> base::Result<void> {
    HERALD_ASSIGN_OR_RETURN(rows, tx.ListAnalyticsPosts({.org_id = query.org_id,
                                                         .from = query.from,
                                                         .to = query.to,
                                                         .account_ids = query.account_ids,
                                                         .limit = 0}));
    return base::Ok();
  }));
  // Oldest first from the store; a limit keeps the newest.
  size_t skip = query.limit > 0 && rows.size() > query.limit ? rows.size() - query.limit : 0;
  std::vector<ReportPost> out;
  out.reserve(rows.size() - skip);
  for (size_t i = skip; i < rows.size(); ++i) {
    store::AnalyticsPost& row = rows[i];
    ReportPost post{.post_id = std::move(row.post_id),
                    .target_id = std::move(row.target_id),
                    .account_id = std::move(row.account_id),
                    .platform = std::move(row.platform),
                    .url = std::move(row.url),
                    .published_at = row.published_at,
                    .metrics = {},
                    .text = std::move(row.text_excerpt)};
    if (post.target_id.empty()) post.target_id = "remote:" + row.remote_id;
    auto normalized = row.metrics.find("normalized");
    if (normalized != row.metrics.end() && normalized->is_object()) {
      for (const auto& [name, value] : normalized->items()) {
        if (value.is_number()) post.metrics[name] = value.get<double>();
      }
    }
    out.push_back(std::move(post));
  }
  return out;
}

}  // namespace herald::core
