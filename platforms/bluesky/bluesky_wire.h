// Bluesky (AT Protocol XRPC) wire mapping: request bodies, records and response parsing, with
// no I/O, so it is unit-tested on recorded JSON.
//
// Covers: sessions (createSession / refreshSession), XRPC errors {"error","message"}, record
// keys herald chooses (TIDs derived from the idempotency key and part index), app.bsky.feed.post
// records with facets at UTF-8 byte offsets, image embeds and reply strong refs, and the views
// of getPosts / getProfile.
// Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_BLUESKY_BLUESKY_WIRE_H_
#define HERALD_PLATFORMS_BLUESKY_BLUESKY_WIRE_H_

#include <chrono>
#include <cstdint>
#include <map>
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

namespace herald::platforms::bluesky {

using base::Json;

inline constexpr std::string_view kPostCollection = "app.bsky.feed.post";

struct BlueskySession {
  std::string did;
  std::string handle;
  std::string access_jwt;
  std::string refresh_jwt;
};

struct XrpcError {
  std::string error;  // "ExpiredToken", "InvalidRequest", ... ("" when the body is not XRPC)
  std::string message;
};

struct StrongRef {
  std::string uri;
  std::string cid;
};

struct PostCounts {
  int64_t likes = 0;
  int64_t reposts = 0;
  int64_t replies = 0;
  int64_t quotes = 0;
};

struct ProfileCounts {
  std::string did;
  std::string handle;
  std::string display_name;
  int64_t followers = 0;
  int64_t follows = 0;
  int64_t posts = 0;
};

// Errors: kInvalidArgument naming what is missing.
base::Result<BlueskySession> ParseSession(std::string_view body);
XrpcError ParseXrpcError(std::string_view body);
// {"uri","cid"} of createRecord / getRecord.
base::Result<StrongRef> ParseStrongRef(std::string_view body);
// The "blob" object of uploadBlob ({"$type":"blob","ref":{"$link"},"mimeType","size"}).
base::Result<Json> ParseBlob(std::string_view body);
// The counters of the post `uri` in a getPosts answer; nullopt when it is not listed (gone).
base::Result<std::optional<PostCounts>> ParsePostCounts(std::string_view body,
                                                        std::string_view uri);
base::Result<ProfileCounts> ParseProfile(std::string_view body);

// One item of an app.bsky.feed.getAuthorFeed page.
struct FeedPost {
  std::string uri;
  std::string author_did;
  std::string text;
  std::string created_at;  // the record's createdAt (RFC 3339)
  PostCounts counts;
  bool repost = false;  // listed because the author reposted it ("reason")
};
struct FeedPage {
  std::vector<FeedPost> posts;
  std::string cursor;  // "" on the last page
};
// Errors: kInvalidArgument when the body is not a feed.
base::Result<FeedPage> ParseAuthorFeed(std::string_view body);
// The record key (last path segment) of an at:// URI.
std::string RecordKeyOf(std::string_view at_uri);

// The "exp" claim of a JWT (no signature check: only to refresh before expiry), or nullopt.
std::optional<base::Time> JwtExpiry(std::string_view jwt);

// True if `rkey` has TID syntax (13 base32-sortable characters, first in [2-7a-j]).
bool IsValidTid(std::string_view rkey);

// The record key of part `index` of the post with stable identity `key`: a valid TID, the same
// for every attempt, different per part. Its timestamp bits come from a hash and fall between
// 2023-01-01 and early 2025 (in the past, as a client-made TID would be).
std::string RecordKeyFor(std::string_view key, size_t index);

// "at://did/collection/rkey" -> "rkey" ("" when malformed).
std::string RkeyOf(std::string_view at_uri);
// https://bsky.app/profile/<handle or did>/post/<rkey>.
std::string PublicPostUrl(std::string_view handle_or_did, std::string_view rkey);

// createdAt: RFC 3339 UTC with milliseconds ("2026-01-01T00:00:00.000Z").
std::string FormatDatetime(base::Time t);

// A mention facet's handle resolved to a DID; unresolved handles are left out of the facets.
using ResolvedHandles = std::map<std::string, std::string, std::less<>>;

// The "facets" array for `text`: links, tags, and mentions whose handle is in `resolved`
// (lower-cased handle -> DID). Empty array when there are none.
Json FacetsJson(std::string_view text, const ResolvedHandles& resolved);

// An app.bsky.feed.post record. `images` are {blob, alt} pairs (embed omitted when empty);
// `reply` is {root, parent} (omitted when nullopt).
struct ImageRef {
  Json blob;
  std::string alt;
};
Json PostRecord(std::string_view text, const Json& facets, const std::vector<ImageRef>& images,
                const std::optional<std::pair<StrongRef, StrongRef>>& reply,
                std::string_view created_at);

// The createRecord body.
Json CreateRecordBody(std::string_view did, std::string_view rkey, const Json& record);

// How Bluesky's answers and transport failures become errors (the kit's HttpErrorMapper with
// the XRPC error body; RateLimit-Reset, epoch seconds, read by platforms/kit/retry_after).
const HttpErrorMapper& Errors();

// Maps a non-2xx XRPC answer per platform.h: 401 and ExpiredToken/InvalidToken/AuthMissing ->
// kUnauthenticated; 403 -> kPermissionDenied; 404, RecordNotFound -> kNotFound; 429 ->
// kResourceExhausted (+retry_after); 5xx -> kUnavailable; other 4xx -> kInvalidArgument.
// `action` names what was attempted; the message carries Bluesky's error name and message when
// the answer came from the network (response.from_network), else a generic reason (the body
// only goes to the detail, for the log).
base::Error ErrorFromResponse(const HttpResponse& response, std::string_view action,
                              base::Time now);

}  // namespace herald::platforms::bluesky

#endif  // HERALD_PLATFORMS_BLUESKY_BLUESKY_WIRE_H_
