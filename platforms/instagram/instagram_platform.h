// InstagramNetwork: publishing to Instagram professional accounts (platform `instagram`)
// through the Instagram Graph API with Facebook Login (reference section 4), on the kit's
// OAuthNetworkBase and the Meta kit's ContainerPublisher.
//
// Connect: Facebook Login (facebook_login.h) with the Facebook app (HERALD_FACEBOOK_CLIENT_ID)
// unless HERALD_INSTAGRAM_CLIENT_ID / _SECRET name another; every Instagram account linked to a
// granted Page is an account publishing with its Page's token, and the Pages come along as
// `facebook` accounts. HERALD_INSTAGRAM_API_URL / _AUTH_URL override the hosts (else
// Facebook's overrides, else graph.facebook.com / www.facebook.com).
//
// Publish: media is fetched by Instagram from herald's signed public URLs (fetch_by_url;
// images JPEG only: the media pipeline converts PNG and others). The publishing limit
// (GET /{ig-user}/content_publishing_limit) is read before a new container is made: a spent
// limit is a quota wait until the window frees (nothing sent). Then a container (children
// first for a carousel), polled until FINISHED (ERROR fails with Instagram's reason), saved in
// remote_state before POST /{ig-user}/media_publish; a resumed or failed publish checks the
// container first (PUBLISHED: found among the account's recent media, never published twice).
// Kinds: platform_options instagram {type: feed (default) | carousel | reel | story}: one
// image, 2-10 images and videos, one video as a reel (3 s to 15 min), one image or video as a
// story (no caption). Caption <= 2,200 characters, <= 30 hashtags, <= 20 mentions.
// Delete: the Instagram API offers none (Features::delete_posts = false; kUnimplemented).
// Metrics: media insights views, reach, likes, comments, shares, saved; the account's
// followers_count, follows_count and media_count.
//
// remote_state: {"slot": <ContainerPublisher slot>, "media_id", "url"}. Thread-safe; `http`
// and `clock` outlive it.
#ifndef HERALD_PLATFORMS_INSTAGRAM_INSTAGRAM_PLATFORM_H_
#define HERALD_PLATFORMS_INSTAGRAM_INSTAGRAM_PLATFORM_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platforms/facebook/facebook_login.h"
#include "platforms/kit/oauth_network_base.h"
#include "platforms/meta/container_publisher.h"
#include "platforms/meta/graph_url.h"

namespace herald::platforms {
struct PlatformEnv;
}

namespace herald::platforms::instagram {

struct InstagramOptions {
  facebook::LoginOptions login;  // api_url, auth_url, client
  // Container checks: every `check_every`, at most `max_checks` per attempt (an attempt must
  // end within the publish timeout; a container still processing is resumed by the next
  // attempt); `pause` waits (empty: an Asio timer; tests record it).
  std::chrono::milliseconds check_every{3'000};
  int max_checks = 10;
  meta::ContainerPause pause;
};

// The JSON Schema of platform_options.instagram: {"type": "feed"|"carousel"|"reel"|"story"}.
Json InstagramOptionsSchema();

class InstagramNetwork final : public OAuthNetworkBase {
 public:
  InstagramNetwork(InstagramOptions options, HttpClient& http, const base::Clock& clock);

  const PlatformInfo& Info() const override { return info_; }
  ValidationReport Validate(const Content& content) const override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  // kUnimplemented: the Instagram API cannot delete posts.
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;

  // The first Instagram account of the grant. Errors: kFailedPrecondition when no granted Page
  // has one.
  Task<Result<ConnectedAccount>> Identify(oauth::TokenSet tokens) override;
  Task<Result<std::vector<ConnectedAccount>>> DiscoverAccounts(oauth::TokenSet tokens) override;

 private:
  // The Meta kit's caller for `account` (its token through WithToken).
  meta::GraphCaller Caller(AccountContext& account);
  Task<Result<HttpResponse>> Get(AccountContext& account, std::string path,
                                 http::FormFields query, std::string action);
  Result<meta::ContainerPost> PostOf(const Content& content) const;

  InstagramOptions options_;
  meta::GraphUrl graph_;
  meta::ContainerPublisher publisher_;
  PlatformInfo info_;
};

std::unique_ptr<Platform> MakeInstagramPlatform(const PlatformEnv& env);

}  // namespace herald::platforms::instagram

#endif  // HERALD_PLATFORMS_INSTAGRAM_INSTAGRAM_PLATFORM_H_
