// MeasuredPostSource: where the analytics answers (best time, reports) read published posts with
// their latest metrics: herald's own targets and the history imported from the networks.
// StoreMeasuredPosts (store_measured_posts.h) reads them from the store; tests give rows.
#ifndef HERALD_CORE_MEASURED_POSTS_H_
#define HERALD_CORE_MEASURED_POSTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "core/analytics_report.h"

namespace herald::core {

struct MeasuredPostQuery {
  std::string org_id;
  std::vector<std::string> account_ids;  // empty = every account of the organization
  base::Time from;                       // published_at >= from
  base::Time to;                         // published_at < to
  size_t limit = 0;                      // 0 = no limit; else the newest `limit` posts
};

class MeasuredPostSource {
 public:
  virtual ~MeasuredPostSource() = default;
  // Published posts matching `query`, each with its latest metrics under normalised names
  // (a metric the network does not report is absent). Blocking; thread-safe.
  virtual base::Result<std::vector<ReportPost>> MeasuredPosts(const MeasuredPostQuery& query) = 0;
  // The report over the organization's posts of `account_ids` (every account when empty), top
  // posts complete. This default reads both periods through MeasuredPosts and calls
  // BuildAnalyticsReport. Errors: those of ValidateReportRange and of the read. Blocking.
  virtual base::Result<AnalyticsReport> Report(const std::string& org_id,
                                               const std::vector<std::string>& account_ids,
                                               const ReportOptions& options);
};

}  // namespace herald::core

#endif  // HERALD_CORE_MEASURED_POSTS_H_
