#include "tools/schedule_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

SchedulePostTool::SchedulePostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("schedule_post", base::Role::kEditor);
  spec_.upgrade_arguments = UpgradeOverridesArgument;
}

Task<Result<ToolOutput>> SchedulePostTool::Call(Json args, ToolContext& ctx) {
  core::CreatePostRequest request = CreateArgs(args, core::CreateMode::kSchedule, spec_.name);
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState created,
                             co_await posts_.Create(ctx.caller(), std::move(request)));
  co_return Structured(PostSummaryView(created));
}

}  // namespace herald::tools
