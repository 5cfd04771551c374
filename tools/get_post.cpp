#include "tools/get_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

GetPostTool::GetPostTool(core::PostService& service) : posts_(service) {
  spec_.name = "get_post";
  spec_.title = "Get a post";
  spec_.description =
      "Shows a post: status, publish_at in UTC and in the post's time zone, content, and per ac"
      "count target: status, the network's post id and URL, attempts, last error, next attempt,"
      " publish time. A target in status unknown comes with an explanation of what happened and"
      " what to do.";
  spec_.annotations.read_only = true;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = false;
  spec_.required_role = store::Role::kViewer;
}

Task<Result<ToolOutput>> GetPostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState post,
                             co_await posts_.Get(ctx.caller(), StringArg(args, "post_id")));
  co_return Structured(PostDetailView(post, posts_.platforms()));
}

}  // namespace herald::tools
