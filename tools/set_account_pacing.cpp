#include "tools/set_account_pacing.h"

#include <string>
#include <utility>

#include "core/account_pacing.h"
#include "tools/account_tool_output.h"
#include "tools/account_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

SetAccountPacingTool::SetAccountPacingTool(core::AccountService& accounts) : accounts_(accounts) {
  spec_ = SpecFromSchemas("set_account_pacing", base::Role::kAdmin);
}

Task<Result<ToolOutput>> SetAccountPacingTool::Call(Json args, ToolContext& ctx) {
  Json pacing = args.is_object() && args.contains("pacing") ? args["pacing"] : Json(nullptr);
  HERALD_CO_ASSIGN_OR_RETURN(
      store::Account account,
      co_await accounts_.SetPacing(ctx.caller(), base::GetString(args, "account_id"),
                                   std::move(pacing)));
  co_return AccountToolOutput(AccountPacingView(account, accounts_.PacingFor(account)));
}

}  // namespace herald::tools
