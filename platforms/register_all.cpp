#include "platforms/register_all.h"

#include <cctype>
#include <cstdlib>
#include <string>

// One include per network.
#include "platforms/bluesky/bluesky_platform.h"
#include "platforms/discord/discord_platform.h"
#include "platforms/http/url_policy.h"
#include "platforms/mastodon/mastodon_platform.h"
#include "platforms/oauth/test_network.h"
#include "platforms/slack/slack_platform.h"
#include "platforms/telegram/telegram_platform.h"

namespace herald::platforms {
namespace {

// Network ids that may have an API base URL override.
constexpr const char* kNetworkIds[] = {"mastodon", "bluesky", "telegram", "discord", "slack"};

}  // namespace

std::unique_ptr<PlatformRegistry> MakeDefaultRegistry(const PlatformEnv& env) {
  auto registry = std::make_unique<PlatformRegistry>();
  (void)env;
  // ---- one line per network ----
  registry->Add(std::make_unique<mastodon::MastodonPlatform>(env.http, env.clock));
  registry->Add(std::make_unique<bluesky::BlueskyPlatform>(env.http, env.clock));
  registry->Add(telegram::MakeTelegramPlatform(env.http, env.base_urls));
  registry->Add(discord::MakeDiscordPlatform(env.http, env.base_urls));
  registry->Add(slack::MakeSlackPlatform(env.http, env.clock, env.base_urls));
  // The OAuth test network exists only when explicitly configured (HERALD_OAUTH_TEST_PROVIDER).
  if (auto it = env.base_urls.find(oauth::kOAuthTestNetworkId);
      it != env.base_urls.end() && env.http != nullptr && env.clock != nullptr) {
    registry->Add(oauth::MakeOAuthTestNetwork(it->second, *env.http, *env.clock));
  }
  return registry;
}

base::Result<BaseUrlOverrides> BaseUrlOverridesFromEnv() {
  BaseUrlOverrides out;
  std::map<std::string, std::string, std::less<>> variables;  // network id -> variable name
  for (const char* id : kNetworkIds) {
    std::string name = "HERALD_";
    for (const char* c = id; *c != '\0'; ++c) {
      name += static_cast<char>(std::toupper(static_cast<unsigned char>(*c)));
    }
    name += "_API_URL";
    if (const char* v = std::getenv(name.c_str()); v != nullptr && *v != '\0') {
      out[id] = v;
      variables[id] = name;
    }
  }
  if (const char* v = std::getenv("HERALD_OAUTH_TEST_PROVIDER"); v != nullptr && *v != '\0') {
    out[std::string(oauth::kOAuthTestNetworkId)] = v;
    variables[std::string(oauth::kOAuthTestNetworkId)] = "HERALD_OAUTH_TEST_PROVIDER";
  }
  for (const auto& [id, url] : out) {
    HERALD_RETURN_IF_ERROR(http::CheckBaseUrl(variables[id], url));
  }
  return out;
}

}  // namespace herald::platforms
