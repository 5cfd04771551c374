#include "tools/refresh_analytics.h"

#include "tools/tool_metadata.h"

namespace herald::tools {

RefreshAnalyticsTool::RefreshAnalyticsTool(core::AnalyticsService& analytics)
    : analytics_(analytics) {
  spec_ = SpecFromSchemas("refresh_analytics", base::Role::kEditor);
}

Task<Result<ToolOutput>> RefreshAnalyticsTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      Json updated, co_await analytics_.Refresh(ctx.caller(), base::GetString(args, "account_id"),
                                                base::GetString(args, "post_id")));
  co_return ToolOutput{std::move(updated)};
}

}  // namespace herald::tools
