#include "tools/list_api_keys.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/team_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ListApiKeysTool::ListApiKeysTool(core::TeamService& service) : team_(service) {
  spec_ = SpecFromSchemas("list_api_keys", base::Role::kAdmin);
}

Task<Result<ToolOutput>> ListApiKeysTool::Call(Json args, ToolContext& ctx) {
  (void)args;
  HERALD_CO_ASSIGN_OR_RETURN(auto keys, co_await team_.ListKeys(ctx.caller()));
  Json list = Json::array();
  for (const auto& k : keys) list.push_back(KeyView(k));
  co_return Structured(Json{{"keys", std::move(list)}});
}

}  // namespace herald::tools
