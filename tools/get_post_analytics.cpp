#include "tools/get_post_analytics.h"

#include "tools/tool_metadata.h"

namespace herald::tools {

GetPostAnalyticsTool::GetPostAnalyticsTool(core::AnalyticsService& analytics)
    : analytics_(analytics) {
  spec_ = SpecFromSchemas("get_post_analytics", base::Role::kViewer);
}

Task<Result<ToolOutput>> GetPostAnalyticsTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      Json view, co_await analytics_.PostAnalytics(ctx.caller(), base::GetString(args, "post_id")));
  co_return ToolOutput{std::move(view)};
}

}  // namespace herald::tools
