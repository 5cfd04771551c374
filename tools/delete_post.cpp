#include "tools/delete_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

DeletePostTool::DeletePostTool(core::PostService& service) : posts_(service) {
  spec_.name = "delete_post";
  spec_.title = "Delete a post from the networks";
  spec_.description =
      "Removes a published post from every network that allows deleting (others are reported as"
      " not supported) and cancels targets not yet sent. Reports per target what happened. This"
      " cannot be undone.";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = true;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = true;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> DeletePostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(core::PostOutcome outcome,
                             co_await posts_.Delete(ctx.caller(), StringArg(args, "post_id")));
  co_return Structured(PostOutcomeView(outcome, OutcomeKind::kDelete));
}

}  // namespace herald::tools
