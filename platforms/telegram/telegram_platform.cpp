#include "platforms/telegram/telegram_platform.h"

#include <algorithm>
#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/kit/thread_publisher.h"
#include "platforms/multipart.h"

namespace herald::platforms::telegram {
namespace {

using base::Error;
using base::ErrorCode;

std::string ChatIdFrom(const AccountContext& account) {
  const Json& s = account.settings;
  if (s.contains("chat_id")) {
    if (s["chat_id"].is_string()) return s["chat_id"].get<std::string>();
    if (s["chat_id"].is_number_integer()) return std::to_string(s["chat_id"].get<int64_t>());
  }
  return account.external_id;
}

std::vector<int64_t> MessageIdsOf(const Json& part) {
  std::vector<int64_t> ids;
  if (!part.is_object() || !part.contains("message_ids") || !part["message_ids"].is_array()) {
    return ids;
  }
  for (const Json& id : part["message_ids"]) {
    if (id.is_number_integer()) ids.push_back(id.get<int64_t>());
  }
  return ids;
}

// remote_state {"chat_id", "parts": [{"message_ids": [...]}, ...]}: a part is recorded once it
// has a message id.
const ThreadPublisher& Threads() {
  static const ThreadPublisher* threads = new ThreadPublisher(
      "Telegram",
      {.key = "parts", .usable = [](const Json& p) { return !MessageIdsOf(p).empty(); }});
  return *threads;
}

}  // namespace

TelegramPlatform::TelegramPlatform(HttpClient* http, Options options)
    : http_(http), options_(std::move(options)) {
  options_.base_url = TrimSlash(options_.base_url);
}

const PlatformInfo& TelegramPlatform::Info() const { return telegram::Info(); }

ValidationReport TelegramPlatform::Validate(const Content& content) const {
  return telegram::Validate(content);
}

Task<Result<Json>> TelegramPlatform::Send(std::string token, HttpRequest request, CallKind kind) {
  auto response = co_await http_->Send(std::move(request));
  if (!response.ok()) co_return Errors().FromTransport(std::move(response).error(), kind, token);
  co_return ParseResponse(response->status, response->body, kind);
}

Task<Result<Json>> TelegramPlatform::CallJson(std::string token, std::string method, Json params,
                                              CallKind kind) {
  HttpRequest request;
  request.method = "POST";
  request.url = options_.base_url + "/bot" + token + "/" + method;
  request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  request.body = base::DumpJson(params);
  request.total_timeout = options_.timeout;
  co_return co_await Send(std::move(token), std::move(request), kind);
}

Task<Result<Json>> TelegramPlatform::CallForm(std::string token, std::string method,
                                              std::vector<FormPart> form, CallKind kind) {
  MultipartForm::Encoded encoded = EncodeMultipart(form);
  HttpRequest request;
  request.method = "POST";
  request.url = options_.base_url + "/bot" + token + "/" + method;
  request.headers = {{"Content-Type", encoded.content_type}, {"Accept", "application/json"}};
  request.body = std::move(encoded.body);
  request.total_timeout = options_.upload_timeout;
  co_return co_await Send(std::move(token), std::move(request), kind);
}

Task<Result<ConnectedAccount>> TelegramPlatform::Connect(Json args) {
  if (!args.is_object()) co_return base::InvalidArgument("arguments must be an object");
  const std::string token = base::GetString(args, "bot_token");
  if (token.empty()) {
    co_return base::InvalidArgument(
        "bot_token is required: the token @BotFather gave for your bot (123456789:ABC...)");
  }
  if (!IsPlausibleBotToken(token)) {
    co_return base::InvalidArgument(
        "bot_token does not look like a Telegram bot token; expected <digits>:<letters, digits, "
        "_ and -> as @BotFather shows it");
  }
  if (!args.contains("chat_id")) {
    co_return base::InvalidArgument(
        "chat_id is required: the @username of the channel or group, or its numeric id");
  }
  HERALD_CO_ASSIGN_OR_RETURN(std::string chat_arg, NormalizeChatId(args["chat_id"]));

  HERALD_CO_ASSIGN_OR_RETURN(Json me_json,
                             co_await CallJson(token, "getMe", Json::object(), CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(BotUser bot, ParseBotUser(me_json));
  Json chat_params = {{"chat_id", chat_arg}};
  HERALD_CO_ASSIGN_OR_RETURN(Json chat_json,
                             co_await CallJson(token, "getChat", chat_params, CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(Chat chat, ParseChat(chat_json));
  Json member_params = {{"chat_id", chat.id}, {"user_id", bot.id}};
  HERALD_CO_ASSIGN_OR_RETURN(
      Json member, co_await CallJson(token, "getChatMember", member_params, CallKind::kRead));
  HERALD_CO_RETURN_IF_ERROR(CheckCanPost(chat, member));

  ConnectedAccount account;
  account.external_id = std::to_string(chat.id);
  account.handle = ChatHandle(chat);
  account.display_name = !chat.title.empty() ? chat.title : ChatHandle(chat);
  account.settings = Json{{"chat_id", std::to_string(chat.id)},
                          {"chat_type", chat.type},
                          {"chat_username", chat.username},
                          {"bot_id", std::to_string(bot.id)},
                          {"bot_username", bot.username}};
  account.credentials = Json{{"bot_token", token}};
  co_return account;
}

Task<Result<std::vector<SentMessage>>> TelegramPlatform::SendPart(std::string token,
                                                                  std::string chat_id,
                                                                  PostPart part,
                                                                  std::optional<int64_t> reply_to) {
  if (part.media.empty()) {
    HERALD_CO_ASSIGN_OR_RETURN(
        Json result,
        co_await CallJson(token, "sendMessage", SendMessageParams(chat_id, part.text, reply_to),
                          CallKind::kWrite));
    HERALD_CO_ASSIGN_OR_RETURN(SentMessage sent, ParseMessage(result));
    co_return std::vector<SentMessage>{sent};
  }
  if (part.media.size() == 1) {
    HERALD_CO_ASSIGN_OR_RETURN(
        Json result, co_await CallForm(token, "sendPhoto",
                                       SendPhotoForm(chat_id, part.media[0], part.text, reply_to),
                                       CallKind::kWrite));
    HERALD_CO_ASSIGN_OR_RETURN(SentMessage sent, ParseMessage(result));
    co_return std::vector<SentMessage>{sent};
  }
  HERALD_CO_ASSIGN_OR_RETURN(
      Json result, co_await CallForm(token, "sendMediaGroup",
                                     SendMediaGroupForm(chat_id, part.media, part.text, reply_to),
                                     CallKind::kWrite));
  co_return ParseMessages(result);
}

Task<Result<PublishReceipt>> TelegramPlatform::Publish(PublishRequest request) {
  const std::string token = base::GetString(request.account.credentials, "bot_token");
  if (token.empty()) {
    co_return base::Unauthenticated("the Telegram account has no bot token; reconnect it");
  }
  const std::string chat_id = ChatIdFrom(request.account);
  if (chat_id.empty()) {
    co_return base::FailedPrecondition("the Telegram account has no chat id; reconnect it");
  }
  const auto& parts = request.content.parts;
  if (parts.empty()) co_return base::InvalidArgument("the post has no content");

  Json initial = request.remote_state.is_object() ? request.remote_state : Json::object();
  initial["chat_id"] = chat_id;
  PostPartFn post = [&](const PostPart& part, PartContext& ctx) -> Task<Result<Json>> {
    std::optional<int64_t> reply_to;
    if (!ctx.done->empty()) reply_to = MessageIdsOf(ctx.done->back()).front();
    HERALD_CO_ASSIGN_OR_RETURN(std::vector<SentMessage> sent,
                               co_await SendPart(token, chat_id, part, reply_to));
    Json ids = Json::array();
    for (const SentMessage& m : sent) ids.push_back(m.message_id);
    co_return Json{{"message_ids", ids}};
  };
  HERALD_CO_ASSIGN_OR_RETURN(Json state,
                             co_await Threads().Publish(request, std::move(initial), post));
  const Json& done = state["parts"];
  const int64_t first = MessageIdsOf(done[0]).front();
  int64_t chat_numeric = 0;
  try {
    chat_numeric = std::stoll(chat_id);
  } catch (...) {
    chat_numeric = 0;
  }
  PublishReceipt receipt;
  receipt.external_id = std::to_string(first);
  receipt.url =
      MessageUrl(chat_numeric, base::GetString(request.account.settings, "chat_username"), first);
  receipt.remote_state = state;
  co_return receipt;
}

Task<Result<std::optional<PublishReceipt>>> TelegramPlatform::Find(PublishRequest request) {
  (void)request;
  co_return base::Unimplemented(
      "Telegram cannot tell whether a message was posted: the Bot API has no way for a bot to "
      "list its recent messages in a chat");
}

Task<Result<void>> TelegramPlatform::Delete(AccountContext account, PublishReceipt receipt) {
  const std::string token = base::GetString(account.credentials, "bot_token");
  if (token.empty()) {
    co_return base::Unauthenticated("the Telegram account has no bot token; reconnect it");
  }
  std::string chat_id = base::GetString(receipt.remote_state, "chat_id", ChatIdFrom(account));
  std::vector<int64_t> ids;
  if (receipt.remote_state.contains("parts") && receipt.remote_state["parts"].is_array()) {
    for (const Json& part : receipt.remote_state["parts"]) {
      for (int64_t id : MessageIdsOf(part)) ids.push_back(id);
    }
  }
  if (ids.empty()) {
    try {
      ids.push_back(std::stoll(receipt.external_id));
    } catch (...) {
      co_return base::InvalidArgument("the receipt has no Telegram message id");
    }
  }
  std::reverse(ids.begin(), ids.end());
  for (int64_t id : ids) {
    Json params = {{"chat_id", chat_id}, {"message_id", id}};
    auto result = co_await CallJson(token, "deleteMessage", params, CallKind::kDelete);
    if (!result.ok() && result.error().code() != ErrorCode::kNotFound) co_return result.error();
  }
  co_return base::Ok();
}

Task<Result<Json>> TelegramPlatform::FetchPostMetrics(AccountContext account,
                                                      PublishReceipt receipt) {
  (void)account;
  (void)receipt;
  co_return base::Unimplemented(
      "Telegram's Bot API does not report views or reactions for a bot's messages");
}

Task<Result<Json>> TelegramPlatform::FetchAccountMetrics(AccountContext account) {
  const std::string token = base::GetString(account.credentials, "bot_token");
  if (token.empty()) {
    co_return base::Unauthenticated("the Telegram account has no bot token; reconnect it");
  }
  Json params = {{"chat_id", ChatIdFrom(account)}};
  HERALD_CO_ASSIGN_OR_RETURN(
      Json count, co_await CallJson(token, "getChatMemberCount", params, CallKind::kRead));
  if (!count.is_number_integer()) {
    co_return base::Unavailable("Telegram's member count is not a number", base::DumpJson(count));
  }
  co_return Json{{"followers", count.get<int64_t>()}};
}

std::unique_ptr<Platform> MakeTelegramPlatform(HttpClient* http,
                                               const BaseUrlOverrides& base_urls) {
  TelegramPlatform::Options options;
  if (auto it = base_urls.find("telegram"); it != base_urls.end() && !it->second.empty()) {
    options.base_url = it->second;
  }
  return std::make_unique<TelegramPlatform>(http, std::move(options));
}

}  // namespace herald::platforms::telegram
