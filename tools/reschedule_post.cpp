#include "tools/reschedule_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ReschedulePostTool::ReschedulePostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("reschedule_post", base::Role::kEditor);
}

Task<Result<ToolOutput>> ReschedulePostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      core::PostState rescheduled,
      co_await posts_.Reschedule(ctx.caller(), StringArg(args, "post_id"),
                                 StringArg(args, "publish_at"), StringArg(args, "timezone")));
  co_return Structured(PostSummaryView(rescheduled));
}

}  // namespace herald::tools
