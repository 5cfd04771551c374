#include "tools/save_draft.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

SaveDraftTool::SaveDraftTool(core::PostService& service) : posts_(service) {
  spec_.name = "save_draft";
  spec_.title = "Save a draft";
  spec_.description =
      "Stores a post as a draft without publishing or scheduling it (publish_at is optional and"
      " only remembered). The content is checked against each network's rules like schedule_pos"
      "t. Edit it with update_post; schedule it with reschedule_post.";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = false;
  spec_.annotations.open_world = false;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> SaveDraftTool::Call(Json args, ToolContext& ctx) {
  core::CreatePostRequest request = CreateArgs(args, core::CreateMode::kDraft, spec_.name);
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState created,
                             co_await posts_.Create(ctx.caller(), std::move(request)));
  co_return Structured(PostSummaryView(created));
}

}  // namespace herald::tools
