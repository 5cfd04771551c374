#include "tools/schedule_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

SchedulePostTool::SchedulePostTool(core::PostService& service) : posts_(service) {
  spec_.name = "schedule_post";
  spec_.title = "Schedule a post";
  spec_.description =
      "Schedules a post to one or more connected accounts at a future time (publish_at, RFC 333"
      "9 with offset, or a local time plus timezone). Each network's rules (length, media, thre"
      "ads) are checked first; nothing is stored if any account would refuse it, and the error "
      "says which field and by how much. Use overrides for per-account text. Returns the post i"
      "d and one target per account; get_post shows the outcome after publish_at. Pass idempote"
      "ncy_key to make retries safe. To publish immediately use publish_post; to store without "
      "scheduling use save_draft.";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = false;
  spec_.annotations.open_world = true;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> SchedulePostTool::Call(Json args, ToolContext& ctx) {
  core::CreatePostRequest request = CreateArgs(args, core::CreateMode::kSchedule, spec_.name);
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState created,
                             co_await posts_.Create(ctx.caller(), std::move(request)));
  co_return Structured(PostSummaryView(created));
}

}  // namespace herald::tools
