#include "tools/delete_post.h"

#include "tools/post_args.h"

namespace herald::tools {

DeletePostTool::DeletePostTool(core::PostService& service) : posts_(service) {
  spec_.name = "delete_post";
  spec_.title = "Delete a post from the networks";
  spec_.description =
      "Removes a published post from every network that allows deleting (others are reported as"
      " not supported) and cancels targets not yet sent. Answers at once: each published target"
      " is queued for deletion (result 'deleting') and removed in the background with retries;"
      " get_post shows each target's deletion (deleting, deleted, delete_failed with the"
      " reason). This cannot be undone.";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = true;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = true;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> DeletePostTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(std::string post_id, StringArg(args, "post_id"));
  HERALD_CO_ASSIGN_OR_RETURN(Json out, co_await posts_.Delete(ctx.caller(), std::move(post_id)));
  co_return Structured(std::move(out));
}

}  // namespace herald::tools
