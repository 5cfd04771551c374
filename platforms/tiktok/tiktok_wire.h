// TikTok (open.tiktokapis.com, API v2) wire mapping: scopes, the creator info and what a post
// must respect of it, the post options, the chunk plan of a FILE_UPLOAD, request bodies,
// response parsing and TikTok's error envelope. Pure functions, unit-tested on recorded
// answers (tests/platforms/data/tiktok/); thread-safe.
#ifndef HERALD_PLATFORMS_TIKTOK_TIKTOK_WIRE_H_
#define HERALD_PLATFORMS_TIKTOK_TIKTOK_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "platforms/kit/http_error_mapper.h"
#include "platforms/platform.h"

namespace herald::platforms::tiktok {

using base::Json;
using base::Result;

inline constexpr std::string_view kTikTokNetworkId = "tiktok";
inline constexpr std::string_view kTikTokApiUrl = "https://open.tiktokapis.com";
inline constexpr std::string_view kTikTokAuthUrl = "https://www.tiktok.com";
inline constexpr int kMaxCaptionUtf16 = 2200;
// A photo post: its text is the description; the title (platform_options) is short.
inline constexpr int kMaxPhotoDescriptionUtf16 = 4000;
inline constexpr int kMaxPhotoTitleUtf16 = 90;
inline constexpr int kMaxPhotos = 35;
inline constexpr std::string_view kPrivacyPublic = "PUBLIC_TO_EVERYONE";

// The scopes herald asks for (comma-separated on the wire), every one needed: the profile,
// its numbers, direct posting, the videos' numbers.
const std::vector<std::string>& TikTokScopes();

struct TikTokUser {
  std::string open_id;
  std::string username;
  std::string display_name;
  Json stats = Json::object();  // follower_count, following_count, likes_count, video_count
};
// GET /v2/user/info/: {"data":{"user":{...}}}. Errors: kUnavailable without an open_id.
Result<TikTokUser> ParseUserInfo(std::string_view body);
// {"followers","following","likes","posts"} from the user's counts.
Json AccountMetrics(const TikTokUser& user);

// What the creator may post (POST /v2/post/publish/creator_info/query/), stored in the
// account's settings at connect and queried again before every post.
struct CreatorInfo {
  std::string username;
  std::string nickname;
  std::vector<std::string> privacy_level_options;
  bool comment_disabled = false;
  bool duet_disabled = false;
  bool stitch_disabled = false;
  int64_t max_video_post_duration_sec = 0;  // 0 = unknown
};
// Errors: kUnavailable for an answer without privacy_level_options.
Result<CreatorInfo> ParseCreatorInfo(std::string_view body);
// The "creator" object of the account's settings ({"username", "creator": ...}):
// {"privacy_level_options","comment_disabled","duet_disabled","stitch_disabled",
//  "max_video_post_duration_sec"}.
Json CreatorSettings(const CreatorInfo& info);
// Back from the account's settings; nullopt when they hold no creator info (validating
// without an account).
std::optional<CreatorInfo> CreatorFromSettings(const Json& settings);

// platform_options.tiktok, already checked against OptionsSchema().
struct PostOptions {
  std::string privacy_level;  // required: TikTok wants the user's explicit choice
  std::optional<bool> disable_comment;
  std::optional<bool> disable_duet;
  std::optional<bool> disable_stitch;
  bool brand_content = false;  // a paid partnership
  bool brand_organic = false;  // promotes the creator's own business
  // Photo posts only.
  std::string title;                   // <= 90 UTF-16 units; "" = none
  std::optional<bool> auto_add_music;  // TikTok adds music to the carousel
};
// The JSON Schema of platform_options.tiktok.
Json OptionsSchema();
PostOptions ParsePostOptions(const Json& options);

// The rules of the creator info `post` breaks, as violations naming the field
// ("platform_options.tiktok.privacy_level", "media"): a privacy level not offered, an
// interaction asked for that the creator turned off, a video longer than the creator may post.
// A photo post (`photo`) has no duets, stitches or duration: only comments are checked.
std::vector<Violation> CheckAgainstCreator(const PostOptions& post, const CreatorInfo& creator,
                                           int64_t video_duration_ms, bool photo = false);

// How a FILE_UPLOAD is cut: chunk_size bytes a chunk, the last one taking the rest.
struct ChunkPlan {
  int64_t video_size = 0;
  int64_t chunk_size = 0;
  int64_t chunk_count = 0;
  // Bytes [first, last] of chunk `index`.
  int64_t First(int64_t index) const { return index * chunk_size; }
  int64_t Last(int64_t index) const {
    return index == chunk_count - 1 ? video_size - 1 : (index + 1) * chunk_size - 1;
  }
};
// TikTok's chunk rules for a video of `size` bytes with chunks of about `preferred` bytes: a
// video under `min_chunk` goes whole; otherwise chunks between min_chunk and max_chunk,
// total_chunk_count = floor(size / chunk_size), at most 1000.
ChunkPlan PlanChunks(int64_t size, int64_t preferred, int64_t min_chunk, int64_t max_chunk);

// POST /v2/post/publish/video/init/ bodies. Interactions not chosen follow the creator (off
// when the creator turned them off, else allowed).
std::string VideoInitFileBody(std::string_view title, const PostOptions& post,
                              const CreatorInfo& creator, const ChunkPlan& plan);
std::string VideoInitPullBody(std::string_view title, const PostOptions& post,
                              const CreatorInfo& creator, std::string_view video_url);

// POST /v2/post/publish/content/init/ for a photo post (DIRECT_POST, PULL_FROM_URL, the first
// image the cover): post_info {title (when set), description, privacy_level, disable_comment
// (as for a video), auto_add_music (when set), brand toggles}.
std::string PhotoInitBody(std::string_view description, const PostOptions& post,
                          const CreatorInfo& creator, const std::vector<std::string>& image_urls);

struct InitAnswer {
  std::string publish_id;
  std::string upload_url;  // FILE_UPLOAD only
};
// Errors: kUnavailable without a publish_id (nothing was created that herald could follow).
Result<InitAnswer> ParseInit(std::string_view body);

struct PublishStatus {
  std::string status;  // PROCESSING_UPLOAD | PROCESSING_DOWNLOAD | SEND_TO_USER_INBOX |
                       // PUBLISH_COMPLETE | FAILED
  std::string fail_reason;
  std::vector<std::string> post_ids;  // publicaly_available_post_id (sic)
  int64_t uploaded_bytes = 0;
};
// POST /v2/post/publish/status/fetch/. Errors: kUnavailable for an answer without a status.
Result<PublishStatus> ParseStatus(std::string_view body);
// "the video is longer than the creator may post (duration_check_failed)": TikTok's reason in
// words, with its code.
std::string FailReasonText(std::string_view reason);

// https://www.tiktok.com/@{username}/video/{id}; the profile when there is no video id yet.
std::string VideoUrl(std::string_view username, std::string_view video_id);
// https://www.tiktok.com/@{username}/photo/{id}; the profile when there is no id yet.
std::string PhotoUrl(std::string_view username, std::string_view post_id);

// POST /v2/video/query/ for `id`: {"views","likes","replies","reposts"}. Errors: kNotFound
// when TikTok does not list it.
Result<Json> ParseVideoMetrics(std::string_view body, std::string_view id);

// TikTok's error envelope {"data":{},"error":{"code","message","log_id"}}: the code (""
// when the body is not one).
std::string ErrorCodeOf(const HttpResponse& response);
// True for the creator's posting caps (spam_risk_too_many_posts,
// spam_risk_too_many_pending_share, reached_active_user_cap).
bool IsPostingCap(std::string_view code);
// The reason and the code TikTok's error codes imply (access_token_invalid ->
// kUnauthenticated, scope_* -> kPermissionDenied, rate_limit_exceeded -> kResourceExhausted
// (retry after a minute), internal_error -> kUnavailable, content refusals ->
// kInvalidArgument; url_ownership_unverified and the unaudited app's refusal ->
// kFailedPrecondition, the app's setup at TikTok).
ErrorBody ReadError(const HttpResponse& response);
HttpErrorMapper::Options ErrorOptions();

}  // namespace herald::platforms::tiktok

#endif  // HERALD_PLATFORMS_TIKTOK_TIKTOK_WIRE_H_
