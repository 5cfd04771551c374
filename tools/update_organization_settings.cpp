#include "tools/update_organization_settings.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/team_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

UpdateOrganizationSettingsTool::UpdateOrganizationSettingsTool(core::TeamService& service) : team_(service) {
  spec_ = SpecFromSchemas("update_organization_settings", base::Role::kAdmin);
}

Task<Result<ToolOutput>> UpdateOrganizationSettingsTool::Call(Json args, ToolContext& ctx) {
  core::SettingsUpdate update;
  if (args.is_object() && args.contains("require_approval")) {
    update.require_approval = BoolArg(args, "require_approval", false);
  }
  HERALD_CO_ASSIGN_OR_RETURN(auto settings,
                             co_await team_.UpdateSettings(ctx.caller(), std::move(update)));
  co_return Structured(SettingsView(settings));
}

}  // namespace herald::tools
