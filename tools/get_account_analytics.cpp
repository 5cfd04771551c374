#include "tools/get_account_analytics.h"

#include <optional>
#include <string>

#include "tools/tool_metadata.h"

namespace herald::tools {
namespace {

std::optional<std::string> OptionalString(const Json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

GetAccountAnalyticsTool::GetAccountAnalyticsTool(core::AnalyticsService& analytics)
    : analytics_(analytics) {
  spec_ = SpecFromSchemas("get_account_analytics", base::Role::kViewer);
}

Task<Result<ToolOutput>> GetAccountAnalyticsTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(Json view,
                             co_await analytics_.AccountAnalytics(
                                 ctx.caller(), base::GetString(args, "account_id"),
                                 OptionalString(args, "from"), OptionalString(args, "to")));
  co_return ToolOutput{std::move(view)};
}

}  // namespace herald::tools
