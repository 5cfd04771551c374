#include "tools/delete_webhook.h"

#include <string>
#include <utility>
#include <vector>

#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

DeleteWebhookTool::DeleteWebhookTool(core::WebhookService& service) : webhooks_(service) {
  spec_ = SpecFromSchemas("delete_webhook", base::Role::kAdmin);
}

Task<Result<ToolOutput>> DeleteWebhookTool::Call(Json args, ToolContext& ctx) {
  std::string id = StringArg(args, "webhook_id");
  HERALD_CO_RETURN_IF_ERROR(co_await webhooks_.Delete(ctx.caller(), id));
  co_return Structured(Json{{"webhook_id", id}, {"deleted", true}});
}

}  // namespace herald::tools
