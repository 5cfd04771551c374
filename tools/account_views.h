// Account views: the JSON shapes of accounts and networks that the account tools return
// (list_platforms, connect_account, list_accounts, get_account, disconnect_account), built from
// what core::AccountService returns. The herald://accounts resource shows AccountListView.
// Never includes credentials. Pure functions; thread-safe.
#ifndef HERALD_TOOLS_ACCOUNT_VIEWS_H_
#define HERALD_TOOLS_ACCOUNT_VIEWS_H_

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "core/account_pacing.h"
#include "core/account_results.h"
#include "platforms/platform.h"
#include "platforms/platform_registry.h"
#include "store/model.h"

namespace herald::tools {

// {id, name, auth_kind, text{max_length, max_caption_length, unit, url_length},
//  media{max_items, max_image_bytes, mime_types, max_alt_text},
//  features{threads, delete_posts, post_metrics, account_metrics, idempotency},
//  connect{required, optional}}
base::Json PlatformInfoView(const platforms::PlatformInfo& info);

// {account_id, platform, platform_name, handle, display_name, status, base_url, settings,
//  token_expires_at (RFC 3339 or null), token_refreshable, last_error, connected_at, updated_at,
//  attention (null, or "token_expires_soon" from 7 days before a token that cannot be renewed
//  expires, with attention_message saying when and what to do)}.
// `platform` may be null (a network no longer configured); `now` is the current time.
base::Json AccountView(const store::Account& account, const platforms::Platform* platform,
                       base::Time now);

// AccountView plus "network": PlatformInfoView of its network (limits and features: what the
// account can do), or null.
base::Json AccountDetailView(const store::Account& account, const platforms::Platform* platform,
                             base::Time now);

// set_account_pacing: {account_id, handle, pacing_override (the account's own parts, or null),
// pacing (the rules that hold: PacingRulesJson)}.
base::Json AccountPacingView(const store::Account& account, const core::PacingRules& effective);

// list_accounts: {"accounts": [AccountView...]} in the given order.
base::Json AccountListView(const std::vector<store::Account>& accounts,
                           const platforms::PlatformRegistry& platforms, base::Time now);

// connect_account: connected {account_id, platform, handle, display_name, status, reconnected,
// account: AccountView}, or pending {platform, platform_name, status: "pending_authorization",
// authorization_url, expires_at, redirect_uri, message}.
base::Json ConnectView(const core::ConnectResult& result,
                       const platforms::PlatformRegistry& platforms, base::Time now);

// disconnect_account: {account_id, platform, handle, status: "disconnected", revoked (bool or
// null), revoke_error?, already_disconnected, scheduled_posts, grant_shared_with, message?}.
base::Json DisconnectView(const core::DisconnectResult& result);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_ACCOUNT_VIEWS_H_
