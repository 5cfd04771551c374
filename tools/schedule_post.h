// schedule_post: Schedule a post. See spec() for what the model is told, and
// schemas/tools/schedule_post.input.json / .output.json. Thin: decodes the arguments, calls
// core::PostService, returns its view. With publish_at "best" it first asks
// core::AnalyticsInsights for the first account's best free slot (in best_window) and answers
// which slot and why under best_time. Stateless; thread-safe.
#ifndef HERALD_TOOLS_SCHEDULE_POST_H_
#define HERALD_TOOLS_SCHEDULE_POST_H_

#include "core/analytics_insights.h"
#include "core/post_service.h"
#include "tools/tool.h"

namespace herald::tools {

class SchedulePostTool final : public Tool {
 public:
  // `insights` may be null: publish_at "best" is then refused.
  explicit SchedulePostTool(core::PostService& service,
                            core::AnalyticsInsights* insights = nullptr);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::PostService& posts_;
  core::AnalyticsInsights* insights_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_SCHEDULE_POST_H_
