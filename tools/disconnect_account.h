// disconnect_account: Disconnect an account. See spec() for what the model is told, and
// schemas/tools/disconnect_account.input.json / .output.json. Thin: decodes the arguments, calls
// core::AccountService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_DISCONNECT_ACCOUNT_H_
#define HERALD_TOOLS_DISCONNECT_ACCOUNT_H_

#include "core/account_service.h"
#include "tools/tool.h"

namespace herald::tools {

class DisconnectAccountTool final : public Tool {
 public:
  explicit DisconnectAccountTool(core::AccountService& accounts);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::AccountService& accounts_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_DISCONNECT_ACCOUNT_H_
