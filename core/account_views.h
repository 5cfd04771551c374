// The JSON shapes of accounts and networks that the account tools return (list_platforms,
// connect_account, list_accounts, get_account, disconnect_account). Never includes
// credentials. Pure functions; thread-safe.
#ifndef HERALD_CORE_ACCOUNT_VIEWS_H_
#define HERALD_CORE_ACCOUNT_VIEWS_H_

#include <string>
#include <vector>

#include "base/json.h"
#include "platforms/platform.h"
#include "store/model.h"

namespace herald::core {

// Connect arguments of a network, split by whether they must be given. PlatformInfo lists them
// in connect_fields; a name ending in '?' (or the known-optional "service_url") is optional.
// Bluesky's optional service_url is added even when its adapter does not list it.
struct ConnectArguments {
  std::vector<std::string> required;
  std::vector<std::string> optional;
};
ConnectArguments ConnectArgumentsOf(const platforms::PlatformInfo& info);

// {id, name, auth_kind, text{max_length, max_caption_length, unit, url_length},
//  media{max_items, max_image_bytes, mime_types, max_alt_text},
//  features{threads, delete_posts, post_metrics, account_metrics, idempotency},
//  connect{required, optional}}
base::Json PlatformInfoView(const platforms::PlatformInfo& info);

// {account_id, platform, platform_name, handle, display_name, status, base_url, settings,
//  token_expires_at (RFC 3339 or null), last_error, connected_at, updated_at}.
// `platform` may be null (a network no longer configured).
base::Json AccountView(const store::Account& account, const platforms::Platform* platform);

// AccountView plus "network": PlatformInfoView of its network (limits and features: what the
// account can do), or null.
base::Json AccountDetailView(const store::Account& account, const platforms::Platform* platform);

}  // namespace herald::core

#endif  // HERALD_CORE_ACCOUNT_VIEWS_H_
