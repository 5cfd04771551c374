// The chart of an analytics report: engagement metrics per day or week as lines, per account or
// network as bars. The SVG is what the web console shows; analytics_report rasterises it to PNG
// for MCP image content.
#ifndef HERALD_CORE_REPORT_CHART_H_
#define HERALD_CORE_REPORT_CHART_H_

#include <map>
#include <string>

#include "charts/chart_spec.h"
#include "core/analytics_report.h"

namespace herald::core {

// The chart spec of `report`: one series per engagement metric some post reported (likes,
// reposts, ...; "posts" when none did), one point per row. `display_names` renames row keys
// (account ids to "@alice@mastodon.social", platform ids to "Mastodon").
charts::ChartSpec ReportChartSpec(const AnalyticsReport& report,
                                  const std::map<std::string, std::string>& display_names = {});

// The SVG document of the report's chart (line chart by day/week, bar chart otherwise).
std::string RenderReportChart(const AnalyticsReport& report,
                              const std::map<std::string, std::string>& display_names = {});

}  // namespace herald::core

#endif  // HERALD_CORE_REPORT_CHART_H_
