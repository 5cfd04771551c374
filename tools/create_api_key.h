// create_api_key: Create an API key (shown once). See spec() for what the model is told, and
// schemas/tools/create_api_key.input.json / .output.json. Thin: decodes the arguments, calls
// core::TeamService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_CREATE_API_KEY_H_
#define HERALD_TOOLS_CREATE_API_KEY_H_

#include "core/team_service.h"
#include "tools/tool.h"

namespace herald::tools {

class CreateApiKeyTool final : public Tool {
 public:
  explicit CreateApiKeyTool(core::TeamService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::TeamService& team_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_CREATE_API_KEY_H_
