#include "core/report_chart.h"

#include <date/date.h>

#include "base/time.h"
#include "charts/bar_chart.h"
#include "charts/line_chart.h"

namespace herald::core {
namespace {

// The date of `t` where the report's days begin (its time zone; UTC when that fails).
std::string DateOf(base::Time t, const std::string& time_zone) {
  auto local = base::FormatInTimeZone(t, time_zone);
  if (local.ok() && local->size() >= 10) return local->substr(0, 10);
  return date::format("%F", date::floor<date::days>(t));
}

bool ByTime(const AnalyticsReport& r) {
  return r.group_by == ReportGroupBy::kDay || r.group_by == ReportGroupBy::kWeek;
}

}  // namespace

charts::ChartSpec ReportChartSpec(const AnalyticsReport& report,
                                  const std::map<std::string, std::string>& display_names) {
  charts::ChartSpec spec;
  const std::string group(ReportGroupByName(report.group_by));
  spec.title = "Engagement by " + group + ", " + DateOf(report.from, report.time_zone) + " to " +
               DateOf(report.to - base::Micros(1), report.time_zone);
  spec.y_label = "interactions";
  for (const ReportRow& row : report.rows) {
    auto it = display_names.find(row.key);
    spec.labels.push_back(it != display_names.end() ? it->second : row.key);
  }
  for (std::string_view metric : kEngagementMetrics) {
    if (!report.totals.metrics.contains(std::string(metric))) continue;
    charts::Series series{.name = std::string(metric), .values = {}};
    for (const ReportRow& row : report.rows) {
      auto it = row.totals.metrics.find(series.name);
      series.values.push_back(it != row.totals.metrics.end() ? it->second : 0);
    }
    spec.series.push_back(std::move(series));
  }
  if (spec.series.empty()) {
    spec.y_label = "posts";
    charts::Series posts{.name = "posts", .values = {}};
    for (const ReportRow& row : report.rows) posts.values.push_back(row.totals.posts);
    spec.series.push_back(std::move(posts));
  }
  std::string names;
  for (const charts::Series& s : spec.series) names += (names.empty() ? "" : ", ") + s.name;
  spec.description = (ByTime(report) ? "Line chart of " : "Bar chart of ") + names + " per " +
                     group + " (" + report.time_zone + "), " + std::to_string(report.totals.posts) +
                     " posts, " + std::to_string(static_cast<long long>(report.totals.engagement)) +
                     " interactions in total.";
  return spec;
}

std::string RenderReportChart(const AnalyticsReport& report,
                              const std::map<std::string, std::string>& display_names) {
  charts::ChartSpec spec = ReportChartSpec(report, display_names);
  return ByTime(report) ? charts::RenderLineChart(spec) : charts::RenderBarChart(spec);
}

}  // namespace herald::core
