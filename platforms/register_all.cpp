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
    auto client = env.oauth_clients.find(oauth::kOAuthTestNetworkId);
    registry->Add(oauth::MakeOAuthTestNetwork(
        it->second,
        client != env.oauth_clients.end() ? client->second : oauth::OAuthClientCredentials{},
        *env.http, *env.clock));
  }
  return registry;
}

}  // namespace herald::platforms
