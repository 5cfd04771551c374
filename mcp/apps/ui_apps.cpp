#include "mcp/apps/ui_apps.h"

#include <utility>

namespace herald::mcp {

base::Result<void> RegisterHeraldViews(ResourceRegistry& resources) {
  auto html = UiAppFile("calendar.html");
  if (!html) return base::Internal("the calendar view was not embedded");
  return resources.Add(
      {std::string(kCalendarViewUri), "calendar", "Post calendar",
       "An interactive calendar of posts (MCP App for list_posts): the posts by day in the "
       "viewer's time zone; open one (get_post) or move it (reschedule_post).",
       std::string(kUiMimeType)},
      [text = std::string(*html)](std::string uri, base::Caller) -> base::Task<base::Result<base::Json>> {
        base::Json item{{"uri", uri},
                        {"mimeType", std::string(kUiMimeType)},
                        {"text", text},
                        {"_meta", {{"ui", {{"prefersBorder", true}}}}}};
        co_return base::Json::array({std::move(item)});
      });
}

}  // namespace herald::mcp
