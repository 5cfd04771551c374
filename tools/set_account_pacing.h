// set_account_pacing: give one account its own pacing, or return it to the server's. See
// spec() for what the model is told, and schemas/tools/set_account_pacing.*.json. Thin:
// decodes the arguments, calls core::AccountService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_SET_ACCOUNT_PACING_H_
#define HERALD_TOOLS_SET_ACCOUNT_PACING_H_

#include "core/account_service.h"
#include "tools/tool.h"

namespace herald::tools {

class SetAccountPacingTool final : public Tool {
 public:
  explicit SetAccountPacingTool(core::AccountService& accounts);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::AccountService& accounts_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_SET_ACCOUNT_PACING_H_
