#include "tools/list_accounts.h"

#include "tools/account_tool_output.h"
#include "tools/account_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ListAccountsTool::ListAccountsTool(core::AccountService& accounts) : accounts_(accounts) {
  spec_ = SpecFromSchemas("list_accounts", base::Role::kViewer);
}

Task<Result<ToolOutput>> ListAccountsTool::Call(Json args, ToolContext& ctx) {
  std::string platform = base::GetString(args, "platform");
  std::string status = base::GetString(args, "status");
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<store::Account> accounts,
                             co_await accounts_.List(ctx.caller()));
  Json all = AccountListView(accounts, accounts_.platforms(), accounts_.clock().Now());
  if (platform.empty() && status.empty()) co_return AccountToolOutput(std::move(all));
  Json kept = Json::array();
  for (auto& a : all["accounts"]) {
    if (!platform.empty() && a.value("platform", "") != platform) continue;
    if (!status.empty() && a.value("status", "") != status) continue;
    kept.push_back(std::move(a));
  }
  co_return AccountToolOutput(Json{{"accounts", std::move(kept)}});
}

}  // namespace herald::tools
