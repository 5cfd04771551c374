// YouTubeEmulator: the parts of Google OAuth and the YouTube Data API v3 herald uses, on
// loopback, written from the contract in ../shared/reference/platforms-oauth-giants.md
// section 6. One server plays accounts.google.com, oauth2.googleapis.com and
// www.googleapis.com (their paths do not overlap).
//
// Google OAuth:
//   GET  /o/oauth2/v2/auth   checks client_id, redirect_uri (config redirect_uris; empty = any
//        http(s) URL), response_type=code and scope (YouTube scopes only); "the user" consents
//        at once: 302 to redirect_uri?state&code (or ?error=access_denied after control
//        `deny`). The grant gets a refresh token only with access_type=offline. PKCE
//        (code_challenge S256/plain) is optional, checked when given.
//   POST /token              form, client_id/client_secret in the body or Basic.
//        authorization_code (single use, 10 min, redirect_uri checked) -> {"access_token",
//        "expires_in":3599,"refresh_token"?,"scope","token_type":"Bearer"}; refresh_token ->
//        the same without refresh_token (Google's refresh tokens do not rotate). A revoked
//        grant or unknown token: 400 {"error":"invalid_grant","error_description":"Token has
//        been expired or revoked."}; a wrong client: 401 invalid_client.
//   POST /revoke?token=      revokes the grant of a refresh or access token.
// API (Bearer access token; unknown/expired/revoked: 401 Google's authError body; a missing
// scope: 403 insufficientPermissions). Every call costs quota units from one daily pool
// (config daily_quota, default 10,000) that resets at midnight America/Los_Angeles by the
// emulator's clock: list calls 1 (list_cost), videos.insert 1,600 (upload_cost, charged when
// the session starts), videos.delete 50 (delete_cost). A call the pool cannot pay: 403
// {"error":{"code":403,"message":"The request cannot be completed because you have exceeded
// your <a href=...>quota</a>.","errors":[{"message","domain":"youtube.quota","reason":
// "quotaExceeded"}]}}. Sessions started per channel and Pacific day beyond config
// daily_upload_limit (0 = none): 400 uploadLimitExceeded.
//   GET    /youtube/v3/channels?part=snippet,statistics,contentDetails&mine=true
//   POST   /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status  JSON metadata
//          (title 1..100 characters without < >, description <= 5000 bytes without < >,
//          privacyStatus public|unlisted|private, publishAt only when private), headers
//          X-Upload-Content-Length (required) and X-Upload-Content-Type (video/* or
//          application/octet-stream) -> 200, empty body, Location: the session URI
//          http://<host>/upload/youtube/v3/videos?uploadType=resumable&upload_id=<id>
//   PUT    <session> with Content-Range "bytes a-b/N" and the bytes: a must be at most what
//          the session holds (bytes before it are ignored), b-a+1 the body's size, N the
//          declared length; a chunk that is not the last must be a multiple of 256 KiB (else
//          400 badRequest with Google's words). More to come: 308 Resume Incomplete with Range
//          "bytes=0-k" (no Range when nothing is held). The last byte: the file is checked
//          (exactly N bytes, an MP4 `ftyp` box at the start; else 400 invalidFile, nothing
//          created), the video is created (ledger: id, title as text, the bytes' size and
//          sha256, extra = the resource) and 200 answers the video resource.
//          "bytes */N" without a body: 308 + Range, or 200 + the video when complete. An
//          unknown session: 404; one older than config session_ttl_seconds (or expired by
//          control `expire_sessions`): 410. Sessions need no Authorization (the URI is the
//          credential).
//   GET    /youtube/v3/videos?id=a,b&part=...  items with snippet, status (uploadStatus
//          "processed"), processingDetails (processingStatus "succeeded") and statistics
//          (viewCount/likeCount/commentCount/favoriteCount as strings, from POST
//          /__emulator/posts/{id}/metrics {"views","likes","comments"})
//   GET    /youtube/v3/playlistItems?playlistId=<uploads>&part=snippet,contentDetails
//          [&maxResults=1..50 (default 5)][&pageToken]  the channel's uploads, newest first
//   DELETE /youtube/v3/videos?id=             204; unknown or deleted -> 404 videoNotFound
// Faults use Google's bodies: 429 rateLimitExceeded, 5xx backendError, expired_token 401.
// Control: POST /__emulator/youtube/deny {}; /partial_next_chunk {"bytes": k}: the next chunk
// PUT keeps only its first k bytes and the connection drops without an answer;
// /drop_completion {}: the next chunk that completes a video creates it, then the connection
// drops without the answer; /expire_sessions {}; /quota {"used"?: n}: sets the units spent today; /channel
// {"subscribers"?, "views"?, "hidden_subscribers"?}.
// Seeded: client kClientId / kClientSecret; channel kChannelId "Herald Tester" (@heraldtester)
// with uploads playlist kUploadsPlaylist; a grant with every scope: access token kSeedToken,
// refresh token kSeedRefreshToken. POST /__emulator/tokens {"scope"?, "expires_in"?} -> {
// "access_token","refresh_token","scope","expires_in","account_id"}. Config keys: see
// DefaultConfig(). Thread-safe.
#ifndef HERALD_TESTS_EMULATORS_YOUTUBE_YOUTUBE_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_YOUTUBE_YOUTUBE_EMULATOR_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"
#include "tests/emulators/common/oauth_grants.h"

namespace herald::emulators {

class YouTubeEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kClientId = "herald-youtube-client.apps.googleusercontent.com";
  static constexpr const char* kClientSecret = "herald-youtube-secret";
  static constexpr const char* kChannelId = "UCheraldtester000000000a";
  static constexpr const char* kUploadsPlaylist = "UUheraldtester000000000a";
  static constexpr const char* kSeedToken = "ya29.yt-token-alice";
  static constexpr const char* kSeedRefreshToken = "1//yt-refresh-alice";
  static constexpr const char* kAllScopes =
      "https://www.googleapis.com/auth/youtube.upload "
      "https://www.googleapis.com/auth/youtube.readonly https://www.googleapis.com/auth/youtube";

  explicit YouTubeEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "youtube"; }
  void AddRoutes(ApiRoutes& routes) override;
  http::Response RateLimited(const http::Request& request,
                             std::chrono::seconds retry_after) override;
  http::Response ServerError(const http::Request& request, int status) override;
  http::Response ExpireToken(const http::Request& request) override;
  base::Result<Json> CreateToken(const Json& args) override;
  base::Result<void> RevokeToken(std::string_view token) override;
  base::Result<void> ExpireTokens(std::string_view token) override;
  base::Result<Json> Control(std::string_view action, const Json& body) override;
  // {"client_id","client_secret","channel_id","quota":{"used","limit","day"},"sessions",
  //  "refreshes","grants"}.
  Json Info() const override;
  void Reset() override;
  Json DefaultConfig() const override;

 private:
  struct Session {
    std::string id;
    Json metadata;
    std::string content_type;
    int64_t total = 0;
    std::string bytes;  // received so far
    base::Time created_at{};
    bool expired = false;
    std::string video_id;  // once complete
  };
  // Who a Bearer token acts for: ok, or the answer to send.
  struct Auth {
    bool ok = false;
    http::Response error;
  };

  Auth Authenticate(const http::Request& req, std::string_view scope);
  // Charges `units` to today's pool (callers hold mu_): nullopt, or the quotaExceeded answer.
  std::optional<http::Response> Charge(int64_t units);
  // Authenticate, then Charge the config `cost_key` (else `fallback`) units.
  std::optional<http::Response> Admit(const http::Request& req, std::string_view scope,
                                      std::string_view cost_key, int64_t fallback);
  std::string PacificDay() const;

  http::Response Authorize(const http::Request& req);
  http::Response Token(const http::Request& req);
  http::Response Revoke(const http::Request& req);
  http::Response Channels(const http::Request& req);
  http::Response StartUpload(const http::Request& req);
  http::Response PutUpload(const http::Request& req);
  http::Response ListVideos(const http::Request& req);
  http::Response DeleteVideo(const http::Request& req);
  http::Response PlaylistItems(const http::Request& req);

  // Callers hold mu_.
  Json TokenAnswer(const std::string& grant_id, bool with_refresh);
  http::Response Incomplete(const Session& s) const;
  http::Response Complete(Session& s);
  Json VideoJson(const CreatedPost& post) const;

  EmulatorContext& ctx_;
  mutable std::mutex mu_;
  OAuthGrants oauth_;
  std::map<std::string, Session> sessions_;
  bool deny_next_ = false;
  int64_t partial_next_chunk_ = -1;
  bool drop_completion_ = false;
  std::string quota_day_;
  int64_t quota_used_ = 0;
  int64_t uploads_today_ = 0;
  int64_t next_id_ = 1;
  int refreshes_ = 0;
  int64_t subscribers_ = 0;
  int64_t views_ = 0;
  bool hidden_subscribers_ = false;
};

void RegisterYouTubeEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_YOUTUBE_YOUTUBE_EMULATOR_H_
