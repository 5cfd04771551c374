#include "tools/analytics_report.h"

#include "tools/analytics_views.h"
#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

AnalyticsReportTool::AnalyticsReportTool(core::AnalyticsInsights& insights)
    : insights_(insights) {
  spec_ = SpecFromSchemas("analytics_report", base::Role::kViewer);
}

Task<Result<ToolOutput>> AnalyticsReportTool::Call(Json args, ToolContext& ctx) {
  core::ReportRequest request{
      .from = StringArg(args, "from"),
      .to = StringArg(args, "to"),
      .accounts = StringListArg(args, "accounts").value_or(std::vector<std::string>{}),
      .group_by = OptionalStringArg(args, "group_by").value_or("account"),
      .time_zone = StringArg(args, "timezone"),
      .top_posts = static_cast<size_t>(IntArg(args, "top_posts", 5)),
      .chart = BoolArg(args, "chart", false),
      .chart_format = OptionalStringArg(args, "chart_format").value_or("png")};
  HERALD_CO_ASSIGN_OR_RETURN(core::ReportResult result,
                             co_await insights_.Report(ctx.caller(), std::move(request)));
  Json view = ReportView(result);
  ToolOutput out = Structured(view);
  if (result.chart && result.chart->format == "png") {
    // The model reads the numbers as text (without the image's base64 a second time) and sees
    // the chart as an image; structuredContent keeps the full result for programs.
    Json text = view;
    text["chart"].erase("data");
    out.content = Json::array(
        {{{"type", "text"}, {"text", base::DumpJson(text)}},
         {{"type", "image"}, {"data", view["chart"]["data"]}, {"mimeType", "image/png"}}});
  }
  co_return out;
}

}  // namespace herald::tools
