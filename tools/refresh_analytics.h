// refresh_analytics: Measure a post or an account now, within the rate budget. See spec() for what
// the model is told, and schemas/tools/refresh_analytics.input.json / .output.json. Thin: decodes
// the arguments, calls core::AnalyticsService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_REFRESH_ANALYTICS_H_
#define HERALD_TOOLS_REFRESH_ANALYTICS_H_

#include "core/analytics_service.h"
#include "tools/tool.h"

namespace herald::tools {

class RefreshAnalyticsTool final : public Tool {
 public:
  explicit RefreshAnalyticsTool(core::AnalyticsService& analytics);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::AnalyticsService& analytics_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_REFRESH_ANALYTICS_H_
