#include "tests/emulators/mastodon/mastodon_emulator.h"

#include <algorithm>
#include <cstdlib>

#include "base/crypto.h"
#include "base/time.h"
#include "http/router.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"
#include "tests/emulators/common/history_seed.h"
#include "tests/emulators/common/multipart.h"

namespace herald::emulators {
namespace {

constexpr int64_t kIdBase = 109'000'000'000'000'000;

http::Response JsonAnswer(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

http::Response ErrorAnswer(int status, const std::string& message) {
  return JsonAnswer(status, Json{{"error", message}});
}

http::Response RecordNotFound() { return ErrorAnswer(404, "Record not found"); }

http::Response Unauthorized(const std::string& message) {
  http::Response r = ErrorAnswer(401, message);
  r.headers.Set("WWW-Authenticate",
                "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"" +
                    message + "\"");
  return r;
}

std::string HostOf(const http::Request& req) {
  std::string host(req.Header("Host"));
  return host.empty() ? "mastodon.test" : host;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\n':
        out += "<br />";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

bool IsSupportedMime(std::string_view mime) {
  static const char* kTypes[] = {"image/jpeg", "image/png",       "image/gif",  "image/webp",
                                 "image/heic", "image/heif",      "image/avif", "video/mp4",
                                 "video/webm", "video/quicktime", "audio/mpeg", "audio/ogg",
                                 "audio/wav",  "audio/flac",      "audio/mp4",  "audio/aac"};
  return std::any_of(std::begin(kTypes), std::end(kTypes),
                     [&](const char* t) { return mime == t; });
}

std::string MediaType(std::string_view mime) {
  if (mime == "image/gif") return "gifv";
  if (mime.rfind("image/", 0) == 0) return "image";
  if (mime.rfind("video/", 0) == 0) return "video";
  return "audio";
}

// The parameters of POST /api/v1/statuses from JSON, a form or multipart.
struct StatusParams {
  std::string status;
  std::vector<std::string> media_ids;
  std::string in_reply_to_id;
  std::string visibility = "public";
  std::string spoiler_text;
  std::string language;
};

base::Result<StatusParams> ParseStatusParams(const http::Request& req) {
  StatusParams p;
  const std::string content_type(req.Header("Content-Type"));
  auto id_string = [](const Json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    return "";
  };
  if (content_type.rfind("application/json", 0) == 0) {
    auto body = base::ParseJson(req.body);
    if (!body.ok() || !body->is_object()) {
      return base::InvalidArgument("Error while parsing request body");
    }
    p.status = base::GetString(*body, "status");
    if (auto it = body->find("media_ids"); it != body->end() && it->is_array()) {
      for (const Json& v : *it) p.media_ids.push_back(id_string(v));
    }
    if (auto it = body->find("in_reply_to_id"); it != body->end())
      p.in_reply_to_id = id_string(*it);
    p.visibility = base::GetString(*body, "visibility", "public");
    p.spoiler_text = base::GetString(*body, "spoiler_text");
    p.language = base::GetString(*body, "language");
    return p;
  }
  std::vector<std::pair<std::string, std::string>> fields;
  if (!MultipartBoundary(content_type).empty()) {
    auto parts = ParseMultipart(req.body, content_type);
    if (!parts.ok()) return parts.error();
    for (auto& part : *parts) fields.emplace_back(part.name, part.data);
  } else {
    fields = http::ParseQuery(req.body);
  }
  for (const auto& [k, v] : fields) {
    if (k == "status")
      p.status = v;
    else if (k == "media_ids[]" || k == "media_ids")
      p.media_ids.push_back(v);
    else if (k == "in_reply_to_id")
      p.in_reply_to_id = v;
    else if (k == "visibility")
      p.visibility = v;
    else if (k == "spoiler_text")
      p.spoiler_text = v;
    else if (k == "language")
      p.language = v;
  }
  return p;
}

}  // namespace

MastodonEmulator::MastodonEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json MastodonEmulator::DefaultConfig() const {
  return Json{{"max_characters", 500},           {"max_media_attachments", 4},
              {"media_processing_polls", 0},     {"rate_limit", 300},
              {"media_rate_limit", 30},          {"delete_rate_limit", 30},
              {"idempotency_ttl_seconds", 3600}, {"image_size_limit", 16 * 1024 * 1024}};
}

void MastodonEmulator::Reset() {
  tokens_.Clear();
  std::lock_guard lock(mu_);
  accounts_.clear();
  media_.clear();
  idempotency_.clear();
  next_id_ = 1;
  Account alice{kSeedAccountId, "alice", "Alice Example", 42, 7, 0};
  accounts_[alice.id] = alice;
  next_id_ = 2;
  (void)tokens_.Issue(alice.id, kSeedToken);
}

std::string MastodonEmulator::NextId() { return std::to_string(kIdBase + next_id_++); }

MastodonEmulator::Account* MastodonEmulator::FindAccountLocked(const std::string& id) {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}

MastodonEmulator::Auth MastodonEmulator::Authenticate(const http::Request& req) {
  Auth auth;
  auth.token = BearerToken(req.Header("Authorization"));
  auto info = tokens_.Find(auth.token);
  if (auth.token.empty() || !info) {
    auth.error = Unauthorized("The access token is invalid");
    return auth;
  }
  if (info->revoked) {
    auth.error = Unauthorized("The access token was revoked");
    return auth;
  }
  std::lock_guard lock(mu_);
  Account* account = FindAccountLocked(info->account);
  if (account == nullptr) {
    auth.error = Unauthorized("The access token is invalid");
    return auth;
  }
  auth.account = *account;
  return auth;
}

bool MastodonEmulator::Limited(const std::string& token, const std::string& bucket, int64_t limit,
                               std::chrono::seconds window, http::Headers& headers) {
  RateStatus s = ctx_.rate_limiter().Consume(bucket + ":" + token, 1, static_cast<int>(limit),
                                             window, ctx_.Now());
  headers.Set("X-RateLimit-Limit", std::to_string(s.limit));
  headers.Set("X-RateLimit-Remaining", std::to_string(s.remaining));
  headers.Set("X-RateLimit-Reset", base::FormatRfc3339(s.reset_at));
  return s.exceeded;
}

http::Response MastodonEmulator::Finish(http::Response response, const http::Headers& rate) {
  rate.ForEach([&](std::string_view k, std::string_view v) { response.headers.Set(k, v); });
  return response;
}

void MastodonEmulator::AddRoutes(ApiRoutes& routes) {
  auto add = [&](const char* method, const char* pattern,
                 http::Response (MastodonEmulator::*fn)(const http::Request&),
                 size_t body_limit = 0) {
    routes.Add(
        method, pattern,
        [this, fn](http::Request req) -> base::Task<http::Response> { co_return (this->*fn)(req); },
        body_limit);
  };
  add("GET", "/api/v1/accounts/verify_credentials", &MastodonEmulator::VerifyCredentials);
  add("POST", "/api/v2/media", &MastodonEmulator::UploadMedia, 128u << 20);
  add("GET", "/api/v1/media/{id}", &MastodonEmulator::GetMedia);
  add("POST", "/api/v1/statuses", &MastodonEmulator::CreateStatus);
  add("GET", "/api/v1/statuses/{id}", &MastodonEmulator::GetStatus);
  add("DELETE", "/api/v1/statuses/{id}", &MastodonEmulator::DeleteStatus);
  add("GET", "/api/v2/instance", &MastodonEmulator::Instance);
  add("GET", "/api/v1/accounts/{id}/statuses", &MastodonEmulator::AccountStatuses);
}

Json MastodonEmulator::AccountJson(const Account& a, const std::string& host) const {
  return Json{{"id", a.id},
              {"username", a.username},
              {"acct", a.username},
              {"display_name", a.display_name},
              {"locked", false},
              {"bot", false},
              {"url", "http://" + host + "/@" + a.username},
              {"followers_count", a.followers},
              {"following_count", a.following},
              {"statuses_count", a.statuses},
              {"note", ""},
              {"avatar", "http://" + host + "/avatars/original/missing.png"},
              {"emojis", Json::array()},
              {"fields", Json::array()}};
}

Json MastodonEmulator::MediaJson(const Media& m, const std::string& host) const {
  const bool ready = m.polls_left <= 0;
  const std::string base = "http://" + host + "/system/media_attachments/files/" + m.id;
  return Json{{"id", m.id},
              {"type", MediaType(m.mime_type)},
              {"url", ready ? Json(base + "/original/" + m.file_name) : Json(nullptr)},
              {"preview_url", base + "/small/" + m.file_name},
              {"remote_url", nullptr},
              {"text_url", nullptr},
              {"meta", Json::object()},
              {"description", m.description.empty() ? Json(nullptr) : Json(m.description)},
              {"blurhash", "UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}"}};
}

Json MastodonEmulator::StatusJson(const CreatedPost& post, const std::string& host) const {
  const Json& extra = post.extra;
  auto it = accounts_.find(post.account);
  Json account = it == accounts_.end() ? Json(nullptr) : AccountJson(it->second, host);
  const auto live_replies = static_cast<int64_t>(
      ctx_.posts().CountLive([&](const CreatedPost& p) { return p.reply_to == post.id; }));
  const Json& metrics = post.metrics;
  Json media = Json::array();
  for (const MediaRecord& m : post.media) {
    auto mit = media_.find(m.id);
    if (mit != media_.end()) media.push_back(MediaJson(mit->second, host));
  }
  const std::string username = it == accounts_.end() ? "unknown" : it->second.username;
  return Json{
      {"id", post.id},
      {"created_at", base::FormatRfc3339(post.created_at)},
      {"in_reply_to_id", post.reply_to.empty() ? Json(nullptr) : Json(post.reply_to)},
      {"in_reply_to_account_id", post.reply_to.empty() ? Json(nullptr) : Json(post.account)},
      {"sensitive", false},
      {"spoiler_text", extra.value("spoiler_text", "")},
      {"visibility", extra.value("visibility", "public")},
      {"language",
       extra.value("language", "").empty() ? Json(nullptr) : Json(extra.value("language", ""))},
      {"uri", "http://" + host + "/users/" + username + "/statuses/" + post.id},
      {"url", post.url},
      {"replies_count", metrics.value("replies", live_replies)},
      {"reblogs_count", metrics.value("reposts", 0)},
      {"favourites_count", metrics.value("likes", 0)},
      {"quotes_count", metrics.value("quotes", 0)},
      {"favourited", false},
      {"reblogged", false},
      {"content", "<p>" + HtmlEscape(post.text) + "</p>"},
      {"reblog", nullptr},
      {"account", account},
      {"media_attachments", media},
      {"mentions", Json::array()},
      {"tags", Json::array()},
      {"emojis", Json::array()},
      {"card", nullptr},
      {"poll", nullptr}};
}

http::Response MastodonEmulator::VerifyCredentials(const http::Request& req) {
  Auth auth = Authenticate(req);
  if (!auth.account) return auth.error;
  http::Headers rate;
  if (Limited(auth.token, "api", ctx_.ConfigInt("rate_limit", 300), std::chrono::minutes(5),
              rate)) {
    return Finish(ErrorAnswer(429, "Too many requests"), rate);
  }
  std::lock_guard lock(mu_);
  Json body = AccountJson(*FindAccountLocked(auth.account->id), HostOf(req));
  body["source"] = Json{{"privacy", "public"},
                        {"sensitive", false},
                        {"language", ""},
                        {"note", ""},
                        {"fields", Json::array()}};
  return Finish(JsonAnswer(200, body), rate);
}

http::Response MastodonEmulator::UploadMedia(const http::Request& req) {
  Auth auth = Authenticate(req);
  if (!auth.account) return auth.error;
  http::Headers rate;
  if (Limited(auth.token, "api", ctx_.ConfigInt("rate_limit", 300), std::chrono::minutes(5),
              rate) ||
      Limited(auth.token, "media", ctx_.ConfigInt("media_rate_limit", 30), std::chrono::minutes(30),
              rate)) {
    return Finish(ErrorAnswer(429, "Too many requests"), rate);
  }
  auto parts = ParseMultipart(req.body, req.Header("Content-Type"));
  if (!parts.ok()) return Finish(ErrorAnswer(422, "Validation failed: File can't be blank"), rate);
  const MultipartPart* file = nullptr;
  std::string description;
  for (const MultipartPart& part : *parts) {
    if (part.name == "file") file = &part;
    if (part.name == "description") description = part.data;
  }
  if (file == nullptr || file->data.empty()) {
    return Finish(ErrorAnswer(422, "Validation failed: File can't be blank"), rate);
  }
  if (!IsSupportedMime(file->content_type)) {
    return Finish(
        ErrorAnswer(422, "Validation failed: File content type is invalid, File is invalid"), rate);
  }
  const int64_t size_limit = ctx_.ConfigInt("image_size_limit", 16 * 1024 * 1024);
  if (file->content_type.rfind("image/", 0) == 0 &&
      static_cast<int64_t>(file->data.size()) > size_limit) {
    return Finish(ErrorAnswer(422, "Validation failed: File file size must be less than " +
                                       std::to_string(size_limit / (1024 * 1024)) + " MB"),
                  rate);
  }
  if (platforms::text::CountCodePoints(description) > 1500) {
    return Finish(
        ErrorAnswer(422, "Validation failed: Description is too long (maximum is 1500 characters)"),
        rate);
  }
  std::lock_guard lock(mu_);
  if (media_.size() >= PostLedger::kMaxPosts) {
    return Finish(ErrorAnswer(500, "Error processing thumbnail for uploaded media"), rate);
  }
  Media m;
  m.id = NextId();
  m.account_id = auth.account->id;
  m.mime_type = file->content_type;
  m.file_name = file->filename.empty() ? "upload" : file->filename;
  m.description = description;
  m.size = static_cast<int64_t>(file->data.size());
  m.sha256 = base::Sha256Hex(file->data);
  m.polls_left = std::max<int64_t>(0, ctx_.ConfigInt("media_processing_polls", 0));
  media_[m.id] = m;
  const int status = m.polls_left > 0 ? 202 : 200;
  return Finish(JsonAnswer(status, MediaJson(m, HostOf(req))), rate);
}

http::Response MastodonEmulator::GetMedia(const http::Request& req) {
  Auth auth = Authenticate(req);
  if (!auth.account) return auth.error;
  http::Headers rate;
  if (Limited(auth.token, "api", ctx_.ConfigInt("rate_limit", 300), std::chrono::minutes(5),
              rate)) {
    return Finish(ErrorAnswer(429, "Too many requests"), rate);
  }
  std::lock_guard lock(mu_);
  auto it = media_.find(std::string(req.PathParam("id")));
  if (it == media_.end() || it->second.account_id != auth.account->id ||
      !it->second.status_id.empty()) {
    return Finish(RecordNotFound(), rate);
  }
  Media& m = it->second;
  if (m.polls_left > 0) {
    --m.polls_left;
    Json body = MediaJson(m, HostOf(req));
    body["url"] = nullptr;
    return Finish(JsonAnswer(206, body), rate);
  }
  return Finish(JsonAnswer(200, MediaJson(m, HostOf(req))), rate);
}

http::Response MastodonEmulator::CreateStatus(const http::Request& req) {
  Auth auth = Authenticate(req);
  if (!auth.account) return auth.error;
  http::Headers rate;
  if (Limited(auth.token, "api", ctx_.ConfigInt("rate_limit", 300), std::chrono::minutes(5),
              rate)) {
    return Finish(ErrorAnswer(429, "Too many requests"), rate);
  }
  auto params = ParseStatusParams(req);
  if (!params.ok()) return Finish(ErrorAnswer(400, params.error().message()), rate);
  const std::string host = HostOf(req);
  const std::string key(req.Header("Idempotency-Key"));
  const std::string account_id = auth.account->id;

  std::lock_guard lock(mu_);
  const base::Time now = ctx_.Now();
  // PostStatusService: a known key returns the status it made, whatever the new content.
  const std::string idem_key = "idempotency:status:" + account_id + ":" + key;
  if (!key.empty()) {
    auto it = idempotency_.find(idem_key);
    if (it != idempotency_.end() && it->second.expires_at > now) {
      auto existing = ctx_.posts().Find(it->second.status_id);
      if (existing && !existing->deleted)
        return Finish(JsonAnswer(200, StatusJson(*existing, host)), rate);
    }
  }
  if (!params->in_reply_to_id.empty()) {
    auto parent = ctx_.posts().Find(params->in_reply_to_id);
    if (!parent || parent->deleted) return Finish(RecordNotFound(), rate);
  }
  const int64_t max_media = ctx_.ConfigInt("max_media_attachments", 4);
  if (static_cast<int64_t>(params->media_ids.size()) > max_media) {
    return Finish(
        ErrorAnswer(422, "Cannot attach more than " + std::to_string(max_media) + " files"), rate);
  }
  std::vector<Media*> attachments;
  for (const std::string& id : params->media_ids) {
    auto it = media_.find(id);
    // Unknown, foreign or already attached media are silently ignored, as upstream.
    if (it == media_.end() || it->second.account_id != account_id ||
        !it->second.status_id.empty()) {
      continue;
    }
    if (it->second.polls_left > 0) {
      return Finish(ErrorAnswer(422,
                                "Cannot attach files that have not finished processing. Try "
                                "again in a moment!"),
                    rate);
    }
    attachments.push_back(&it->second);
  }
  const bool has_av = std::any_of(attachments.begin(), attachments.end(), [](const Media* m) {
    return m->mime_type.rfind("image/", 0) != 0;
  });
  if (has_av && attachments.size() > 1) {
    return Finish(ErrorAnswer(422, "Cannot attach a video to a post that already contains images"),
                  rate);
  }
  if (params->status.empty() && attachments.empty()) {
    return Finish(ErrorAnswer(422, "Validation failed: Text can't be blank"), rate);
  }
  if (!platforms::text::IsValidUtf8(params->status)) {
    return Finish(ErrorAnswer(422, "Validation failed: Text is invalid"), rate);
  }
  const int64_t max_chars = ctx_.ConfigInt("max_characters", 500);
  const platforms::text::LengthRule rule{"Mastodon", static_cast<int>(max_chars),
                                         platforms::text::LengthUnit::kGraphemes, 23, true};
  if (platforms::text::CountLength(params->spoiler_text + params->status, rule) > max_chars) {
    return Finish(ErrorAnswer(422, "Validation failed: Text character limit of " +
                                       std::to_string(max_chars) + " exceeded"),
                  rate);
  }

  CreatedPost post;
  post.id = NextId();
  post.account = account_id;
  post.text = params->status;
  post.reply_to = params->in_reply_to_id;
  post.idempotency_key = key;
  post.created_at = now;
  post.url = "http://" + host + "/@" + auth.account->username + "/" + post.id;
  post.extra = Json{{"visibility", params->visibility},
                    {"spoiler_text", params->spoiler_text},
                    {"language", params->language}};
  for (Media* m : attachments) {
    post.media.push_back({m->id, m->mime_type, m->description, m->size, m->sha256});
  }
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) return Finish(ErrorAnswer(500, added.error().message()), rate);
  for (Media* m : attachments) m->status_id = post.id;
  if (Account* a = FindAccountLocked(account_id)) ++a->statuses;
  if (!key.empty()) {
    if (idempotency_.size() >= PostLedger::kMaxPosts) {
      for (auto it = idempotency_.begin(); it != idempotency_.end();) {
        it = it->second.expires_at <= now ? idempotency_.erase(it) : std::next(it);
      }
    }
    if (idempotency_.size() < PostLedger::kMaxPosts) {
      idempotency_[idem_key] = {
          post.id, now + std::chrono::seconds(ctx_.ConfigInt("idempotency_ttl_seconds", 3600))};
    }
  }
  return Finish(JsonAnswer(200, StatusJson(*added, host)), rate);
}

http::Response MastodonEmulator::GetStatus(const http::Request& req) {
  Auth auth = Authenticate(req);
  if (!auth.account) return auth.error;
  http::Headers rate;
  if (Limited(auth.token, "api", ctx_.ConfigInt("rate_limit", 300), std::chrono::minutes(5),
              rate)) {
    return Finish(ErrorAnswer(429, "Too many requests"), rate);
  }
  auto post = ctx_.posts().Find(req.PathParam("id"));
  if (!post || post->deleted) return Finish(RecordNotFound(), rate);
  std::lock_guard lock(mu_);
  return Finish(JsonAnswer(200, StatusJson(*post, HostOf(req))), rate);
}

http::Response MastodonEmulator::DeleteStatus(const http::Request& req) {
  Auth auth = Authenticate(req);
  if (!auth.account) return auth.error;
  http::Headers rate;
  if (Limited(auth.token, "api", ctx_.ConfigInt("rate_limit", 300), std::chrono::minutes(5),
              rate) ||
      Limited(auth.token, "delete", ctx_.ConfigInt("delete_rate_limit", 30),
              std::chrono::minutes(30), rate)) {
    return Finish(ErrorAnswer(429, "Too many requests"), rate);
  }
  const std::string id(req.PathParam("id"));
  auto post = ctx_.posts().Find(id);
  if (!post || post->deleted || post->account != auth.account->id) {
    return Finish(RecordNotFound(), rate);
  }
  ctx_.posts().MarkDeleted(id);
  std::lock_guard lock(mu_);
  if (Account* a = FindAccountLocked(post->account); a != nullptr && a->statuses > 0) --a->statuses;
  Json body = StatusJson(*post, HostOf(req));
  body["text"] = post->text;
  return Finish(JsonAnswer(200, body), rate);
}

http::Response MastodonEmulator::Instance(const http::Request& req) {
  const std::string host = HostOf(req);
  return JsonAnswer(
      200, Json{{"domain", host},
                {"title", "Mastodon emulator"},
                {"version", "4.3.0"},
                {"configuration",
                 {{"urls", {{"streaming", "ws://" + host}}},
                  {"statuses",
                   {{"max_characters", ctx_.ConfigInt("max_characters", 500)},
                    {"max_media_attachments", ctx_.ConfigInt("max_media_attachments", 4)},
                    {"characters_reserved_per_url", 23}}},
                  {"media_attachments",
                   {{"supported_mime_types", Json::array({"image/jpeg", "image/png", "image/gif",
                                                          "image/webp", "video/mp4"})},
                    {"image_size_limit", ctx_.ConfigInt("image_size_limit", 16 * 1024 * 1024)},
                    {"image_matrix_limit", 33177600},
                    {"video_size_limit", 103809024},
                    {"video_matrix_limit", 8294400},
                    {"description_limit", 1500}}}}}});
}

http::Response MastodonEmulator::RateLimited(const http::Request&,
                                             std::chrono::seconds retry_after) {
  // rack-attack's throttled responder: the three headers, no Retry-After.
  http::Response r = ErrorAnswer(429, "Too many requests");
  r.headers.Set("X-RateLimit-Limit", std::to_string(ctx_.ConfigInt("rate_limit", 300)));
  r.headers.Set("X-RateLimit-Remaining", "0");
  r.headers.Set("X-RateLimit-Reset", base::FormatRfc3339(ctx_.Now() + retry_after));
  return r;
}

http::Response MastodonEmulator::ServerError(const http::Request&, int status) {
  if (status == 500) {
    return http::Response::With(
        500, "text/html; charset=utf-8",
        "<!DOCTYPE html><html><head><title>We're sorry, but something went wrong "
        "(500)</title></head><body><p>We're sorry, but something went wrong.</p></body></html>");
  }
  const std::string reason(http::StatusReason(status));
  return http::Response::With(status, "text/html",
                              "<html>\r\n<head><title>" + std::to_string(status) + " " + reason +
                                  "</title></head>\r\n<body>\r\n<center><h1>" +
                                  std::to_string(status) + " " + reason +
                                  "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n"
                                  "</html>\r\n");
}

http::Response MastodonEmulator::ExpireToken(const http::Request& req) {
  // Mastodon tokens do not expire; the closest failure is a revoked token.
  (void)tokens_.Revoke(BearerToken(req.Header("Authorization")));
  return Unauthorized("The access token was revoked");
}

base::Result<Json> MastodonEmulator::CreateToken(const Json& args) {
  const std::string username = base::GetString(args, "username", "alice");
  std::string account_id;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, a] : accounts_) {
      if (a.username == username) account_id = id;
    }
    if (account_id.empty()) {
      if (accounts_.size() >= 10'000) return base::ResourceExhausted("too many accounts");
      Account a{NextId(), username, base::GetString(args, "display_name", username), 0, 0, 0};
      account_id = a.id;
      accounts_[a.id] = a;
    }
  }
  auto token =
      tokens_.Issue(account_id, base::GetString(args, "token"), Json::object(), "mastodon-token");
  if (!token.ok()) return token.error();
  return Json{{"token", *token}, {"account_id", account_id}, {"username", username}};
}

base::Result<void> MastodonEmulator::RevokeToken(std::string_view token) {
  return tokens_.Revoke(token);
}

base::Result<void> MastodonEmulator::ExpireTokens(std::string_view token) {
  if (!token.empty()) return tokens_.Revoke(token);
  for (const TokenInfo& t : tokens_.List()) (void)tokens_.Revoke(t.token);
  return base::Ok();
}

http::Response MastodonEmulator::AccountStatuses(const http::Request& req) {
  Auth auth = Authenticate(req);
  if (!auth.account) return auth.error;
  http::Headers rate;
  if (Limited(auth.token, "api", ctx_.ConfigInt("rate_limit", 300), std::chrono::minutes(5),
              rate)) {
    return Finish(ErrorAnswer(429, "Too many requests"), rate);
  }
  const std::string account_id(req.PathParam("id"));
  int64_t limit = 20;
  if (auto l = req.Query("limit"))
    limit = std::clamp<int64_t>(std::atoll(std::string(*l).c_str()), 1, 40);
  const std::string max_id = req.Query("max_id") ? std::string(*req.Query("max_id")) : "";
  std::vector<CreatedPost> posts = AuthorPosts(ctx_.posts(), account_id);
  std::lock_guard lock(mu_);
  if (FindAccountLocked(account_id) == nullptr) return Finish(RecordNotFound(), rate);
  size_t start = 0;
  if (!max_id.empty()) {
    // Older than max_id: after it in newest-first order (ids are not time-ordered here, since
    // seeded statuses are made "in the past").
    start = posts.size();
    for (size_t i = 0; i < posts.size(); ++i) {
      if (posts[i].id == max_id) {
        start = i + 1;
        break;
      }
    }
  }
  Json page = Json::array();
  const std::string host = HostOf(req);
  for (size_t i = start; i < posts.size() && static_cast<int64_t>(page.size()) < limit; ++i) {
    page.push_back(StatusJson(posts[i], host));
  }
  return Finish(JsonAnswer(200, page), rate);
}

base::Result<Json> MastodonEmulator::SeedHistory(const Json& body) {
  HERALD_ASSIGN_OR_RETURN(std::vector<SeedPost> seeds, PlanHistorySeed(body, ctx_.Now()));
  const std::string wanted = base::GetString(body, "account", kSeedAccountId);
  Account account;
  {
    std::lock_guard lock(mu_);
    const Account* found = nullptr;
    for (const auto& [id, a] : accounts_) {
      if (id == wanted || a.username == wanted) found = &a;
    }
    if (found == nullptr) return base::NotFound("account: no account '" + wanted + "'");
    account = *found;
  }
  Json ids = Json::array();
  for (SeedPost& seed : seeds) {
    CreatedPost post;
    {
      std::lock_guard lock(mu_);
      post.id = NextId();
      if (Account* a = FindAccountLocked(account.id)) ++a->statuses;
    }
    post.account = account.id;
    post.text = std::move(seed.text);
    post.url = "http://mastodon.test/@" + account.username + "/" + post.id;
    post.created_at = seed.created_at;
    post.metrics = std::move(seed.metrics);
    HERALD_ASSIGN_OR_RETURN(CreatedPost added, ctx_.posts().Add(std::move(post)));
    ids.push_back(added.id);
  }
  return Json{{"created", ids.size()}, {"ids", std::move(ids)}};
}

base::Result<Json> MastodonEmulator::Control(std::string_view action, const Json& body) {
  if (action == "history") return SeedHistory(body);
  if (action != "accounts") return NetworkEmulator::Control(action, body);
  const std::string username = base::GetString(body, "username");
  if (username.empty()) return base::InvalidArgument("username is required");
  std::lock_guard lock(mu_);
  Account* account = nullptr;
  for (auto& [id, a] : accounts_) {
    if (a.username == username) account = &a;
  }
  if (account == nullptr) {
    Account a{NextId(), username, username, 0, 0, 0};
    account = &(accounts_[a.id] = a);
  }
  account->display_name = base::GetString(body, "display_name", account->display_name);
  account->followers = body.value("followers_count", account->followers);
  account->following = body.value("following_count", account->following);
  return AccountJson(*account, "mastodon.test");
}

Json MastodonEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json accounts = Json::array();
  for (const auto& [id, a] : accounts_) {
    Json tokens = Json::array();
    for (const TokenInfo& t : tokens_.List()) {
      if (t.account == id && !t.revoked) tokens.push_back(t.token);
    }
    accounts.push_back(Json{{"id", id}, {"username", a.username}, {"tokens", tokens}});
  }
  return Json{{"accounts", accounts}};
}

void RegisterMastodonEmulator(EmulatorRegistry& registry) {
  registry.Add("mastodon", "Mastodon REST API (statuses, media, verify_credentials)",
               [](EmulatorContext& ctx) { return std::make_unique<MastodonEmulator>(ctx); });
}

}  // namespace herald::emulators
