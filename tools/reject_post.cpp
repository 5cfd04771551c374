#include "tools/reject_post.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

RejectPostTool::RejectPostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("reject_post", base::Role::kApprover);
}

Task<Result<ToolOutput>> RejectPostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState post,
                             co_await posts_.Reject(ctx.caller(), StringArg(args, "post_id"),
                                                    StringArg(args, "reason")));
  co_return Structured(PostDetailView(post, posts_.platforms()));
}

}  // namespace herald::tools
