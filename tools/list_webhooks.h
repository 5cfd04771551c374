// list_webhooks: List the organization's webhooks. See spec() for what the model is told, and
// schemas/tools/list_webhooks.input.json / .output.json. Thin: decodes the arguments, calls
// core::WebhookService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_LIST_WEBHOOKS_H_
#define HERALD_TOOLS_LIST_WEBHOOKS_H_

#include "core/webhook_service.h"
#include "tools/tool.h"

namespace herald::tools {

class ListWebhooksTool final : public Tool {
 public:
  explicit ListWebhooksTool(core::WebhookService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::WebhookService& webhooks_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_LIST_WEBHOOKS_H_
