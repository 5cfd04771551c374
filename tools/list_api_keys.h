// list_api_keys: List the organization's API keys. See spec() for what the model is told, and
// schemas/tools/list_api_keys.input.json / .output.json. Thin: decodes the arguments, calls
// core::TeamService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_LIST_API_KEYS_H_
#define HERALD_TOOLS_LIST_API_KEYS_H_

#include "core/team_service.h"
#include "tools/tool.h"

namespace herald::tools {

class ListApiKeysTool final : public Tool {
 public:
  explicit ListApiKeysTool(core::TeamService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::TeamService& team_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_LIST_API_KEYS_H_
