#include "tools/approve_post.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ApprovePostTool::ApprovePostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("approve_post", base::Role::kApprover);
}

Task<Result<ToolOutput>> ApprovePostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      core::PostState post,
      co_await posts_.Approve(ctx.caller(), StringArg(args, "post_id"),
                              OptionalStringArg(args, "comment").value_or("")));
  co_return Structured(PostDetailView(post, posts_.platforms()));
}

}  // namespace herald::tools
