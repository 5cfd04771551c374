// update_organization_settings: Show and change the organization's settings. See spec() for what the model is told, and
// schemas/tools/update_organization_settings.input.json / .output.json. Thin: decodes the arguments, calls
// core::TeamService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_UPDATE_ORGANIZATION_SETTINGS_H_
#define HERALD_TOOLS_UPDATE_ORGANIZATION_SETTINGS_H_

#include "core/team_service.h"
#include "tools/tool.h"

namespace herald::tools {

class UpdateOrganizationSettingsTool final : public Tool {
 public:
  explicit UpdateOrganizationSettingsTool(core::TeamService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::TeamService& team_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_UPDATE_ORGANIZATION_SETTINGS_H_
