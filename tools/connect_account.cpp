#include "tools/connect_account.h"

#include <chrono>

#include "base/crypto.h"
#include "tools/account_tool_output.h"
#include "tools/account_views.h"

namespace herald::tools {
namespace {

// How long the client may take to show the sign-in link: the link's own lifetime.
constexpr std::chrono::minutes kElicitTimeout{10};

}  // namespace

ConnectAccountTool::ConnectAccountTool(core::AccountService& accounts) : accounts_(accounts) {
  spec_.name = "connect_account";
  spec_.title = "Connect a social account";
  spec_.description =
      "Connects a social account so herald can publish to it. Pass platform plus that "
      "network's arguments (list_platforms shows them): mastodon {instance_url, access_token}; "
      "bluesky {handle, app_password, service_url?}; telegram {bot_token, chat_id}; discord "
      "{webhook_url}; slack {bot_token, channel}. herald checks the credentials with the "
      "network right away, stores them encrypted and returns the account_id; a wrong or "
      "revoked token stores nothing and returns the network's reason. Connecting an account "
      "that is already connected updates it (same account_id). Networks that use OAuth sign-in "
      "return an authorization_url instead: the user opens it in a browser and approves; the "
      "client may be asked to open it for them. The account then shows in list_accounts.";
  spec_.annotations.read_only = false;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = true;
  spec_.required_role = store::Role::kEditor;
}

Task<Result<ToolOutput>> ConnectAccountTool::Call(Json args, ToolContext& ctx) {
  std::string platform = base::GetString(args, "platform");
  if (args.is_object()) args.erase("platform");
  HERALD_CO_ASSIGN_OR_RETURN(core::ConnectResult result,
                             co_await accounts_.Connect(ctx.caller(), platform, std::move(args)));
  Json out = ConnectView(result, accounts_.platforms());
  std::string url = base::GetString(out, "authorization_url");
  if (url.empty() || !ctx.CanElicitUrl()) co_return AccountToolOutput(std::move(out));

  // URL-mode elicitation: ask the client to open the sign-in page. "accept" only means the user
  // agreed to open it; the connection completes when the network sends the browser back.
  Json params = {{"mode", "url"},
                 {"message", "Sign in to " + base::GetString(out, "platform_name", platform) +
                                 " and approve herald to connect the account."},
                 {"url", url},
                 {"elicitationId", "connect-" + base::HexEncode(base::RandomBytes(12))}};
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
