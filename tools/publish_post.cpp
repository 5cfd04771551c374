#include "tools/publish_post.h"

#include "tools/post_args.h"
#include "tools/publish_follow.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

PublishPostTool::PublishPostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("publish_post", base::Role::kEditor);
  spec_.upgrade_arguments = UpgradeOverridesArgument;
}

Task<Result<ToolOutput>> PublishPostTool::Call(Json args, ToolContext& ctx) {
  core::CreatePostRequest request = CreateArgs(args, core::CreateMode::kPublishNow, spec_.name);
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState created,
                             co_await posts_.Create(ctx.caller(), std::move(request)));
  if (ctx.WantsProgress()) {  // the client follows the publish (a long video upload) to its end
    HERALD_CO_ASSIGN_OR_RETURN(
        created, co_await FollowPublishing(posts_, ctx, created.post.id,
                                           std::chrono::milliseconds(500), std::chrono::hours(2)));
  }
  co_return Structured(PostSummaryView(created));
}

}  // namespace herald::tools
