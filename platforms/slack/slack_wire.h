// Slack Web API wire mapping: the pure half of the Slack adapter.
//
// Builds the bodies of auth.test, conversations.info/list/history/replies, chat.postMessage,
// chat.delete, files.getUploadURLExternal / files.completeUploadExternal / files.info,
// reactions.get; parses their answers; maps Slack's errors onto herald's convention
// (platforms/platform.h). Slack reports logical errors as HTTP 200 `{"ok":false,"error":"..."}`
// and rate limits as HTTP 429 + Retry-After; both are handled here. No I/O, no state: pure and
// thread-safe.
//
// Text goes out as plain text: `&`, `<` and `>` are escaped (Slack's control characters) and
// chat.postMessage gets `mrkdwn: false`. Every message herald posts with chat.postMessage carries
// message metadata {event_type: "herald_post", event_payload: {idempotency_key, part}}: the marker
// reconciliation looks for in conversations.history / conversations.replies.
//
// Length: Slack truncates `text` beyond 40,000 characters and recommends at most 4,000. herald
// validates the hard limit (40,000 code points, counted after escaping) so nothing is ever cut
// off; the 4,000 recommendation is not enforced.
#ifndef HERALD_PLATFORMS_SLACK_SLACK_WIRE_H_
#define HERALD_PLATFORMS_SLACK_SLACK_WIRE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "platforms/kit/http_error_mapper.h"
#include "platforms/platform.h"

namespace herald::platforms::slack {

inline constexpr std::string_view kPlatformId = "slack";
inline constexpr std::string_view kDefaultBaseUrl = "https://slack.com/api";
inline constexpr int kMaxTextChars = 40'000;
inline constexpr int kMaxFiles = 10;  // files per completeUploadExternal call (unconfirmed)
inline constexpr int64_t kMaxFileBytes = 1'000'000'000;  // Slack's 1 GB file cap
inline constexpr int kMaxAltText = 1000;                 // files.getUploadURLExternal alt_txt
inline constexpr std::string_view kMarkerEventType = "herald_post";

// Limits, features (threads via thread_ts, delete, post and account metrics,
// IdempotencyKind::kReconcile) and the connect fields {"bot_token", "channel"}.
const PlatformInfo& Info();

// Each part ≤40,000 code points after escaping, not empty without files; ≤10 files of ≤1 GB,
// image types only; alt text ≤1000.
ValidationReport Validate(const Content& content);

// Escapes `&`, `<`, `>` as &amp; &lt; &gt; (Slack's required escaping for literal text).
std::string EscapeText(std::string_view text);

// The channel argument: a conversation id ("C0123ABCD", also G/D/Z ids) or a name ("#general",
// "general"). Returns {is_id, value-without-#}. Errors: kInvalidArgument naming `channel`.
Result<std::pair<bool, std::string>> ParseChannelArg(const Json& value);

// --- answers and errors ------------------------------------------------------------------

// CallKind (platforms/kit/transport_errors.h): reads kRead; chat.postMessage and
// files.completeUploadExternal kWrite (a lost answer may mean posted); chat.delete and
// files.delete kDelete (idempotent).

// Ok(body) for HTTP 200 with ok:true; else the mapped Error: 429 -> kResourceExhausted with
// Retry-After, 5xx -> kUnavailable, 200 ok:false -> MapError.
Result<Json> ParseResponse(int status, const HttpHeaders& headers, std::string_view body,
                           CallKind kind);

// Maps an `error` string of an ok:false answer:
//  invalid_auth, not_authed, token_revoked, token_expired, account_inactive,
//  not_allowed_token_type                     -> kUnauthenticated
//  missing_scope (+needed)                    -> kPermissionDenied ("add scope X, reinstall")
//  restricted_action, posting_to_general_channel_denied, ekm_access_denied,
//  team_access_not_granted, cant_delete_message -> kPermissionDenied
//  channel_not_found                          -> kNotFound
//  not_in_channel, is_archived                -> kFailedPrecondition ("invite the bot")
//  message_not_found, file_not_found, file_deleted, thread_not_found -> kNotFound
//  ratelimited, rate_limited                  -> kResourceExhausted (retry_after from
//                                                `retry_after_header` or 60 s)
//  internal_error, fatal_error                -> kUnknown for kWrite, else kUnavailable
//  service_unavailable, request_timeout       -> kUnavailable
//  anything else (msg_too_long, no_text, invalid_arguments, ...) -> kInvalidArgument
// `channel_label` ("#general") makes the messages concrete.
base::Error MapError(std::string_view error, const Json& body, CallKind kind,
                     std::string_view retry_after_header = {}, std::string_view channel_label = {});

// How transport failures of Web API calls become errors: kUnknown only for kWrite, else
// kUnavailable; the bot token is redacted when passed as the secret. Form bodies are encoded
// with http::FormUrlEncode (platforms/http/form_urlencoded.h).
const HttpErrorMapper& Errors();

// --- requests --------------------------------------------------------------------------------

// {event_type: "herald_post", event_payload: {idempotency_key, part}}.
Json MarkerMetadata(std::string_view idempotency_key, size_t part);

// chat.postMessage JSON: channel, escaped text, mrkdwn false, thread_ts (replies), metadata.
Json PostMessageBody(std::string_view channel, std::string_view text,
                     std::optional<std::string> thread_ts, std::string_view idempotency_key,
                     size_t part);

// files.getUploadURLExternal form fields: filename, length, alt_txt (when set).
std::vector<std::pair<std::string, std::string>> UploadUrlParams(const MediaItem& item,
                                                                 size_t index);
std::string UploadFileName(const MediaItem& item, size_t index);

// files.completeUploadExternal JSON: files [{id, title}], channel_id, initial_comment (escaped,
// when non-empty), thread_ts.
Json CompleteUploadBody(const std::vector<std::pair<std::string, std::string>>& files,
                        std::string_view channel, std::string_view initial_comment,
                        std::optional<std::string> thread_ts);

// --- objects -------------------------------------------------------------------------------

struct AuthInfo {
  std::string url;  // https://team.slack.com/
  std::string team;
  std::string team_id;
  std::string user;
  std::string user_id;
  std::string bot_id;
};
Result<AuthInfo> ParseAuthTest(const Json& body);

struct ChannelInfo {
  std::string id;
  std::string name;
  bool is_private = false;
  bool is_member = false;
  bool is_archived = false;
  std::optional<int64_t> num_members;
};
// From conversations.info's `channel` (or a conversations.list element).
Result<ChannelInfo> ParseChannel(const Json& channel);

struct UploadTicket {
  std::string upload_url;
  std::string file_id;
};
Result<UploadTicket> ParseUploadTicket(const Json& body);

// The ts of the message that shares `file` (files.info's `file`) in `channel`:
// file.shares.{public,private}[channel][*].ts — for a reply, the one whose thread_ts is
// `thread_ts`. nullopt when Slack does not (yet) list such a share.
std::optional<std::string> ShareTs(const Json& file, std::string_view channel,
                                   std::optional<std::string> thread_ts);

// True if `message` (from conversations.history/replies with include_all_metadata) is herald's
// part `part` of the post with `idempotency_key`, posted by this bot (when bot ids are known).
bool HasMarker(const Json& message, std::string_view idempotency_key, size_t part,
               std::string_view bot_id, std::string_view bot_user_id);

// https://team.slack.com/archives/C123/p1503435956000247 (+ ?thread_ts=..&cid=.. for replies).
std::string Permalink(std::string_view team_url, std::string_view channel, std::string_view ts,
                      std::optional<std::string> thread_ts = std::nullopt);

// {"likes": total reactions, "reactions": {name: count}} from reactions.get's `message`.
Json ReactionMetrics(const Json& message);

}  // namespace herald::platforms::slack

#endif  // HERALD_PLATFORMS_SLACK_SLACK_WIRE_H_
