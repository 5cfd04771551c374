#include "platforms/discord/discord_wire.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/kit/post_validator.h"
#include "platforms/kit/retry_after.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::discord {
namespace {

using base::Error;
using base::ErrorCode;

constexpr std::string_view kImageTypes[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

std::optional<double> ParseSeconds(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string copy(s);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end == copy.c_str() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

std::chrono::milliseconds SecondsToMillis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(seconds * 1000.0)));
}

// "content: Must be 2000 or fewer in length.; attachments.0.description: ..."
void FlattenErrors(const Json& node, const std::string& path, std::string& out) {
  if (!node.is_object()) return;
  if (node.contains("_errors") && node["_errors"].is_array()) {
    for (const Json& e : node["_errors"]) {
      if (!out.empty()) out += "; ";
      out += (path.empty() ? std::string("body") : path) + ": " +
             base::GetString(e, "message", base::GetString(e, "code", "invalid"));
    }
  }
  for (const auto& [key, value] : node.items()) {
    if (key == "_errors") continue;
    FlattenErrors(value, path.empty() ? key : path + "." + key, out);
  }
}

}  // namespace

const PlatformInfo& Info() {
  static const PlatformInfo* info = [] {
    auto* p = new PlatformInfo;
    p->id = std::string(kPlatformId);
    p->name = "Discord";
    p->auth_kind = AuthKind::kWebhook;
    p->text = TextRules{.max_length = kMaxContentChars,
                        .max_caption_length = 0,
                        .unit = "characters",
                        .url_length = 0};
    p->media = MediaRules{.max_items = kMaxFiles,
                          .max_image_bytes = kMaxFileBytes,
                          .mime_types = {std::begin(kImageTypes), std::end(kImageTypes)},
                          .max_alt_text = kMaxAltText,
                          .max_total_bytes = kMaxRequestBytes};
    p->features = Features{.threads = false,
                           .delete_posts = true,
                           .post_metrics = true,
                           .account_metrics = false,
                           .idempotency = IdempotencyKind::kNone};
    p->connect_fields = {"webhook_url"};
    return p;
  }();
  return *info;
}

ValidationReport Validate(const Content& content) {
  static const PostValidator* validator = [] {
    PostRules r;
    r.text = {.network = "Discord", .limit = kMaxContentChars, .unit = text::LengthUnit::kCodePoints};
    r.over_limit_hint = " (Discord counts Unicode code points)";
    r.needs = "give it text or an image";
    r.empty_part = "a Discord message needs text or an image";
    r.media = Info().media;
    return new PostValidator(std::move(r));
  }();
  return validator->Validate(content);
}

Result<WebhookRef> ParseWebhookUrl(std::string_view url) {
  const std::string expected =
      "webhook_url must be a Discord webhook URL like "
      "https://discord.com/api/webhooks/<id>/<token> (Channel settings > Integrations > "
      "Webhooks > Copy Webhook URL)";
  std::string_view v = url;
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  constexpr std::string_view kScheme = "https://";
  if (v.size() < kScheme.size() || !EqualsIgnoreCase(v.substr(0, kScheme.size()), kScheme)) {
    return base::InvalidArgument(expected);
  }
  v.remove_prefix(kScheme.size());
  size_t slash = v.find('/');
  if (slash == std::string_view::npos) return base::InvalidArgument(expected);
  std::string_view host = v.substr(0, slash);
  bool host_ok = false;
  for (std::string_view h : {"discord.com", "discordapp.com", "ptb.discord.com",
                             "canary.discord.com", "ptb.discordapp.com", "canary.discordapp.com"}) {
    if (EqualsIgnoreCase(host, h)) host_ok = true;
  }
  if (!host_ok) return base::InvalidArgument(expected);
  std::string_view path = v.substr(slash);
  std::string_view query;
  if (size_t q = path.find_first_of("?#"); q != std::string_view::npos) {
    query = path.substr(q);
    path = path.substr(0, q);
  }
  if (query.find("thread_id=") != std::string_view::npos) {
    return base::InvalidArgument(
        "webhook_url points into a thread (thread_id=...), which herald does not support; use "
        "the channel's webhook URL without a query");
  }
  // /api[/vN]/webhooks/{id}/{token}[/]
  if (path.substr(0, 5) != "/api/") return base::InvalidArgument(expected);
  path.remove_prefix(5);
  if (path.size() > 1 && path[0] == 'v') {
    size_t end = path.find('/');
    if (end != std::string_view::npos && AllDigits(path.substr(1, end - 1))) {
      path.remove_prefix(end + 1);
    }
  }
  if (path.substr(0, 9) != "webhooks/") return base::InvalidArgument(expected);
  path.remove_prefix(9);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  size_t sep = path.find('/');
  if (sep == std::string_view::npos) return base::InvalidArgument(expected);
  std::string_view id = path.substr(0, sep);
  std::string_view token = path.substr(sep + 1);
  if (!AllDigits(id) || id.size() < 15 || id.size() > 21) {
    return base::InvalidArgument(expected + "; the id part is not a Discord id");
  }
  if (token.size() < 20 || token.size() > 200 ||
      !std::all_of(token.begin(), token.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
      })) {
    return base::InvalidArgument(expected + "; the token part is malformed");
  }
  return WebhookRef{std::string(id), std::string(token)};
}

std::string CanonicalWebhookUrl(const WebhookRef& ref) {
  return "https://discord.com/api/webhooks/" + ref.id + "/" + ref.token;
}

RateLimit ParseRateLimit(const HttpHeaders& headers) {
  RateLimit r;
  auto int_header = [&headers](std::string_view name) -> std::optional<int> {
    std::string v = FindHeader(headers, name);
    if (!AllDigits(v) || v.size() > 9) return std::nullopt;
    return std::stoi(v);
  };
  r.limit = int_header("X-RateLimit-Limit");
  r.remaining = int_header("X-RateLimit-Remaining");
  if (auto s = ParseSeconds(FindHeader(headers, "X-RateLimit-Reset-After"))) {
    r.reset_after = SecondsToMillis(*s);
  }
  r.bucket = FindHeader(headers, "X-RateLimit-Bucket");
  r.scope = FindHeader(headers, "X-RateLimit-Scope");
  r.global = EqualsIgnoreCase(FindHeader(headers, "X-RateLimit-Global"), "true");
  return r;
}

Result<Json> ParseResponse(int status, const HttpHeaders& headers, std::string_view body,
                           CallKind kind) {
  if (status >= 200 && status < 300) {
    if (status == 204 || body.empty()) return Json();
    auto parsed = base::ParseJson(body);
    if (!parsed.ok()) {
      if (kind == CallKind::kWrite) {
        return base::Unknown("Discord's answer could not be read; the message may have been sent",
                             "HTTP " + std::to_string(status) + ": unparseable body");
      }
      return base::Unavailable("Discord's answer could not be read");
    }
    return std::move(parsed).value();
  }
  return MapFailure(status, headers, body);
}

Error MapFailure(int status, const HttpHeaders& headers, std::string_view body) {
  Json j = Json::object();
  if (auto parsed = base::ParseJson(body); parsed.ok() && parsed->is_object()) j = *parsed;
  const int code = j.contains("code") && j["code"].is_number_integer() ? j["code"].get<int>() : -1;
  const std::string message = base::GetString(j, "message", "HTTP " + std::to_string(status));
  const std::string quoted =
      "Discord said: " + message + (code > 0 ? " (code " + std::to_string(code) + ")" : "");
  const std::string detail =
      "HTTP " + std::to_string(status) + ": " + std::string(body.substr(0, 2000));

  if (status == 429) {
    std::optional<double> seconds;
    if (j.contains("retry_after") && j["retry_after"].is_number()) {
      seconds = j["retry_after"].get<double>();
    }
    const bool global =
        (j.contains("global") && j["global"].is_boolean() && j["global"].get<bool>()) ||
        EqualsIgnoreCase(FindHeader(headers, "X-RateLimit-Global"), "true");
    Error e =
        base::ResourceExhausted(std::string(global ? "Discord's global rate limit"
                                                   : "Discord's rate limit for this webhook") +
                                " was reached (" + quoted + ")");
    std::optional<std::chrono::milliseconds> wait;
    if (seconds) wait = SecondsToMillis(*seconds);
    if (!wait) wait = RetryAfter(headers, base::SystemClock::Instance().Now());
    e.set_retry_after(wait.value_or(std::chrono::seconds(1)));
    e.set_detail(detail);
    return e;
  }
  Error e = [&]() -> Error {
    if (status == 401 || code == kInvalidWebhookToken) {
      return base::Unauthenticated("Discord rejected the webhook's token (" + quoted +
                                   "); copy the webhook URL again and reconnect");
    }
    if (code == kUnknownWebhook) {
      return base::NotFound("the Discord webhook no longer exists (" + quoted +
                            "); create a new webhook in the channel's Integrations settings and "
                            "reconnect the account");
    }
    if (status == 404) return base::NotFound("Discord cannot find it (" + quoted + ")");
    if (status == 403) {
      return base::PermissionDenied("Discord refused: the webhook lacks permission (" + quoted +
                                    ")");
    }
    if (status == 400 || status == 413 || status == 422) {
      std::string fields;
      if (j.contains("errors")) FlattenErrors(j["errors"], "", fields);
      return base::InvalidArgument("Discord refused the message (" + quoted +
                                   (fields.empty() ? "" : ": " + fields) + ")");
    }
    return base::Unavailable("Discord is unavailable (" + quoted + ")");
  }();
  e.set_detail(detail);
  return e;
}

int ErrorCodeOf(std::string_view body) {
  auto parsed = base::ParseJson(body);
  if (!parsed.ok() || !parsed->is_object() || !parsed->contains("code") ||
      !(*parsed)["code"].is_number_integer()) {
    return -1;
  }
  return (*parsed)["code"].get<int>();
}

const HttpErrorMapper& Errors() {
  static const auto* mapper = new HttpErrorMapper(HttpErrorMapper::ForFixedHost("Discord"));
  return *mapper;
}

std::string AttachmentFileName(const MediaItem& item, size_t index) {
  std::string name;
  for (char c : item.file_name) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-') {
      name += c;
    }
  }
  if (!name.empty()) return name;
  std::string ext = item.mime_type == "image/png"    ? ".png"
                    : item.mime_type == "image/gif"  ? ".gif"
                    : item.mime_type == "image/webp" ? ".webp"
                                                     : ".jpg";
  return "image" + std::to_string(index) + ext;
}

Json ExecuteWebhookPayload(std::string_view content, const std::vector<MediaItem>& media) {
  Json p = Json::object();
  if (!content.empty()) p["content"] = content;
  p["allowed_mentions"] = Json{{"parse", Json::array()}};
  if (!media.empty()) {
    Json attachments = Json::array();
    for (size_t i = 0; i < media.size(); ++i) {
      Json a = {{"id", static_cast<int>(i)}, {"filename", AttachmentFileName(media[i], i)}};
      if (!media[i].alt_text.empty()) a["description"] = media[i].alt_text;
      attachments.push_back(std::move(a));
    }
    p["attachments"] = std::move(attachments);
  }
  return p;
}

std::vector<FormPart> ExecuteWebhookForm(std::string_view content,
                                         const std::vector<MediaItem>& media) {
  std::vector<FormPart> form;
  form.push_back({"payload_json", base::DumpJson(ExecuteWebhookPayload(content, media)), "",
                  "application/json"});
  for (size_t i = 0; i < media.size(); ++i) {
    form.push_back({"files[" + std::to_string(i) + "]", media[i].data,
                    AttachmentFileName(media[i], i),
                    media[i].mime_type.empty() ? "application/octet-stream" : media[i].mime_type});
  }
  return form;
}

Result<Webhook> ParseWebhook(const Json& body) {
  if (!body.is_object() || !body.contains("id") || !body["id"].is_string()) {
    return base::Unavailable("Discord's webhook answer has no id", base::DumpJson(body));
  }
  Webhook w;
  w.id = body["id"].get<std::string>();
  w.type = body.contains("type") && body["type"].is_number_integer() ? body["type"].get<int>() : 0;
  w.name = base::GetString(body, "name");
  w.guild_id = base::GetString(body, "guild_id");
  w.channel_id = base::GetString(body, "channel_id");
  return w;
}

Result<Message> ParseMessage(const Json& body) {
  if (!body.is_object() || !body.contains("id") || !body["id"].is_string()) {
    return base::Unknown("Discord's answer has no message id; the message may have been sent",
                         base::DumpJson(body));
  }
  return Message{body["id"].get<std::string>(), base::GetString(body, "channel_id")};
}

std::string MessageUrl(std::string_view guild_id, std::string_view channel_id,
                       std::string_view message_id) {
  if (channel_id.empty()) return "";
  return "https://discord.com/channels/" +
         (guild_id.empty() ? std::string("@me") : std::string(guild_id)) + "/" +
         std::string(channel_id) + "/" + std::string(message_id);
}

Json ReactionMetrics(const Json& message) {
  int64_t total = 0;
  Json by_emoji = Json::object();
  if (message.is_object() && message.contains("reactions") && message["reactions"].is_array()) {
    for (const Json& r : message["reactions"]) {
      if (!r.is_object() || !r.contains("count") || !r["count"].is_number_integer()) continue;
      int64_t count = r["count"].get<int64_t>();
      total += count;
      std::string name = "?";
      if (r.contains("emoji") && r["emoji"].is_object()) {
        name = base::GetString(r["emoji"], "name", "?");
      }
      by_emoji[name] = by_emoji.value(name, int64_t{0}) + count;
    }
  }
  return Json{{"likes", total}, {"reactions", by_emoji}};
}

}  // namespace herald::platforms::discord
