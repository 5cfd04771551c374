#include "platforms/slack/slack_wire.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "platforms/kit/helpers.h"
#include "platforms/kit/post_validator.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::slack {
namespace {

using base::Error;
using base::ErrorCode;

constexpr std::string_view kImageTypes[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

std::optional<int64_t> ParseWholeSeconds(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  if (!std::all_of(s.begin(), s.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    return std::nullopt;
  }
  return std::stoll(std::string(s));
}

std::string ShareTsIn(const Json& by_channel, std::string_view channel,
                      const std::optional<std::string>& thread_ts) {
  if (!by_channel.is_object()) return "";
  auto it = by_channel.find(std::string(channel));
  if (it == by_channel.end() || !it->is_array()) return "";
  for (const Json& share : *it) {
    if (!share.is_object()) continue;
    const std::string ts = base::GetString(share, "ts");
    if (ts.empty()) continue;
    const std::string share_thread = base::GetString(share, "thread_ts");
    if (thread_ts.has_value()) {
      if (share_thread == *thread_ts) return ts;
    } else if (share_thread.empty() || share_thread == ts) {
      return ts;
    }
  }
  return "";
}

}  // namespace

const PlatformInfo& Info() {
  static const PlatformInfo* info = [] {
    auto* p = new PlatformInfo;
    p->id = std::string(kPlatformId);
    p->name = "Slack";
    p->auth_kind = AuthKind::kToken;
    p->text = TextRules{.max_length = kMaxTextChars,
                        .max_caption_length = 0,
                        .unit = "characters",
                        .url_length = 0};
    p->media = MediaRules{.max_items = kMaxFiles,
                          .max_image_bytes = kMaxFileBytes,
                          .mime_types = {std::begin(kImageTypes), std::end(kImageTypes)},
                          .max_alt_text = kMaxAltText};
    p->features = Features{.threads = true,
                           .delete_posts = true,
                           .post_metrics = true,
                           .account_metrics = true,
                           .idempotency = IdempotencyKind::kReconcile};
    p->connect_fields = {"bot_token", "channel"};
    return p;
  }();
  return *info;
}

std::string EscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

ValidationReport Validate(const Content& content) {
  static const PostValidator* validator = [] {
    PostRules r;
    r.text = {.network = "Slack", .limit = kMaxTextChars, .unit = text::LengthUnit::kCodePoints};
    r.before_counting = EscapeText;
    r.over_limit_hint =
        "; Slack cuts longer messages off, and &, < and > count as their escapes &amp; &lt; &gt;";
    r.needs = "give it text or a file";
    r.empty_part = "a Slack message needs text or a file";
    r.media = Info().media;
    return new PostValidator(std::move(r));
  }();
  return validator->Validate(content);
}

Result<std::pair<bool, std::string>> ParseChannelArg(const Json& value) {
  const std::string expected =
      "channel must be a Slack channel id (like C0123ABCDEF, from the channel's details) or its "
      "name (like #general)";
  if (!value.is_string()) return base::InvalidArgument(expected);
  std::string s = value.get<std::string>();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  s = s.substr(start);
  if (s.empty()) return base::InvalidArgument(expected);
  const bool looks_like_id = s.size() >= 9 && s.size() <= 24 &&
                             IsOneOf(std::string_view(s).substr(0, 1), {"C", "G", "D", "Z"}) &&
                             std::all_of(s.begin(), s.end(), [](char c) {
                               return std::isupper(static_cast<unsigned char>(c)) != 0 ||
                                      std::isdigit(static_cast<unsigned char>(c)) != 0;
                             });
  if (looks_like_id) return std::make_pair(true, s);
  if (s.front() == '#') s.erase(0, 1);
  if (s.empty() || s.size() > 80 || !std::all_of(s.begin(), s.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) != 0 ||
               std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ||
               static_cast<unsigned char>(c) >= 0x80;
      })) {
    return base::InvalidArgument(expected + "; got \"" + value.get<std::string>() + "\"");
  }
  return std::make_pair(false, s);
}

Result<Json> ParseResponse(int status, const HttpHeaders& headers, std::string_view body,
                           CallKind kind) {
  const std::string detail =
      "HTTP " + std::to_string(status) + ": " + std::string(body.substr(0, 2000));
  if (status == 429) {
    Error e = MapError("ratelimited", Json::object(), kind, FindHeader(headers, "Retry-After"));
    e.set_detail(detail);
    return e;
  }
  if (status >= 500) {
    return base::Unavailable("Slack is unavailable (HTTP " + std::to_string(status) + ")", detail);
  }
  auto parsed = base::ParseJson(body);
  if (!parsed.ok() || !parsed->is_object() || !parsed->contains("ok") ||
      !(*parsed)["ok"].is_boolean()) {
    if (status == 200 && kind == CallKind::kWrite) {
      return base::Unknown("Slack's answer could not be read; the message may have been posted",
                           detail);
    }
    if (status >= 400) {
      return base::Unavailable("Slack refused the request (HTTP " + std::to_string(status) + ")",
                               detail);
    }
    return base::Unavailable("Slack's answer could not be read", detail);
  }
  if ((*parsed)["ok"].get<bool>()) return std::move(parsed).value();
  Error e = MapError(base::GetString(*parsed, "error", "unknown_error"), *parsed, kind,
                     FindHeader(headers, "Retry-After"));
  e.set_detail(detail);
  return e;
}

Error MapError(std::string_view error, const Json& body, CallKind kind,
               std::string_view retry_after_header, std::string_view channel_label) {
  const std::string quoted = "Slack said: " + std::string(error);
  const std::string where = channel_label.empty() ? "the channel" : std::string(channel_label);
  if (IsOneOf(error, {"invalid_auth", "not_authed", "token_revoked", "token_expired",
                      "account_inactive", "not_allowed_token_type"})) {
    return base::Unauthenticated("Slack rejected the bot token (" + quoted +
                                 "); reinstall the Slack app or create a new token, then "
                                 "reconnect the account");
  }
  if (error == "missing_scope") {
    const std::string needed = base::GetString(body, "needed");
    return base::PermissionDenied(
        "the Slack app lacks a permission (" + quoted +
        (needed.empty() ? "" : ", needed: " + needed) +
        "); add the scope under OAuth & Permissions, reinstall the app and reconnect");
  }
  if (IsOneOf(error, {"restricted_action", "posting_to_general_channel_denied", "ekm_access_denied",
                      "team_access_not_granted", "cant_delete_message", "cant_delete_file",
                      "access_denied"})) {
    return base::PermissionDenied("Slack does not allow the bot to do this in " + where + " (" +
                                  quoted + ")");
  }
  if (error == "channel_not_found") {
    return base::NotFound("Slack cannot find " + where + " (" + quoted +
                          "); check the channel id, and invite the bot if it is private");
  }
  if (error == "not_in_channel") {
    return base::FailedPrecondition("the bot is not a member of " + where + " (" + quoted +
                                    "); invite the bot to " + where +
                                    " (type /invite @your-bot in the channel)");
  }
  if (error == "is_archived") {
    return base::FailedPrecondition(where + " is archived (" + quoted +
                                    "); unarchive it or connect another channel");
  }
  if (IsOneOf(error, {"message_not_found", "file_not_found", "file_deleted", "thread_not_found"})) {
    return base::NotFound("Slack cannot find it (" + quoted + ")");
  }
  if (IsOneOf(error, {"ratelimited", "rate_limited"})) {
    int64_t seconds =
        ParseWholeSeconds(retry_after_header).value_or(error == "ratelimited" ? 1 : 60);
    Error e = base::ResourceExhausted("Slack's rate limit was reached; retry in " +
                                      std::to_string(seconds) + " s (" + quoted + ")");
    e.set_retry_after(std::chrono::seconds(seconds));
    return e;
  }
  if (IsOneOf(error, {"internal_error", "fatal_error"})) {
    if (kind == CallKind::kWrite) {
      return base::Unknown("Slack failed while posting; the message may have been posted (" +
                           quoted + ")");
    }
    return base::Unavailable("Slack failed (" + quoted + "); try again");
  }
  if (IsOneOf(error, {"service_unavailable", "request_timeout"})) {
    return base::Unavailable("Slack is unavailable (" + quoted + "); try again");
  }
  return base::InvalidArgument("Slack refused the request (" + quoted + ")");
}

const HttpErrorMapper& Errors() {
  static const auto* mapper = new HttpErrorMapper(HttpErrorMapper::ForFixedHost("Slack"));
  return *mapper;
}

Json MarkerMetadata(std::string_view idempotency_key, size_t part) {
  return Json{{"event_type", kMarkerEventType},
              {"event_payload",
               {{"idempotency_key", idempotency_key}, {"part", static_cast<int64_t>(part)}}}};
}

Json PostMessageBody(std::string_view channel, std::string_view text,
                     std::optional<std::string> thread_ts, std::string_view idempotency_key,
                     size_t part) {
  Json body = {{"channel", channel}, {"text", EscapeText(text)}, {"mrkdwn", false}};
  if (thread_ts.has_value()) body["thread_ts"] = *thread_ts;
  body["metadata"] = MarkerMetadata(idempotency_key, part);
  return body;
}

std::string UploadFileName(const MediaItem& item, size_t index) {
  std::string name;
  for (char c : item.file_name) {
    if (c != '/' && c != '\\' && c != '\r' && c != '\n' && c != '"') name += c;
  }
  if (!name.empty()) return name;
  std::string ext = item.mime_type == "image/png"    ? ".png"
                    : item.mime_type == "image/gif"  ? ".gif"
                    : item.mime_type == "image/webp" ? ".webp"
                                                     : ".jpg";
  return "image" + std::to_string(index) + ext;
}

std::vector<std::pair<std::string, std::string>> UploadUrlParams(const MediaItem& item,
                                                                 size_t index) {
  std::vector<std::pair<std::string, std::string>> p = {
      {"filename", UploadFileName(item, index)},
      {"length",
       std::to_string(item.data.empty() ? item.size : static_cast<int64_t>(item.data.size()))}};
  if (!item.alt_text.empty()) p.emplace_back("alt_txt", item.alt_text);
  return p;
}

Json CompleteUploadBody(const std::vector<std::pair<std::string, std::string>>& files,
                        std::string_view channel, std::string_view initial_comment,
                        std::optional<std::string> thread_ts) {
  Json list = Json::array();
  for (const auto& [id, title] : files) list.push_back(Json{{"id", id}, {"title", title}});
  Json body = {{"files", list}, {"channel_id", channel}};
  if (!initial_comment.empty()) body["initial_comment"] = EscapeText(initial_comment);
  if (thread_ts.has_value()) body["thread_ts"] = *thread_ts;
  return body;
}

Result<AuthInfo> ParseAuthTest(const Json& body) {
  AuthInfo a;
  a.url = base::GetString(body, "url");
  a.team = base::GetString(body, "team");
  a.team_id = base::GetString(body, "team_id");
  a.user = base::GetString(body, "user");
  a.user_id = base::GetString(body, "user_id");
  a.bot_id = base::GetString(body, "bot_id");
  if (a.team_id.empty() || a.user_id.empty()) {
    return base::Unavailable("Slack's auth.test answer has no team or user", base::DumpJson(body));
  }
  return a;
}

Result<ChannelInfo> ParseChannel(const Json& channel) {
  if (!channel.is_object() || base::GetString(channel, "id").empty()) {
    return base::Unavailable("Slack's channel answer has no id", base::DumpJson(channel));
  }
  auto flag = [&channel](const char* key) {
    return channel.contains(key) && channel[key].is_boolean() && channel[key].get<bool>();
  };
  ChannelInfo c;
  c.id = base::GetString(channel, "id");
  c.name = base::GetString(channel, "name");
  c.is_private = flag("is_private");
  c.is_member = flag("is_member");
  c.is_archived = flag("is_archived");
  if (channel.contains("num_members") && channel["num_members"].is_number_integer()) {
    c.num_members = channel["num_members"].get<int64_t>();
  }
  return c;
}

Result<UploadTicket> ParseUploadTicket(const Json& body) {
  UploadTicket t{base::GetString(body, "upload_url"), base::GetString(body, "file_id")};
  if (t.upload_url.empty() || t.file_id.empty()) {
    return base::Unavailable("Slack's upload answer has no upload_url or file_id",
                             base::DumpJson(body));
  }
  return t;
}

std::optional<std::string> ShareTs(const Json& file, std::string_view channel,
                                   std::optional<std::string> thread_ts) {
  if (!file.is_object() || !file.contains("shares") || !file["shares"].is_object()) {
    return std::nullopt;
  }
  const Json& shares = file["shares"];
  for (const char* kind : {"public", "private"}) {
    if (!shares.contains(kind)) continue;
    std::string ts = ShareTsIn(shares[kind], channel, thread_ts);
    if (!ts.empty()) return ts;
  }
  return std::nullopt;
}

bool HasMarker(const Json& message, std::string_view idempotency_key, size_t part,
               std::string_view bot_id, std::string_view bot_user_id) {
  if (!message.is_object() || !message.contains("metadata")) return false;
  const Json& meta = message["metadata"];
  if (!meta.is_object() || base::GetString(meta, "event_type") != kMarkerEventType) return false;
  if (!meta.contains("event_payload") || !meta["event_payload"].is_object()) return false;
  const Json& payload = meta["event_payload"];
  if (base::GetString(payload, "idempotency_key") != idempotency_key) return false;
  if (!payload.contains("part") || !payload["part"].is_number_integer() ||
      payload["part"].get<int64_t>() != static_cast<int64_t>(part)) {
    return false;
  }
  // Only our own bot's messages count (another app could copy the metadata).
  if (!bot_id.empty() || !bot_user_id.empty()) {
    const std::string msg_bot = base::GetString(message, "bot_id");
    const std::string msg_user = base::GetString(message, "user");
    if (!(!bot_id.empty() && msg_bot == bot_id) &&
        !(!bot_user_id.empty() && msg_user == bot_user_id)) {
      return false;
    }
  }
  return true;
}

std::string Permalink(std::string_view team_url, std::string_view channel, std::string_view ts,
                      std::optional<std::string> thread_ts) {
  if (team_url.empty() || ts.empty()) return "";
  std::string base(team_url);
  if (base.back() != '/') base += '/';
  std::string compact;
  for (char c : ts) {
    if (c != '.') compact += c;
  }
  std::string url = base + "archives/" + std::string(channel) + "/p" + compact;
  if (thread_ts.has_value()) {
    url += "?thread_ts=" + *thread_ts + "&cid=" + std::string(channel);
  }
  return url;
}

Json ReactionMetrics(const Json& message) {
  int64_t total = 0;
  Json by_name = Json::object();
  if (message.is_object() && message.contains("reactions") && message["reactions"].is_array()) {
    for (const Json& r : message["reactions"]) {
      if (!r.is_object() || !r.contains("count") || !r["count"].is_number_integer()) continue;
      int64_t count = r["count"].get<int64_t>();
      total += count;
      const std::string name = base::GetString(r, "name", "?");
      by_name[name] = by_name.value(name, int64_t{0}) + count;
    }
  }
  return Json{{"likes", total}, {"reactions", by_name}};
}

}  // namespace herald::platforms::slack
