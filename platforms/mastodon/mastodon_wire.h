// Mastodon wire mapping: request bodies and response parsing for the REST API
// (docs.joinmastodon.org), with no I/O, so it is unit-tested on recorded JSON.
//
// Covers: the CredentialAccount of verify_credentials, Status, MediaAttachment, error bodies
// ({"error": "..."}; the X-RateLimit-* headers, whose Reset is an ISO 8601 time, are read by
// platforms/kit/retry_after), the per-part Idempotency-Key, and the multipart/form-data body of
// POST /api/v2/media.
// Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_MASTODON_MASTODON_WIRE_H_
#define HERALD_PLATFORMS_MASTODON_MASTODON_WIRE_H_

#include <chrono>
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

namespace herald::platforms::mastodon {

using base::Json;

struct MastodonAccount {
  std::string id;
  std::string username;
  std::string acct;  // "user" for local accounts, "user@domain" for remote ones
  std::string display_name;
  std::string url;
  int64_t followers_count = 0;
  int64_t following_count = 0;
  int64_t statuses_count = 0;
};

struct MastodonStatus {
  std::string id;
  std::string url;  // may be empty for some statuses; use uri then
  std::string uri;
  std::string in_reply_to_id;
  int64_t replies_count = 0;
  int64_t reblogs_count = 0;
  int64_t favourites_count = 0;
  std::optional<int64_t> quotes_count;  // 4.5+
};

struct MastodonMedia {
  std::string id;
  std::string type;  // "image", "video", ...
  std::string url;   // empty while the server is still processing
  std::string preview_url;
  std::string description;
  bool ready() const { return !url.empty(); }
};

// Errors: kInvalidArgument when the body is not the expected JSON (names the missing field).
base::Result<MastodonAccount> ParseAccount(std::string_view body);
base::Result<MastodonStatus> ParseStatus(std::string_view body);
base::Result<MastodonMedia> ParseMedia(std::string_view body);

// One status of GET /api/v1/accounts/:id/statuses, as history (FetchHistory).
struct MastodonHistoryStatus {
  MastodonStatus status;
  std::string created_at;  // RFC 3339
  std::string text;        // content with the HTML tags removed
  bool reblog = false;     // a boost of someone else's status
};
// Errors: kInvalidArgument when the body is not a JSON array of statuses.
base::Result<std::vector<MastodonHistoryStatus>> ParseStatusPage(std::string_view body);

// The "error" of an error body, or "" (bodies may be HTML from a proxy).
std::string ParseErrorMessage(std::string_view body);

// The JSON body of POST /api/v1/statuses.
std::string StatusRequestBody(std::string_view text, const std::vector<std::string>& media_ids,
                              std::string_view in_reply_to_id);

// The Idempotency-Key for part `index` of the post whose stable identity is `key`: the same
// for every attempt, different for every part.
std::string PartIdempotencyKey(std::string_view key, size_t index);

// multipart/form-data for POST /api/v2/media: fields "file" (with the item's MIME type and file
// name) and "description" (alt text, when set).
struct MultipartBody {
  std::string content_type;  // "multipart/form-data; boundary=..."
  std::string body;
};
MultipartBody MediaUploadBody(const MediaItem& item);

// How Mastodon's answers and transport failures become errors (transport messages name "the
// Mastodon instance").
const HttpErrorMapper& Errors();

// Maps a non-2xx answer to an Error per platform.h through the kit's HttpErrorMapper: 401
// kUnauthenticated, 403 kPermissionDenied, 404/410 kNotFound, 422 and other 4xx
// kInvalidArgument, 429 kResourceExhausted (+retry_after from Retry-After or the ISO 8601
// X-RateLimit-Reset), 5xx kUnavailable. `action` names what was attempted
// ("publishing", "uploading media"); the message carries Mastodon's own reason when the answer
// came from the network (response.from_network), else a generic reason (the body only goes to
// the detail, for the log).
base::Error ErrorFromResponse(const HttpResponse& response, std::string_view action,
                              base::Time now);

}  // namespace herald::platforms::mastodon

#endif  // HERALD_PLATFORMS_MASTODON_MASTODON_WIRE_H_
