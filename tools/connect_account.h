// connect_account: Connect a social account. See spec() for what the model is told, and
// schemas/tools/connect_account.input.json / .output.json. Thin: decodes the arguments, calls
// core::AccountService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_CONNECT_ACCOUNT_H_
#define HERALD_TOOLS_CONNECT_ACCOUNT_H_

#include "core/account_service.h"
#include "tools/tool.h"

namespace herald::tools {

class ConnectAccountTool final : public Tool {
 public:
  explicit ConnectAccountTool(core::AccountService& accounts);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::AccountService& accounts_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_CONNECT_ACCOUNT_H_
