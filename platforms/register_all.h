// Builds the registry of every supported network for production use.
#ifndef HERALD_PLATFORMS_REGISTER_ALL_H_
#define HERALD_PLATFORMS_REGISTER_ALL_H_

#include <memory>

#include "base/clock.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "platforms/platform.h"
#include "platforms/platform_registry.h"

namespace herald::platforms {

struct PlatformEnv {
  HttpClient* http = nullptr;  // shared HTTPS client; outlives the registry
  const base::Clock* clock = nullptr;
  BaseUrlOverrides base_urls;  // network id -> API base URL (tests, self-hosting)
};

// Every network herald supports, configured from `env`.
std::unique_ptr<PlatformRegistry> MakeDefaultRegistry(const PlatformEnv& env);

// Reads HERALD_<NETWORK>_API_URL for every known network id into overrides, and
// HERALD_OAUTH_TEST_PROVIDER (the OAuth emulator's base URL) as the "oauthtest" entry, which is
// what registers the OAuth test network. Errors: kInvalidArgument naming the variable when a
// value is not an http(s) base URL with a host and a port from 1 to 65535 (CheckBaseUrl).
base::Result<BaseUrlOverrides> BaseUrlOverridesFromEnv();

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_REGISTER_ALL_H_
