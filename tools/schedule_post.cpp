#include "tools/schedule_post.h"

#include "tools/analytics_views.h"
#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

SchedulePostTool::SchedulePostTool(core::PostService& service, core::AnalyticsInsights* insights)
    : posts_(service), insights_(insights) {
  spec_ = SpecFromSchemas("schedule_post", base::Role::kEditor);
  spec_.upgrade_arguments = UpgradeOverridesArgument;
}

Task<Result<ToolOutput>> SchedulePostTool::Call(Json args, ToolContext& ctx) {
  core::CreatePostRequest request = CreateArgs(args, core::CreateMode::kSchedule, spec_.name);
  std::optional<core::BestSlotResult> best;
  if (request.publish_at == "best") {
    if (insights_ == nullptr) {
      co_return base::InvalidArgument(
          "publish_at: \"best\" is not available on this server (no analytics); give a time");
    }
    Json window = args.contains("best_window") ? args["best_window"] : Json::object();
    core::BestSlotRequest pick{.accounts = request.accounts,
                               .window_from = StringArg(window, "from"),
                               .window_to = StringArg(window, "to"),
                               .time_zone = request.time_zone};
    HERALD_CO_ASSIGN_OR_RETURN(best, co_await insights_->PickSlot(ctx.caller(), pick));
    // publish_at keeps the user's words (and window) for the idempotency fingerprint.
    request.publish_at = "best " + pick.window_from + ".." + pick.window_to;
    request.resolved_publish_at = best->picked.at;
    request.time_zone = best->time_zone;
  } else if (args.contains("best_window")) {
    co_return base::InvalidArgument("best_window: only with publish_at \"best\"");
  }
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState created,
                             co_await posts_.Create(ctx.caller(), std::move(request)));
  Json view = PostSummaryView(created);
  // A replayed idempotency key answers with the first post: its time, not this pick.
  if (best && created.post.publish_at == best->picked.at) view["best_time"] = BestPickView(*best);
  co_return Structured(std::move(view));
}

}  // namespace herald::tools
