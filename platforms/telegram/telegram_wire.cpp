#include "platforms/telegram/telegram_wire.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/kit/post_validator.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::telegram {
namespace {

using base::Error;
using base::ErrorCode;

constexpr std::string_view kPhotoMimeTypes[] = {"image/jpeg", "image/png", "image/webp"};

bool Contains(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

bool IsUsernameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

Json ReplyParameters(int64_t reply_to) {
  return Json{{"message_id", reply_to}, {"allow_sending_without_reply", false}};
}

std::string FileNameFor(const MediaItem& item, size_t index) {
  if (!item.file_name.empty()) return item.file_name;
  std::string ext = item.mime_type == "image/png"    ? ".png"
                    : item.mime_type == "image/webp" ? ".webp"
                                                     : ".jpg";
  return "photo" + std::to_string(index) + ext;
}

}  // namespace

const PlatformInfo& Info() {
  static const PlatformInfo* info = [] {
    auto* p = new PlatformInfo;
    p->id = std::string(kPlatformId);
    p->name = "Telegram";
    p->auth_kind = AuthKind::kToken;
    p->text = TextRules{.max_length = kMaxTextUnits,
                        .max_caption_length = kMaxCaptionUnits,
                        .unit = "utf16_units",
                        .url_length = 0};
    p->media = MediaRules{.max_items = kMaxMediaItems,
                          .max_image_bytes = kMaxPhotoBytes,
                          .mime_types = {std::begin(kPhotoMimeTypes), std::end(kPhotoMimeTypes)},
                          .max_alt_text = 0};
    p->features = Features{.threads = true,
                           .delete_posts = true,
                           .post_metrics = false,
                           .account_metrics = true,
                           .idempotency = IdempotencyKind::kNone};
    p->connect_fields = {"bot_token", "chat_id"};
    return p;
  }();
  return *info;
}

ValidationReport Validate(const Content& content) {
  static const PostValidator* validator = [] {
    PostRules r;
    r.text = {.network = "Telegram", .limit = kMaxTextUnits, .unit = text::LengthUnit::kUtf16Units};
    r.caption = r.text;
    r.caption->limit = kMaxCaptionUnits;
    r.caption_hint = "; with photos attached the text is a caption, limited to " +
                     std::to_string(kMaxCaptionUnits);
    r.needs = "give it text or a photo";
    r.empty_part = "Telegram needs 1 to " + std::to_string(kMaxTextUnits) +
                   " characters of text, or a photo";
    r.media = Info().media;
    return new PostValidator(std::move(r));
  }();
  return validator->Validate(content);
}

bool IsPlausibleBotToken(std::string_view token) {
  size_t colon = token.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!AllDigits(token.substr(0, colon))) return false;
  std::string_view secret = token.substr(colon + 1);
  if (secret.size() < 20 || secret.size() > 100) return false;
  return std::all_of(secret.begin(), secret.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

Result<std::string> NormalizeChatId(const Json& value) {
  const std::string expected =
      "chat_id must be the chat's numeric id (e.g. -1001234567890) or the public @username of "
      "a channel or group";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (!value.is_string()) return base::InvalidArgument(expected);
  std::string s = value.get<std::string>();
  // Trim spaces around what was pasted.
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  s = s.substr(start);
  if (s.empty()) return base::InvalidArgument(expected);
  std::string_view v = s;
  if (v.front() == '-' ? AllDigits(v.substr(1)) : AllDigits(v)) return s;
  for (std::string_view prefix : {"https://t.me/", "http://t.me/", "t.me/"}) {
    if (v.substr(0, prefix.size()) == prefix) {
      v.remove_prefix(prefix.size());
      break;
    }
  }
  if (!v.empty() && v.front() == '@') v.remove_prefix(1);
  // Telegram usernames: 5-32 characters of [A-Za-z0-9_], starting with a letter.
  if (v.size() < 4 || v.size() > 32 || !std::isalpha(static_cast<unsigned char>(v.front())) ||
      !std::all_of(v.begin(), v.end(), IsUsernameChar)) {
    return base::InvalidArgument(expected + "; got \"" + s + "\"");
  }
  return "@" + std::string(v);
}

Result<Json> ParseResponse(int http_status, std::string_view body, CallKind kind) {
  auto parsed = base::ParseJson(body);
  if (!parsed.ok() || !parsed->is_object() || !parsed->contains("ok") ||
      !(*parsed)["ok"].is_boolean()) {
    std::string detail =
        "HTTP " + std::to_string(http_status) + ", body is not the Bot API envelope";
    if (http_status >= 200 && http_status < 300) {
      // Telegram answered success but we cannot read it: for a send, the message may exist.
      if (kind == CallKind::kWrite) {
        return base::Unknown("Telegram's answer could not be read; the message may have been sent",
                             detail);
      }
      return base::Unavailable("Telegram's answer could not be read", detail);
    }
    Failure f;
    f.error_code = http_status;
    f.description =
        http_status == 429 ? "Too Many Requests" : "HTTP " + std::to_string(http_status);
    Error e = MapFailure(f);
    e.set_detail(detail);
    return e;
  }
  const Json& j = *parsed;
  if (j["ok"].get<bool>()) {
    if (!j.contains("result")) {
      if (kind == CallKind::kWrite) {
        return base::Unknown("Telegram's answer has no result; the message may have been sent");
      }
      return base::Unavailable("Telegram's answer has no result");
    }
    return j["result"];
  }
  Failure f;
  f.error_code = j.contains("error_code") && j["error_code"].is_number_integer()
                     ? j["error_code"].get<int>()
                     : http_status;
  f.description = base::GetString(j, "description", "HTTP " + std::to_string(http_status));
  if (j.contains("parameters") && j["parameters"].is_object()) {
    const Json& p = j["parameters"];
    if (p.contains("retry_after") && p["retry_after"].is_number()) {
      f.retry_after = p["retry_after"].get<int64_t>();
    }
    if (p.contains("migrate_to_chat_id") && p["migrate_to_chat_id"].is_number_integer()) {
      f.migrate_to_chat_id = p["migrate_to_chat_id"].get<int64_t>();
    }
  }
  Error e = MapFailure(f);
  e.set_detail("HTTP " + std::to_string(http_status) + ": " + base::DumpJson(j));
  return e;
}

Error MapFailure(const Failure& failure) {
  const std::string& d = failure.description;
  const std::string quoted = "Telegram said: " + d;
  const int code = failure.error_code;
  if (code == 429) {
    int64_t seconds = failure.retry_after.value_or(1);
    Error e = base::ResourceExhausted("Telegram rate limit reached; retry in " +
                                      std::to_string(seconds) + " s (" + quoted + ")");
    e.set_retry_after(std::chrono::seconds(seconds));
    return e;
  }
  if (code == 401 || code == 404) {
    return base::Unauthenticated("Telegram rejected the bot token (" + quoted +
                                 "); create a new token with @BotFather and reconnect the account");
  }
  if (code == 403) {
    return base::PermissionDenied("the bot may not post in this chat (" + quoted +
                                  "); add the bot back and give it the right to post");
  }
  if (code == 400) {
    if (failure.migrate_to_chat_id.has_value()) {
      return base::FailedPrecondition("the group was upgraded to a supergroup with id " +
                                      std::to_string(*failure.migrate_to_chat_id) +
                                      "; reconnect the account with that id (" + quoted + ")");
    }
    if (Contains(d, "chat not found")) {
      return base::NotFound("Telegram cannot find the chat (" + quoted +
                            "); check the chat id and that the bot was added to the chat");
    }
    if (Contains(d, "message to delete not found") || Contains(d, "message not found")) {
      return base::NotFound("the message no longer exists on Telegram (" + quoted + ")");
    }
    if (Contains(d, "not enough rights") || Contains(d, "have no rights") ||
        Contains(d, "need administrator rights")) {
      return base::PermissionDenied("the bot lacks the right to do this in the chat (" + quoted +
                                    "); make it an administrator that can post messages");
    }
    if (Contains(d, "message to be replied not found")) {
      return base::FailedPrecondition("the message this thread part replies to was deleted (" +
                                      quoted + ")");
    }
    if (Contains(d, "message can't be deleted")) {
      return base::FailedPrecondition("Telegram does not let the bot delete this message (" +
                                      quoted +
                                      "); bots can delete their messages only within 48 hours");
    }
    return base::InvalidArgument("Telegram refused the request (" + quoted + ")");
  }
  return base::Unavailable("Telegram is unavailable (" + quoted + ")",
                           "error_code " + std::to_string(code));
}

const HttpErrorMapper& Errors() {
  static const auto* mapper = new HttpErrorMapper(HttpErrorMapper::ForFixedHost("Telegram"));
  return *mapper;
}

Json SendMessageParams(std::string_view chat_id, std::string_view text,
                       std::optional<int64_t> reply_to) {
  Json p = {{"chat_id", chat_id}, {"text", text}};
  if (reply_to.has_value()) p["reply_parameters"] = ReplyParameters(*reply_to);
  return p;
}

std::vector<FormPart> SendPhotoForm(std::string_view chat_id, const MediaItem& photo,
                                    std::string_view caption, std::optional<int64_t> reply_to) {
  std::vector<FormPart> form;
  form.push_back({"chat_id", std::string(chat_id), "", ""});
  if (!caption.empty()) form.push_back({"caption", std::string(caption), "", ""});
  if (reply_to.has_value()) {
    form.push_back({"reply_parameters", base::DumpJson(ReplyParameters(*reply_to)), "", ""});
  }
  form.push_back({"photo", photo.data, FileNameFor(photo, 0),
                  photo.mime_type.empty() ? "application/octet-stream" : photo.mime_type});
  return form;
}

std::vector<FormPart> SendMediaGroupForm(std::string_view chat_id,
                                         const std::vector<MediaItem>& photos,
                                         std::string_view caption,
                                         std::optional<int64_t> reply_to) {
  Json media = Json::array();
  for (size_t i = 0; i < photos.size(); ++i) {
    Json item = {{"type", "photo"}, {"media", "attach://photo" + std::to_string(i)}};
    if (i == 0 && !caption.empty()) item["caption"] = caption;
    media.push_back(std::move(item));
  }
  std::vector<FormPart> form;
  form.push_back({"chat_id", std::string(chat_id), "", ""});
  form.push_back({"media", base::DumpJson(media), "", ""});
  if (reply_to.has_value()) {
    form.push_back({"reply_parameters", base::DumpJson(ReplyParameters(*reply_to)), "", ""});
  }
  for (size_t i = 0; i < photos.size(); ++i) {
    form.push_back(
        {"photo" + std::to_string(i), photos[i].data, FileNameFor(photos[i], i),
         photos[i].mime_type.empty() ? "application/octet-stream" : photos[i].mime_type});
  }
  return form;
}

Result<BotUser> ParseBotUser(const Json& result) {
  if (!result.is_object() || !result.contains("id") || !result["id"].is_number_integer()) {
    return base::Unavailable("Telegram's getMe answer has no user id", base::DumpJson(result));
  }
  BotUser u;
  u.id = result["id"].get<int64_t>();
  u.username = base::GetString(result, "username");
  u.first_name = base::GetString(result, "first_name");
  return u;
}

Result<Chat> ParseChat(const Json& result) {
  if (!result.is_object() || !result.contains("id") || !result["id"].is_number_integer()) {
    return base::Unavailable("Telegram's getChat answer has no chat id", base::DumpJson(result));
  }
  Chat c;
  c.id = result["id"].get<int64_t>();
  c.type = base::GetString(result, "type");
  c.title = base::GetString(result, "title");
  c.username = base::GetString(result, "username");
  c.first_name = base::GetString(result, "first_name");
  return c;
}

std::string ChatHandle(const Chat& chat) {
  if (!chat.username.empty()) return "@" + chat.username;
  if (!chat.title.empty()) return chat.title;
  if (!chat.first_name.empty()) return chat.first_name;
  return std::to_string(chat.id);
}

Result<void> CheckCanPost(const Chat& chat, const Json& member) {
  const std::string status = base::GetString(member, "status");
  auto flag = [&member](const char* key) {
    return member.contains(key) && member[key].is_boolean() && member[key].get<bool>();
  };
  const std::string where = ChatHandle(chat);
  if (chat.type == "channel") {
    if (status == "creator") return base::Ok();
    if (status == "administrator" && flag("can_post_messages")) return base::Ok();
    if (status == "administrator") {
      return base::PermissionDenied("the bot is an administrator of " + where +
                                    " but may not post messages; enable \"Post messages\" for "
                                    "it in the channel's administrator settings");
    }
    return base::PermissionDenied("the bot is not an administrator of the channel " + where +
                                  "; add it as an administrator with \"Post messages\"");
  }
  if (status == "creator" || status == "administrator" || status == "member") return base::Ok();
  if (status == "restricted") {
    if (flag("is_member") && flag("can_send_messages")) return base::Ok();
    return base::PermissionDenied("the bot is restricted in " + where +
                                  " and may not send messages; lift the restriction");
  }
  if (status == "left" || status == "kicked") {
    return base::PermissionDenied("the bot is not a member of " + where +
                                  (status == "kicked" ? " (it was removed and banned)" : "") +
                                  "; add it to the chat");
  }
  return base::PermissionDenied("Telegram reports the bot's status in " + where + " as \"" +
                                status + "\", which cannot post");
}

Result<SentMessage> ParseMessage(const Json& result) {
  if (!result.is_object() || !result.contains("message_id") ||
      !result["message_id"].is_number_integer()) {
    return base::Unknown("Telegram's answer has no message_id; the message may have been sent",
                         base::DumpJson(result));
  }
  SentMessage m;
  m.message_id = result["message_id"].get<int64_t>();
  if (result.contains("chat") && result["chat"].is_object() && result["chat"].contains("id") &&
      result["chat"]["id"].is_number_integer()) {
    m.chat_id = result["chat"]["id"].get<int64_t>();
  }
  return m;
}

Result<std::vector<SentMessage>> ParseMessages(const Json& result) {
  if (!result.is_array() || result.empty()) {
    return base::Unknown("Telegram's album answer is not a list of messages; it may have been sent",
                         base::DumpJson(result));
  }
  std::vector<SentMessage> out;
  for (const Json& m : result) {
    HERALD_ASSIGN_OR_RETURN(SentMessage sent, ParseMessage(m));
    out.push_back(sent);
  }
  return out;
}

std::string MessageUrl(int64_t chat_id, std::string_view chat_username, int64_t message_id) {
  if (!chat_username.empty()) {
    return "https://t.me/" + std::string(chat_username) + "/" + std::to_string(message_id);
  }
  std::string id = std::to_string(chat_id);
  if (id.rfind("-100", 0) == 0) {
    return "https://t.me/c/" + id.substr(4) + "/" + std::to_string(message_id);
  }
  return "";
}

}  // namespace herald::platforms::telegram
