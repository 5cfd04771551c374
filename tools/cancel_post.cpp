#include "tools/cancel_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

CancelPostTool::CancelPostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("cancel_post", base::Role::kEditor);
}

Task<Result<ToolOutput>> CancelPostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(core::PostOutcome outcome,
                             co_await posts_.Cancel(ctx.caller(), StringArg(args, "post_id")));
  co_return Structured(PostOutcomeView(outcome, OutcomeKind::kCancel));
}

}  // namespace herald::tools
