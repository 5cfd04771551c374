#include "tools/get_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

GetPostTool::GetPostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("get_post", base::Role::kViewer);
}

Task<Result<ToolOutput>> GetPostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState post,
                             co_await posts_.Get(ctx.caller(), StringArg(args, "post_id")));
  co_return Structured(PostDetailView(post, posts_.platforms()));
}

}  // namespace herald::tools
