// X (api.x.com, API v2) wire mapping: request bodies, response parsing, error bodies, scopes,
// media categories and the text matching that reconciliation relies on. Pure functions,
// unit-tested on recorded answers (tests/platforms/data/x/); thread-safe.
#ifndef HERALD_PLATFORMS_X_X_WIRE_H_
#define HERALD_PLATFORMS_X_X_WIRE_H_

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

namespace herald::platforms::x {

using base::Json;
using base::Result;

inline constexpr std::string_view kXNetworkId = "x";
inline constexpr std::string_view kXApiUrl = "https://api.x.com";
inline constexpr std::string_view kXAuthUrl = "https://x.com";

// The scopes herald asks for, every one of them needed (posting, media, refresh).
const std::vector<std::string>& XScopes();

struct XUser {
  std::string id;
  std::string username;
  std::string name;
  Json public_metrics = Json::object();
};

struct XTweet {
  std::string id;
  std::string text;
  std::optional<base::Time> created_at;
  std::string in_reply_to;  // referenced_tweets[type=replied_to].id, or ""
};

// POST /2/tweets body: {"text", "media": {"media_ids"}?, "reply": {"in_reply_to_tweet_id"}?}.
std::string TweetRequestBody(std::string_view text, const std::vector<std::string>& media_ids,
                             std::string_view in_reply_to);

// GET /2/users/me: {"data": {"id", "username", "name", "public_metrics"?}}. Errors:
// kUnavailable when the answer has no user id.
Result<XUser> ParseUser(std::string_view body);
// POST /2/tweets 201: {"data": {"id", "text"}}. Errors: kUnknown (the tweet probably exists
// but the answer is unreadable).
Result<XTweet> ParseCreatedTweet(std::string_view body);
// GET /2/users/:id/tweets: {"data": [{"id", "text", "created_at"?, "referenced_tweets"?}],
// "meta": {...}}; no "data" means no tweets. Errors: kUnavailable for an unreadable answer.
Result<std::vector<XTweet>> ParseTweetList(std::string_view body);
// The token of the next page of such a list (meta.next_token), or "" on the last page.
std::string ParseNextToken(std::string_view body);
// GET /2/tweets?ids=ID&tweet.fields=public_metrics, for tweet `id`: {"likes", "reposts",
// "replies", "quotes", "bookmarks", "views"}. Errors: kNotFound when X lists it in "errors" or
// not at all; kUnavailable for an unreadable answer.
Result<Json> ParseTweetMetrics(std::string_view body, std::string_view id);
// users/me public_metrics -> {"followers", "following", "posts", "listed"}.
Json AccountMetrics(const XUser& user);

// The public link of a tweet: https://x.com/{username}/status/{id} (x.com/i/status/{id}
// without a username).
std::string TweetUrl(std::string_view username, std::string_view id);

// ---- media (v2 upload: initialize / append / finalize / status) ----

// "tweet_image" | "tweet_gif" (an animated GIF) | "tweet_video".
std::string MediaCategory(const MediaItem& item);
// POST /2/media/upload/initialize body.
std::string MediaInitializeBody(std::string_view media_type, int64_t total_bytes,
                                std::string_view category);
// POST /2/media/metadata body: {"id", "metadata": {"alt_text": {"text"}}}.
std::string AltTextBody(std::string_view media_id, std::string_view alt_text);

struct XMediaState {
  std::string id;
  // "" when the answer has no processing_info (ready), else pending | in_progress | succeeded |
  // failed.
  std::string state;
  int check_after_secs = 0;
  std::string error;  // processing_info.error.message when failed
  bool ready() const { return state.empty() || state == "succeeded"; }
};
// initialize / finalize / status answers: {"data": {"id", "processing_info"?}}. Errors:
// kUnavailable when the answer has no media id.
Result<XMediaState> ParseMediaState(std::string_view body);

// ---- errors ----

// X's error bodies (problem details {"title","detail","type","status"}, {"errors": [...]},
// OAuth {"error","error_description"}): the reason, and codes X's statuses do not tell by
// themselves (a 403 for content is kInvalidArgument, only an authorization 403 is
// kPermissionDenied).
ErrorBody ReadError(const HttpResponse& response);
// The HttpErrorMapper options for X (reads bodies with ReadError; herald's own base URL).
HttpErrorMapper::Options ErrorOptions();
// True for X's "duplicate content" refusal of POST /2/tweets (403): the tweet exists already.
bool IsDuplicateContent(const HttpResponse& response);

// ---- reconciliation ----

// `text` as X returns it compared with what herald sent: X shortens every URL to t.co and
// escapes &, < and >; both sides are unescaped, every URL replaced and whitespace trimmed.
std::string MatchableText(std::string_view text);
// The newest tweet of `tweets` (newest first, as X lists them) whose text matches `text`, that
// replies to `in_reply_to` ("" = any), and was created at or after `not_before` when X says
// when; nullptr when none.
const XTweet* FindTweet(const std::vector<XTweet>& tweets, std::string_view text,
                        std::string_view in_reply_to, std::optional<base::Time> not_before);

}  // namespace herald::platforms::x

#endif  // HERALD_PLATFORMS_X_X_WIRE_H_
