// Telegram Bot API wire mapping: the pure half of the Telegram adapter.
//
// Builds the parameters of getMe / getChat / getChatMember / sendMessage / sendPhoto /
// sendMediaGroup / deleteMessage, parses the `{"ok":...}` envelope and the objects inside it,
// maps Telegram's failures (`error_code` + `description` + `parameters.retry_after`) onto herald's
// error convention (platforms/platform.h), and holds the text and media rules. No I/O, no state:
// every function is pure and thread-safe. The flow that sends these is TelegramPlatform.
//
// Text is sent without `parse_mode` or entities, so nothing a user writes is taken as Markdown
// or HTML. Lengths are counted in UTF-16 code units, the unit of Telegram's MessageEntity
// offsets (an emoji outside the BMP counts 2).
#ifndef HERALD_PLATFORMS_TELEGRAM_TELEGRAM_WIRE_H_
#define HERALD_PLATFORMS_TELEGRAM_TELEGRAM_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "base/result.h"
#include "platforms/kit/http_error_mapper.h"
#include "platforms/multipart.h"
#include "platforms/platform.h"

namespace herald::platforms::telegram {

inline constexpr std::string_view kPlatformId = "telegram";
inline constexpr std::string_view kDefaultBaseUrl = "https://api.telegram.org";
inline constexpr int kMaxTextUnits = 4096;             // sendMessage.text, UTF-16 units
inline constexpr int kMaxCaptionUnits = 1024;          // sendPhoto / sendMediaGroup caption
inline constexpr int kMaxMediaItems = 10;              // sendMediaGroup: 2-10 items
inline constexpr int64_t kMaxPhotoBytes = 10'000'000;  // "The photo must be at most 10 MB"

// What herald advertises for Telegram: limits, features (threads as reply chains, delete,
// account metrics; no post metrics; IdempotencyKind::kNone — see the report in
// telegram_platform.h), and the connect fields {"bot_token", "chat_id"}.
const PlatformInfo& Info();

// Counts and checks `content` the Telegram way: text parts 1-4096 UTF-16 units, captions (a part
// with media) 0-1024, at most 10 photos per part (JPEG/PNG/WebP, 10 MB each), valid UTF-8.
ValidationReport Validate(const Content& content);

// --- connect arguments -------------------------------------------------------------------

// True if `token` has the shape BotFather issues: "<digits>:<35ish chars of [A-Za-z0-9_-]>".
bool IsPlausibleBotToken(std::string_view token);

// The chat_id argument as Telegram takes it: a (possibly negative) integer as text, or
// "@username". Accepts a JSON integer, a numeric string, "@name", "name" (-> "@name") and
// "https://t.me/name". Errors: kInvalidArgument naming `chat_id` and what is expected.
Result<std::string> NormalizeChatId(const Json& value);

// --- the envelope ----------------------------------------------------------------------------

// CallKind (platforms/kit/transport_errors.h) decides how an ambiguous failure is classified:
// getMe, getChat, ... are kRead; send* kWrite; deleteMessage kDelete ("not found" is success).

struct Failure {
  int error_code = 0;
  std::string description;
  std::optional<int64_t> retry_after;         // seconds
  std::optional<int64_t> migrate_to_chat_id;  // the group became this supergroup
};

// Parses a Bot API response. Ok(result) for `{"ok":true,"result":...}`; otherwise the mapped
// Error (MapFailure), also for a body that is not the envelope (a proxy's HTML 502, say).
Result<Json> ParseResponse(int http_status, std::string_view body, CallKind kind);

// Maps a Telegram failure onto herald's convention:
//  401 / 404 (token rejected)            -> kUnauthenticated
//  403 (bot kicked / blocked / no rights) -> kPermissionDenied
//  400 "chat not found"                   -> kNotFound
//  400 "not enough rights" / "rights"     -> kPermissionDenied
//  400 migrate_to_chat_id                 -> kFailedPrecondition (reconnect with the new id)
//  400 "message to delete not found"      -> kNotFound
//  other 400                              -> kInvalidArgument
//  429                                    -> kResourceExhausted, retry_after =
//  parameters.retry_after 5xx / anything else                    -> kUnavailable
// The message quotes Telegram's description.
base::Error MapFailure(const Failure& failure);

// How transport failures of Bot API calls become errors: kUnknown only for kWrite (the
// message may have been sent), else kUnavailable; the base URL is herald's own (the API or the
// operator's override), and the bot token, part of every Bot API URL, is redacted (pass it as
// the secret).
const HttpErrorMapper& Errors();

// --- requests ----------------------------------------------------------------------------

// sendMessage parameters: plain text (no parse_mode), optionally replying to `reply_to`
// (reply_parameters with allow_sending_without_reply=false, so a deleted parent fails loudly).
Json SendMessageParams(std::string_view chat_id, std::string_view text,
                       std::optional<int64_t> reply_to);

// sendPhoto as multipart: chat_id, caption (when non-empty), reply_parameters, and the photo
// as a file part named "photo".
std::vector<FormPart> SendPhotoForm(std::string_view chat_id, const MediaItem& photo,
                                    std::string_view caption, std::optional<int64_t> reply_to);

// sendMediaGroup as multipart: `media` is the JSON array of InputMediaPhoto referencing file
// parts "photo0".."photoN" via attach://; the caption rides on the first item only.
std::vector<FormPart> SendMediaGroupForm(std::string_view chat_id,
                                         const std::vector<MediaItem>& photos,
                                         std::string_view caption, std::optional<int64_t> reply_to);

// --- responses ---------------------------------------------------------------------------

struct BotUser {
  int64_t id = 0;
  std::string username;
  std::string first_name;
};
// getMe's User. Errors: kUnavailable when the result is not a bot User.
Result<BotUser> ParseBotUser(const Json& result);

struct Chat {
  int64_t id = 0;
  std::string type;  // private | group | supergroup | channel
  std::string title;
  std::string username;
  std::string first_name;
};
Result<Chat> ParseChat(const Json& result);

// The @handle (public chats) or the title; for private chats the user's first name.
std::string ChatHandle(const Chat& chat);

// Whether the bot, whose ChatMember in `chat` is `member`, may post there: in a channel it must
// be an administrator with can_post_messages; in a group a member/administrator, or restricted
// with can_send_messages (and still a member). Errors: kPermissionDenied saying what to change.
Result<void> CheckCanPost(const Chat& chat, const Json& member);

struct SentMessage {
  int64_t message_id = 0;
  int64_t chat_id = 0;
};
Result<SentMessage> ParseMessage(const Json& result);
// sendMediaGroup's array of Messages, in order.
Result<std::vector<SentMessage>> ParseMessages(const Json& result);

// A link a human can open: https://t.me/<username>/<id> for public chats,
// https://t.me/c/<id without -100>/<id> for private supergroups/channels, "" otherwise (basic
// groups and private chats have no message links).
std::string MessageUrl(int64_t chat_id, std::string_view chat_username, int64_t message_id);

}  // namespace herald::platforms::telegram

#endif  // HERALD_PLATFORMS_TELEGRAM_TELEGRAM_WIRE_H_
