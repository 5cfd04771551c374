// FacebookNetwork: publishing to Facebook Pages (platform `facebook`) through the Graph API,
// on the kit's OAuthNetworkBase and Facebook Login (facebook_login.h: one sign-in yields every
// Page, each publishing with its Page token, and the Instagram accounts linked to them).
//
// Publish (all calls on <api>/v24.0 = graph.facebook.com or HERALD_FACEBOOK_API_URL; videos on
// graph-video.facebook.com, or on HERALD_FACEBOOK_API_URL's host when it is set):
//   text / link   POST /{page}/feed message (+ link: the first URL of the text)
//   one photo     POST /{page}/photos url (herald's signed public URL: fetch_by_url), caption
//   photos        each POST /{page}/photos published=false (ids saved in remote_state), then
//                 POST /{page}/feed message + attached_media
//   video         POST graph-video /{page}/videos file_url, description
//   reel          platform_options facebook {type: reel}: POST /{page}/video_reels
//                 upload_phase=start (video id saved), POST the upload URL with header
//                 file_url (Authorization: OAuth), upload_phase=finish video_state=PUBLISHED,
//                 then GET /{video}?fields=status until ready (reels: one MP4, 3-90 s)
// No idempotency key (IdempotencyKind::kReconcile): the attempt's time is saved before
// anything is sent; Facebook's (#506) "duplicate status message" means the post exists and
// Publish finds it among the Page's recent posts (/published_posts, same message, not older
// than the attempt) instead of failing; Find does the same after an interrupted attempt. A
// Page token without pages_manage_posts (or a user without the CREATE_CONTENT task, per the
// account's settings) is refused before anything is sent, naming the permission.
// Delete: DELETE /{post} (already gone is fine). Metrics: post insights post_media_view,
// post_total_media_view_unique, post_reactions_by_type_total, post_clicks plus shares and
// comments; the Page's followers_count.
//
// remote_state: {"attempt_at": <unix ms>, "photos": {"<media id>": "<photo id>"},
// "reel": "<video id>", "post_id", "url"}. Thread-safe; `http` and `clock` outlive it.
#ifndef HERALD_PLATFORMS_FACEBOOK_FACEBOOK_PLATFORM_H_
#define HERALD_PLATFORMS_FACEBOOK_FACEBOOK_PLATFORM_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platforms/facebook/facebook_login.h"
#include "platforms/kit/oauth_network_base.h"
#include "platforms/meta/graph_url.h"

namespace herald::platforms {
struct PlatformEnv;
}

namespace herald::platforms::facebook {

struct FacebookOptions {
  LoginOptions login;     // api_url (HERALD_FACEBOOK_API_URL), auth_url, client
  std::string video_url;  // replaces graph-video.facebook.com ("" = api_url when set)
  std::chrono::milliseconds upload_timeout{300'000};
  // Reel processing: checked every `video_check_every`, at most `max_video_checks` times;
  // `pause` waits (empty: an Asio timer; tests advance a FakeClock).
  std::chrono::milliseconds video_check_every{5'000};
  int max_video_checks = 60;
  std::function<Task<void>(std::chrono::milliseconds)> pause;
  // Find looks at the Page's `find_limit` newest posts, back to `find_slack` before the attempt.
  int find_limit = 50;
  std::chrono::seconds find_slack{600};
};

// The JSON Schema of platform_options.facebook: {"type": "feed" | "reel"}.
Json FacebookOptionsSchema();

class FacebookNetwork final : public OAuthNetworkBase {
 public:
  FacebookNetwork(FacebookOptions options, HttpClient& http, const base::Clock& clock);

  const PlatformInfo& Info() const override { return info_; }
  ValidationReport Validate(const Content& content) const override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;

  // The first Page of the grant. Errors: kFailedPrecondition when the user granted no Page.
  Task<Result<ConnectedAccount>> Identify(oauth::TokenSet tokens) override;
  // Every Page and every linked Instagram account (facebook_login.h).
  Task<Result<std::vector<ConnectedAccount>>> DiscoverAccounts(oauth::TokenSet tokens) override;

 private:
  // `call` with the account's token (WithToken).
  Task<Result<HttpResponse>> Api(AccountContext& account, GraphCall call);
  GraphCall Post(std::string path, http::FormFields form, std::string action,
                 bool video_host = false) const;
  GraphCall Get(std::string path, http::FormFields query, std::string action) const;

  Task<Result<std::string>> PublishReel(PublishRequest& request, Json& state,
                                        const MediaItem& video, const std::string& text);
  // The post with `text` among the Page's recent posts since `since_ms`, or nullopt.
  Task<Result<std::optional<std::string>>> FindPost(AccountContext& account,
                                                    const std::string& text, int64_t since_ms);
  // The post's permalink (Facebook's, else one made from the id).
  Task<std::string> Permalink(AccountContext& account, const std::string& id, bool reel);
  Task<void> Pause(std::chrono::milliseconds delay) const;

  FacebookOptions options_;
  meta::GraphUrl graph_;
  meta::GraphUrl video_;
  PlatformInfo info_;
};

// The Facebook network configured from `env` (base_urls / auth_urls / oauth_clients
// "facebook").
std::unique_ptr<Platform> MakeFacebookPlatform(const PlatformEnv& env);
// LoginOptions of network `id` from `env`: its own URLs and client when configured, else
// Facebook's (Instagram uses the Facebook app unless HERALD_INSTAGRAM_CLIENT_ID is set).
LoginOptions LoginOptionsFrom(const PlatformEnv& env, std::string_view id);

}  // namespace herald::platforms::facebook

#endif  // HERALD_PLATFORMS_FACEBOOK_FACEBOOK_PLATFORM_H_
