// list_webhook_deliveries: Show the deliveries of webhook events. See spec() for what the model is told, and
// schemas/tools/list_webhook_deliveries.input.json / .output.json. Thin: decodes the arguments, calls
// core::WebhookService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_LIST_WEBHOOK_DELIVERIES_H_
#define HERALD_TOOLS_LIST_WEBHOOK_DELIVERIES_H_

#include "core/webhook_service.h"
#include "tools/tool.h"

namespace herald::tools {

class ListWebhookDeliveriesTool final : public Tool {
 public:
  explicit ListWebhookDeliveriesTool(core::WebhookService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::WebhookService& webhooks_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_LIST_WEBHOOK_DELIVERIES_H_
