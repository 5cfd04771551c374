// TikTokEmulator: the parts of TikTok's Login Kit (OAuth v2), Display API and Content Posting
// API that herald uses, on loopback, written from the contract in
// ../shared/reference/platforms-oauth-giants.md section 7. One server stands for the three
// hosts: www.tiktok.com (the authorize page), open.tiktokapis.com (everything else) and
// open-upload.tiktokapis.com (the upload URLs it hands out point back at this server).
//
// OAuth v2:
//   GET  /v2/auth/authorize/     client_key (not client_id), response_type=code, scope
//                                (comma-separated), redirect_uri (config redirect_uris; empty =
//                                any http(s) URL), state, optional PKCE (code_challenge +
//                                code_challenge_method S256, then checked at the token
//                                endpoint). "The user" approves at once: 302 to
//                                redirect_uri?code&scopes&state. Scopes granted are those asked
//                                minus config withhold_scope; control `deny` makes the next one
//                                redirect with error=access_denied.
//   POST /v2/oauth/token/        form with client_key + client_secret (wrong: 401
//                                invalid_client); authorization_code (single use) and
//                                refresh_token grants -> {"access_token","expires_in" (config
//                                access_token_ttl, 86400),"open_id","refresh_token",
//                                "refresh_expires_in" (31536000),"scope","token_type":"Bearer"}.
//                                Refresh tokens ROTATE: each is good once; a used one answers
//                                400 {"error":"invalid_grant","error_description","log_id"}.
//   POST /v2/oauth/revoke/       form client_key, client_secret, token: it stops working.
// API (Bearer access token; every answer {"data":{...},"error":{"code","message","log_id"}},
// success code "ok"; unknown or expired token: 401 access_token_invalid; a scope missing: 401
// scope_not_authorized):
//   GET  /v2/user/info/?fields=   {"data":{"user":{...}}} with the fields asked (open_id,
//        union_id, avatar_url, display_name, username; follower_count, following_count,
//        likes_count, video_count need user.info.stats)
//   POST /v2/post/publish/creator_info/query/  the creator's privacy_level_options,
//        comment/duet/stitch_disabled, max_video_post_duration_sec (control `creator` changes
//        them); 20 a minute
//   POST /v2/post/publish/video/init/  post_info {title <= 2200 UTF-16 units, privacy_level
//        (one of the creator's options, else 400 privacy_level_option_mismatch; with config
//        unaudited only SELF_ONLY, else 403 unaudited_client_can_only_post_to_private_accounts),
//        disable_comment/duet/stitch (must be true where the creator disabled them),
//        brand_content_toggle, brand_organic_toggle, ...} and source_info:
//        FILE_UPLOAD {video_size, chunk_size, total_chunk_count} under the chunk rules (a video
//        under min_chunk_bytes is one chunk of its size; otherwise chunk_size between
//        min_chunk_bytes (config, default 5 MB) and max_chunk_bytes (64 MB) and
//        total_chunk_count = floor(video_size / chunk_size), 1..1000) -> {"publish_id",
//        "upload_url"}; or PULL_FROM_URL {video_url} whose prefix is in config
//        verified_url_prefixes (else 403 url_ownership_unverified) -> {"publish_id"}. 6 a
//        minute (429 rate_limit_exceeded); more than config daily_post_cap publishes of a user
//        in 24 hours: 403 spam_risk_too_many_posts.
//   POST /v2/post/publish/content/init/  a photo post: media_type PHOTO, post_mode DIRECT_POST
//        (else 400 invalid_params), post_info {title <= 90 and description <= 4000 UTF-16
//        units, privacy_level and disable_comment checked as for a video, auto_add_music,
//        brand_*}, source_info {source PULL_FROM_URL (the only one for photos),
//        photo_images: 1..35 URLs, each prefix in verified_url_prefixes (else 403
//        url_ownership_unverified), photo_cover_index in range} -> {"publish_id"}. Same
//        per-minute limit (its own bucket) and daily cap as video/init. At the first status
//        poll every image is downloaded (on loopback): not 200 -> FAILED photo_pull_failed;
//        not a JPEG or WebP -> FAILED file_format_check_failed; then as a pulled video (the
//        post's text is the description, its media the images, its URL .../photo/{id}).
//   PUT  /video/?upload_id&upload_token  one chunk, in order, Content-Type video/mp4 |
//        video/quicktime | video/webm, Content-Range bytes a-b/N: its size must be chunk_size
//        (the last one: the rest); a chunk already received is accepted again. 206, the last
//        201. The upload URL lives config upload_url_ttl_seconds (3600): then 404, and the
//        publish FAILS (fail_reason "file_upload_expired") unless every byte arrived. The whole
//        file is checked: size, an MP4/MOV `ftyp` box (or a WebM header), the duration in the
//        `mvhd` box against the creator's maximum (FAILED file_format_check_failed /
//        duration_check_failed).
//   POST /v2/post/publish/status/fetch/ {"publish_id"}  {"status","fail_reason"?,
//        "publicaly_available_post_id":[...],"uploaded_bytes","downloaded_bytes"}:
//        PROCESSING_UPLOAD while chunks are missing; PROCESSING_DOWNLOAD for config
//        processing_polls polls (a PULL_FROM_URL video is fetched from its URL, on loopback, at
//        the first: not 200 or not an MP4 -> FAILED video_pull_failed); then FAILED with config
//        fail_reason when set, else PUBLISH_COMPLETE: the video is in the post ledger (once)
//        and, when PUBLIC_TO_EVERYONE, its id appears in publicaly_available_post_id after
//        config moderation_polls more polls. 30 a minute.
//   POST /v2/video/query/?fields=  {"filters":{"video_ids":[...]}} (<= 20): data.videos[] with
//        id, title, share_url, create_time, view_count, like_count, comment_count, share_count
//        (numbers set with POST /__emulator/posts/{id}/metrics {"views","likes","comments",
//        "shares"}). Needs video.list.
// Faults answer TikTok's way: 429 rate_limit_exceeded, 5xx internal_error, expired token 401
// access_token_invalid.
//
// Seeded: creator "heraldtok" (open_id kSeedOpenId), client kClientKey / kClientSecret, and a
// grant with every scope: access token kSeedToken (30 days), refresh token kSeedRefreshToken. POST
// /__emulator/tokens {"scope"?, "expires_in"?} makes another grant -> the token answer plus
// "account_id". Config keys: see DefaultConfig(). Thread-safe.
#ifndef HERALD_TESTS_EMULATORS_TIKTOK_TIKTOK_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_TIKTOK_TIKTOK_EMULATOR_H_

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"

namespace herald::emulators {

class TikTokEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kClientKey = "herald-tiktok-key";
  static constexpr const char* kClientSecret = "herald-tiktok-secret";
  static constexpr const char* kSeedOpenId = "-000tiktokheraldopenid";
  static constexpr const char* kSeedUsername = "heraldtok";
  static constexpr const char* kSeedToken = "act.tiktok-alice";
  static constexpr const char* kSeedRefreshToken = "rft.tiktok-alice";
  static constexpr const char* kAllScopes =
      "user.info.basic,user.info.profile,user.info.stats,video.publish,video.list";

  explicit TikTokEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "tiktok"; }
  void AddRoutes(ApiRoutes& routes) override;
  http::Response RateLimited(const http::Request& request,
                             std::chrono::seconds retry_after) override;
  http::Response ServerError(const http::Request& request, int status) override;
  http::Response ExpireToken(const http::Request& request) override;
  base::Result<Json> CreateToken(const Json& args) override;
  base::Result<void> RevokeToken(std::string_view token) override;
  base::Result<void> ExpireTokens(std::string_view token) override;
  // `deny`: the next authorization is denied. `creator` {"privacy_level_options"?,
  // "comment_disabled"?, "duet_disabled"?, "stitch_disabled"?, "max_video_post_duration_sec"?,
  // "follower_count"?}: changes the seeded creator.
  base::Result<Json> Control(std::string_view action, const Json& body) override;
  // {"client_key","client_secret","open_id","username","refreshes","refresh_token_reuses",
  //  "publishes":[{"publish_id","status","source","media_type","uploaded_bytes","video_size",
  //  "chunks","photo_images"}]}.
  Json Info() const override;
  void Reset() override;
  Json DefaultConfig() const override;

 private:
  struct Creator {
    std::string open_id;
    std::string username;
    std::string display_name;
    Json privacy_level_options;
    bool comment_disabled = false;
    bool duet_disabled = false;
    bool stitch_disabled = false;
    int64_t max_duration_sec = 600;
    int64_t followers = 0;
  };
  struct Access {
    std::string scope;
    base::Time expires_at{};
  };
  struct Refresh {
    std::string scope;
    bool used = false;
  };
  struct Code {
    std::string redirect_uri;
    std::string challenge;
    std::string scope;
    base::Time expires_at{};
    bool used = false;
  };
  struct Publish {
    std::string id;
    std::string source;  // FILE_UPLOAD | PULL_FROM_URL
    Json post_info;
    int64_t video_size = 0;
    int64_t chunk_size = 0;
    int64_t chunk_count = 0;
    int chunks = 0;  // chunks received (in order)
    std::string upload_id;
    std::string upload_token;
    std::string content_type;
    base::Time upload_expires_at{};
    std::string bytes;  // received so far; released once checked
    std::string video_url;
    std::string media_type = "VIDEO";     // VIDEO | PHOTO (content/init)
    std::vector<std::string> photo_urls;  // PHOTO: the images TikTok pulls
    std::vector<MediaRecord> photos;      // PHOTO: what was pulled
    int64_t downloaded = 0;
    std::string status = "PROCESSING_UPLOAD";
    std::string fail_reason;
    int64_t polls_left = 0;
    int64_t moderation_left = 0;
    std::string post_id;  // the video, once PUBLISH_COMPLETE
    MediaRecord media;
  };

  // The TikTok error when `req`'s token is not good for `scope`, else nullopt.
  std::optional<http::Response> Authenticate(const http::Request& req, std::string_view scope);
  // Counts one request of `bucket` against its per-minute limit (config `limit_key`).
  bool Limited(const std::string& bucket, std::string_view limit_key, int64_t fallback);

  http::Response Authorize(const http::Request& req);
  http::Response Token(const http::Request& req);
  http::Response Revoke(const http::Request& req);
  http::Response UserInfo(const http::Request& req);
  http::Response CreatorInfo(const http::Request& req);
  http::Response VideoInit(const http::Request& req);
  http::Response ContentInit(const http::Request& req);
  // Checks post_info against the creator (privacy level, unaudited app, disabled
  // interactions among `flags`); an error answer, or nullopt. Caller holds mu_.
  std::optional<http::Response> CheckPostInfo(const Json& post_info,
                                              const std::vector<const char*>& flags);
  // The rolling 24-hour cap; an error answer, or nullopt. Caller holds mu_.
  std::optional<http::Response> CheckDailyCap(base::Time now);
  // PHOTO: downloads the images (outside mu_) and records them; "" or the fail reason.
  std::string PullPhotos(const std::vector<std::string>& urls, std::vector<MediaRecord>& out,
                         int64_t& bytes);
  http::Response Upload(const http::Request& req);
  http::Response Status(const http::Request& req);
  http::Response VideoQuery(const http::Request& req);

  // Callers hold mu_.
  Json TokenAnswer(const std::string& scope);
  Json CreatorJson() const;
  // The whole file has arrived (or was pulled): checks it and moves on to processing.
  void CheckFile(Publish& p);
  void Advance(Publish& p);
  std::string LogId();

  EmulatorContext& ctx_;
  mutable std::mutex mu_;
  Creator creator_;
  std::map<std::string, Access> access_;
  std::map<std::string, Refresh> refresh_;
  std::map<std::string, Code> codes_;
  std::map<std::string, Publish> publishes_;
  std::map<std::string, std::string> upload_ids_;  // upload_id -> publish_id
  std::deque<base::Time> recent_publishes_;        // init times, for daily_post_cap
  bool deny_next_ = false;
  int64_t next_id_ = 1;
  int refreshes_ = 0;
  int refresh_token_reuses_ = 0;
};

void RegisterTikTokEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_TIKTOK_TIKTOK_EMULATOR_H_
