// list_accounts: List connected accounts. See spec() for what the model is told, and
// schemas/tools/list_accounts.input.json / .output.json. Thin: decodes the arguments, calls
// core::AccountService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_LIST_ACCOUNTS_H_
#define HERALD_TOOLS_LIST_ACCOUNTS_H_

#include "core/account_service.h"
#include "tools/tool.h"

namespace herald::tools {

class ListAccountsTool final : public Tool {
 public:
  explicit ListAccountsTool(core::AccountService& accounts);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::AccountService& accounts_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_LIST_ACCOUNTS_H_
