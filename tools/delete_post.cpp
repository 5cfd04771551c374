#include "tools/delete_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

DeletePostTool::DeletePostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("delete_post", base::Role::kEditor);
}

Task<Result<ToolOutput>> DeletePostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(core::PostOutcome outcome,
                             co_await posts_.Delete(ctx.caller(), StringArg(args, "post_id")));
  co_return Structured(PostOutcomeView(outcome, OutcomeKind::kDelete));
}

}  // namespace herald::tools
