// ThreadsPlatform: publishing to Threads (Threads API v1.0) over OAuth 2.0, on the kit's
// OAuthNetworkBase and the Meta kit (platforms/meta).
//
// Endpoints: the browser goes to <auth>/oauth/authorize (auth = https://threads.net or
// HERALD_THREADS_AUTH_URL); everything else is on <api> (https://graph.threads.net or
// HERALD_THREADS_API_URL, scheme and host only, the real paths kept): POST /oauth/access_token
// (code, client id and secret in the form; a short-lived token), then at once GET
// /access_token?grant_type=th_exchange_token (the 60-day token herald stores), renewed with GET
// /refresh_access_token?grant_type=th_refresh_token within 10 days of its expiry (the OAuth
// framework's access_token_renewal: Threads has no refresh token); the API under /v1.0.
// A missing client id names HERALD_THREADS_CLIENT_ID and the redirect URI to register.
//
// Publish: every part is a container (TEXT, IMAGE, VIDEO, or CAROUSEL of 2-20 items) published
// with threads_publish through meta::ContainerPublisher, thread parts as a reply chain
// (reply_to_id, ThreadPublisher resumes after the recorded parts). Threads fetches media from
// herald's public URL (MediaRules::fetch_by_url; needs HERALD_PUBLIC_URL). The publishing limit
// is read before anything is sent: spent -> a quota wait until it is checked again. Exactly
// once: each part's container is recorded before it is published; Find and a resumed Publish
// check it (PUBLISHED -> found among the recent posts or replies). Text: 500 characters, an
// emoji counting its UTF-8 bytes.
//
// remote_state / receipt.remote_state: {"parts": [{"id", "url"}, ...], "containers": {"<part>":
// {slot of meta::ContainerPublisher}}}. Thread-safe; `http` and `clock` outlive it.
#ifndef HERALD_PLATFORMS_THREADS_THREADS_PLATFORM_H_
#define HERALD_PLATFORMS_THREADS_THREADS_PLATFORM_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "platforms/http_client.h"
#include "platforms/kit/oauth_network_base.h"
#include "platforms/kit/post_validator.h"
#include "platforms/meta/container_publisher.h"
#include "platforms/meta/graph_url.h"
#include "platforms/oauth/oauth_provider.h"
#include "platforms/platform.h"
#include "platforms/threads/threads_wire.h"

namespace herald::platforms {
struct PlatformEnv;
}

namespace herald::platforms::threads {

struct ThreadsOptions {
  // Scheme and host replacing https://graph.threads.net (HERALD_THREADS_API_URL); "" = real.
  std::string api_url;
  // How the flow waits between container status checks; empty: an Asio timer. Tests advance a
  // FakeClock.
  meta::ContainerPause pause;
  int max_container_checks = 30;
  std::chrono::milliseconds check_every{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};
};

// Threads' OAuth description: authorize on `auth_url` (default https://threads.net), tokens on
// `api_url` (default https://graph.threads.net), ThreadsScopes() comma-separated, client id and
// secret in the form, no PKCE, the long-lived exchange and th_refresh_token renewal.
oauth::OAuthProvider ThreadsProvider(std::string_view api_url, std::string_view auth_url);

class ThreadsPlatform final : public OAuthNetworkBase {
 public:
  ThreadsPlatform(oauth::OAuthProvider provider, HttpClient& http, const base::Clock& clock,
                  ThreadsOptions options = {});

  const PlatformInfo& Info() const override { return info_; }
  // 500 characters (emoji count their UTF-8 bytes), up to 20 images or videos (a carousel when
  // more than one), JPEG or PNG images up to 8 MB, MP4/MOV video up to 5 minutes and 1 GB.
  ValidationReport Validate(const Content& content) const override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  // Ok(receipt) when every part is recorded or its recorded container was published (found);
  // Ok(nullopt) when a part certainly is not (no container, or one not published).
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  // Deletes every part, replies first; a post already gone is fine.
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  // Insights of the first part: {"views","likes","replies","reposts","quotes","shares"}.
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  // threads_insights: {"followers"}.
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;
  // GET /v1.0/me for fresh tokens.
  Task<Result<ConnectedAccount>> Identify(oauth::TokenSet tokens) override;

 private:
  // One Graph call with `account`'s token (renewed through WithToken); 2xx or a status in
  // `pass` is returned, anything else is the mapped error.
  Task<Result<HttpResponse>> Call(AccountContext& account, meta::GraphRequest request,
                                  std::vector<int> pass = {});
  Task<Result<HttpResponse>> CallWith(const std::string& token, const meta::GraphRequest& request,
                                      const std::vector<int>& pass);
  meta::GraphCaller CallerFor(AccountContext& account);
  // The link of a published media: its permalink, else the username-based one.
  Task<std::string> Permalink(AccountContext& account, const std::string& media_id,
                              const std::string& known);

  ThreadsOptions options_;
  meta::GraphUrl graph_;
  PlatformInfo info_;
  PostValidator validator_;
  meta::ContainerPublisher containers_;
};

// The Threads network for `env`: HERALD_THREADS_API_URL / HERALD_THREADS_AUTH_URL overrides
// and the HERALD_THREADS_CLIENT_ID / _CLIENT_SECRET app; nullptr when env has no HTTP client.
std::unique_ptr<Platform> MakeThreadsPlatform(const PlatformEnv& env);

}  // namespace herald::platforms::threads

#endif  // HERALD_PLATFORMS_THREADS_THREADS_PLATFORM_H_
