#include "platforms/oauth/oauth_provider.h"

#include <cctype>
#include <cstdlib>

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
  return base::FailedPrecondition(
      "connecting " + name + " needs the herald operator to register an OAuth app with " + name +
      " and set " + PlatformEnvName(platform, "CLIENT_ID") + " and " +
      PlatformEnvName(platform, "CLIENT_SECRET") + " (redirect URI: HERALD_PUBLIC_URL + " +
      "/oauth/callback/" + platform + ")");
}

void OAuthProvider::LoadClientFromEnv() {
  std::string id_var = PlatformEnvName(platform, "CLIENT_ID");
  std::string secret_var = PlatformEnvName(platform, "CLIENT_SECRET");
  if (const char* v = std::getenv(id_var.c_str()); v != nullptr) client_id = v;
  if (const char* v = std::getenv(secret_var.c_str()); v != nullptr) client_secret = v;
}

}  // namespace herald::platforms::oauth
