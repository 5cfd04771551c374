#include "tools/get_account.h"

#include <utility>

#include "tools/account_tool_output.h"
#include "tools/account_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

GetAccountTool::GetAccountTool(core::AccountService& accounts) : accounts_(accounts) {
  spec_ = SpecFromSchemas("get_account", base::Role::kViewer);
}

Task<Result<ToolOutput>> GetAccountTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      store::Account account,
      co_await accounts_.Get(ctx.caller(), base::GetString(args, "account_id")));
  Json view = AccountDetailView(account, accounts_.platforms().Find(account.platform),
                                accounts_.clock().Now());
  view["pacing"] = core::PacingRulesJson(accounts_.PacingFor(account));
  co_return AccountToolOutput(std::move(view));
}

}  // namespace herald::tools
