#include "platforms/oauth/oauth_network.h"

#include <utility>

namespace herald::platforms::oauth {

Task<Result<std::vector<ConnectedAccount>>> OAuthNetwork::DiscoverAccounts(TokenSet tokens) {
  HERALD_CO_ASSIGN_OR_RETURN(ConnectedAccount account, co_await Identify(std::move(tokens)));
  co_return std::vector<ConnectedAccount>{std::move(account)};
}

OAuthNetwork* AsOAuthNetwork(Platform* platform) {
  if (platform == nullptr || platform->Info().auth_kind != AuthKind::kOAuth2) return nullptr;
  return dynamic_cast<OAuthNetwork*>(platform);
}

}  // namespace herald::platforms::oauth
