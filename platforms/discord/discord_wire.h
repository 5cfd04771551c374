// Discord webhook wire mapping: the pure half of the Discord adapter.
//
// Parses and canonicalizes webhook URLs, builds Execute Webhook bodies (JSON, or multipart with
// `payload_json` + `files[n]` when photos are attached), parses webhook and message objects, reads
// the rate-limit headers (X-RateLimit-*, Retry-After) and maps Discord's errors
// (`{"code","message","errors"}` and `{"message","retry_after","global"}` for 429) onto herald's
// convention (platforms/platform.h). No I/O, no state: pure and thread-safe.
//
// Every body sends `allowed_mentions: {"parse": []}`: scheduled text never pings @everyone,
// @here, roles or users by accident. Length is counted in Unicode code points, as Discord's API
// does (discord/discord-api-docs#1315: "the API calculates length based on the number of
// codepoints").
#ifndef HERALD_PLATFORMS_DISCORD_DISCORD_WIRE_H_
#define HERALD_PLATFORMS_DISCORD_DISCORD_WIRE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "platforms/kit/http_error_mapper.h"
#include "platforms/multipart.h"
#include "platforms/platform.h"

namespace herald::platforms::discord {

inline constexpr std::string_view kPlatformId = "discord";
inline constexpr std::string_view kDefaultBaseUrl = "https://discord.com/api";
inline constexpr int kMaxContentChars = 2000;
inline constexpr int kMaxFiles = 10;
inline constexpr int64_t kMaxFileBytes = 10 * 1024 * 1024;     // default upload limit
inline constexpr int64_t kMaxRequestBytes = 25 * 1024 * 1024;  // whole request
inline constexpr int kMaxAltText = 1024;                       // attachment description

// Discord JSON error codes herald reacts to.
inline constexpr int kUnknownChannel = 10003;
inline constexpr int kUnknownMessage = 10008;
inline constexpr int kUnknownWebhook = 10015;
inline constexpr int kMissingAccess = 50001;
inline constexpr int kMissingPermissions = 50013;
inline constexpr int kInvalidWebhookToken = 50027;

// Limits, features (no reply threads: webhooks cannot reply, parts are posted as consecutive
// messages; delete; post metrics from reactions; IdempotencyKind::kNone — see
// discord_platform.h) and the connect field {"webhook_url"}.
const PlatformInfo& Info();

// Counts and checks `content`: each part ≤2000 code points and not empty unless it has files;
// ≤10 images (PNG/JPEG/GIF/WebP) of ≤10 MiB, ≤25 MiB together; alt text ≤1024.
ValidationReport Validate(const Content& content);

// --- webhook URL --------------------------------------------------------------------------

struct WebhookRef {
  std::string id;     // snowflake
  std::string token;  // the secret part
};

// Parses https://discord.com/api[/v10]/webhooks/{id}/{token} (also discordapp.com,
// ptb./canary.discord.com). Errors: kInvalidArgument naming `webhook_url` and the expected form.
Result<WebhookRef> ParseWebhookUrl(std::string_view url);
// https://discord.com/api/webhooks/{id}/{token}
std::string CanonicalWebhookUrl(const WebhookRef& ref);

// --- responses and errors -------------------------------------------------------------------

// CallKind (platforms/kit/transport_errors.h): GET webhook/message kRead, execute webhook
// kWrite (a lost answer means the message may exist), delete kDelete (idempotent).

// The bucket state Discord reports on every answer (absent fields stay empty).
struct RateLimit {
  std::optional<int> limit;
  std::optional<int> remaining;
  std::optional<std::chrono::milliseconds> reset_after;
  std::string bucket;
  std::string scope;  // "user" | "global" | "shared" on 429s
  bool global = false;
};
RateLimit ParseRateLimit(const HttpHeaders& headers);

// Ok(body) for 2xx (Json null for 204 No Content); otherwise MapFailure.
Result<Json> ParseResponse(int status, const HttpHeaders& headers, std::string_view body,
                           CallKind kind);

// Maps a Discord error answer:
//  429                          -> kResourceExhausted, retry_after from body retry_after, then
//                                  the headers (Retry-After, X-RateLimit-Reset-After: RetryAfter)
//  401 / 50027                  -> kUnauthenticated (webhook token invalid)
//  404 10015                    -> kNotFound (webhook deleted: connect a new one)
//  404 (10008, 10003, other)    -> kNotFound
//  403 (50013, 50001)           -> kPermissionDenied
//  400 / 413 (50035, 50006,...) -> kInvalidArgument, with the per-field errors flattened
//  5xx / other                  -> kUnavailable
base::Error MapFailure(int status, const HttpHeaders& headers, std::string_view body);

// The JSON error `code` of an error body, or -1.
int ErrorCodeOf(std::string_view body);

// How transport failures of webhook calls become errors: kUnknown only for kWrite, else
// kUnavailable; the webhook token (part of the URL) is redacted when passed as the secret.
const HttpErrorMapper& Errors();

// --- requests ------------------------------------------------------------------------------

// The Execute Webhook JSON: content (when non-empty), allowed_mentions {parse: []}, and for
// media `attachments: [{id: i, filename, description?}]` matching files[i].
Json ExecuteWebhookPayload(std::string_view content, const std::vector<MediaItem>& media);
// Multipart form: part `payload_json` (application/json) + `files[i]` for every media item.
std::vector<FormPart> ExecuteWebhookForm(std::string_view content,
                                         const std::vector<MediaItem>& media);
// The file name herald sends for media item `index`.
std::string AttachmentFileName(const MediaItem& item, size_t index);

// --- objects ------------------------------------------------------------------------------

struct Webhook {
  std::string id;
  int type = 0;  // 1 incoming, 2 channel follower, 3 application
  std::string name;
  std::string guild_id;
  std::string channel_id;
};
Result<Webhook> ParseWebhook(const Json& body);

struct Message {
  std::string id;
  std::string channel_id;
};
Result<Message> ParseMessage(const Json& body);

// https://discord.com/channels/{guild_id}/{channel_id}/{message_id} ("@me" without a guild).
std::string MessageUrl(std::string_view guild_id, std::string_view channel_id,
                       std::string_view message_id);

// {"likes": sum of reaction counts, "reactions": {emoji: count}} from a message object.
Json ReactionMetrics(const Json& message);

}  // namespace herald::platforms::discord

#endif  // HERALD_PLATFORMS_DISCORD_DISCORD_WIRE_H_
