#include "platforms/register_all.h"

#include <string>

// One include per network.
#include "platforms/bluesky/bluesky_platform.h"
#include "platforms/discord/discord_platform.h"
#include "platforms/facebook/facebook_platform.h"
#include "platforms/instagram/instagram_platform.h"
#include "platforms/linkedin/linkedin_platform.h"
#include "platforms/mastodon/mastodon_platform.h"
#include "platforms/oauth/test_network.h"
#include "platforms/slack/slack_platform.h"
#include "platforms/telegram/telegram_platform.h"
#include "platforms/threads/threads_platform.h"
#include "platforms/tiktok/tiktok_platform.h"
#include "platforms/x/x_platform.h"
#include "platforms/youtube/youtube_platform.h"

namespace herald::platforms {

std::string PlatformEnv::ApiUrl(std::string_view id, std::string_view fallback) const {
  auto it = base_urls.find(id);
  return it == base_urls.end() ? std::string(fallback) : it->second;
}

std::string PlatformEnv::AuthUrl(std::string_view id, std::string_view fallback) const {
  auto it = auth_urls.find(id);
  return it == auth_urls.end() ? std::string(fallback) : it->second;
}

oauth::OAuthClientCredentials PlatformEnv::ClientFor(std::string_view id) const {
  auto it = oauth_clients.find(id);
  return it == oauth_clients.end() ? oauth::OAuthClientCredentials{} : it->second;
}

const base::Clock& PlatformEnv::ClockOrSystem() const {
  return clock != nullptr ? *clock : base::SystemClock::Instance();
}

std::unique_ptr<PlatformRegistry> MakeDefaultRegistry(const PlatformEnv& env) {
  auto registry = std::make_unique<PlatformRegistry>();
  // ---- one line per network ----
  registry->Add(std::make_unique<mastodon::MastodonPlatform>(env.http, env.clock));
  registry->Add(std::make_unique<bluesky::BlueskyPlatform>(env.http, env.clock));
  registry->Add(telegram::MakeTelegramPlatform(env.http, env.base_urls));
  registry->Add(discord::MakeDiscordPlatform(env.http, env.base_urls));
  registry->Add(slack::MakeSlackPlatform(env.http, env.clock, env.base_urls));
  if (auto x = x::MakeXPlatform(env)) registry->Add(std::move(x));
  for (auto& p : linkedin::MakeLinkedInPlatforms(env)) registry->Add(std::move(p));
  if (auto p = facebook::MakeFacebookPlatform(env)) registry->Add(std::move(p));
  if (auto p = instagram::MakeInstagramPlatform(env)) registry->Add(std::move(p));
  if (auto threads = threads::MakeThreadsPlatform(env)) registry->Add(std::move(threads));
  if (auto tiktok = tiktok::MakeTikTokPlatform(env)) registry->Add(std::move(tiktok));
  if (auto yt = youtube::MakeYouTubePlatform(env)) registry->Add(std::move(yt));
  // The OAuth test network exists only when explicitly configured (HERALD_OAUTH_TEST_PROVIDER).
  if (auto it = env.base_urls.find(oauth::kOAuthTestNetworkId);
      it != env.base_urls.end() && env.http != nullptr && env.clock != nullptr) {
    registry->Add(oauth::MakeOAuthTestNetwork(it->second, env.ClientFor(oauth::kOAuthTestNetworkId),
                                              *env.http, *env.clock));
  }
  return registry;
}

}  // namespace herald::platforms
