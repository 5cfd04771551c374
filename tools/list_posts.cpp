#include "tools/list_posts.h"

#include "tools/post_args.h"

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
  HERALD_CO_ASSIGN_OR_RETURN(request.status, OptionalStringArg(args, "status"));
  HERALD_CO_ASSIGN_OR_RETURN(request.account_id, StringArg(args, "account_id"));
  HERALD_CO_ASSIGN_OR_RETURN(request.from, StringArg(args, "from"));
  HERALD_CO_ASSIGN_OR_RETURN(request.to, StringArg(args, "to"));
  HERALD_CO_ASSIGN_OR_RETURN(request.limit, IntArg(args, "limit", 20));
  HERALD_CO_ASSIGN_OR_RETURN(request.cursor, StringArg(args, "cursor"));
  HERALD_CO_ASSIGN_OR_RETURN(Json out, co_await posts_.List(ctx.caller(), std::move(request)));
  co_return Structured(std::move(out));
}

}  // namespace herald::tools
