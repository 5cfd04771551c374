#include "tools/update_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

UpdatePostTool::UpdatePostTool(core::PostService& service) : posts_(service) {
  spec_.name = "update_post";
  spec_.title = "Edit a draft or scheduled post";
  spec_.description =
      "Edits a draft or scheduled post: text, media, thread, accounts, overrides, publish_at, t"
      "imezone (give only what changes; lists replace the old ones). The new content is checked"
      " against each network's rules. Refused once any target is being published or has been pu"
      "blished (then use delete_post and create a new post).";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = false;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> UpdatePostTool::Call(Json args, ToolContext& ctx) {
  core::UpdatePostRequest request;
  request.post_id = StringArg(args, "post_id");
  request.accounts = StringListArg(args, "accounts");
  request.text = OptionalStringArg(args, "text");
  request.media = StringListArg(args, "media");
  request.thread = ThreadArg(args);
  request.overrides = OverridesArg(args);
  request.publish_at = OptionalStringArg(args, "publish_at");
  request.time_zone = OptionalStringArg(args, "timezone");
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState updated,
                             co_await posts_.Update(ctx.caller(), std::move(request)));
  co_return Structured(PostSummaryView(updated));
}

}  // namespace herald::tools
