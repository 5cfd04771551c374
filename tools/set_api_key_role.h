// set_api_key_role: Change an API key's role. See spec() for what the model is told, and
// schemas/tools/set_api_key_role.input.json / .output.json. Thin: decodes the arguments, calls
// core::TeamService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_SET_API_KEY_ROLE_H_
#define HERALD_TOOLS_SET_API_KEY_ROLE_H_

#include "core/team_service.h"
#include "tools/tool.h"

namespace herald::tools {

class SetApiKeyRoleTool final : public Tool {
 public:
  explicit SetApiKeyRoleTool(core::TeamService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::TeamService& team_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_SET_API_KEY_ROLE_H_
