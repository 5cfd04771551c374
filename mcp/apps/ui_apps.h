// MCP Apps (extension io.modelcontextprotocol/ui, stable 2026-01-26): herald's views. A view
// is a ui:// resource of type text/html;profile=mcp-app, one self-contained HTML document
// (inline script and style, no external fetch, so the host's default CSP suffices); a tool
// links it with _meta.ui.resourceUri, and a host that renders apps shows the view with the
// tool's result, the view calling other tools through the host (postMessage JSON-RPC).
//
// herald offers ui://herald/calendar (linked from list_posts: the posts by day; get_post and
// reschedule_post from the view) and ui://herald/analytics (linked from analytics_report: the
// totals and their change, the rows as a chart, the top posts; get_post from the view). The
// views' HTML lives in mcp/apps/*.html, embedded at build time. Views are declared only to clients
// that offer the extension; tools keep returning their text and structured content for every
// client.
#ifndef HERALD_MCP_APPS_UI_APPS_H_
#define HERALD_MCP_APPS_UI_APPS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "mcp/server/resource_registry.h"

namespace herald::mcp {

inline constexpr std::string_view kUiExtension = "io.modelcontextprotocol/ui";
inline constexpr std::string_view kUiMimeType = "text/html;profile=mcp-app";
inline constexpr std::string_view kCalendarViewUri = "ui://herald/calendar";
inline constexpr std::string_view kAnalyticsViewUri = "ui://herald/analytics";

// The embedded view file `path` ("calendar.html"), or nullopt (generated at build time).
std::optional<std::string_view> UiAppFile(std::string_view path);

// True when the client's initialize capabilities offer the extension
// (capabilities.extensions["io.modelcontextprotocol/ui"]), with text/html;profile=mcp-app among
// its mimeTypes when it lists any.
bool OffersUiExtension(const base::Json& client_capabilities);

// Adds herald's views (ui://herald/calendar, ui://herald/analytics) to `resources`.
base::Result<void> RegisterHeraldViews(ResourceRegistry& resources);

// The tools linked to a view: tool name -> resource URI (list_posts -> ui://herald/calendar,
// analytics_report -> ui://herald/analytics).
const std::map<std::string, std::string, std::less<>>& HeraldToolViews();

// Adds _meta.ui.resourceUri to each tool of a tools/list result ({"tools": [...]}) that
// `views` links to a view `resources` serves.
void AttachToolViews(base::Json& list_result,
                     const std::map<std::string, std::string, std::less<>>& views,
                     const ResourceRegistry& resources);

}  // namespace herald::mcp

#endif  // HERALD_MCP_APPS_UI_APPS_H_
