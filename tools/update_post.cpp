#include "tools/update_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

UpdatePostTool::UpdatePostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("update_post", base::Role::kEditor);
  spec_.upgrade_arguments = UpgradeOverridesArgument;
}

Task<Result<ToolOutput>> UpdatePostTool::Call(Json args, ToolContext& ctx) {
  core::UpdatePostRequest request;
  request.post_id = StringArg(args, "post_id");
  request.accounts = StringListArg(args, "accounts");
  request.text = OptionalStringArg(args, "text");
  request.media = StringListArg(args, "media");
  request.fit = OptionalStringArg(args, "fit");
  request.thread = ThreadArg(args);
  request.overrides = OverridesArg(args);
  request.platform_options = PlatformOptionsArg(args);
  request.publish_at = OptionalStringArg(args, "publish_at");
  request.time_zone = OptionalStringArg(args, "timezone");
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState updated,
                             co_await posts_.Update(ctx.caller(), std::move(request)));
  co_return Structured(PostSummaryView(updated));
}

}  // namespace herald::tools
