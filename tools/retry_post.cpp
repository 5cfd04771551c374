#include "tools/retry_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

RetryPostTool::RetryPostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("retry_post", base::Role::kEditor);
}

Task<Result<ToolOutput>> RetryPostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      core::PostOutcome outcome,
      co_await posts_.Retry(ctx.caller(), StringArg(args, "post_id"),
                            BoolArg(args, "include_unknown", false)));
  co_return Structured(PostOutcomeView(outcome, OutcomeKind::kRetry));
}

}  // namespace herald::tools
