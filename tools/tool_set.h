// The one list of production tools. The composition root builds ToolDeps from the services it
// created and registers what MakeTools returns; the MCP layer and REST both serve that list.
#ifndef HERALD_TOOLS_TOOL_SET_H_
#define HERALD_TOOLS_TOOL_SET_H_

#include <memory>
#include <vector>

#include "base/clock.h"
#include "tools/tool.h"

namespace herald::core {
class AccountService;
class AnalyticsService;
class AnalyticsInsights;
class KeyService;
class MediaService;
class PostService;
class TeamService;
class WebhookService;
}  // namespace herald::core
namespace herald::platforms {
class PlatformRegistry;
}

namespace herald::tools {

struct ToolDeps {
  const base::Clock* clock = nullptr;
  core::KeyService* keys = nullptr;
  core::PostService* posts = nullptr;
  core::MediaService* media = nullptr;
  core::AccountService* accounts = nullptr;
  platforms::PlatformRegistry* platforms = nullptr;
  core::TeamService* team = nullptr;          // keys, settings, audit log
  core::WebhookService* webhooks = nullptr;
  core::AnalyticsService* analytics = nullptr;
  // Best time, reports, and schedule_post's publish_at "best" (null: those tools are left out).
  core::AnalyticsInsights* insights = nullptr;
};

// Every production tool, in listing order. A tool whose service is null in `deps` is left out.
std::vector<std::unique_ptr<Tool>> MakeTools(const ToolDeps& deps);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_TOOL_SET_H_
