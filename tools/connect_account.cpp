#include "tools/connect_account.h"

#include <chrono>

#include "base/crypto.h"
#include "tools/account_tool_output.h"
#include "tools/account_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {
namespace {

// How long the client may take to show the sign-in link: the link's own lifetime.
constexpr std::chrono::minutes kElicitTimeout{10};
// The protocol revision that has URL-mode elicitation and its completion notification.
constexpr std::string_view kElicitationCompleteSince = "2025-11-25";

}  // namespace

ConnectAccountTool::ConnectAccountTool(core::AccountService& accounts) : accounts_(accounts) {
  spec_ = SpecFromSchemas("connect_account", base::Role::kEditor);
}

Task<Result<ToolOutput>> ConnectAccountTool::Call(Json args, ToolContext& ctx) {
  std::string platform = base::GetString(args, "platform");
  if (args.is_object()) args.erase("platform");
  HERALD_CO_ASSIGN_OR_RETURN(core::ConnectResult result,
                             co_await accounts_.Connect(ctx.caller(), platform, std::move(args)));
  Json out = ConnectView(result, accounts_.platforms(), accounts_.clock().Now());
  std::string url = base::GetString(out, "authorization_url");
  if (url.empty() || !ctx.CanElicitUrl()) co_return AccountToolOutput(std::move(out));

  // URL-mode elicitation: ask the client to open the sign-in page. "accept" only means the user
  // agreed to open it; the connection completes when the network sends the browser back, and
  // then this session hears notifications/elicitation/complete (2025-11-25) for the same id.
  const std::string elicitation_id = "connect-" + base::HexEncode(base::RandomBytes(12));
  ToolContext::LaterNotify notify = ctx.NotifyLater(kElicitationCompleteSince);
  if (notify) {
    accounts_.WatchSignIn(result.pending_id, ctx.caller().org_id,
                          [notify, elicitation_id](const core::OAuthCallbackResult&) {
                            notify("notifications/elicitation/complete",
                                   Json{{"elicitationId", elicitation_id}});
                          });
  }
  Json params = {{"mode", "url"},
                 {"message", "Sign in to " + base::GetString(out, "platform_name", platform) +
                                 " and approve herald to connect the account."},
                 {"url", url},
                 {"elicitationId", elicitation_id}};
  auto answer =
      co_await ctx.Request("elicitation/create", std::move(params),
                           std::chrono::duration_cast<std::chrono::milliseconds>(kElicitTimeout));
  Json elicitation = {{"requested", true}};
  if (answer.ok()) {
    elicitation["action"] = base::GetString(*answer, "action", "unknown");
  } else {
    elicitation["error"] = answer.error().message();
  }
  out["elicitation"] = std::move(elicitation);
  co_return AccountToolOutput(std::move(out));
}

}  // namespace herald::tools
