// The negotiation half of mcp/apps/ui_apps.h (no embedded view: the dispatcher and the fuzz
// build use it alone).
#include <utility>

#include "mcp/apps/ui_apps.h"

namespace herald::mcp {

bool OffersUiExtension(const base::Json& caps) {
  if (!caps.is_object()) return false;
  auto ext = caps.find("extensions");
  if (ext == caps.end() || !ext->is_object()) return false;
  auto ui = ext->find(std::string(kUiExtension));
  if (ui == ext->end() || !ui->is_object()) return false;
  auto types = ui->find("mimeTypes");
  if (types == ui->end() || !types->is_array() || types->empty()) return true;
  for (const base::Json& t : *types) {
    if (t.is_string() && t.get<std::string>() == kUiMimeType) return true;
  }
  return false;
}

const std::map<std::string, std::string, std::less<>>& HeraldToolViews() {
  static const std::map<std::string, std::string, std::less<>> kViews{
      {"list_posts", std::string(kCalendarViewUri)},
      {"analytics_report", std::string(kAnalyticsViewUri)}};
  return kViews;
}

void AttachToolViews(base::Json& list_result,
                     const std::map<std::string, std::string, std::less<>>& views,
                     const ResourceRegistry& resources) {
  if (!list_result.is_object() || !list_result.contains("tools")) return;
  for (base::Json& tool : list_result["tools"]) {
    auto it = views.find(base::GetString(tool, "name"));
    if (it == views.end() || !resources.Knows(it->second)) continue;
    tool["_meta"]["ui"]["resourceUri"] = it->second;
  }
}

}  // namespace herald::mcp
