#include "core/measured_posts.h"

namespace herald::core {

base::Result<AnalyticsReport> MeasuredPostSource::Report(
    const std::string& org_id, const std::vector<std::string>& account_ids,
    const ReportOptions& options) {
  HERALD_RETURN_IF_ERROR(ValidateReportRange(options.from, options.to, options.time_zone));
  MeasuredPostQuery query{.org_id = org_id,
                          .account_ids = account_ids,
                          .from = options.from,
                          .to = options.to,
                          .limit = 0};
  HERALD_ASSIGN_OR_RETURN(std::vector<ReportPost> current, MeasuredPosts(query));
  query.from = PreviousPeriodStart(options.from, options.to);
  query.to = options.from;
  HERALD_ASSIGN_OR_RETURN(std::vector<ReportPost> previous, MeasuredPosts(query));
  return BuildAnalyticsReport(current, previous, options);
}

}  // namespace herald::core
