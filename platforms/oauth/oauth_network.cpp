#include "platforms/oauth/oauth_network.h"

namespace herald::platforms::oauth {

OAuthNetwork* AsOAuthNetwork(Platform* platform) {
  if (platform == nullptr || platform->Info().auth_kind != AuthKind::kOAuth2) return nullptr;
  return dynamic_cast<OAuthNetwork*>(platform);
}

}  // namespace herald::platforms::oauth
