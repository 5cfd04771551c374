// XPlatform: publishing to X (API v2) over OAuth 2.0 with PKCE, on the kit's OAuthNetworkBase.
//
// Endpoints: the browser goes to <auth>/i/oauth2/authorize (auth = https://x.com or
// HERALD_X_AUTH_URL); everything else is on <api> (https://api.x.com or HERALD_X_API_URL, the
// real paths kept): POST /2/oauth2/token (confidential client, Basic auth; access tokens last
// 2 hours, refresh tokens rotate), GET /2/users/me, POST /2/tweets, DELETE /2/tweets/:id,
// GET /2/users/:id/tweets, GET /2/tweets?ids=, and the v2 media upload (initialize, append in
// chunks, finalize, status while a video or GIF processes, POST /2/media/metadata for alt
// text). A grant without every scope of XScopes() is refused at connect, naming the missing
// one; a missing client id names HERALD_X_CLIENT_ID and the redirect URI to register.
//
// Publish posts every part as a tweet, thread parts as a reply chain (ThreadPublisher: resumes
// after the parts recorded in remote_state). Media of a part are uploaded first (images read
// from `data`, large files from `path` in chunks of XOptions::chunk_bytes) and their ids are
// recorded in remote_state before the tweet is sent, so an attempt after a crash reuses them
// instead of uploading again; a tweet carries each media id once. X has no idempotency key
// (IdempotencyKind::kReconcile): Find looks each part up among the user's recent tweets by
// text (and reply-to) and time, and X's 403 "duplicate content" answer to a tweet means the
// tweet exists: Publish finds it and records it instead of failing. A 429 waits for
// x-rate-limit-reset (or the 24-hour user limit's reset); a transport failure after sending a
// tweet is kUnknown (reconcile).
//
// remote_state / receipt.remote_state: {"parts": [{"id", "url"}, ...], "media": {"<part>":
// ["<media id>", ...]}}. Thread-safe; `http` and `clock` outlive it.
#ifndef HERALD_PLATFORMS_X_X_PLATFORM_H_
#define HERALD_PLATFORMS_X_X_PLATFORM_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "platforms/http_client.h"
#include "platforms/kit/oauth_network_base.h"
#include "platforms/kit/post_validator.h"
#include "platforms/kit/thread_publisher.h"
#include "platforms/oauth/oauth_provider.h"
#include "platforms/platform.h"
#include "platforms/x/x_wire.h"

namespace herald::platforms {
struct PlatformEnv;
}

namespace herald::platforms::x {

struct XOptions {
  // Scheme and host replacing https://api.x.com (HERALD_X_API_URL); "" = the real one.
  std::string api_url;
  // Bytes per APPEND of the chunked media upload.
  int64_t chunk_bytes = 4 * 1024 * 1024;
  // Status checks while X processes a video or GIF before giving up (kUnavailable).
  int max_media_checks = 120;
  // How the flow waits `delay` before the next media status check (X's check_after_secs).
  // Empty: an Asio timer on the calling coroutine's executor. Tests advance a FakeClock.
  std::function<Task<void>(std::chrono::milliseconds delay)> pause;
  // Find looks through the user's tweets created at most `lookback` ago, newest first,
  // `recent_tweets` a page, at most `recent_pages` pages (X lists only the 3,200 most recent).
  int recent_tweets = 100;
  int recent_pages = 32;
  std::chrono::hours lookback{48};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds upload_timeout{120'000};  // one APPEND
};

// X's OAuth 2.0 description: authorize on `auth_url` (default https://x.com), token and
// revocation on `api_url` (default https://api.x.com), XScopes(), Basic client auth, PKCE.
oauth::OAuthProvider XProvider(std::string_view api_url, std::string_view auth_url);

class XPlatform final : public OAuthNetworkBase {
 public:
  XPlatform(oauth::OAuthProvider provider, HttpClient& http, const base::Clock& clock,
            XOptions options = {});

  const PlatformInfo& Info() const override { return info_; }
  // Weighted length (280; URLs 23; emoji and CJK 2), up to 4 images or 1 video or 1 GIF with
  // alt text up to 1000 characters, video 0.5-140 s (see the MediaRules in the constructor).
  ValidationReport Validate(const Content& content) const override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  // Ok(receipt) when every part is recorded or found among the recent tweets; Ok(nullopt)
  // when a part is certainly not there (the parts found are recorded first); a failed lookup
  // is LookupFailedError (never a verdict).
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  // Deletes every part, replies first; a tweet already gone is fine.
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  // public_metrics of the first part: {"likes","reposts","replies","quotes","bookmarks",
  // "views"?}.
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  // users/me public_metrics: {"followers","following","posts","listed"}.
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;
  // users/me for fresh tokens; kFailedPrecondition naming the scopes the grant lacks.
  Task<Result<ConnectedAccount>> Identify(oauth::TokenSet tokens) override;

 private:
  // `method` <api>`path` with `account`'s token (renewed through WithToken). A 2xx answer, or
  // one whose status is in `pass`, is returned; any other is the mapped error of `action`.
  Task<Result<HttpResponse>> Call(AccountContext& account, std::string method, std::string path,
                                  std::string body, std::string content_type,
                                  std::string action, CallKind kind, std::vector<int> pass = {});
  Task<Result<HttpResponse>> CallWith(std::string token, const std::string& method,
                                      const std::string& path, const std::string& body,
                                      const std::string& content_type, const std::string& action,
                                      CallKind kind, const std::vector<int>& pass);
  // Uploads `item` (initialize, append, finalize, wait, alt text); its media id.
  Task<Result<std::string>> UploadMedia(AccountContext& account, const MediaItem& item);
  Task<Result<std::string>> WaitForMedia(AccountContext& account, const MediaItem& item,
                                         XMediaState state);
  // The media ids of `part`: recorded in remote_state by an earlier attempt (`reused`), or
  // uploaded now and recorded before the tweet is sent.
  Task<Result<std::vector<std::string>>> PartMedia(AccountContext& account, const PostPart& part,
                                                   PartContext& ctx, bool& reused);
  // The user's tweets of the last options_.lookback (newest first), page after page; a tweet
  // just beyond the first page is still found.
  Task<Result<std::vector<XTweet>>> RecentTweets(AccountContext& account);
  Task<void> Pause(std::chrono::milliseconds delay);

  XOptions options_;
  std::string api_;
  PlatformInfo info_;
  PostValidator validator_;
};

// The X network for `env`: HERALD_X_API_URL / HERALD_X_AUTH_URL overrides and the
// HERALD_X_CLIENT_ID / _CLIENT_SECRET app; nullptr when env has no HTTP client.
std::unique_ptr<Platform> MakeXPlatform(const PlatformEnv& env);

}  // namespace herald::platforms::x

#endif  // HERALD_PLATFORMS_X_X_PLATFORM_H_
