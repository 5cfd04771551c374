// OAuthNetwork: the OAuth side of a network whose Platform has AuthKind::kOAuth2. Such an
// adapter implements both Platform and OAuthNetwork; the account service finds this side with
// AsOAuthNetwork(platform) and drives the authorization-code flow:
//
//   connect_account -> AuthorizationUrl(Provider(), redirect, state, challenge)
//   browser -> network -> GET /oauth/callback/{platform}?code&state
//   -> OAuthClient::ExchangeCode -> Identify(tokens) -> account stored with sealed tokens
//
// During publishing the adapter keeps the tokens fresh itself with OAuthSession (refresh
// before expiry and on a 401) and persists rotated tokens through
// AccountContext::save_credentials. Thread-safe like Platform.
#ifndef HERALD_PLATFORMS_OAUTH_OAUTH_NETWORK_H_
#define HERALD_PLATFORMS_OAUTH_OAUTH_NETWORK_H_

#include <vector>

#include "base/async.h"
#include "base/result.h"
#include "platforms/oauth/oauth_provider.h"
#include "platforms/oauth/token_set.h"
#include "platforms/platform.h"

namespace herald::platforms::oauth {

class OAuthNetwork {
 public:
  virtual ~OAuthNetwork() = default;

  // Endpoints, scopes and client credentials.
  virtual const OAuthProvider& Provider() const = 0;

  // Who fresh `tokens` belong to (a "me" call): external_id, handle, display_name, base_url,
  // settings. The caller stores TokenSetToCredentials(tokens) as the credentials (an adapter
  // may add non-token fields to `credentials`, which are merged). Errors follow Platform's
  // convention (kUnauthenticated for a token the network refuses, kUnavailable transient).
  virtual Task<Result<ConnectedAccount>> Identify(TokenSet tokens) = 0;

  // Every account one grant yields: a Facebook user's Pages, a LinkedIn member and the
  // organizations they administer, ... Each carries its own external_id and may carry its own
  // credentials (a Page token) to merge over TokenSetToCredentials(tokens). Default: the one
  // account Identify names.
  virtual Task<Result<std::vector<ConnectedAccount>>> DiscoverAccounts(TokenSet tokens);
};

// The OAuth side of `platform`, or nullptr when it has none.
OAuthNetwork* AsOAuthNetwork(Platform* platform);

}  // namespace herald::platforms::oauth

#endif  // HERALD_PLATFORMS_OAUTH_OAUTH_NETWORK_H_
