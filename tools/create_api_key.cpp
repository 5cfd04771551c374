#include "tools/create_api_key.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/team_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

CreateApiKeyTool::CreateApiKeyTool(core::TeamService& service) : team_(service) {
  spec_ = SpecFromSchemas("create_api_key", base::Role::kAdmin);
}

Task<Result<ToolOutput>> CreateApiKeyTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(core::CreatedKey created,
                             co_await team_.CreateKey(ctx.caller(), StringArg(args, "name"),
                                                      StringArg(args, "role")));
  Json out = KeyView(created.key);
  out["key"] = created.secret;
  co_return Structured(std::move(out));
}

}  // namespace herald::tools
