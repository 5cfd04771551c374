#include "tests/emulators/telegram/telegram_emulator.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "base/crypto.h"
#include "http/router.h"
#include "platforms/text/utf8.h"
#include "tests/emulators/common/multipart.h"

namespace herald::emulators {
namespace {

constexpr int kMaxTextUnits = 4096;
constexpr int kMaxCaptionUnits = 1024;
constexpr int64_t kMaxPhotoBytes = 10'000'000;
constexpr auto kDeleteWindow = std::chrono::hours(48);
constexpr size_t kMaxMessages = 100'000;

http::Response Envelope(int code, const Json& body) {
  return http::Response::Json(code, base::DumpJson(body));
}

http::Response Ok(const Json& result) {
  return Envelope(200, Json{{"ok", true}, {"result", result}});
}

http::Response Fail(int code, const std::string& description, Json parameters = nullptr) {
  Json body = {{"ok", false}, {"error_code", code}, {"description", description}};
  if (!parameters.is_null()) body["parameters"] = std::move(parameters);
  return Envelope(code, body);
}

http::Response Unauthorized() { return Fail(401, "Unauthorized"); }

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// The bot token of a /bot<token>/<method> path, or "" when the path has another shape.
std::string TokenOfPath(std::string_view path) {
  if (path.size() < 5 || path.substr(0, 4) != "/bot") return "";
  size_t slash = path.find('/', 4);
  if (slash == std::string_view::npos) return "";
  return std::string(path.substr(4, slash - 4));
}

// Telegram's checks for parse_mode, enough to show that sending plain text with a parse mode
// fails on ordinary punctuation.
std::optional<std::string> ParseModeError(std::string_view mode, std::string_view text) {
  if (mode.empty()) return std::nullopt;
  if (mode == "MarkdownV2") {
    constexpr std::string_view kReserved = ".!-=+#>(){}[]|";
    int counts[4] = {0, 0, 0, 0};  // * _ ~ `
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c == '\\') {
        ++i;
        continue;
      }
      if (kReserved.find(c) != std::string_view::npos) {
        return std::string("can't parse entities: Character '") + c +
               "' is reserved and must be escaped with the preceding '\\'";
      }
      if (c == '*') ++counts[0];
      if (c == '_') ++counts[1];
      if (c == '~') ++counts[2];
      if (c == '`') ++counts[3];
    }
    const char* names[4] = {"Bold", "Italic", "Strikethrough", "Code"};
    for (int k = 0; k < 4; ++k) {
      if (counts[k] % 2 != 0) {
        return std::string("can't parse entities: Can't find end of ") + names[k] +
               " entity at byte offset " + std::to_string(text.size());
      }
    }
    return std::nullopt;
  }
  if (mode == "Markdown") {
    if (std::count(text.begin(), text.end(), '*') % 2 != 0 ||
        std::count(text.begin(), text.end(), '_') % 2 != 0) {
      return "can't parse entities: Can't find end of the entity starting at byte offset 0";
    }
    return std::nullopt;
  }
  if (mode == "HTML") {
    static const char* kTags[] = {"b",          "strong", "i",          "em",      "u",    "ins",
                                  "s",          "strike", "del",        "a",       "code", "pre",
                                  "tg-spoiler", "span",   "blockquote", "tg-emoji"};
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '<') continue;
      size_t j = i + 1;
      if (j < text.size() && text[j] == '/') ++j;
      size_t k = j;
      while (k < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[k])) || text[k] == '-')) {
        ++k;
      }
      std::string tag(text.substr(j, k - j));
      if (std::none_of(std::begin(kTags), std::end(kTags),
                       [&](const char* t) { return tag == t; })) {
        return "can't parse entities: Unsupported start tag \"" + tag + "\" at byte offset " +
               std::to_string(i);
      }
    }
    return std::nullopt;
  }
  return "unsupported parse_mode";
}

}  // namespace

// The parameters of one Bot API call, from wherever the client put them.
struct TelegramEmulator::Call {
  Json params = Json::object();  // strings from query/form/multipart, any JSON from a JSON body
  std::map<std::string, MultipartPart> files;

  std::optional<int64_t> Int(const std::string& name) const {
    auto it = params.find(name);
    if (it == params.end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<int64_t>();
    if (it->is_string()) {
      const std::string s = it->get<std::string>();
      if (s.empty()) return std::nullopt;
      size_t start = s[0] == '-' ? 1 : 0;
      if (start == s.size() || !std::all_of(s.begin() + start, s.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
          })) {
        return std::nullopt;
      }
      return std::stoll(s);
    }
    return std::nullopt;
  }
  std::string String(const std::string& name) const {
    auto it = params.find(name);
    if (it == params.end()) return "";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
    return "";
  }
  // An object or array parameter, given as JSON or as a JSON-serialized string.
  std::optional<Json> Structured(const std::string& name) const {
    auto it = params.find(name);
    if (it == params.end()) return std::nullopt;
    if (it->is_object() || it->is_array()) return *it;
    if (it->is_string()) {
      auto parsed = base::ParseJson(it->get<std::string>());
      if (parsed.ok() && (parsed->is_object() || parsed->is_array())) return *parsed;
    }
    return std::nullopt;
  }
  bool Has(const std::string& name) const { return params.contains(name) || files.count(name); }
};

TelegramEmulator::TelegramEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json TelegramEmulator::DefaultConfig() const {
  return Json{{"chat_messages_per_minute", 20},
              {"max_text_units", kMaxTextUnits},
              {"max_caption_units", kMaxCaptionUnits}};
}

void TelegramEmulator::Reset() {
  tokens_.Clear();
  std::lock_guard lock(mu_);
  bots_.clear();
  chats_.clear();
  messages_.clear();
  next_message_id_ = 4211;
  next_bot_id_ = 7100000001;
  next_media_group_ = 13722186951231234;
  bots_[kSeedBotId] = Bot{kSeedBotId, "herald_demo_bot", "Herald Bot"};
  (void)tokens_.Issue(std::to_string(kSeedBotId), kSeedToken);

  Chat channel{kChannelId, "channel", "Acme News", "acme_news", 1520, {}};
  channel.members[kSeedBotId] = Member{"administrator", true, true};
  chats_[channel.id] = channel;
  Chat group{kGroupId, "supergroup", "Acme Team", "", 12, {}};
  group.members[kSeedBotId] = Member{"member", false, true};
  chats_[group.id] = group;
  Chat readonly{kReadOnlyChannelId, "channel", "Acme Read Only", "acme_readonly", 40, {}};
  readonly.members[kSeedBotId] = Member{"administrator", false, true};
  chats_[readonly.id] = readonly;
  Chat kicked{kKickedChannelId, "channel", "Acme Kicked", "acme_kicked", 9, {}};
  kicked.members[kSeedBotId] = Member{"kicked", false, false};
  chats_[kicked.id] = kicked;
}

void TelegramEmulator::AddRoutes(ApiRoutes& routes) {
  auto handler = [this](http::Request req) -> base::Task<http::Response> { co_return Handle(req); };
  routes.Add("GET", "/{bot}/{method}", handler);
  routes.Add("POST", "/{bot}/{method}", handler, 64u << 20);
}

http::Response TelegramEmulator::Handle(const http::Request& req) {
  const std::string bot_segment(req.PathParam("bot"));
  if (bot_segment.size() <= 3 || bot_segment.substr(0, 3) != "bot") {
    return Fail(404, "Not Found");
  }
  const std::string token = bot_segment.substr(3);
  auto info = tokens_.Find(token);
  if (!info || info->revoked) return Unauthorized();
  Bot bot;
  {
    std::lock_guard lock(mu_);
    auto it = bots_.find(std::stoll(info->account));
    if (it == bots_.end()) return Unauthorized();
    bot = it->second;
  }

  Call call;
  for (const auto& [k, v] : req.query_params) call.params[k] = v;
  const std::string content_type(req.Header("Content-Type"));
  if (content_type.rfind("application/json", 0) == 0) {
    auto body = base::ParseJson(req.body);
    if (!body.ok() || !body->is_object()) {
      return Fail(400, "Bad Request: can't parse JSON object");
    }
    for (const auto& [k, v] : body->items()) call.params[k] = v;
  } else if (!MultipartBoundary(content_type).empty()) {
    auto parts = ParseMultipart(req.body, content_type);
    if (!parts.ok()) return Fail(400, "Bad Request: can't parse multipart/form-data");
    for (MultipartPart& part : *parts) {
      if (!part.filename.empty()) {
        call.files[part.name] = std::move(part);
      } else {
        call.params[part.name] = part.data;
      }
    }
  } else if (!req.body.empty()) {
    for (const auto& [k, v] : http::ParseQuery(req.body)) call.params[k] = v;
  }
  return Dispatch(std::string(req.PathParam("method")), bot, call);
}

http::Response TelegramEmulator::Dispatch(const std::string& method, const Bot& bot, Call& call) {
  if (method == "getMe") return GetMe(bot);
  if (method == "getChat") return GetChat(bot, call);
  if (method == "getChatMember") return GetChatMember(bot, call);
  if (method == "getChatMemberCount" || method == "getChatMembersCount") {
    return GetChatMemberCount(bot, call);
  }
  if (method == "sendMessage") return SendMessage(bot, call);
  if (method == "sendPhoto") return SendPhoto(bot, call);
  if (method == "sendMediaGroup") return SendMediaGroup(bot, call);
  if (method == "deleteMessage") return DeleteMessage(bot, call);
  return Fail(404, "Not Found");
}

Json TelegramEmulator::UserJson(const Bot& bot) const {
  return Json{
      {"id", bot.id}, {"is_bot", true}, {"first_name", bot.first_name}, {"username", bot.username}};
}

Json TelegramEmulator::ChatJson(const Chat& chat) const {
  Json j = {{"id", chat.id}, {"type", chat.type}};
  if (chat.type == "private") {
    j["first_name"] = chat.title;
  } else {
    j["title"] = chat.title;
  }
  if (!chat.username.empty()) j["username"] = chat.username;
  return j;
}

std::string TelegramEmulator::MessageUrl(const Chat& chat, int64_t message_id) const {
  if (!chat.username.empty()) {
    return "https://t.me/" + chat.username + "/" + std::to_string(message_id);
  }
  std::string id = std::to_string(chat.id);
  if (id.rfind("-100", 0) == 0)
    return "https://t.me/c/" + id.substr(4) + "/" + std::to_string(message_id);
  return "";
}

Json TelegramEmulator::MessageJson(const Chat& chat, const Bot& bot, int64_t message_id,
                                   base::Time date) const {
  Json m = {{"message_id", message_id},
            {"date", base::ToUnixMicros(date) / 1'000'000},
            {"chat", ChatJson(chat)}};
  if (chat.type == "channel") {
    m["sender_chat"] = ChatJson(chat);
  } else {
    m["from"] = UserJson(bot);
  }
  return m;
}

TelegramEmulator::Chat* TelegramEmulator::FindChatLocked(const Json& chat_id) {
  if (chat_id.is_number_integer()) {
    auto it = chats_.find(chat_id.get<int64_t>());
    return it == chats_.end() ? nullptr : &it->second;
  }
  if (!chat_id.is_string()) return nullptr;
  const std::string s = chat_id.get<std::string>();
  if (s.empty()) return nullptr;
  if (s[0] == '@') {
    for (auto& [id, chat] : chats_) {
      if (!chat.username.empty() && http::EqualsIgnoreCase(chat.username, s.substr(1))) {
        return &chat;
      }
    }
    return nullptr;
  }
  try {
    size_t used = 0;
    int64_t id = std::stoll(s, &used);
    if (used != s.size()) return nullptr;
    auto it = chats_.find(id);
    return it == chats_.end() ? nullptr : &it->second;
  } catch (...) {
    return nullptr;
  }
}

std::optional<http::Response> TelegramEmulator::SendRefusalLocked(const Bot& bot,
                                                                  const Chat& chat) {
  auto it = chat.members.find(bot.id);
  const Member member = it == chat.members.end() ? Member{} : it->second;
  const std::string kind = chat.type == "channel"   ? "channel"
                           : chat.type == "private" ? "user"
                                                    : chat.type;
  if (member.status == "kicked") {
    if (chat.type == "private") return Fail(403, "Forbidden: bot was blocked by the user");
    return Fail(403, "Forbidden: bot was kicked from the " + kind + " chat");
  }
  if (member.status == "left") {
    return Fail(403, "Forbidden: bot is not a member of the " + kind + " chat");
  }
  if (chat.type == "channel" && !(member.status == "creator" ||
                                  (member.status == "administrator" && member.can_post_messages))) {
    return Fail(400, "Bad Request: need administrator rights in the channel chat");
  }
  if (member.status == "restricted" && !member.can_send_messages) {
    return Fail(400, "Bad Request: not enough rights to send text messages to the chat");
  }
  return std::nullopt;
}

std::optional<http::Response> TelegramEmulator::FloodLimited(int64_t chat_id, int messages) {
  const int64_t limit = ctx_.ConfigInt("chat_messages_per_minute", 20);
  if (limit <= 0) return std::nullopt;
  RateStatus s =
      ctx_.rate_limiter().Consume("chat:" + std::to_string(chat_id), messages,
                                  static_cast<int>(limit), std::chrono::minutes(1), ctx_.Now());
  if (!s.exceeded) return std::nullopt;
  // Round up: a client that waits the advertised time must find the window over.
  const int64_t micros = base::ToUnixMicros(s.reset_at) - base::ToUnixMicros(ctx_.Now());
  const int64_t retry = std::max<int64_t>(1, (micros + 999'999) / 1'000'000);
  return Fail(429, "Too Many Requests: retry after " + std::to_string(retry),
              Json{{"retry_after", retry}});
}

std::optional<http::Response> TelegramEmulator::ResolveReplyLocked(const Chat& chat, Call& call,
                                                                   int64_t& reply_to) {
  reply_to = 0;
  bool allow_without = false;
  if (auto rp = call.Structured("reply_parameters")) {
    if (!rp->is_object() || !rp->contains("message_id") ||
        !(*rp)["message_id"].is_number_integer()) {
      return Fail(400, "Bad Request: can't parse reply parameters JSON object");
    }
    reply_to = (*rp)["message_id"].get<int64_t>();
    allow_without = rp->value("allow_sending_without_reply", false);
  } else if (auto legacy = call.Int("reply_to_message_id")) {
    reply_to = *legacy;
    allow_without = call.String("allow_sending_without_reply") == "true";
  }
  if (reply_to == 0) return std::nullopt;
  auto it = messages_.find(reply_to);
  if (it == messages_.end() || it->second.chat_id != chat.id || it->second.deleted) {
    if (allow_without) {
      reply_to = 0;
      return std::nullopt;
    }
    return Fail(400, "Bad Request: message to be replied not found");
  }
  return std::nullopt;
}

http::Response TelegramEmulator::GetMe(const Bot& bot) {
  Json u = UserJson(bot);
  u["can_join_groups"] = true;
  u["can_read_all_group_messages"] = false;
  u["supports_inline_queries"] = false;
  u["can_connect_to_business"] = false;
  u["has_main_web_app"] = false;
  return Ok(u);
}

http::Response TelegramEmulator::GetChat(const Bot& bot, Call& call) {
  if (!call.Has("chat_id")) return Fail(400, "Bad Request: chat_id is empty");
  std::lock_guard lock(mu_);
  Chat* chat = FindChatLocked(call.params["chat_id"]);
  if (chat == nullptr) return Fail(400, "Bad Request: chat not found");
  auto m = chat->members.find(bot.id);
  const bool member =
      m != chat->members.end() && m->second.status != "left" && m->second.status != "kicked";
  // Private chats are visible only to members; public ones to anyone.
  if (!member && chat->username.empty()) return Fail(400, "Bad Request: chat not found");
  Json j = ChatJson(*chat);
  j["accent_color_id"] = 2;
  j["max_reaction_count"] = 11;
  if (!chat->username.empty()) j["active_usernames"] = Json::array({chat->username});
  return Ok(j);
}

http::Response TelegramEmulator::GetChatMember(const Bot& bot, Call& call) {
  if (!call.Has("chat_id")) return Fail(400, "Bad Request: chat_id is empty");
  auto user_id = call.Int("user_id");
  if (!user_id) return Fail(400, "Bad Request: user_id is empty");
  std::lock_guard lock(mu_);
  Chat* chat = FindChatLocked(call.params["chat_id"]);
  if (chat == nullptr) return Fail(400, "Bad Request: chat not found");
  auto self = chat->members.find(bot.id);
  if (self == chat->members.end() || self->second.status == "kicked") {
    if (chat->username.empty()) return Fail(400, "Bad Request: chat not found");
  }
  auto target_bot = bots_.find(*user_id);
  if (target_bot == bots_.end()) return Fail(400, "Bad Request: user not found");
  auto m = chat->members.find(*user_id);
  const Member member = m == chat->members.end() ? Member{} : m->second;
  Json j = {{"status", member.status}, {"user", UserJson(target_bot->second)}};
  if (member.status == "administrator") {
    j["can_be_edited"] = false;
    j["is_anonymous"] = false;
    j["can_manage_chat"] = true;
    j["can_delete_messages"] = member.can_post_messages;
    j["can_manage_video_chats"] = false;
    j["can_restrict_members"] = false;
    j["can_promote_members"] = false;
    j["can_change_info"] = false;
    j["can_invite_users"] = false;
    j["can_post_stories"] = false;
    j["can_edit_stories"] = false;
    j["can_delete_stories"] = false;
    if (chat->type == "channel") {
      j["can_post_messages"] = member.can_post_messages;
      j["can_edit_messages"] = member.can_post_messages;
    } else {
      j["can_pin_messages"] = false;
    }
  } else if (member.status == "restricted") {
    j["is_member"] = true;
    j["can_send_messages"] = member.can_send_messages;
    j["until_date"] = 0;
  }
  return Ok(j);
}

http::Response TelegramEmulator::GetChatMemberCount(const Bot& bot, Call& call) {
  if (!call.Has("chat_id")) return Fail(400, "Bad Request: chat_id is empty");
  std::lock_guard lock(mu_);
  Chat* chat = FindChatLocked(call.params["chat_id"]);
  if (chat == nullptr) return Fail(400, "Bad Request: chat not found");
  auto m = chat->members.find(bot.id);
  if ((m == chat->members.end() || m->second.status == "left" || m->second.status == "kicked") &&
      chat->username.empty()) {
    return Fail(400, "Bad Request: chat not found");
  }
  return Ok(chat->member_count);
}

http::Response TelegramEmulator::SendMessage(const Bot& bot, Call& call) {
  if (!call.Has("chat_id")) return Fail(400, "Bad Request: chat_id is empty");
  const std::string raw_text = call.String("text");
  const std::string text = Trim(raw_text);
  const std::string parse_mode = call.String("parse_mode");
  std::lock_guard lock(mu_);
  Chat* chat = FindChatLocked(call.params["chat_id"]);
  if (chat == nullptr) return Fail(400, "Bad Request: chat not found");
  if (auto refusal = SendRefusalLocked(bot, *chat)) return *refusal;
  if (text.empty()) return Fail(400, "Bad Request: message text is empty");
  if (auto err = ParseModeError(parse_mode, text)) return Fail(400, "Bad Request: " + *err);
  if (platforms::text::CountUtf16Units(text) > ctx_.ConfigInt("max_text_units", kMaxTextUnits)) {
    return Fail(400, "Bad Request: message is too long");
  }
  int64_t reply_to = 0;
  if (auto err = ResolveReplyLocked(*chat, call, reply_to)) return *err;
  if (auto limited = FloodLimited(chat->id, 1)) return *limited;
  if (messages_.size() >= kMaxMessages) return Fail(500, "Internal Server Error");

  const int64_t id = next_message_id_++;
  const base::Time now = ctx_.Now();
  messages_[id] = Message{id, chat->id, bot.id, now, false};
  CreatedPost post;
  post.id = std::to_string(id);
  post.account = std::to_string(chat->id);
  post.text = text;
  post.reply_to = reply_to != 0 ? std::to_string(reply_to) : "";
  post.url = MessageUrl(*chat, id);
  post.created_at = now;
  post.extra = Json{{"chat_id", chat->id}, {"kind", "text"}, {"bot_id", bot.id}};
  if (!parse_mode.empty()) post.extra["parse_mode"] = parse_mode;
  (void)ctx_.posts().Add(std::move(post));

  Json m = MessageJson(*chat, bot, id, now);
  m["text"] = text;
  if (reply_to != 0)
    m["reply_to_message"] = MessageJson(*chat, bot, reply_to, messages_[reply_to].date);
  return Ok(m);
}

http::Response TelegramEmulator::SendPhoto(const Bot& bot, Call& call) {
  if (!call.Has("chat_id")) return Fail(400, "Bad Request: chat_id is empty");
  const std::string caption = Trim(call.String("caption"));
  std::lock_guard lock(mu_);
  Chat* chat = FindChatLocked(call.params["chat_id"]);
  if (chat == nullptr) return Fail(400, "Bad Request: chat not found");
  if (auto refusal = SendRefusalLocked(bot, *chat)) return *refusal;
  MediaRecord media;
  auto file = call.files.find("photo");
  if (file != call.files.end()) {
    const MultipartPart& part = file->second;
    if (part.data.empty()) return Fail(400, "Bad Request: file must be non-empty");
    if (static_cast<int64_t>(part.data.size()) > kMaxPhotoBytes) {
      return Fail(400, "Bad Request: file is too big");  // wording unconfirmed
    }
    if (part.content_type.rfind("image/", 0) != 0 && !part.content_type.empty() &&
        part.content_type != "application/octet-stream") {
      return Fail(400, "Bad Request: IMAGE_PROCESS_FAILED");
    }
    media.mime_type = part.content_type;
    media.size = static_cast<int64_t>(part.data.size());
    media.sha256 = base::Sha256Hex(part.data);
    media.id = part.filename;
  } else if (!call.String("photo").empty()) {
    media.id = call.String("photo");  // a URL or file_id
  } else {
    return Fail(400, "Bad Request: there is no photo in the request");
  }
  if (platforms::text::CountUtf16Units(caption) >
      ctx_.ConfigInt("max_caption_units", kMaxCaptionUnits)) {
    return Fail(400, "Bad Request: message caption is too long");
  }
  int64_t reply_to = 0;
  if (auto err = ResolveReplyLocked(*chat, call, reply_to)) return *err;
  if (auto limited = FloodLimited(chat->id, 1)) return *limited;
  if (messages_.size() >= kMaxMessages) return Fail(500, "Internal Server Error");

  const int64_t id = next_message_id_++;
  const base::Time now = ctx_.Now();
  messages_[id] = Message{id, chat->id, bot.id, now, false};
  CreatedPost post;
  post.id = std::to_string(id);
  post.account = std::to_string(chat->id);
  post.text = caption;
  post.media.push_back(media);
  post.reply_to = reply_to != 0 ? std::to_string(reply_to) : "";
  post.url = MessageUrl(*chat, id);
  post.created_at = now;
  post.extra = Json{{"chat_id", chat->id}, {"kind", "photo"}, {"bot_id", bot.id}};
  (void)ctx_.posts().Add(std::move(post));

  Json m = MessageJson(*chat, bot, id, now);
  m["photo"] = Json::array({Json{{"file_id", "AgACAgQAAxkDAAI" + std::to_string(id)},
                                 {"file_unique_id", "AQAD" + std::to_string(id)},
                                 {"file_size", media.size},
                                 {"width", 1280},
                                 {"height", 720}}});
  if (!caption.empty()) m["caption"] = caption;
  return Ok(m);
}

http::Response TelegramEmulator::SendMediaGroup(const Bot& bot, Call& call) {
  if (!call.Has("chat_id")) return Fail(400, "Bad Request: chat_id is empty");
  auto media = call.Structured("media");
  if (!media || !media->is_array()) {
    return Fail(400, "Bad Request: can't parse media JSON object");
  }
  if (media->size() < 2 || media->size() > 10) {
    return Fail(400, "Bad Request: media must include 2-10 items");  // wording unconfirmed
  }
  struct Item {
    MediaRecord record;
    std::string caption;
  };
  std::vector<Item> items;
  for (const Json& m : *media) {
    if (!m.is_object() || base::GetString(m, "type") != "photo") {
      return Fail(400, "Bad Request: unsupported media type in the emulator (photo only)");
    }
    Item item;
    item.caption = Trim(base::GetString(m, "caption"));
    if (platforms::text::CountUtf16Units(item.caption) >
        ctx_.ConfigInt("max_caption_units", kMaxCaptionUnits)) {
      return Fail(400, "Bad Request: message caption is too long");
    }
    const std::string ref = base::GetString(m, "media");
    if (ref.rfind("attach://", 0) == 0) {
      auto file = call.files.find(ref.substr(9));
      if (file == call.files.end() || file->second.data.empty()) {
        return Fail(400, "Bad Request: wrong file identifier/HTTP URL specified");
      }
      if (static_cast<int64_t>(file->second.data.size()) > kMaxPhotoBytes) {
        return Fail(400, "Bad Request: file is too big");
      }
      item.record.id = file->second.filename;
      item.record.mime_type = file->second.content_type;
      item.record.size = static_cast<int64_t>(file->second.data.size());
      item.record.sha256 = base::Sha256Hex(file->second.data);
    } else if (!ref.empty()) {
      item.record.id = ref;
    } else {
      return Fail(400, "Bad Request: wrong file identifier/HTTP URL specified");
    }
    items.push_back(std::move(item));
  }
  std::lock_guard lock(mu_);
  Chat* chat = FindChatLocked(call.params["chat_id"]);
  if (chat == nullptr) return Fail(400, "Bad Request: chat not found");
  if (auto refusal = SendRefusalLocked(bot, *chat)) return *refusal;
  int64_t reply_to = 0;
  if (auto err = ResolveReplyLocked(*chat, call, reply_to)) return *err;
  if (auto limited = FloodLimited(chat->id, static_cast<int>(items.size()))) return *limited;
  if (messages_.size() + items.size() > kMaxMessages) return Fail(500, "Internal Server Error");

  const std::string group_id = std::to_string(next_media_group_++);
  const base::Time now = ctx_.Now();
  Json result = Json::array();
  for (size_t i = 0; i < items.size(); ++i) {
    const int64_t id = next_message_id_++;
    messages_[id] = Message{id, chat->id, bot.id, now, false};
    CreatedPost post;
    post.id = std::to_string(id);
    post.account = std::to_string(chat->id);
    post.text = items[i].caption;
    post.media.push_back(items[i].record);
    post.reply_to = reply_to != 0 ? std::to_string(reply_to) : "";
    post.url = MessageUrl(*chat, id);
    post.created_at = now;
    post.extra = Json{
        {"chat_id", chat->id}, {"kind", "photo"}, {"media_group_id", group_id}, {"bot_id", bot.id}};
    (void)ctx_.posts().Add(std::move(post));
    Json m = MessageJson(*chat, bot, id, now);
    m["media_group_id"] = group_id;
    m["photo"] = Json::array({Json{{"file_id", "AgACAgQAAxkDAAI" + std::to_string(id)},
                                   {"file_unique_id", "AQAD" + std::to_string(id)},
                                   {"file_size", items[i].record.size},
                                   {"width", 1280},
                                   {"height", 720}}});
    if (!items[i].caption.empty()) m["caption"] = items[i].caption;
    result.push_back(std::move(m));
  }
  return Ok(result);
}

http::Response TelegramEmulator::DeleteMessage(const Bot& bot, Call& call) {
  if (!call.Has("chat_id")) return Fail(400, "Bad Request: chat_id is empty");
  auto message_id = call.Int("message_id");
  if (!message_id) return Fail(400, "Bad Request: message identifier is not specified");
  std::lock_guard lock(mu_);
  Chat* chat = FindChatLocked(call.params["chat_id"]);
  if (chat == nullptr) return Fail(400, "Bad Request: chat not found");
  auto member = chat->members.find(bot.id);
  if (member != chat->members.end() && member->second.status == "kicked") {
    return Fail(403, "Forbidden: bot was kicked from the " + chat->type + " chat");
  }
  auto it = messages_.find(*message_id);
  if (it == messages_.end() || it->second.chat_id != chat->id || it->second.deleted) {
    return Fail(400, "Bad Request: message to delete not found");
  }
  if (it->second.from_bot != bot.id || ctx_.Now() - it->second.date > kDeleteWindow) {
    return Fail(400, "Bad Request: message can't be deleted");
  }
  it->second.deleted = true;
  ctx_.posts().MarkDeleted(std::to_string(*message_id));
  return Ok(true);
}

http::Response TelegramEmulator::RateLimited(const http::Request&,
                                             std::chrono::seconds retry_after) {
  return Fail(429, "Too Many Requests: retry after " + std::to_string(retry_after.count()),
              Json{{"retry_after", retry_after.count()}});
}

http::Response TelegramEmulator::ServerError(const http::Request&, int status) {
  if (status == 500) return Fail(500, "Internal Server Error");
  // api.telegram.org sits behind nginx: gateway errors come back as its HTML page.
  const std::string reason(http::StatusReason(status));
  return http::Response::With(status, "text/html",
                              "<html>\r\n<head><title>" + std::to_string(status) + " " + reason +
                                  "</title></head>\r\n<body>\r\n<center><h1>" +
                                  std::to_string(status) + " " + reason +
                                  "</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
                                  "</body>\r\n</html>\r\n");
}

http::Response TelegramEmulator::ExpireToken(const http::Request& req) {
  // Bot tokens do not expire; the failure is a token revoked in @BotFather.
  (void)tokens_.Revoke(TokenOfPath(req.path));
  return Unauthorized();
}

base::Result<Json> TelegramEmulator::CreateToken(const Json& args) {
  std::lock_guard lock(mu_);
  if (bots_.size() >= 1'000) return base::ResourceExhausted("too many bots");
  Bot bot;
  bot.id = next_bot_id_++;
  bot.username = base::GetString(args, "username", "bot" + std::to_string(bot.id) + "_bot");
  bot.first_name = base::GetString(args, "first_name", bot.username);
  std::string token = base::GetString(args, "token");
  if (token.empty()) {
    token = std::to_string(bot.id) + ":AAE" + base::HexEncode(base::RandomBytes(16));
  }
  auto issued = tokens_.Issue(std::to_string(bot.id), token);
  if (!issued.ok()) return issued.error();
  bots_[bot.id] = bot;
  return Json{{"token", *issued}, {"bot_id", bot.id}, {"username", bot.username}};
}

base::Result<void> TelegramEmulator::RevokeToken(std::string_view token) {
  return tokens_.Revoke(token);
}

base::Result<void> TelegramEmulator::ExpireTokens(std::string_view token) {
  if (!token.empty()) return tokens_.Revoke(token);
  for (const TokenInfo& t : tokens_.List()) (void)tokens_.Revoke(t.token);
  return base::Ok();
}

base::Result<Json> TelegramEmulator::Control(std::string_view action, const Json& body) {
  if (action != "chats") return NetworkEmulator::Control(action, body);
  if (!body.contains("id") || !body["id"].is_number_integer()) {
    return base::InvalidArgument("id (integer chat id) is required");
  }
  const int64_t id = body["id"].get<int64_t>();
  std::lock_guard lock(mu_);
  if (!chats_.count(id) && chats_.size() >= 1'000) return base::ResourceExhausted("too many chats");
  Chat& chat = chats_[id];
  chat.id = id;
  chat.type = base::GetString(body, "type", chat.type.empty() ? "supergroup" : chat.type);
  chat.title = base::GetString(body, "title", chat.title);
  chat.username = base::GetString(body, "username", chat.username);
  chat.member_count = body.value("member_count", chat.member_count);
  const int64_t bot_id = body.value("bot_id", kSeedBotId);
  if (body.contains("bot_status")) {
    Member& m = chat.members[bot_id];
    m.status = base::GetString(body, "bot_status", m.status);
    m.can_post_messages = body.value("can_post_messages", m.can_post_messages);
    m.can_send_messages = body.value("can_send_messages", m.can_send_messages);
  }
  return ChatJson(chat);
}

Json TelegramEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json bots = Json::array();
  for (const auto& [id, b] : bots_) {
    Json tokens = Json::array();
    for (const TokenInfo& t : tokens_.List()) {
      if (t.account == std::to_string(id) && !t.revoked) tokens.push_back(t.token);
    }
    bots.push_back(Json{{"id", id}, {"username", b.username}, {"tokens", tokens}});
  }
  Json chats = Json::array();
  for (const auto& [id, c] : chats_) {
    Json members = Json::object();
    for (const auto& [bot_id, m] : c.members) {
      members[std::to_string(bot_id)] =
          Json{{"status", m.status}, {"can_post_messages", m.can_post_messages}};
    }
    chats.push_back(Json{{"id", id},
                         {"type", c.type},
                         {"title", c.title},
                         {"username", c.username},
                         {"member_count", c.member_count},
                         {"bots", members}});
  }
  return Json{{"bots", bots}, {"chats", chats}};
}

void RegisterTelegramEmulator(EmulatorRegistry& registry) {
  registry.Add("telegram",
               "Telegram Bot API (getMe, getChat, sendMessage, sendPhoto, "
               "sendMediaGroup, deleteMessage)",
               [](EmulatorContext& ctx) { return std::make_unique<TelegramEmulator>(ctx); });
}

}  // namespace herald::emulators
