#include "tools/list_audit_events.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/team_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ListAuditEventsTool::ListAuditEventsTool(core::TeamService& service) : team_(service) {
  spec_ = SpecFromSchemas("list_audit_events", base::Role::kAdmin);
}

Task<Result<ToolOutput>> ListAuditEventsTool::Call(Json args, ToolContext& ctx) {
  core::AuditRequest request;
  request.from = OptionalStringArg(args, "from").value_or("");
  request.to = OptionalStringArg(args, "to").value_or("");
  request.object = OptionalStringArg(args, "object").value_or("");
  request.key = OptionalStringArg(args, "key").value_or("");
  request.limit = IntArg(args, "limit", 100);
  request.cursor = OptionalStringArg(args, "cursor").value_or("");
  HERALD_CO_ASSIGN_OR_RETURN(core::AuditPage page,
                             co_await team_.ListAudit(ctx.caller(), std::move(request)));
  co_return Structured(AuditPageView(page));
}

}  // namespace herald::tools
