// The analytics prompts: weekly_report (a week's results, with a chart, what worked, and when to
// post next), built on analytics_report, best_time_to_post and get_post_analytics.
#ifndef HERALD_MCP_SERVER_ANALYTICS_PROMPTS_H_
#define HERALD_MCP_SERVER_ANALYTICS_PROMPTS_H_

#include "base/result.h"
#include "mcp/server/prompt_registry.h"

namespace herald::mcp {

// Adds the prompt weekly_report {week_start?, accounts?, time_zone?}.
base::Result<void> RegisterAnalyticsPrompts(PromptRegistry& prompts);

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_ANALYTICS_PROMPTS_H_
