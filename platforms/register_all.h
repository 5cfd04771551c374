// Builds the registry of every supported network for production use.
#ifndef HERALD_PLATFORMS_REGISTER_ALL_H_
#define HERALD_PLATFORMS_REGISTER_ALL_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "platforms/oauth/oauth_provider.h"
#include "platforms/platform.h"
#include "platforms/platform_registry.h"

namespace herald::platforms {

struct PlatformEnv {
  HttpClient* http = nullptr;  // shared HTTPS client; outlives the registry
  const base::Clock* clock = nullptr;
  BaseUrlOverrides base_urls;  // network id -> API base URL (tests, self-hosting)
  // Network id -> the scheme and host replacing the browser authorization host (the OAuth
  // authorize page), from HERALD_<PLATFORM>_AUTH_URL; the real path is kept.
  BaseUrlOverrides auth_urls;
  // Network id -> the OAuth app herald is registered with there (from the app's configuration:
  // HERALD_<PLATFORM>_CLIENT_ID / _CLIENT_SECRET).
  std::map<std::string, oauth::OAuthClientCredentials, std::less<>> oauth_clients;
  // Network ids whose API downloads media from herald's public (signed) URLs instead of herald
  // uploading it: the operator verified HERALD_PUBLIC_URL with the network
  // (HERALD_TIKTOK_PULL_FROM_URL).
  std::set<std::string, std::less<>> pull_from_url;

  // Network `id`'s API base URL as the operator overrode it, else `fallback`.
  std::string ApiUrl(std::string_view id, std::string_view fallback = {}) const;
  // Network `id`'s authorization host as the operator overrode it, else `fallback`.
  std::string AuthUrl(std::string_view id, std::string_view fallback = {}) const;
  // The OAuth app configured for network `id` (empty credentials when none).
  oauth::OAuthClientCredentials ClientFor(std::string_view id) const;
  // `clock`, else the system clock.
  const base::Clock& ClockOrSystem() const;
};

// Every network herald supports, configured from `env`.
std::unique_ptr<PlatformRegistry> MakeDefaultRegistry(const PlatformEnv& env);

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_REGISTER_ALL_H_
