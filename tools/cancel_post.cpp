#include "tools/cancel_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

CancelPostTool::CancelPostTool(core::PostService& service) : posts_(service) {
  spec_.name = "cancel_post";
  spec_.title = "Cancel a post";
  spec_.description =
      "Stops every target of a post that has not been sent yet. Reports per target whether it w"
      "as stopped; a target already published (remove it with delete_post) or being sent right "
      "now cannot be stopped, and the report says so.";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = false;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> CancelPostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(core::PostOutcome outcome,
                             co_await posts_.Cancel(ctx.caller(), StringArg(args, "post_id")));
  co_return Structured(PostOutcomeView(outcome, OutcomeKind::kCancel));
}

}  // namespace herald::tools
