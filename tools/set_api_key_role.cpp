#include "tools/set_api_key_role.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/team_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

SetApiKeyRoleTool::SetApiKeyRoleTool(core::TeamService& service) : team_(service) {
  spec_ = SpecFromSchemas("set_api_key_role", base::Role::kAdmin);
}

Task<Result<ToolOutput>> SetApiKeyRoleTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(auto key,
                             co_await team_.SetKeyRole(ctx.caller(), StringArg(args, "key_id"),
                                                       StringArg(args, "role")));
  co_return Structured(KeyView(key));
}

}  // namespace herald::tools
