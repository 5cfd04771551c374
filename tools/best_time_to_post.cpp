#include "tools/best_time_to_post.h"

#include "tools/analytics_views.h"
#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

BestTimeToPostTool::BestTimeToPostTool(core::AnalyticsInsights& insights) : insights_(insights) {
  spec_ = SpecFromSchemas("best_time_to_post", base::Role::kViewer);
}

Task<Result<ToolOutput>> BestTimeToPostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      core::BestTimeResult result,
      co_await insights_.BestTime(ctx.caller(), StringArg(args, "account_id"),
                                  StringArg(args, "timezone")));
  co_return Structured(BestTimeView(result));
}

}  // namespace herald::tools
