// Platform: one social network, as the publishing core sees it.
//
// Each network is two parts: pure wire mapping (request bodies, response parsing, length rules;
// unit-tested on recorded JSON) and the flow (HTTP calls through HttpClient). Validate is pure
// and synchronous; everything that talks to the network is a coroutine. Adapters hold no
// per-account state: everything about an account arrives in AccountContext. Thread-safe.
//
// Errors from network calls follow one convention the core relies on:
//  kInvalidArgument / kFailedPrecondition  content rejected: permanent, fail the target;
//  kPermissionDenied                       permission revoked: permanent, account needs reauth;
//  kUnauthenticated                        token invalid or expired (after any refresh): same;
//  kNotFound                               the chat/channel/post does not exist: permanent;
//  kResourceExhausted (+retry_after)       rate limited: retry later, not before retry_after;
//  kUnavailable                            transient (5xx, connect failure): retry with backoff;
//  kUnknown                                the request may have been applied (timeout or drop
//                                          after sending): reconcile before sending again.
// Messages are in words a user understands and include the network's own reason.
#ifndef HERALD_PLATFORMS_PLATFORM_H_
#define HERALD_PLATFORMS_PLATFORM_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::platforms {

using base::Json;
using base::Result;
using base::Task;
using base::Time;

enum class AuthKind { kToken, kAppPassword, kWebhook, kOAuth2 };
std::string_view AuthKindName(AuthKind kind);  // "token" | "app_password" | "webhook" | "oauth2"

// How a network protects against a post made twice.
enum class IdempotencyKind {
  kNative,     // the network deduplicates a repeated request carrying the same key: resend
  kReconcile,  // the adapter can look up whether the post exists (Find) before resending
  kNone,       // neither: an interrupted attempt ends as `unknown`
};
std::string_view IdempotencyKindName(IdempotencyKind kind);  // "native" | "reconcile" | "none"

struct TextRules {
  int max_length = 0;          // for the main text of a post
  int max_caption_length = 0;  // when media is attached (0 = same as max_length)
  std::string unit;            // "characters" | "graphemes" | "utf16_units" | "bytes"
  int url_length = 0;          // every URL counts as this many units (0 = as written)
};

// What media a post may carry. Data: platforms/kit/media_validator checks a post against it, so
// an adapter declares its rules here instead of checking media by hand.
struct MediaRules {
  int max_items = 0;               // per post (0 = no media)
  int64_t max_image_bytes = 0;
  std::vector<std::string> mime_types;
  int max_alt_text = 0;            // 0 = no alt text support
  // Added for networks the four fields above cannot describe (all off by default):
  int64_t max_video_bytes = 0;     // per video or audio item (0 = max_image_bytes)
  int64_t max_total_bytes = 0;     // all items of one post together (0 = no such limit)
  bool video_alone = false;        // a video or audio item must be the only item of its post
  bool alt_text_in_graphemes = false;  // max_alt_text counts graphemes (else code points)
  // Video, dimensions and delivery (media pipeline; all off / any by default):
  int64_t min_video_duration_ms = 0;   // 0 = no lower bound
  int64_t max_video_duration_ms = 0;   // 0 = no upper bound
  int max_width = 0;                   // pixels, images and video; larger images are resized
  int max_height = 0;
  int min_width = 0;
  int min_height = 0;
  double min_aspect_ratio = 0;         // width / height; 0 = any
  double max_aspect_ratio = 0;
  double max_frame_rate = 0;           // 0 = any
  std::vector<std::string> video_codecs = {};  // accepted ("h264"); empty = any
  std::vector<std::string> audio_codecs = {};  // accepted ("aac"); empty = any
  bool fetch_by_url = false;  // the network downloads media from a URL herald gives it
};

// What herald measured of one media file (media/ fills it at upload). Zero or "" = unknown or
// not applicable.
struct MediaProbe {
  std::string kind;         // "image" | "video" | "audio"
  std::string format;       // "jpeg" | "png" | "webp" | "gif" | "heif" | "mp4" | "mov" | "webm" ...
  int width = 0;            // pixels, after applying the orientation
  int height = 0;
  int orientation = 1;      // EXIF orientation 1..8 (1 = as stored)
  int frames = 1;           // > 1 for an animated image
  int64_t duration_ms = 0;  // video and audio
  double frame_rate = 0;
  std::string video_codec;  // "h264" | "hevc" | "vp9" | "av1" ...
  std::string audio_codec;  // "aac" | "opus" | "mp3" ...; "" = no audio track
  int64_t bit_rate = 0;     // bits per second
};

// How a converted image is brought into the network's aspect-ratio range ("fit" of a post).
enum class MediaFit { kNone, kPad, kCrop };
std::string_view MediaFitName(MediaFit fit);  // "none" | "pad" | "crop"

// What a conversion must produce (platforms/kit/media_plan decides it, media/ carries it out).
struct ConversionSpec {
  std::string mime_type;   // the output type: "image/jpeg", "video/mp4" ...
  int max_width = 0;       // fit inside, keeping the aspect ratio (0 = no limit)
  int max_height = 0;
  double min_aspect_ratio = 0;  // with fit pad/crop: bring width/height into this range
  double max_aspect_ratio = 0;
  MediaFit fit = MediaFit::kNone;
  bool strip_metadata = true;   // drop EXIF GPS and camera data
  bool transcode_video = false;  // re-encode to H.264/AAC (otherwise remux or copy)
  double max_frame_rate = 0;
  int64_t max_bytes = 0;         // the result must not be larger (0 = no limit)
  // Identifies the spec for the conversion cache: equal specs give equal keys.
  std::string Key() const;
};

// What herald will do with one media item for one network.
struct MediaPlan {
  enum class Action { kAsIs, kConvert, kRefuse };
  Action action = Action::kAsIs;
  // Why it is converted or refused, in the user's words ("Instagram takes JPEG only; herald
  // converts the PNG to JPEG", "the video is 15:00 long, over TikTok's limit of 10:00").
  std::vector<std::string> reasons;
  ConversionSpec spec;  // when kConvert
};

struct Features {
  bool threads = false;          // replies chained into a thread
  bool delete_posts = false;
  bool post_metrics = false;
  bool account_metrics = false;
  IdempotencyKind idempotency = IdempotencyKind::kNone;
};

struct PlatformInfo {
  std::string id;    // "mastodon"
  std::string name;  // "Mastodon"
  AuthKind auth_kind = AuthKind::kToken;
  TextRules text;
  MediaRules media;
  Features features;
  // connect_account argument names this network needs, e.g. {"instance_url", "access_token"}.
  std::vector<std::string> connect_fields;
  // JSON Schema of this network's `platform_options` on a post ({"type": "object", ...}), which
  // list_platforms shows and the core checks before Validate sees Content::options; null when
  // the network takes no options.
  Json options_schema = nullptr;
};

// One media item as the adapter sees it. `data` holds the bytes when publishing; for
// validation only the metadata is filled.
struct MediaItem {
  std::string id;
  std::string mime_type;
  std::string file_name;
  std::string alt_text;
  int64_t size = 0;
  std::string data;   // the bytes, for items small enough to hold (images); else empty
  MediaProbe probe;   // what herald measured (kind, dimensions, duration, codecs)
  std::string path;   // a local file with the bytes, for large items (video): read in chunks
  std::string url;    // for fetch_by_url networks: a signed, expiring URL of the bytes
};

// The content for one target, after per-account overrides: parts[0] is the post, the rest are
// the thread replies in order.
struct PostPart {
  std::string text;
  std::vector<MediaItem> media;
};
struct Content {
  std::vector<PostPart> parts;
  MediaFit fit = MediaFit::kNone;  // the post's "fit": how images meet aspect-ratio limits
  // The post's platform_options for this network ({} when none), already valid against
  // PlatformInfo::options_schema. Validate checks what a schema cannot (a story needs media);
  // its violations name the field as "platform_options.<id>.<field>".
  Json options = Json::object();
  // The target account's non-secret settings, as stored at connect (ConnectedAccount::settings),
  // for rules that depend on the account (a creator's allowed privacy levels, the permissions a
  // Page token was granted). {} when validating without an account.
  Json account_settings = Json::object();
};

struct Violation {
  std::string field;    // as the caller wrote it: "text", "media", "thread[0].text" (part 1)
  std::string message;  // "text is 512 characters, 12 over Mastodon's limit of 500 (...)"
};

struct ValidationReport {
  int length = 0;  // the main text, counted the network's way
  int limit = 0;
  std::string unit;
  std::vector<Violation> violations;
  std::vector<Violation> conversions;  // items herald will convert, and why
  bool ok() const { return violations.empty(); }
};

// Everything an adapter knows about one connected account. `credentials` is in clear and lives
// only in memory for the duration of a call.
struct AccountContext {
  std::string account_id;
  std::string external_id;
  std::string handle;
  std::string base_url;
  Json settings = Json::object();
  Json credentials = Json::object();
  // Persists refreshed credentials (sealed by the core) before the call goes on. Adapters whose
  // tokens rotate (Bluesky sessions, OAuth refresh) call it; may be empty in tests.
  std::function<Result<void>(const Json& credentials, std::optional<Time> expires_at)>
      save_credentials;
  // OAuth kinds: renews the account's tokens through the core, which runs at most one refresh
  // per account at a time (concurrent callers share its result), stores them, and returns the
  // fresh credentials. When set, adapters never refresh on their own (OAuthSession calls it);
  // when empty (tests, a core that does not provide it) OAuthSession refreshes itself and
  // persists through save_credentials.
  std::function<Task<Result<Json>>()> refresh_credentials;
};

// The result of connect_account for token kinds: who the account is and what to store.
struct ConnectedAccount {
  std::string external_id;  // the network's stable id (reconnecting updates the same row)
  std::string handle;
  std::string display_name;
  std::string base_url;
  Json settings = Json::object();     // non-secret: chat_id, channel, ...
  Json credentials = Json::object();  // secret: sealed by the core before storage
  std::optional<Time> token_expires_at;
  // The network id this account is stored under when it differs from the network that was
  // connected: a grant of one network may yield accounts of a sibling (a LinkedIn member grant
  // yields `linkedin_page` organizations; a Facebook grant, Instagram accounts). Empty: the
  // connected network itself.
  std::string platform;
};

struct PublishRequest {
  AccountContext account;
  Content content;
  // Stable for the target across every attempt: the Mastodon Idempotency-Key, the source of the
  // Bluesky record keys, the Discord nonce, the marker Telegram/Slack reconciliation looks for.
  std::string idempotency_key;
  // What earlier attempts recorded (e.g. ids of thread parts already posted).
  Json remote_state = Json::object();
  // Durably records progress before the call goes on (e.g. after each thread part but the
  // last: the receipt's remote_state carries the final state, and a store write per publish
  // is a cost worth saving).
  std::function<Result<void>(const Json& remote_state)> save_remote_state;
  // Long uploads: how far the transfer is (`done` of `total` bytes). May be empty; cheap to call
  // after every chunk (the core throttles what it stores and forwards to MCP progress).
  std::function<void(int64_t done, int64_t total)> report_progress;
};

struct PublishReceipt {
  std::string external_id;  // the network's id of the post (the first part of a thread)
  std::string url;          // a link a human can open
  Json remote_state = Json::object();  // ids of every part, for delete and metrics
};

// One post of an account's own history (FetchHistory): made in herald or elsewhere.
struct HistoryPost {
  std::string remote_id;  // the network's id, as PublishReceipt::external_id would hold it
  std::string url;
  Time published_at;
  std::string text;
  Json metrics = Json::object();  // as FetchPostMetrics returns them (absent = not reported)
};

// How much history FetchHistory reads: posts published at or after `since`, newest first, at
// most `max_posts` (reposts of other people's posts are left out).
struct HistoryRequest {
  Time since;
  int max_posts = 500;
};

class Platform {
 public:
  virtual ~Platform() = default;

  virtual const PlatformInfo& Info() const = 0;

  // Pure: counts text the network's way and checks media, thread and caption rules.
  virtual ValidationReport Validate(const Content& content) const = 0;

  // Token, app-password and webhook kinds: verifies `args` (the connect_account arguments minus
  // "platform") with the network and returns the account. Errors: kInvalidArgument naming a
  // missing or malformed field; kUnauthenticated with the network's reason for a wrong token.
  // OAuth kinds return kFailedPrecondition (they connect through the OAuth flow).
  virtual Task<Result<ConnectedAccount>> Connect(Json args) = 0;

  // Publishes every part (a thread when there are several), resuming from remote_state.
  virtual Task<Result<PublishReceipt>> Publish(PublishRequest request) = 0;

  // After an interrupted attempt: is the post made with this request's identity on the
  // network? Ok(receipt) if it is, Ok(nullopt) if it certainly is not; kUnimplemented when the
  // network cannot tell (IdempotencyKind::kNone), kUnknown/kUnavailable when it could not be
  // determined now.
  virtual Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) = 0;

  // Deletes a published post (every part of a thread). kUnimplemented where the network has no
  // delete; Ok if it is already gone.
  virtual Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) = 0;

  // Engagement of a published post: {"likes", "reposts", "replies", "views"?, ...}.
  virtual Task<Result<Json>> FetchPostMetrics(AccountContext account,
                                              PublishReceipt receipt) = 0;
  // Account numbers: {"followers", "following"?, "posts"?}.
  virtual Task<Result<Json>> FetchAccountMetrics(AccountContext account) = 0;
  // The account's own recent posts with their engagement, newest first (HistoryRequest).
  // Optional: the default is kUnimplemented ("<network> cannot read an account's history").
  virtual Task<Result<std::vector<HistoryPost>>> FetchHistory(AccountContext account,
                                                              HistoryRequest request);
};

// Base URL overrides per network ("telegram" -> "http://127.0.0.1:PORT"), from config
// (HERALD_<PLATFORM>_API_URL), so tests point adapters at emulators. Mastodon and Bluesky take
// their base from the account itself.
using BaseUrlOverrides = std::map<std::string, std::string, std::less<>>;

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_PLATFORM_H_
