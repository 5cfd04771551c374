// YouTube (Data API v3 on www.googleapis.com, Google OAuth) wire mapping: the video metadata a
// post becomes (platform_options.youtube and the text), the resumable upload's headers, the
// answers herald reads (channels, videos, playlistItems), Google's error bodies, and when the
// daily quota comes back. Pure functions, unit-tested on recorded answers
// (tests/platforms/data/youtube/); thread-safe.
#ifndef HERALD_PLATFORMS_YOUTUBE_YOUTUBE_WIRE_H_
#define HERALD_PLATFORMS_YOUTUBE_YOUTUBE_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "platforms/kit/http_error_mapper.h"
#include "platforms/platform.h"

namespace herald::platforms::youtube {

using base::Json;
using base::Result;

inline constexpr std::string_view kYouTubeNetworkId = "youtube";
// Both API paths live here: /youtube/v3/... and /upload/youtube/v3/...
inline constexpr std::string_view kYouTubeApiUrl = "https://www.googleapis.com";
inline constexpr std::string_view kYouTubeAuthUrl = "https://accounts.google.com";
inline constexpr std::string_view kYouTubeTokenUrl = "https://oauth2.googleapis.com";

// Chunks of a resumable upload are multiples of this, except the last (Google refuses others).
inline constexpr int64_t kUploadQuantum = 256 * 1024;
inline constexpr int kMaxTitle = 100;            // characters
inline constexpr int kMaxDescriptionBytes = 5000;
inline constexpr int kMaxTagsLength = 500;       // all tags, commas and quotes counted

// The scopes herald asks for: upload, read the channel and its videos, and delete (which needs
// the full youtube scope).
const std::vector<std::string>& YouTubeScopes();
// The scopes of YouTubeScopes() that `granted` (space-separated) lacks, in that order. The
// full youtube scope stands in for youtube.upload and youtube.readonly.
std::vector<std::string> MissingScopes(std::string_view granted);

// The next midnight in America/Los_Angeles strictly after `now` (daylight saving time
// respected): when YouTube's daily quota resets.
base::Time NextQuotaReset(base::Time now);

// ---- platform_options.youtube and the video's metadata ----

// The JSON Schema of platform_options.youtube: {title?, privacy_status?, tags?, category_id?,
// made_for_kids?, publish_at?}; unknown keys refused.
Json OptionsSchema();

struct VideoMetadata {
  std::string title;
  std::string description;
  std::vector<std::string> tags;
  std::string category_id;            // "" = YouTube's default
  std::string privacy_status = "public";
  bool made_for_kids = false;
  std::string publish_at;             // RFC 3339, "" = none
};

// The metadata of the post whose text is `text`, with `options` (platform_options.youtube,
// schema-valid) and the video `item`: the title is options.title, else the first non-blank
// line of the text cut to 100 characters (without '<' and '>'), else the file name without
// its extension; the description is the text.
VideoMetadata ComposeMetadata(std::string_view text, const Json& options, const MediaItem* item);

// What YouTube would refuse in a post (each violation names the field as the caller wrote it,
// "platform_options.youtube.title"): an explicit title over 100 characters or with '<' or '>',
// a post without any title to derive, a description (the text) with '<' or '>' (its length
// is the PostValidator's), tags over 500 characters together, publish_at that is not an RFC 3339 time or
// without privacy_status "private".
std::vector<Violation> CheckMetadata(std::string_view text, const Json& options,
                                     const MediaItem* item);

// POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status body.
std::string InsertBody(const VideoMetadata& metadata);

// True for a Short: a square or vertical video of at most 3 minutes (nothing special is sent;
// only the link differs).
bool IsShort(const MediaItem& item);
// https://www.youtube.com/watch?v={id}, or https://www.youtube.com/shorts/{id} for a Short.
std::string VideoUrl(std::string_view id, bool is_short);

// ---- the resumable upload ----

// "bytes {first}-{last}/{total}" for the chunk [first, last].
std::string ContentRange(int64_t first, int64_t last, int64_t total);
// "bytes */{total}": asks how far the upload got.
std::string StatusRange(int64_t total);
// How many bytes a 308 answer's Range header ("bytes=0-{last}") says Google has: last + 1, or
// 0 when there is no Range. Errors: kUnavailable for a Range herald cannot read.
Result<int64_t> ConfirmedBytes(std::string_view range_header);

// ---- answers ----

struct Channel {
  std::string id;
  std::string title;
  std::string custom_url;        // "@handle", or ""
  std::string uploads_playlist;  // contentDetails.relatedPlaylists.uploads
  int64_t subscribers = 0;
  int64_t views = 0;
  int64_t videos = 0;
  bool hidden_subscribers = false;
};
// GET /youtube/v3/channels?mine=true: the first of "items". Errors: kFailedPrecondition when
// the Google account has no channel; kUnavailable when the answer is unreadable.
Result<Channel> ParseChannels(std::string_view body);
// {"followers", "views", "posts"} (followers absent when the channel hides them).
Json ChannelMetrics(const Channel& channel);

struct Video {
  std::string id;
  std::string title;
  std::optional<base::Time> published_at;
  std::string upload_status;   // "uploaded" | "processed" | "failed" | "rejected" | ...
  std::string privacy_status;
  Json statistics = Json::object();
};
// The video resource of a finished upload (200/201). Errors: kUnknown (the video exists but the
// answer is unreadable: reconcile).
Result<Video> ParseUploadedVideo(std::string_view body);
// GET /youtube/v3/videos?id={id}: the video, or nullopt when "items" lacks it (deleted).
// Errors: kUnavailable for an unreadable answer.
Result<std::optional<Video>> ParseVideoList(std::string_view body, std::string_view id);
// statistics -> {"views", "likes", "comments", "favorites"} (numbers; YouTube sends strings).
Json VideoMetrics(const Video& video);

struct UploadEntry {
  std::string video_id;
  std::string title;
  std::optional<base::Time> published_at;
};
// GET /youtube/v3/playlistItems of the uploads playlist: newest first. Errors: kUnavailable.
Result<std::vector<UploadEntry>> ParsePlaylistItems(std::string_view body);
// The nextPageToken of such a list, or "".
std::string ParseNextPageToken(std::string_view body);

// ---- errors ----

// The first errors[].reason of a Google API error body ("quotaExceeded", "authError", ...), or
// the OAuth "error" ("invalid_grant"); "" when there is none.
std::string ErrorReason(const HttpResponse& response);
// True for the reasons that mean a daily quota or cap is spent until the next Pacific midnight
// (quotaExceeded, dailyLimitExceeded, uploadLimitExceeded).
bool IsDailyQuota(std::string_view reason);
// Google's error bodies: the message, and codes the status does not tell by itself (a 403
// quota or rate limit is kResourceExhausted, a 400 uploadLimitExceeded too).
ErrorBody ReadError(const HttpResponse& response);
HttpErrorMapper::Options ErrorOptions();

}  // namespace herald::platforms::youtube

#endif  // HERALD_PLATFORMS_YOUTUBE_YOUTUBE_WIRE_H_
