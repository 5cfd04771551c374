#include "tools/list_posts.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ListPostsTool::ListPostsTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("list_posts", base::Role::kViewer);
}

Task<Result<ToolOutput>> ListPostsTool::Call(Json args, ToolContext& ctx) {
  core::ListPostsRequest request;
  request.status = OptionalStringArg(args, "status");
  request.account_id = StringArg(args, "account_id");
  request.from = StringArg(args, "from");
  request.to = StringArg(args, "to");
  request.limit = IntArg(args, "limit", core::limits::kDefaultListLimit);
  request.cursor = StringArg(args, "cursor");
  HERALD_CO_ASSIGN_OR_RETURN(core::PostPage page,
                             co_await posts_.List(ctx.caller(), std::move(request)));
  co_return Structured(PostPageView(page));
}

}  // namespace herald::tools
