// herald's own MCP surface on top of the generic Dispatcher: the production tools (tools::
// MakeTools), the resources herald://accounts and herald://posts/{id}, the MCP Apps views
// ui://herald/calendar and ui://herald/analytics (mcp/apps/ui_apps.h), and the prompts plan_week
// and repurpose_article. Both transports' composition code (stdio_main.cpp, serve_main.cpp)
// build their dispatcher with BuildHeraldDispatcher.
//
// The resources read through a small provider interface (HeraldResourceProviders). The default
// providers, ProvidersFromServices, read the core services for the reading caller and shape the
// answer as list_accounts / get_post do (tools/resource_reads.h). A provider left empty leaves
// its resource out.
#ifndef HERALD_MCP_SERVER_HERALD_SERVER_H_
#define HERALD_MCP_SERVER_HERALD_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "base/async.h"
#include "base/caller.h"
#include "base/json.h"
#include "base/result.h"
#include "mcp/server/dispatcher.h"
#include "tools/tool_set.h"

namespace herald::mcp {

struct HeraldResourceProviders {
  // The caller's organization's connected accounts as JSON (never credentials).
  std::function<base::Task<base::Result<Json>>(base::Caller caller)> accounts;
  // One post of the caller's organization with its per-account targets. Errors: kNotFound.
  std::function<base::Task<base::Result<Json>>(base::Caller caller, std::string post_id)> post;
  // One account's analytics (get_account_analytics over the last 30 days). Errors: kNotFound.
  std::function<base::Task<base::Result<Json>>(base::Caller caller, std::string account_id)>
      analytics;
};

// Providers backed by the core services in `deps` (AccountService::List, PostService::Get). A
// service that is null leaves its provider empty.
HeraldResourceProviders ProvidersFromServices(const tools::ToolDeps& deps);

// Adds herald://accounts and the template herald://posts/{id} for the providers that are set.
base::Result<void> RegisterHeraldResources(ResourceRegistry& resources,
                                           HeraldResourceProviders providers);

// Adds the prompts plan_week and repurpose_article.
base::Result<void> RegisterHeraldPrompts(PromptRegistry& prompts);

// A dispatcher serving herald: every tool of tools::MakeTools(deps), then the resources (through
// ProvidersFromServices) and prompts. Errors: the first registration failure (e.g. a tool whose
// schema file is missing or invalid), worded for the command line.
base::Result<std::unique_ptr<Dispatcher>> BuildHeraldDispatcher(const tools::ToolDeps& deps,
                                                                DispatcherOptions options = {});

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_HERALD_SERVER_H_
