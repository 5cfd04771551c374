// TelegramPlatform: posts to one Telegram chat (channel, group or private chat) as a bot, through
// the Bot API (https://api.telegram.org/bot<token>/<method>).
//
// Connect takes {bot_token, chat_id}, checks the token with getMe, the chat with getChat and the
// bot's right to post with getChatMember. Publish sends each part as plain text (sendMessage), a
// photo with caption (sendPhoto) or an album (sendMediaGroup); thread parts reply to the first
// message of the previous part. Progress (the message ids of each part) is saved through
// save_remote_state after every part, so a retry resumes after the last part that was posted.
//
// Idempotency: IdempotencyKind::kNone. The Bot API has no client key for sends, and a bot cannot
// list a chat's recent messages (there is no history method; getUpdates does not deliver the
// bot's own messages, is consumed by whoever polls and is disabled while a webhook is set). So a
// send whose answer was lost cannot be looked up: Publish returns kUnknown and Find returns
// kUnimplemented, and the core marks the target `unknown` instead of risking a second post.
//
// Holds no per-account state; thread-safe. `http` must outlive the platform.
#ifndef HERALD_PLATFORMS_TELEGRAM_TELEGRAM_PLATFORM_H_
#define HERALD_PLATFORMS_TELEGRAM_TELEGRAM_PLATFORM_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platforms/http_client.h"
#include "platforms/platform.h"
#include "platforms/telegram/telegram_wire.h"

namespace herald::platforms::telegram {

class TelegramPlatform final : public Platform {
 public:
  struct Options {
    std::string base_url = std::string(kDefaultBaseUrl);  // no trailing slash needed
    std::chrono::milliseconds timeout{30'000};            // per call
    std::chrono::milliseconds upload_timeout{120'000};    // calls that upload photos
  };

  TelegramPlatform(HttpClient* http, Options options);

  const PlatformInfo& Info() const override;
  ValidationReport Validate(const Content& content) const override;

  // args {"bot_token", "chat_id"}. Returns external_id = the chat's numeric id, handle =
  // @username or title, settings {chat_id, chat_type, chat_username, bot_id, bot_username},
  // credentials {bot_token}. Errors: kInvalidArgument (missing/malformed field),
  // kUnauthenticated (token rejected), kNotFound (chat not found), kPermissionDenied (the bot
  // cannot post there), kUnavailable.
  Task<Result<ConnectedAccount>> Connect(Json args) override;

  // remote_state: {"chat_id": "...", "parts": [{"message_ids": [..]}, ...]}.
  // Receipt: external_id = the first message id; url = t.me link where the chat has one.
  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;

  // Always kUnimplemented: see the header comment.
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;

  // deleteMessage for every message of every part, last first; a message already gone counts
  // as deleted. kFailedPrecondition when Telegram refuses (older than 48 hours).
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;

  // kUnimplemented: the Bot API reports no views, and reactions only as pushed updates.
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;

  // {"followers": getChatMemberCount}.
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;

 private:
  // Calls `method` with JSON parameters.
  Task<Result<Json>> CallJson(std::string token, std::string method, Json params, CallKind kind);
  // Calls `method` with a multipart/form-data body (file uploads).
  Task<Result<Json>> CallForm(std::string token, std::string method, std::vector<FormPart> form,
                              CallKind kind);
  Task<Result<Json>> Send(std::string token, HttpRequest request, CallKind kind);
  // Sends one part and returns its messages.
  Task<Result<std::vector<SentMessage>>> SendPart(std::string token, std::string chat_id,
                                                  PostPart part, std::optional<int64_t> reply_to);

  HttpClient* http_;
  Options options_;
};

// The platform as production uses it: base URL from `base_urls["telegram"]` when set (tests,
// emulators), else the default. `http` must outlive it.
std::unique_ptr<Platform> MakeTelegramPlatform(HttpClient* http, const BaseUrlOverrides& base_urls);

}  // namespace herald::platforms::telegram

#endif  // HERALD_PLATFORMS_TELEGRAM_TELEGRAM_PLATFORM_H_
