#include "tools/disconnect_account.h"

#include "tools/account_tool_output.h"
#include "tools/account_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

DisconnectAccountTool::DisconnectAccountTool(core::AccountService& accounts) : accounts_(accounts) {
  spec_ = SpecFromSchemas("disconnect_account", base::Role::kEditor);
}

Task<Result<ToolOutput>> DisconnectAccountTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      core::DisconnectResult result,
      co_await accounts_.Disconnect(ctx.caller(), base::GetString(args, "account_id")));
  co_return AccountToolOutput(DisconnectView(result));
}

}  // namespace herald::tools
