#include "core/store_measured_posts.h"

#include <algorithm>

namespace herald::core {
namespace {

// The report's view of a stored row: its latest normalised numbers, and a target id even for
// a post made outside herald.
ReportPost ReportPostOf(store::AnalyticsPost& row) {
  ReportPost post{.post_id = std::move(row.post_id),
                  .target_id = std::move(row.target_id),
                  .account_id = std::move(row.account_id),
                  .platform = std::move(row.platform),
                  .url = std::move(row.url),
                  .published_at = row.published_at,
                  .metrics = {},
                  .text = std::move(row.text_excerpt),
                  .remote_id = row.remote_id};
  if (post.target_id.empty()) post.target_id = "remote:" + row.remote_id;
  auto normalized = row.metrics.find("normalized");
  if (normalized != row.metrics.end() && normalized->is_object()) {
    for (const auto& [name, value] : normalized->items()) {
      if (value.is_number()) post.metrics[name] = value.get<double>();
    }
  }
  return post;
}

}  // namespace

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
    out.push_back(ReportPostOf(rows[i]));
  }
  return out;
}

base::Result<AnalyticsReport> StoreMeasuredPosts::Report(
    const std::string& org_id, const std::vector<std::string>& account_ids,
    const ReportOptions& options) {
  base::Result<AnalyticsReport> report = base::Internal("the analytics report was not built");
  HERALD_RETURN_IF_ERROR(facts_.Read(org_id, [&](const FactTable& table) {
    report = AggregateAnalyticsReport(table, account_ids, options);
  }));
  if (!report.ok() || report->top_posts.empty()) return report;
  // The top posts' ids and url; their numbers stay those they were ranked by.
  HERALD_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> base::Result<void> {
    for (ReportTopPost& top : report->top_posts) {
      HERALD_ASSIGN_OR_RETURN(store::AnalyticsPost row,
                              tx.GetAnalyticsPost(org_id, top.post.account_id, top.post.remote_id));
      ReportPost complete = ReportPostOf(row);
      complete.metrics = std::move(top.post.metrics);
      complete.published_at = top.post.published_at;
      top.post = std::move(complete);
    }
    return base::Ok();
  }));
  return report;
}

}  // namespace herald::core
