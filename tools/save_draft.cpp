#include "tools/save_draft.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

SaveDraftTool::SaveDraftTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("save_draft", base::Role::kEditor);
  spec_.upgrade_arguments = UpgradeOverridesArgument;
}

Task<Result<ToolOutput>> SaveDraftTool::Call(Json args, ToolContext& ctx) {
  core::CreatePostRequest request = CreateArgs(args, core::CreateMode::kDraft, spec_.name);
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState created,
                             co_await posts_.Create(ctx.caller(), std::move(request)));
  co_return Structured(PostSummaryView(created));
}

}  // namespace herald::tools
