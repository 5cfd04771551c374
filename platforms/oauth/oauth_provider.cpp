#include "platforms/oauth/oauth_provider.h"

#include <cctype>

namespace herald::platforms::oauth {

std::string PlatformEnvName(std::string_view platform, std::string_view suffix) {
  std::string out = "HERALD_";
  for (char c : platform) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  out += '_';
  out += suffix;
  return out;
}

base::Result<void> OAuthProvider::CheckConfigured() const {
  if (!client_id.empty()) return base::Ok();
  std::string name = display_name.empty() ? platform : display_name;
  std::string id_suffix;
  for (char c : client_id_param) {
    id_suffix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return base::FailedPrecondition(
      "connecting " + name + " needs the herald operator to register an OAuth app with " + name +
      " and set " + PlatformEnvName(platform, id_suffix) + " and " +
      PlatformEnvName(platform, "CLIENT_SECRET") + " (redirect URI: HERALD_PUBLIC_URL + " +
      "/oauth/callback/" + platform + ")");
}

OAuthProvider MakeProvider(std::string_view platform, std::string_view display_name,
                           std::string authorize_url, std::string token_url,
                           std::vector<std::string> scopes, ClientAuthMethod client_auth,
                           bool pkce) {
  OAuthProvider p;
  p.platform = std::string(platform);
  p.display_name = std::string(display_name);
  p.authorize_url = std::move(authorize_url);
  p.token_url = std::move(token_url);
  p.scopes = std::move(scopes);
  p.client_auth = client_auth;
  p.pkce = pkce;
  return p;
}

}  // namespace herald::platforms::oauth
