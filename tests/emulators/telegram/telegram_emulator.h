// TelegramEmulator: the parts of the Telegram Bot API herald uses, on loopback.
//
// Requests go to /bot<token>/<method> (GET or POST; parameters from the query string,
// application/json, application/x-www-form-urlencoded or multipart/form-data, as the real Bot API
// accepts). Every answer is the Bot API envelope: {"ok":true,"result":...} or
// {"ok":false,"error_code":N,"description":"...","parameters":{...}} with HTTP status = error_code.
//
// Methods:
//   getMe, getChat, getChatMember, getChatMemberCount
//   sendMessage     text 1-4096 UTF-16 units after trimming ("Bad Request: message text is
//                   empty" / "message is too long"); parse_mode MarkdownV2 rejects unescaped
//                   reserved characters ("can't parse entities"), so plain text must be sent
//                   without parse_mode; reply_parameters {message_id, allow_sending_without_reply}
//                   or legacy reply_to_message_id ("message to be replied not found")
//   sendPhoto       multipart `photo` (or a URL / file_id string), caption ≤1024
//                   ("message caption is too long"), photo ≤10 MB, image/* only
//   sendMediaGroup  `media` = JSON array of 2-10 InputMediaPhoto referencing parts with
//                   attach://<name>; creates one message per item sharing a media_group_id
//   deleteMessage   own messages younger than 48 h ("message can't be deleted"), else
//                   "message to delete not found"
// Rights: a bot that was kicked or left answers 403 "Forbidden: bot was kicked from the <type>
// chat" / "Forbidden: bot is not a member of the <type> chat"; a channel administrator without
// can_post_messages gets 400 "Bad Request: need administrator rights in the channel chat";
// unknown chats 400 "Bad Request: chat not found". Bad or revoked token: 401 "Unauthorized";
// a path that is not /bot<token>/...: 404 "Not Found". Flood control: at most
// config "chat_messages_per_minute" (20) sends per chat per minute, then 429 "Too Many
// Requests: retry after N" with parameters.retry_after (no X-RateLimit headers, as upstream).
// There is no idempotency key and no way to list messages: a repeated send makes a new message.
// Error texts marked in the source as "unconfirmed" follow the wording style of the real API
// where the exact text was not verified.
//
// Seeded: bot @herald_demo_bot (id 7012345678, token kSeedToken); channel @acme_news
// (-1001987654321, bot is an administrator that can post, 1520 subscribers); private supergroup
// "Acme Team" (-1002233445566, bot is a member); channel @acme_readonly (-1001000000003, bot is
// an administrator without can_post_messages); channel @acme_kicked (-1001000000004, bot was
// kicked).
// Ledger: one post per message (id = message_id, globally increasing across chats), account =
// chat id, reply_to = replied message id, media = the photo, extra {chat_id, media_group_id,
// parse_mode}.
// Control: POST /__emulator/tokens {"username"?, "first_name"?, "token"?} -> {"token", "bot_id",
// "username"}; POST /__emulator/telegram/chats {"id", "type", "title"?, "username"?,
// "member_count"?, "bot_id"?, "bot_status"?, "can_post_messages"?, "can_send_messages"?}
// creates or updates a chat and the bot's membership in it.
#ifndef HERALD_TESTS_EMULATORS_TELEGRAM_TELEGRAM_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_TELEGRAM_TELEGRAM_EMULATOR_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {

class TelegramEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kSeedToken = "7012345678:AAH3xV_l2-EmulatorSeedToken000000000";
  static constexpr int64_t kSeedBotId = 7012345678;
  static constexpr int64_t kChannelId = -1001987654321;
  static constexpr int64_t kGroupId = -1002233445566;
  static constexpr int64_t kReadOnlyChannelId = -1001000000003;
  static constexpr int64_t kKickedChannelId = -1001000000004;

  explicit TelegramEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "telegram"; }
  void AddRoutes(ApiRoutes& routes) override;
  http::Response RateLimited(const http::Request& request,
                             std::chrono::seconds retry_after) override;
  http::Response ServerError(const http::Request& request, int status) override;
  http::Response ExpireToken(const http::Request& request) override;
  base::Result<Json> CreateToken(const Json& args) override;
  base::Result<void> RevokeToken(std::string_view token) override;
  base::Result<void> ExpireTokens(std::string_view token) override;
  base::Result<Json> Control(std::string_view action, const Json& body) override;
  Json Info() const override;
  void Reset() override;
  Json DefaultConfig() const override;

 private:
  struct Bot {
    int64_t id = 0;
    std::string username;
    std::string first_name;
  };
  struct Member {
    std::string status = "left";  // creator|administrator|member|restricted|left|kicked
    bool can_post_messages = false;
    bool can_send_messages = true;  // restricted members
  };
  struct Chat {
    int64_t id = 0;
    std::string type;  // private|group|supergroup|channel
    std::string title;
    std::string username;
    int64_t member_count = 0;
    std::map<int64_t, Member> members;  // bot id -> membership
  };
  struct Message {
    int64_t id = 0;
    int64_t chat_id = 0;
    int64_t from_bot = 0;
    base::Time date{};
    bool deleted = false;
  };
  // An answer being built: the envelope and its HTTP status.
  struct Call;

  http::Response Handle(const http::Request& req);
  http::Response Dispatch(const std::string& method, const Bot& bot, Call& call);
  http::Response GetMe(const Bot& bot);
  http::Response GetChat(const Bot& bot, Call& call);
  http::Response GetChatMember(const Bot& bot, Call& call);
  http::Response GetChatMemberCount(const Bot& bot, Call& call);
  http::Response SendMessage(const Bot& bot, Call& call);
  http::Response SendPhoto(const Bot& bot, Call& call);
  http::Response SendMediaGroup(const Bot& bot, Call& call);
  http::Response DeleteMessage(const Bot& bot, Call& call);

  // Resolves chat_id (number or @username); nullptr when unknown. REQUIRES: mu_ held.
  Chat* FindChatLocked(const Json& chat_id);
  // Why `bot` may not send to `chat`, as the Bot API answers it; nullopt when it may.
  std::optional<http::Response> SendRefusalLocked(const Bot& bot, const Chat& chat);
  // The flood-control answer when the chat's send budget is used up.
  std::optional<http::Response> FloodLimited(int64_t chat_id, int messages);
  // Checks reply_parameters / reply_to_message_id; sets `reply_to` (0 = none).
  std::optional<http::Response> ResolveReplyLocked(const Chat& chat, Call& call, int64_t& reply_to);
  Json ChatJson(const Chat& chat) const;
  Json UserJson(const Bot& bot) const;
  Json MessageJson(const Chat& chat, const Bot& bot, int64_t message_id, base::Time date) const;
  std::string MessageUrl(const Chat& chat, int64_t message_id) const;

  EmulatorContext& ctx_;
  TokenRegistry tokens_;
  mutable std::mutex mu_;
  std::map<int64_t, Bot> bots_;
  std::map<int64_t, Chat> chats_;
  std::map<int64_t, Message> messages_;  // by message id (unique across chats here)
  int64_t next_message_id_ = 4211;
  int64_t next_bot_id_ = 7100000001;
  int64_t next_media_group_ = 13722186951231234;
};

void RegisterTelegramEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_TELEGRAM_TELEGRAM_EMULATOR_H_
