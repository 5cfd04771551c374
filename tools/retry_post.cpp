#include "tools/retry_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

RetryPostTool::RetryPostTool(core::PostService& service) : posts_(service) {
  spec_.name = "retry_post";
  spec_.title = "Retry failed targets";
  spec_.description =
      "Queues the failed targets of a post again, to be sent now (fix the cause first, e.g. rec"
      "onnect an account). Targets whose outcome is unknown are only sent again with include_un"
      "known=true. WARNING: an unknown target may already be on the network (herald could not c"
      "onfirm it), so including it can post twice; check the account first.";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = false;
  spec_.annotations.open_world = true;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> RetryPostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      core::PostOutcome outcome,
      co_await posts_.Retry(ctx.caller(), StringArg(args, "post_id"),
                            BoolArg(args, "include_unknown", false)));
  co_return Structured(PostOutcomeView(outcome, OutcomeKind::kRetry));
}

}  // namespace herald::tools
