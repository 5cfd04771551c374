#include "tools/list_posts.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

ListPostsTool::ListPostsTool(core::PostService& service) : posts_(service) {
  spec_.name = "list_posts";
  spec_.title = "List posts";
  spec_.description =
      "Lists posts, newest first, optionally filtered by status, account and publish_at range ("
      "from inclusive, to exclusive). Paginated: pass next_cursor as cursor to get the next pag"
      "e (null means the last page).";
  spec_.annotations.read_only = true;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = false;
  spec_.required_role = store::Role::kViewer;
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
