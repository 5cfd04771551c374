#include "tools/publish_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

PublishPostTool::PublishPostTool(core::PostService& service) : posts_(service) {
  spec_.name = "publish_post";
  spec_.title = "Publish a post now";
  spec_.description =
      "Publishes a post to one or more connected accounts now. The content is checked against e"
      "ach network's rules first; nothing is stored if any account would refuse it. Returns onc"
      "e the post is durably queued (status scheduled, publish_at now); it is normally on the n"
      "etworks within seconds, and get_post shows each target's outcome, URL or error. Pass ide"
      "mpotency_key to make retries after a timeout safe. To publish later use schedule_post.";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = false;
  spec_.annotations.open_world = true;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> PublishPostTool::Call(Json args, ToolContext& ctx) {
  core::CreatePostRequest request = CreateArgs(args, core::CreateMode::kPublishNow, spec_.name);
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState created,
                             co_await posts_.Create(ctx.caller(), std::move(request)));
  co_return Structured(PostSummaryView(created));
}

}  // namespace herald::tools
