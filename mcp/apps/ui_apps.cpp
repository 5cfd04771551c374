#include "mcp/apps/ui_apps.h"

#include <utility>

namespace herald::mcp {
namespace {

struct View {
  std::string_view file;
  std::string_view uri;
  std::string_view name;
  std::string_view title;
  std::string_view description;
};

constexpr View kViews[] = {
    {"calendar.html", kCalendarViewUri, "calendar", "Post calendar",
     "An interactive calendar of posts (MCP App for list_posts): the posts by day in the "
     "viewer's time zone; open one (get_post) or move it (reschedule_post)."},
    {"analytics.html", kAnalyticsViewUri, "analytics", "Analytics report",
     "The analytics report as an MCP App (for analytics_report): totals and their change "
     "against the previous period, the rows as a chart, the top posts; open one (get_post)."},
};

}  // namespace

base::Result<void> RegisterHeraldViews(ResourceRegistry& resources) {
  for (const View& view : kViews) {
    auto html = UiAppFile(view.file);
    if (!html) return base::Internal("the view " + std::string(view.file) + " was not embedded");
    HERALD_RETURN_IF_ERROR(
        resources.Add({std::string(view.uri), std::string(view.name), std::string(view.title),
                       std::string(view.description), std::string(kUiMimeType)},
                      [text = std::string(*html)](
                          std::string uri, base::Caller) -> base::Task<base::Result<base::Json>> {
                        base::Json item{{"uri", uri},
                                        {"mimeType", std::string(kUiMimeType)},
                                        {"text", text},
                                        {"_meta", {{"ui", {{"prefersBorder", true}}}}}};
                        co_return base::Json::array({std::move(item)});
                      }));
  }
  return base::Ok();
}

}  // namespace herald::mcp
