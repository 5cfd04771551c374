// The analytics report: totals, per-group rows, top posts and the change against the previous
// period of the same length, aggregated from measured posts. Pure; thread-safe. The store reads
// the rows; analytics_report (tools) shapes the answer and draws the chart (report_chart.h).
#ifndef HERALD_CORE_ANALYTICS_REPORT_H_
#define HERALD_CORE_ANALYTICS_REPORT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "core/fact_table.h"
#include "core/metric_names.h"

namespace herald::core {

// The longest range a report covers.
inline constexpr std::chrono::days kMaxReportRange{731};

enum class ReportGroupBy { kAccount, kPlatform, kDay, kWeek };
std::string_view ReportGroupByName(ReportGroupBy g);  // account | platform | day | week
// Errors: kInvalidArgument naming `group_by` and the accepted values.
base::Result<ReportGroupBy> ParseReportGroupBy(std::string_view name);

// One published target with its latest metrics (normalised names; absent = not reported).
struct ReportPost {
  std::string post_id;
  std::string target_id;
  std::string account_id;
  std::string platform;
  std::string url;
  base::Time published_at;
  std::map<std::string, double> metrics;
  std::string text;  // the first characters of the post's text ("" when unknown)
  std::string remote_id;  // the network's id of the post ("" when unknown)
};

// The sum of the engagement metrics `metrics` reports (absent ones count as nothing).
double EngagementOf(const std::map<std::string, double>& metrics);

struct ReportTotals {
  int posts = 0;
  double engagement = 0;
  std::map<std::string, double> metrics;  // only metrics some post reported
};

struct ReportRow {
  std::string key;  // account id, platform id, "2026-03-01" (day, or the Monday of a week)
  ReportTotals totals;
};

struct ReportTopPost {
  ReportPost post;
  double engagement = 0;
};

// Percent change from previous to current; absent when the previous value is zero or missing.
struct ReportChange {
  std::optional<double> posts_pct;
  std::optional<double> engagement_pct;
  std::map<std::string, double> metrics_pct;
};

struct ReportOptions {
  base::Time from;
  base::Time to;
  ReportGroupBy group_by = ReportGroupBy::kAccount;
  std::string time_zone = "UTC";  // where days and weeks begin
  size_t top_posts = 5;
};

struct AnalyticsReport {
  base::Time from;
  base::Time to;
  base::Time previous_from;  // the previous period: same length, ending at `from`
  ReportGroupBy group_by = ReportGroupBy::kAccount;
  std::string time_zone;
  ReportTotals totals;
  ReportTotals previous_totals;
  ReportChange change;
  std::vector<ReportRow> rows;  // account/platform: by engagement, best first; day/week: in order,
                                // every day or week of the range (empty ones with zero posts)
  std::vector<ReportTopPost> top_posts;  // by engagement, best first
};

// The previous period of [from, to): [from - (to - from), from).
base::Time PreviousPeriodStart(base::Time from, base::Time to);

// Checks a report's range: `from` before `to`, at most kMaxReportRange, and a valid time zone.
// Errors: kInvalidArgument naming the field (`from`, `to`, `timezone`).
base::Result<void> ValidateReportRange(base::Time from, base::Time to, std::string_view time_zone);

// The report over the posts of `table` published in [from, to) against those of the previous
// period, of the accounts in `account_ids` (every account when empty). Top posts carry
// account_id, platform, remote_id, published_at and metrics; the caller adds their ids and url.
// Errors: those of ValidateReportRange.
base::Result<AnalyticsReport> AggregateAnalyticsReport(const FactTable& table,
                                                       const std::vector<std::string>& account_ids,
                                                       const ReportOptions& options);

// The report over `current` (posts published in [from, to)) against `previous` (posts published
// in the previous period): AggregateAnalyticsReport over a table of them, top posts complete.
// Posts outside their period are ignored; metrics outside kNormalizedMetrics are not summed.
// Errors: those of ValidateReportRange.
base::Result<AnalyticsReport> BuildAnalyticsReport(const std::vector<ReportPost>& current,
                                                   const std::vector<ReportPost>& previous,
                                                   const ReportOptions& options);

}  // namespace herald::core

#endif  // HERALD_CORE_ANALYTICS_REPORT_H_
