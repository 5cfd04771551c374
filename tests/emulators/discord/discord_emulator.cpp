#include "tests/emulators/discord/discord_emulator.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <vector>

#include "base/crypto.h"
#include "base/time.h"
#include "http/router.h"
#include "platforms/text/utf8.h"
#include "tests/emulators/common/multipart.h"

namespace herald::emulators {
namespace {

constexpr int kMaxContentChars = 2000;
constexpr int kMaxFiles = 10;
constexpr int kMaxAltText = 1024;
constexpr int64_t kDiscordEpochMs = 1'420'070'400'000;
constexpr size_t kMaxMessages = 100'000;

http::Response JsonAnswer(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

http::Response ErrorAnswer(int status, int code, const std::string& message) {
  return JsonAnswer(status, Json{{"message", message}, {"code", code}});
}

http::Response UnknownWebhook() { return ErrorAnswer(404, 10015, "Unknown Webhook"); }
http::Response InvalidToken() { return ErrorAnswer(401, 50027, "Invalid Webhook Token"); }
http::Response UnknownMessage() { return ErrorAnswer(404, 10008, "Unknown Message"); }

// 400 Invalid Form Body with one field error at `path` ("content", "attachments.0.description").
http::Response FormError(const std::string& path, const std::string& code,
                         const std::string& message) {
  Json errors = Json::object();
  Json* node = &errors;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string key =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    node = &(*node)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  (*node)["_errors"] = Json::array({Json{{"code", code}, {"message", message}}});
  return JsonAnswer(400,
                    Json{{"message", "Invalid Form Body"}, {"code", 50035}, {"errors", errors}});
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", s);
  return buf;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

std::string MimeFromName(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".png")) return "image/png";
  if (ends(".jpg") || ends(".jpeg")) return "image/jpeg";
  if (ends(".gif")) return "image/gif";
  if (ends(".webp")) return "image/webp";
  return "application/octet-stream";
}

}  // namespace

DiscordEmulator::DiscordEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json DiscordEmulator::DefaultConfig() const {
  return Json{{"webhook_rate_limit", 5},
              {"webhook_rate_window_seconds", 2},
              {"max_file_bytes", 10 * 1024 * 1024}};
}

void DiscordEmulator::Reset() {
  std::lock_guard lock(mu_);
  webhooks_.clear();
  messages_.clear();
  next_seq_ = 0;
  next_webhook_ = 1;
  webhooks_[kSeedWebhookId] =
      Webhook{kSeedWebhookId, kSeedToken, 1, "Acme Announcements", kGuildId, kChannelId, false};
  webhooks_[kFollowerWebhookId] = Webhook{
      kFollowerWebhookId, kFollowerToken, 2, "Announcements Follower", kGuildId, kChannelId, false};
}

void DiscordEmulator::AddRoutes(ApiRoutes& routes) {
  auto add = [&](const char* method, const std::string& pattern,
                 http::Response (DiscordEmulator::*fn)(const http::Request&), size_t limit = 0) {
    for (const std::string& prefix : {std::string("/api"), std::string("/api/{version}")}) {
      routes.Add(
          method, prefix + pattern,
          [this, fn](http::Request req) -> base::Task<http::Response> {
            co_return (this->*fn)(req);
          },
          limit);
    }
  };
  add("GET", "/webhooks/{id}/{token}", &DiscordEmulator::GetWebhook);
  add("POST", "/webhooks/{id}/{token}", &DiscordEmulator::Execute, 64u << 20);
  add("GET", "/webhooks/{id}/{token}/messages/{message_id}", &DiscordEmulator::GetMessage);
  add("DELETE", "/webhooks/{id}/{token}/messages/{message_id}", &DiscordEmulator::DeleteMessage);
}

std::string DiscordEmulator::NextSnowflake() {
  const int64_t ms = base::ToUnixMicros(ctx_.Now()) / 1000;
  const int64_t id = ((ms - kDiscordEpochMs) << 22) | (next_seq_++ & 0xFFF);
  return std::to_string(id);
}

Json DiscordEmulator::WebhookJson(const Webhook& w) const {
  Json j = {{"application_id", nullptr},
            {"avatar", nullptr},
            {"channel_id", w.channel_id},
            {"guild_id", w.guild_id},
            {"id", w.id},
            {"name", w.name},
            {"type", w.type}};
  if (w.type == 1) j["token"] = w.token;
  return j;
}

std::optional<http::Response> DiscordEmulator::Resolve(const http::Request& req, Webhook& out) {
  std::lock_guard lock(mu_);
  auto it = webhooks_.find(req.PathParam("id"));
  if (it == webhooks_.end() || it->second.deleted) return UnknownWebhook();
  if (it->second.type != 1 || it->second.token != req.PathParam("token")) return InvalidToken();
  out = it->second;
  return std::nullopt;
}

std::optional<http::Response> DiscordEmulator::Limit(const std::string& bucket,
                                                     http::Headers& headers) {
  const int limit = static_cast<int>(ctx_.ConfigInt("webhook_rate_limit", 5));
  const std::chrono::seconds window(ctx_.ConfigInt("webhook_rate_window_seconds", 2));
  const base::Time now = ctx_.Now();
  RateStatus s = ctx_.rate_limiter().Consume(bucket, 1, limit, window, now);
  const double reset_after = std::max<double>(
      0.0, static_cast<double>(base::ToUnixMicros(s.reset_at) - base::ToUnixMicros(now)) / 1e6);
  headers.Set("X-RateLimit-Limit", std::to_string(s.limit));
  headers.Set("X-RateLimit-Remaining", std::to_string(s.remaining));
  headers.Set("X-RateLimit-Reset",
              Seconds(static_cast<double>(base::ToUnixMicros(s.reset_at)) / 1e6));
  headers.Set("X-RateLimit-Reset-After", Seconds(reset_after));
  headers.Set("X-RateLimit-Bucket", base::Sha256Hex(bucket).substr(0, 32));
  if (!s.exceeded) return std::nullopt;
  http::Response r = JsonAnswer(429, Json{{"message", "You are being rate limited."},
                                          {"retry_after", reset_after},
                                          {"global", false}});
  headers.ForEach([&](std::string_view k, std::string_view v) { r.headers.Set(k, v); });
  r.headers.Set("Retry-After", std::to_string(static_cast<int64_t>(std::ceil(reset_after))));
  r.headers.Set("X-RateLimit-Scope", "user");
  return r;
}

http::Response DiscordEmulator::GetWebhook(const http::Request& req) {
  std::lock_guard lock(mu_);
  auto it = webhooks_.find(req.PathParam("id"));
  if (it == webhooks_.end() || it->second.deleted) return UnknownWebhook();
  if (it->second.token != req.PathParam("token")) return InvalidToken();
  return JsonAnswer(200, WebhookJson(it->second));
}

http::Response DiscordEmulator::Execute(const http::Request& req) {
  Webhook hook;
  if (auto err = Resolve(req, hook)) return *err;
  http::Headers rate;
  if (auto limited = Limit("execute:" + hook.id, rate)) return *limited;
  auto finish = [&rate](http::Response r) {
    rate.ForEach([&](std::string_view k, std::string_view v) { r.headers.Set(k, v); });
    return r;
  };

  const std::string content_type(req.Header("Content-Type"));
  Json payload = Json::object();
  std::vector<MultipartPart> files;
  if (!MultipartBoundary(content_type).empty()) {
    auto parts = ParseMultipart(req.body, content_type);
    if (!parts.ok()) return finish(ErrorAnswer(400, 50035, "Invalid Form Body"));
    for (MultipartPart& part : *parts) {
      if (part.name == "payload_json") {
        auto parsed = base::ParseJson(part.data);
        if (!parsed.ok() || !parsed->is_object()) {
          return finish(ErrorAnswer(400, 50109, "The request body contains invalid JSON."));
        }
        payload = *parsed;
      } else if (!part.filename.empty()) {
        files.push_back(std::move(part));
      } else {
        payload[part.name] = part.data;
      }
    }
  } else if (content_type.rfind("application/json", 0) == 0) {
    auto parsed = base::ParseJson(req.body);
    if (!parsed.ok() || !parsed->is_object()) {
      return finish(ErrorAnswer(400, 50109, "The request body contains invalid JSON."));
    }
    payload = *parsed;
  } else {
    for (const auto& [k, v] : http::ParseQuery(req.body)) payload[k] = v;
  }

  if (payload.contains("content") && !payload["content"].is_string() &&
      !payload["content"].is_null()) {
    return finish(
        FormError("content", "STRING_TYPE_CONVERT", "Could not interpret value as string."));
  }
  const std::string content = base::GetString(payload, "content");
  if (platforms::text::CountCodePoints(content) > kMaxContentChars) {
    return finish(FormError("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."));
  }
  if (static_cast<int>(files.size()) > kMaxFiles) {
    return finish(FormError("files", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."));
  }
  const int64_t max_file = ctx_.ConfigInt("max_file_bytes", 10 * 1024 * 1024);
  for (const MultipartPart& f : files) {
    if (static_cast<int64_t>(f.data.size()) > max_file) {
      return finish(ErrorAnswer(413, 40005, "Request entity too large"));
    }
  }
  // attachments[i].id refers to files[<id>].
  std::map<std::string, Json> descriptors;
  if (payload.contains("attachments") && payload["attachments"].is_array()) {
    const Json& list = payload["attachments"];
    for (size_t i = 0; i < list.size(); ++i) {
      const Json& a = list[i];
      if (!a.is_object() || !a.contains("id")) continue;
      const std::string desc = base::GetString(a, "description");
      if (platforms::text::CountCodePoints(desc) > kMaxAltText) {
        return finish(FormError("attachments." + std::to_string(i) + ".description",
                                "BASE_TYPE_MAX_LENGTH", "Must be 1024 or fewer in length."));
      }
      const std::string key = a["id"].is_number_integer() ? std::to_string(a["id"].get<int64_t>())
                                                          : base::GetString(a, "id");
      descriptors[key] = a;
    }
  }
  const bool has_embeds =
      payload.contains("embeds") && payload["embeds"].is_array() && !payload["embeds"].empty();
  if (IsBlank(content) && files.empty() && !has_embeds) {
    return finish(ErrorAnswer(400, 50006, "Cannot send an empty message"));
  }

  const bool suppress = payload.contains("allowed_mentions");
  bool pings_everyone = false;
  if (content.find("@everyone") != std::string::npos ||
      content.find("@here") != std::string::npos) {
    if (!suppress) {
      pings_everyone = true;
    } else {
      const Json& am = payload["allowed_mentions"];
      if (am.contains("parse") && am["parse"].is_array()) {
        for (const Json& p : am["parse"]) {
          if (p == "everyone") pings_everyone = true;
        }
      }
    }
  }

  std::lock_guard lock(mu_);
  if (messages_.size() >= kMaxMessages) {
    return finish(ErrorAnswer(500, 0, "500: Internal Server Error"));
  }
  const std::string id = NextSnowflake();
  const base::Time now = ctx_.Now();
  Json attachments = Json::array();
  CreatedPost post;
  for (size_t i = 0; i < files.size(); ++i) {
    const MultipartPart& f = files[i];
    // files[N] pairs with attachments id N.
    std::string index = f.name;
    if (auto open = index.find('['); open != std::string::npos) {
      index = index.substr(open + 1, index.find(']') - open - 1);
    }
    const Json desc = descriptors.count(index) ? descriptors[index] : Json::object();
    const std::string filename = base::GetString(desc, "filename", f.filename);
    const std::string attachment_id = NextSnowflake();
    Json a = {{"id", attachment_id},
              {"filename", filename},
              {"size", f.data.size()},
              {"url", "https://cdn.discordapp.com/attachments/" + hook.channel_id + "/" +
                          attachment_id + "/" + filename},
              {"proxy_url", "https://media.discordapp.net/attachments/" + hook.channel_id + "/" +
                                attachment_id + "/" + filename},
              {"content_type", f.content_type.empty() ? MimeFromName(filename) : f.content_type}};
    if (desc.contains("description")) a["description"] = desc["description"];
    attachments.push_back(a);
    MediaRecord m;
    m.id = attachment_id;
    m.mime_type = a["content_type"];
    m.alt_text = base::GetString(desc, "description");
    m.size = static_cast<int64_t>(f.data.size());
    m.sha256 = base::Sha256Hex(f.data);
    post.media.push_back(m);
  }
  Json message = {{"type", 0},
                  {"content", content},
                  {"mentions", Json::array()},
                  {"mention_roles", Json::array()},
                  {"attachments", attachments},
                  {"embeds", has_embeds ? payload["embeds"] : Json::array()},
                  {"timestamp", base::FormatRfc3339(now)},
                  {"edited_timestamp", nullptr},
                  {"flags", 0},
                  {"components", Json::array()},
                  {"id", id},
                  {"channel_id", hook.channel_id},
                  {"author",
                   {{"id", hook.id},
                    {"username", hook.name},
                    {"avatar", nullptr},
                    {"discriminator", "0000"},
                    {"public_flags", 0},
                    {"flags", 0},
                    {"bot", true},
                    {"global_name", nullptr}}},
                  {"pinned", false},
                  {"mention_everyone", pings_everyone},
                  {"tts", false},
                  {"webhook_id", hook.id}};
  messages_[id] = Message{id, hook.id, message, false};

  post.id = id;
  post.account = hook.id;
  post.text = content;
  if (payload.contains("nonce")) {
    post.idempotency_key = payload["nonce"].is_string() ? payload["nonce"].get<std::string>()
                                                        : base::DumpJson(payload["nonce"]);
  }
  post.url = "https://discord.com/channels/" + hook.guild_id + "/" + hook.channel_id + "/" + id;
  post.created_at = now;
  post.extra = Json{{"channel_id", hook.channel_id},
                    {"guild_id", hook.guild_id},
                    {"allowed_mentions", suppress ? payload["allowed_mentions"] : Json(nullptr)},
                    {"pings_everyone", pings_everyone}};
  (void)ctx_.posts().Add(std::move(post));

  const auto wait = req.Query("wait");
  if (wait && (*wait == "true" || *wait == "1" || *wait == "True")) {
    return finish(JsonAnswer(200, message));
  }
  return finish(http::Response::Empty(204));
}

http::Response DiscordEmulator::GetMessage(const http::Request& req) {
  Webhook hook;
  if (auto err = Resolve(req, hook)) return *err;
  http::Headers rate;
  if (auto limited = Limit("messages:" + hook.id, rate)) return *limited;
  std::lock_guard lock(mu_);
  auto it = messages_.find(req.PathParam("message_id"));
  if (it == messages_.end() || it->second.deleted || it->second.webhook_id != hook.id) {
    http::Response r = UnknownMessage();
    rate.ForEach([&](std::string_view k, std::string_view v) { r.headers.Set(k, v); });
    return r;
  }
  Json body = it->second.body;
  if (auto post = ctx_.posts().Find(it->first)) {
    Json reactions = Json::array();
    const Json& metrics = post->metrics;
    if (metrics.contains("reactions") && metrics["reactions"].is_object()) {
      for (const auto& [emoji, count] : metrics["reactions"].items()) {
        reactions.push_back(Json{{"emoji", {{"id", nullptr}, {"name", emoji}}},
                                 {"count", count},
                                 {"count_details", {{"burst", 0}, {"normal", count}}},
                                 {"burst_colors", Json::array()},
                                 {"me_burst", false},
                                 {"burst_me", false},
                                 {"me", false},
                                 {"burst_count", 0}});
      }
    } else if (metrics.contains("likes")) {
      reactions.push_back(Json{{"emoji", {{"id", nullptr}, {"name", "\xF0\x9F\x91\x8D"}}},
                               {"count", metrics["likes"]},
                               {"count_details", {{"burst", 0}, {"normal", metrics["likes"]}}},
                               {"me", false}});
    }
    if (!reactions.empty()) body["reactions"] = reactions;
  }
  http::Response r = JsonAnswer(200, body);
  rate.ForEach([&](std::string_view k, std::string_view v) { r.headers.Set(k, v); });
  return r;
}

http::Response DiscordEmulator::DeleteMessage(const http::Request& req) {
  Webhook hook;
  if (auto err = Resolve(req, hook)) return *err;
  http::Headers rate;
  if (auto limited = Limit("messages:" + hook.id, rate)) return *limited;
  std::lock_guard lock(mu_);
  auto it = messages_.find(req.PathParam("message_id"));
  http::Response r;
  if (it == messages_.end() || it->second.deleted || it->second.webhook_id != hook.id) {
    r = UnknownMessage();
  } else {
    it->second.deleted = true;
    ctx_.posts().MarkDeleted(it->first);
    r = http::Response::Empty(204);
  }
  rate.ForEach([&](std::string_view k, std::string_view v) { r.headers.Set(k, v); });
  return r;
}

http::Response DiscordEmulator::RateLimited(const http::Request& req,
                                            std::chrono::seconds retry_after) {
  const double seconds = static_cast<double>(retry_after.count());
  http::Response r = JsonAnswer(429, Json{{"message", "You are being rate limited."},
                                          {"retry_after", seconds},
                                          {"global", false}});
  const base::Time reset = ctx_.Now() + retry_after;
  r.headers.Set("Retry-After", std::to_string(retry_after.count()));
  r.headers.Set("X-RateLimit-Limit", std::to_string(ctx_.ConfigInt("webhook_rate_limit", 5)));
  r.headers.Set("X-RateLimit-Remaining", "0");
  r.headers.Set("X-RateLimit-Reset", Seconds(static_cast<double>(base::ToUnixMicros(reset)) / 1e6));
  r.headers.Set("X-RateLimit-Reset-After", Seconds(seconds));
  r.headers.Set("X-RateLimit-Bucket",
                base::Sha256Hex("execute:" + std::string(req.PathParam("id"))).substr(0, 32));
  r.headers.Set("X-RateLimit-Scope", "user");
  return r;
}

http::Response DiscordEmulator::ServerError(const http::Request&, int status) {
  if (status == 500) return ErrorAnswer(500, 0, "500: Internal Server Error");
  const std::string code = std::to_string(status);
  const std::string reason(http::StatusReason(status));
  return http::Response::With(status, "text/html",
                              "<html>\r\n<head><title>" + code + " " + reason +
                                  "</title></head>\r\n<body>\r\n<center><h1>" + code + " " +
                                  reason +
                                  "</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
                                  "</body>\r\n</html>\r\n");
}

http::Response DiscordEmulator::ExpireToken(const http::Request& req) {
  // Webhook tokens do not expire; the failure is a token reset (a new URL was generated).
  std::lock_guard lock(mu_);
  auto it = webhooks_.find(req.PathParam("id"));
  if (it != webhooks_.end()) it->second.token += "-reset";
  return InvalidToken();
}

base::Result<Json> DiscordEmulator::CreateToken(const Json& args) {
  std::lock_guard lock(mu_);
  if (webhooks_.size() >= 1'000) return base::ResourceExhausted("too many webhooks");
  Webhook w;
  w.id = std::to_string(1234567890123450000 + next_webhook_++);
  w.token = "EmuToken_" + base::HexEncode(base::RandomBytes(30));
  w.type = args.value("type", 1);
  w.name = base::GetString(args, "name", "Webhook " + w.id.substr(w.id.size() - 4));
  w.guild_id = base::GetString(args, "guild_id", kGuildId);
  w.channel_id = base::GetString(args, "channel_id", kChannelId);
  webhooks_[w.id] = w;
  return Json{{"token", w.token},
              {"webhook_id", w.id},
              {"webhook_url", "https://discord.com/api/webhooks/" + w.id + "/" + w.token}};
}

base::Result<void> DiscordEmulator::RevokeToken(std::string_view token) {
  std::lock_guard lock(mu_);
  for (auto& [id, w] : webhooks_) {
    if (w.token == token) {
      w.deleted = true;
      return base::Ok();
    }
  }
  return base::NotFound("no webhook has that token");
}

base::Result<void> DiscordEmulator::ExpireTokens(std::string_view token) {
  std::lock_guard lock(mu_);
  bool any = false;
  for (auto& [id, w] : webhooks_) {
    if (token.empty() || w.token == token) {
      w.token += "-reset";
      any = true;
    }
  }
  if (!any) return base::NotFound("no webhook has that token");
  return base::Ok();
}

Json DiscordEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json hooks = Json::array();
  for (const auto& [id, w] : webhooks_) {
    Json j = WebhookJson(w);
    j["deleted"] = w.deleted;
    j["token"] = w.token;
    j["webhook_url"] = "https://discord.com/api/webhooks/" + w.id + "/" + w.token;
    hooks.push_back(j);
  }
  return Json{{"webhooks", hooks}};
}

void RegisterDiscordEmulator(EmulatorRegistry& registry) {
  registry.Add("discord", "Discord incoming webhooks (execute, get, delete messages)",
               [](EmulatorContext& ctx) { return std::make_unique<DiscordEmulator>(ctx); });
}

}  // namespace herald::emulators
