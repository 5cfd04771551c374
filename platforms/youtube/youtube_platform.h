// YouTubePlatform: publishing a video to a YouTube channel (Data API v3) over Google OAuth, on
// the kit's OAuthNetworkBase.
//
// Connect: Google's authorization page <auth>/o/oauth2/v2/auth (auth = https://accounts.google.com
// or HERALD_YOUTUBE_AUTH_URL) with access_type=offline and prompt=consent (so Google gives a
// refresh token), PKCE, and the scopes youtube.upload, youtube.readonly and youtube (delete
// needs it); the token endpoint is https://oauth2.googleapis.com/token, or <HERALD_YOUTUBE_AUTH_URL>
// /token when that is set (one override for both Google hosts). Refresh tokens do not rotate;
// invalid_grant (revoked, or unused for six months) means the account must be reconnected.
// Identify is the channel of the Google account (GET /youtube/v3/channels?mine=true).
//
// Publish: one video (MediaItem::path, read a chunk at a time, never whole) by the resumable
// upload protocol on <api> (https://www.googleapis.com or HERALD_YOUTUBE_API_URL): POST
// /upload/youtube/v3/videos?uploadType=resumable with the metadata (title, description = the
// text, tags, category, privacy, made for kids, publishAt: see platform_options.youtube in
// OptionsSchema) gives a session URL, which is saved durably with the file's size before any
// byte is sent; then PUT chunks (multiples of 256 KiB) with Content-Range until Google answers
// the video. After each chunk the confirmed offset is saved and report_progress called. A
// chunk that fails (5xx, a dropped connection) is followed by a status query (Content-Range
// bytes */N) and the upload goes on from the offset Google confirms; a restarted attempt does
// the same with the saved session. A session Google says is gone (404/410) is replaced by a
// new one only when the channel's recent uploads hold no video from it (IdempotencyKind::
// kReconcile; Find does the same lookup). The URL is youtube.com/watch?v=ID, or /shorts/ID for a
// square or vertical video of at most 3 minutes (YouTube makes such a video a Short by itself).
//
// Quota: every call costs units of the Google Cloud project's daily quota (an upload 1,600 by
// Google's older table). quotaExceeded (or the channel's uploadLimitExceeded) is a quota wait
// (kResourceExhausted, set_quota_wait, retry_after until the next midnight in
// America/Los_Angeles); after a quotaExceeded, new uploads wait without asking Google until
// then. rateLimitExceeded and 429 are ordinary rate limits.
//
// remote_state: {"upload": {"session", "total", "offset", "started_at"}} while uploading, then
// {"video": {"id", "url", "short"}}. Thread-safe; `http` and `clock` outlive it.
#ifndef HERALD_PLATFORMS_YOUTUBE_YOUTUBE_PLATFORM_H_
#define HERALD_PLATFORMS_YOUTUBE_YOUTUBE_PLATFORM_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platforms/kit/oauth_network_base.h"
#include "platforms/kit/post_validator.h"
#include "platforms/register_all.h"
#include "platforms/youtube/youtube_wire.h"

namespace herald::platforms::youtube {

struct YouTubeOptions {
  // Scheme and host replacing https://www.googleapis.com (HERALD_YOUTUBE_API_URL); "" = real.
  std::string api_url;
  // Bytes per PUT of the resumable upload, rounded down to a multiple of 256 KiB (at least one).
  int64_t chunk_bytes = 8 * 1024 * 1024;
  // Status queries after failed chunks within one attempt before the attempt gives up (the
  // next attempt resumes from the saved session).
  int max_chunk_failures = 3;
  // Find looks for a video of a lost session among the channel's uploads published since the
  // session started minus `find_slack`, `find_page_size` a page, at most `find_pages` pages.
  std::chrono::seconds find_slack{300};
  int find_page_size = 50;
  int find_pages = 4;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds upload_timeout{300'000};  // one chunk
};

// Google's OAuth for YouTube: authorize on `auth_url` (default https://accounts.google.com),
// token and revocation on `auth_url` when given, else https://oauth2.googleapis.com.
oauth::OAuthProvider YouTubeProvider(std::string_view auth_url);

class YouTubePlatform final : public OAuthNetworkBase {
 public:
  YouTubePlatform(oauth::OAuthProvider provider, HttpClient& http, const base::Clock& clock,
                  YouTubeOptions options = {});

  const PlatformInfo& Info() const override { return info_; }
  // One video (no images, no threads), the description (the text) up to 5,000 bytes, and the
  // options' rules (CheckMetadata).
  ValidationReport Validate(const Content& content) const override;
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;
  // Ok(receipt) when the saved session finished a video or the channel's uploads hold it;
  // Ok(nullopt) when no upload started or the session is still incomplete (Publish resumes
  // it) or gone without a video; a failed lookup is LookupFailedError.
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;
  // DELETE /youtube/v3/videos; a video already gone is fine.
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;
  // {"views", "likes", "comments", "replies", "favorites"}.
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;
  // {"followers" (unless hidden), "views", "posts"}.
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;
  // The channel of fresh tokens; kFailedPrecondition naming the scopes the grant lacks, or
  // when the Google account has no channel.
  Task<Result<ConnectedAccount>> Identify(oauth::TokenSet tokens) override;

 private:
  // What a status query or a chunk says about a session.
  struct SessionState {
    enum class Kind { kIncomplete, kCreated, kGone } kind = Kind::kIncomplete;
    int64_t confirmed = 0;      // kIncomplete: bytes Google holds
    std::optional<Video> video;  // kCreated
  };

  Task<Result<HttpResponse>> CallWith(std::string token, HttpRequest req, std::string action,
                                      CallKind kind, std::vector<int> pass);
  // `method` on `url` (absolute) with `account`'s token through WithToken; 2xx or a status in
  // `pass` is returned, anything else mapped (a spent daily quota as a quota wait).
  Task<Result<HttpResponse>> Call(AccountContext& account, std::string method, std::string url,
                                  HttpHeaders headers, std::string body, std::string action,
                                  CallKind kind, std::vector<int> pass = std::vector<int>(),
                                  std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // The error for a non-2xx answer: a quota wait for a spent daily quota, else the mapper's.
  base::Error Refusal(const HttpResponse& r, std::string_view action, std::string_view secret);
  // The answer to a session PUT (a chunk or a status query) as a SessionState.
  Result<SessionState> ReadSessionAnswer(const HttpResponse& r, std::string_view action);
  Task<Result<SessionState>> QuerySession(AccountContext& account, const std::string& session,
                                          int64_t total);
  // The video of `metadata.title` among the channel's uploads published since `since`.
  Task<Result<std::optional<UploadEntry>>> FindUpload(AccountContext& account,
                                                      const std::string& title,
                                                      std::optional<base::Time> since);
  // A session's outcome when Google says it is gone: the video found in the uploads, or none.
  Task<Result<std::optional<PublishReceipt>>> Reconcile(PublishRequest& request,
                                                        const Json& upload);
  PublishReceipt Receipt(const std::string& id, bool is_short) const;

  YouTubeOptions options_;
  std::string api_;
  PlatformInfo info_;
  PostValidator validator_;
  // Until when the project's daily quota is known to be spent (microseconds since the epoch,
  // 0 = not known): new uploads wait without asking.
  std::atomic<int64_t> quota_spent_until_{0};
};

// The YouTube network for `env`: HERALD_YOUTUBE_API_URL / HERALD_YOUTUBE_AUTH_URL overrides and
// the HERALD_YOUTUBE_CLIENT_ID / _CLIENT_SECRET app; nullptr when env has no HTTP client.
std::unique_ptr<Platform> MakeYouTubePlatform(const PlatformEnv& env);

}  // namespace herald::platforms::youtube

#endif  // HERALD_PLATFORMS_YOUTUBE_YOUTUBE_PLATFORM_H_
