#include "tools/get_account.h"

#include "tools/account_tool_output.h"
#include "tools/account_views.h"

namespace herald::tools {

GetAccountTool::GetAccountTool(core::AccountService& accounts) : accounts_(accounts) {
  spec_.name = "get_account";
  spec_.title = "Get one account";
  spec_.description =
      "Shows one connected account: its status (active / needs_reauth / disconnected), when its "
      "access token expires, the last error the network gave, and what it can do: the "
      "network's text and media limits and features (threads, delete, metrics). Use it to "
      "find out why posts to an account fail, or what a post for it may contain.";
  spec_.annotations.read_only = true;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = false;
  spec_.required_role = store::Role::kViewer;
}

Task<Result<ToolOutput>> GetAccountTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      store::Account account,
      co_await accounts_.Get(ctx.caller(), base::GetString(args, "account_id")));
  co_return AccountToolOutput(
      AccountDetailView(account, accounts_.platforms().Find(account.platform)));
}

}  // namespace herald::tools
