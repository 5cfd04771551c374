#include "tools/reschedule_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

ReschedulePostTool::ReschedulePostTool(core::PostService& service) : posts_(service) {
  spec_.name = "reschedule_post";
  spec_.title = "Reschedule a post";
  spec_.description =
      "Moves a scheduled post to a new publish_at (RFC 3339 with offset, or a local time plus t"
      "imezone), or schedules a draft. Refused once any target is being published or has been p"
      "ublished.";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = false;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> ReschedulePostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      core::PostState rescheduled,
      co_await posts_.Reschedule(ctx.caller(), StringArg(args, "post_id"),
                                 StringArg(args, "publish_at"), StringArg(args, "timezone")));
  co_return Structured(PostSummaryView(rescheduled));
}

}  // namespace herald::tools
