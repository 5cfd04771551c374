// best_time_to_post: ranked weekday × hour slots for one account. See
// schemas/tools/best_time_to_post.*.json. Thin: decodes the arguments, calls
// core::AnalyticsInsights, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_BEST_TIME_TO_POST_H_
#define HERALD_TOOLS_BEST_TIME_TO_POST_H_

#include "core/analytics_insights.h"
#include "tools/tool.h"

namespace herald::tools {

class BestTimeToPostTool final : public Tool {
 public:
  explicit BestTimeToPostTool(core::AnalyticsInsights& insights);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::AnalyticsInsights& insights_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_BEST_TIME_TO_POST_H_
