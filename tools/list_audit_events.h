// list_audit_events: Read the organization's audit log. See spec() for what the model is told, and
// schemas/tools/list_audit_events.input.json / .output.json. Thin: decodes the arguments, calls
// core::TeamService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_LIST_AUDIT_EVENTS_H_
#define HERALD_TOOLS_LIST_AUDIT_EVENTS_H_

#include "core/team_service.h"
#include "tools/tool.h"

namespace herald::tools {

class ListAuditEventsTool final : public Tool {
 public:
  explicit ListAuditEventsTool(core::TeamService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::TeamService& team_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_LIST_AUDIT_EVENTS_H_
