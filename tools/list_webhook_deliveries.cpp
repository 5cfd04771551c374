#include "tools/list_webhook_deliveries.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/team_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ListWebhookDeliveriesTool::ListWebhookDeliveriesTool(core::WebhookService& service) : webhooks_(service) {
  spec_ = SpecFromSchemas("list_webhook_deliveries", base::Role::kAdmin);
}

Task<Result<ToolOutput>> ListWebhookDeliveriesTool::Call(Json args, ToolContext& ctx) {
  HERALD_CO_ASSIGN_OR_RETURN(
      auto deliveries,
      co_await webhooks_.ListDeliveries(ctx.caller(),
                                        OptionalStringArg(args, "webhook_id").value_or(""),
                                        IntArg(args, "limit", 50)));
  Json list = Json::array();
  for (const auto& d : deliveries) list.push_back(DeliveryView(d));
  co_return Structured(Json{{"deliveries", std::move(list)}});
}

}  // namespace herald::tools
