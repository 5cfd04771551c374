#include "tools/create_webhook.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/team_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

CreateWebhookTool::CreateWebhookTool(core::WebhookService& service) : webhooks_(service) {
  spec_ = SpecFromSchemas("create_webhook", base::Role::kAdmin);
}

Task<Result<ToolOutput>> CreateWebhookTool::Call(Json args, ToolContext& ctx) {
  core::CreateWebhookRequest request;
  request.url = StringArg(args, "url");
  request.events = StringListArg(args, "events").value_or(std::vector<std::string>{});
  request.secret = OptionalStringArg(args, "secret").value_or("");
  HERALD_CO_ASSIGN_OR_RETURN(core::CreatedWebhook created,
                             co_await webhooks_.Create(ctx.caller(), std::move(request)));
  Json out = WebhookView(created.webhook);
  out["secret"] = created.secret;
  co_return Structured(std::move(out));
}

}  // namespace herald::tools
