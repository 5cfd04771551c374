#include "tools/list_webhooks.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/team_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ListWebhooksTool::ListWebhooksTool(core::WebhookService& service) : webhooks_(service) {
  spec_ = SpecFromSchemas("list_webhooks", base::Role::kAdmin);
}

Task<Result<ToolOutput>> ListWebhooksTool::Call(Json args, ToolContext& ctx) {
  (void)args;
  HERALD_CO_ASSIGN_OR_RETURN(auto hooks, co_await webhooks_.List(ctx.caller()));
  Json list = Json::array();
  for (const auto& w : hooks) list.push_back(WebhookView(w));
  co_return Structured(Json{{"webhooks", std::move(list)}});
}

}  // namespace herald::tools
