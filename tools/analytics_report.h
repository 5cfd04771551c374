// analytics_report: totals, rows per account/platform/day/week, top posts and the change
// against the previous period; `chart: true` adds the chart as MCP image content (PNG). See
// schemas/tools/analytics_report.*.json. Thin: decodes the arguments, calls
// core::AnalyticsInsights, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_ANALYTICS_REPORT_H_
#define HERALD_TOOLS_ANALYTICS_REPORT_H_

#include "core/analytics_insights.h"
#include "tools/tool.h"

namespace herald::tools {

class AnalyticsReportTool final : public Tool {
 public:
  explicit AnalyticsReportTool(core::AnalyticsInsights& insights);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::AnalyticsInsights& insights_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_ANALYTICS_REPORT_H_
