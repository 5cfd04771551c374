#include "tools/disconnect_account.h"

#include "tools/account_tool_output.h"
#include "tools/account_views.h"

namespace herald::tools {

DisconnectAccountTool::DisconnectAccountTool(core::AccountService& accounts) : accounts_(accounts) {
  spec_.name = "disconnect_account";
  spec_.title = "Disconnect an account";
  spec_.description =
      "Disconnects a social account from herald: revokes herald's access at the network where "
      "the network allows it (OAuth networks), and erases the stored credentials. Posts already "
      "published stay on the network. Posts still scheduled for this account will fail for it "
      "at publish time; the result says how many there are. Reconnect later with "
      "connect_account (the account keeps its account_id).";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = true;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = true;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> DisconnectAccountTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      core::DisconnectResult result,
      co_await accounts_.Disconnect(ctx.caller(), base::GetString(args, "account_id")));
  co_return AccountToolOutput(DisconnectView(result));
}

}  // namespace herald::tools
