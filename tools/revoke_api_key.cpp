#include "tools/revoke_api_key.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/team_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

RevokeApiKeyTool::RevokeApiKeyTool(core::TeamService& service) : team_(service) {
  spec_ = SpecFromSchemas("revoke_api_key", base::Role::kAdmin);
}

Task<Result<ToolOutput>> RevokeApiKeyTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(auto key,
                             co_await team_.RevokeKey(ctx.caller(), StringArg(args, "key_id")));
  co_return Structured(KeyView(key));
}

}  // namespace herald::tools
