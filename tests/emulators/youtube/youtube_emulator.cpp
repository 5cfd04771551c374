#include "tests/emulators/youtube/youtube_emulator.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "base/crypto.h"
#include "base/time.h"
#include "http/router.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/text/utf8.h"
#include "platforms/youtube/youtube_wire.h"
#include "tests/emulators/common/oauth_grants.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {
namespace {

namespace form = platforms::http;

constexpr int64_t kQuantum = 256 * 1024;
constexpr const char* kScopePrefix = "https://www.googleapis.com/auth/";

http::Response JsonAnswer(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

// Google's API error body.
http::Response GoogleError(int status, const std::string& message, const std::string& reason,
                           const std::string& domain, const std::string& status_name) {
  return JsonAnswer(
      status,
      Json{{"error",
            {{"code", status},
             {"message", message},
             {"errors", Json::array({Json{{"message", message}, {"domain", domain},
                                          {"reason", reason}}})},
             {"status", status_name}}}});
}

http::Response Unauthorized() {
  return GoogleError(401,
                     "Request had invalid authentication credentials. Expected OAuth 2 access "
                     "token, login cookie or other valid authentication credential. See "
                     "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                     "authError", "global", "UNAUTHENTICATED");
}

http::Response BadRequest(const std::string& message, const std::string& reason = "badRequest",
                          const std::string& domain = "global") {
  return GoogleError(400, message, reason, domain, "INVALID_ARGUMENT");
}

http::Response OAuthError(int status, const std::string& error, const std::string& description) {
  http::Response r =
      JsonAnswer(status, Json{{"error", error}, {"error_description", description}});
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

http::Response InvalidGrant() {
  return OAuthError(400, "invalid_grant", "Token has been expired or revoked.");
}

bool HasScope(std::string_view scopes, std::string_view scope) {
  return ScopeListHas(scopes, ' ', scope);
}

bool KnownScope(std::string_view scope) {
  static const char* kKnown[] = {"youtube", "youtube.upload", "youtube.readonly",
                                 "youtube.force-ssl", "youtubepartner",
                                 "yt-analytics.readonly"};
  for (const char* k : kKnown) {
    if (scope == std::string(kScopePrefix) + k) return true;
  }
  return scope == "openid" || scope == "email" || scope == "profile";
}

std::string QueryOr(const http::Request& req, std::string_view name, std::string fallback = {}) {
  auto v = req.Query(name);
  return v ? std::string(*v) : fallback;
}

std::string HostOf(const http::Request& req) {
  std::string host(req.Header("Host"));
  return host.empty() ? "127.0.0.1" : host;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// "bytes a-b/N" -> {a, b, N}; "bytes */N" -> {-1, -1, N}.
struct ContentRange {
  int64_t first = -1;
  int64_t last = -1;
  int64_t total = -1;
};
std::optional<ContentRange> ParseContentRange(std::string_view v) {
  const std::string_view prefix = "bytes ";
  if (v.substr(0, prefix.size()) != prefix) return std::nullopt;
  v.remove_prefix(prefix.size());
  const size_t slash = v.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ContentRange r;
  auto total = ParseInt(v.substr(slash + 1));
  if (!total) return std::nullopt;
  r.total = *total;
  const std::string_view range = v.substr(0, slash);
  if (range == "*") return r;
  const size_t dash = range.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = ParseInt(range.substr(0, dash));
  auto last = ParseInt(range.substr(dash + 1));
  if (!first || !last || *last < *first) return std::nullopt;
  r.first = *first;
  r.last = *last;
  return r;
}

}  // namespace

YouTubeEmulator::YouTubeEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json YouTubeEmulator::DefaultConfig() const {
  return Json{{"redirect_uris", Json::array()},
              {"access_token_ttl", 3599},
              {"code_ttl_seconds", 600},
              {"daily_quota", 10000},
              {"upload_cost", 1600},
              {"list_cost", 1},
              {"delete_cost", 50},
              {"daily_upload_limit", 0},
              {"session_ttl_seconds", 7 * 86400}};
}

void YouTubeEmulator::Reset() {
  std::lock_guard lock(mu_);
  oauth_.Clear();
  sessions_.clear();
  deny_next_ = false;
  partial_next_chunk_ = -1;
  drop_completion_ = false;
  quota_day_.clear();
  quota_used_ = 0;
  uploads_today_ = 0;
  next_id_ = 1;
  refreshes_ = 0;
  subscribers_ = 1500;
  views_ = 42000;
  hidden_subscribers_ = false;
  (void)oauth_.AddGrant({kChannelId, kAllScopes}, "g0");
  oauth_.IssueAccess("g0", std::chrono::seconds(3599), ctx_.Now(), "", kSeedToken);
  oauth_.IssueRefresh("g0", "", kSeedRefreshToken);
}

void YouTubeEmulator::AddRoutes(ApiRoutes& routes) {
  auto add = [&](const char* method, const char* pattern,
                 http::Response (YouTubeEmulator::*fn)(const http::Request&),
                 size_t body_limit = 0) {
    routes.Add(
        method, pattern,
        [this, fn](http::Request req) -> base::Task<http::Response> { co_return (this->*fn)(req); },
        body_limit);
  };
  add("GET", "/o/oauth2/v2/auth", &YouTubeEmulator::Authorize);
  add("POST", "/token", &YouTubeEmulator::Token);
  add("POST", "/revoke", &YouTubeEmulator::Revoke);
  add("GET", "/youtube/v3/channels", &YouTubeEmulator::Channels);
  add("POST", "/upload/youtube/v3/videos", &YouTubeEmulator::StartUpload);
  add("PUT", "/upload/youtube/v3/videos", &YouTubeEmulator::PutUpload, 256u << 20);
  add("GET", "/youtube/v3/videos", &YouTubeEmulator::ListVideos);
  add("DELETE", "/youtube/v3/videos", &YouTubeEmulator::DeleteVideo);
  add("GET", "/youtube/v3/playlistItems", &YouTubeEmulator::PlaylistItems);
}

// ---- OAuth ----

http::Response YouTubeEmulator::Authorize(const http::Request& req) {
  const std::string redirect_uri = QueryOr(req, "redirect_uri");
  const std::string state = QueryOr(req, "state");
  if (QueryOr(req, "client_id") != kClientId) {
    return http::Response::Text(401, "Access blocked: Authorization Error. The OAuth client was "
                                     "not found. Error 401: invalid_client");
  }
  if (!RedirectUriAllowed(ctx_.config(), redirect_uri)) {
    return http::Response::Text(400, "Access blocked: This app's request is invalid. Error 400: "
                                     "redirect_uri_mismatch");
  }
  auto redirect = [&](form::FormFields fields) {
    if (!state.empty()) fields.emplace_back("state", state);
    http::Response r = http::Response::Empty(302);
    r.headers.Set("Location", form::AppendQuery(redirect_uri, fields));
    return r;
  };
  if (QueryOr(req, "response_type") != "code") {
    return redirect({{"error", "unsupported_response_type"}});
  }
  const std::string asked = QueryOr(req, "scope");
  std::string scope;
  for (size_t pos = 0; pos < asked.size();) {
    size_t end = asked.find_first_of(" +", pos);
    if (end == std::string::npos) end = asked.size();
    std::string one = asked.substr(pos, end - pos);
    if (!one.empty()) {
      if (!KnownScope(one)) return redirect({{"error", "invalid_scope"}});
      scope += (scope.empty() ? "" : " ") + one;
    }
    pos = end + 1;
  }
  if (scope.empty()) return redirect({{"error", "invalid_request"}});
  std::lock_guard lock(mu_);
  if (deny_next_) {
    deny_next_ = false;
    return redirect({{"error", "access_denied"}});
  }
  const std::string code = oauth_.AddCode(
      {kChannelId, scope, redirect_uri, QueryOr(req, "code_challenge"),
       QueryOr(req, "code_challenge_method", "plain"), QueryOr(req, "access_type") == "offline",
       ctx_.Now() + std::chrono::seconds(ctx_.ConfigInt("code_ttl_seconds", 600))},
      "4/yt-code-");
  return redirect({{"code", code}, {"scope", scope}});
}

Json YouTubeEmulator::TokenAnswer(const std::string& grant_id, bool with_refresh) {
  const int64_t ttl = ctx_.ConfigInt("access_token_ttl", 3599);
  const OAuthGrants::Grant* grant = oauth_.FindGrant(grant_id);
  Json body{{"access_token",
             oauth_.IssueAccess(grant_id, std::chrono::seconds(ttl), ctx_.Now(), "ya29.yt-at-")},
            {"expires_in", ttl},
            {"scope", grant == nullptr ? "" : grant->scope},
            {"token_type", "Bearer"}};
  if (with_refresh) body["refresh_token"] = oauth_.IssueRefresh(grant_id, "1//yt-rt-");
  return body;
}

http::Response YouTubeEmulator::Token(const http::Request& req) {
  const form::FormFields f = form::ParseFormUrlEncoded(req.body);
  std::string client_id = form::FormValue(f, "client_id");
  std::string client_secret = form::FormValue(f, "client_secret");
  const std::string header(req.Header("Authorization"));
  if (header.rfind("Basic ", 0) == 0) {
    auto decoded = base::Base64Decode(header.substr(6));
    if (decoded.ok()) {
      const size_t colon = decoded->find(':');
      client_id = decoded->substr(0, colon);
      client_secret = colon == std::string::npos ? "" : decoded->substr(colon + 1);
    }
  }
  if (client_id != kClientId || client_secret != kClientSecret) {
    return OAuthError(401, "invalid_client", "The OAuth client was not found.");
  }
  const std::string grant_type = form::FormValue(f, "grant_type");
  std::lock_guard lock(mu_);
  if (grant_type == "authorization_code") {
    auto code = oauth_.TakeCode(form::FormValue(f, "code"), ctx_.Now());
    if (!code) return OAuthError(400, "invalid_grant", "Malformed auth code.");
    if (form::FormValue(f, "redirect_uri") != code->redirect_uri) {
      return OAuthError(400, "redirect_uri_mismatch", "Bad Request");
    }
    if (!OAuthGrants::VerifierMatches(*code, form::FormValue(f, "code_verifier"))) {
      return OAuthError(400, "invalid_grant", "Invalid code verifier.");
    }
    auto grant = oauth_.AddGrant({code->user, code->scope});
    if (!grant.ok()) return OAuthError(500, "server_error", grant.error().message());
    return JsonAnswer(200, TokenAnswer(*grant, code->offline));
  }
  if (grant_type == "refresh_token") {
    auto grant = oauth_.RefreshGrant(form::FormValue(f, "refresh_token"));
    if (!grant) return InvalidGrant();
    ++refreshes_;
    // Google's refresh tokens do not rotate: the answer has none.
    return JsonAnswer(200, TokenAnswer(*grant, false));
  }
  return OAuthError(400, "unsupported_grant_type", "Invalid grant_type: " + grant_type);
}

http::Response YouTubeEmulator::Revoke(const http::Request& req) {
  std::string token = QueryOr(req, "token");
  if (token.empty()) token = form::FormValue(form::ParseFormUrlEncoded(req.body), "token");
  std::lock_guard lock(mu_);
  if (oauth_.RevokeByToken(token).ok()) return JsonAnswer(200, Json::object());
  return OAuthError(400, "invalid_token", "Token expired or revoked");
}

// ---- API plumbing ----

YouTubeEmulator::Auth YouTubeEmulator::Authenticate(const http::Request& req,
                                                    std::string_view needed) {
  Auth auth;
  const std::string token = BearerToken(req.Header("Authorization"));
  std::lock_guard lock(mu_);
  const auto grant = oauth_.AccessGrant(token, ctx_.Now());
  if (!grant) {
    auth.error = Unauthorized();
    return auth;
  }
  // `needed`: alternatives separated by '|', each a scope suffix.
  const std::string scope = oauth_.FindGrant(*grant)->scope;
  bool allowed = needed.empty();
  for (size_t pos = 0; !allowed && pos <= needed.size();) {
    size_t end = needed.find('|', pos);
    if (end == std::string_view::npos) end = needed.size();
    allowed = HasScope(scope, std::string(kScopePrefix) + std::string(needed.substr(pos, end - pos)));
    pos = end + 1;
  }
  if (!allowed) {
    auth.error = GoogleError(403, "Request had insufficient authentication scopes.",
                             "insufficientPermissions", "global", "PERMISSION_DENIED");
    return auth;
  }
  auth.ok = true;
  return auth;
}

std::string YouTubeEmulator::PacificDay() const {
  return base::FormatRfc3339(platforms::youtube::NextQuotaReset(ctx_.Now()));
}

std::optional<http::Response> YouTubeEmulator::Charge(int64_t units) {
  const std::string day = PacificDay();
  if (day != quota_day_) {
    quota_day_ = day;
    quota_used_ = 0;
    uploads_today_ = 0;
  }
  if (quota_used_ + units > ctx_.ConfigInt("daily_quota", 10000)) {
    return GoogleError(403,
                       "The request cannot be completed because you have exceeded your <a "
                       "href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                       "quotaExceeded", "youtube.quota", "PERMISSION_DENIED");
  }
  quota_used_ += units;
  return std::nullopt;
}

std::optional<http::Response> YouTubeEmulator::Admit(const http::Request& req,
                                                     std::string_view scope,
                                                     std::string_view cost_key,
                                                     int64_t fallback) {
  Auth auth = Authenticate(req, scope);
  if (!auth.ok) return auth.error;
  std::lock_guard lock(mu_);
  return Charge(ctx_.ConfigInt(cost_key, fallback));
}

http::Response YouTubeEmulator::RateLimited(const http::Request&, std::chrono::seconds) {
  // Google sends no Retry-After on the Data API.
  return GoogleError(429, "The request cannot be completed because you have exceeded the rate "
                          "limit.",
                     "rateLimitExceeded", "youtube.quota", "RESOURCE_EXHAUSTED");
}

http::Response YouTubeEmulator::ServerError(const http::Request&, int status) {
  return GoogleError(status, "Backend Error", "backendError", "global",
                     status == 503 ? "UNAVAILABLE" : "INTERNAL");
}

http::Response YouTubeEmulator::ExpireToken(const http::Request& req) {
  const std::string token = BearerToken(req.Header("Authorization"));
  std::lock_guard lock(mu_);
  (void)oauth_.ExpireAccess(token.empty() ? "-" : token, ctx_.Now());
  return Unauthorized();
}

// ---- channel ----

http::Response YouTubeEmulator::Channels(const http::Request& req) {
  if (auto refused = Admit(req, "youtube.readonly|youtube|youtube.force-ssl", "list_cost", 1)) {
    return *refused;
  }
  if (QueryOr(req, "mine") != "true") {
    return BadRequest("No filter selected. Expected one of: mine, id, forHandle.",
                      "missingRequiredParameter");
  }
  const int64_t videos = static_cast<int64_t>(ctx_.posts().LiveCount());
  std::lock_guard lock(mu_);
  Json channel{{"kind", "youtube#channel"},
               {"etag", "etag-channel"},
               {"id", kChannelId},
               {"snippet",
                {{"title", "Herald Tester"},
                 {"description", "Videos published by herald's tests."},
                 {"customUrl", "@heraldtester"},
                 {"publishedAt", "2020-01-01T00:00:00Z"}}},
               {"contentDetails", {{"relatedPlaylists", {{"likes", ""}, {"uploads", kUploadsPlaylist}}}}},
               {"statistics",
                {{"viewCount", std::to_string(views_)},
                 {"subscriberCount", std::to_string(hidden_subscribers_ ? 0 : subscribers_)},
                 {"hiddenSubscriberCount", hidden_subscribers_},
                 {"videoCount", std::to_string(videos)}}}};
  return JsonAnswer(200, Json{{"kind", "youtube#channelListResponse"},
                              {"etag", "etag-list"},
                              {"pageInfo", {{"totalResults", 1}, {"resultsPerPage", 5}}},
                              {"items", Json::array({channel})}});
}

// ---- resumable upload ----

http::Response YouTubeEmulator::StartUpload(const http::Request& req) {
  Auth auth = Authenticate(req, "youtube.upload|youtube|youtube.force-ssl");
  if (!auth.ok) return auth.error;
  if (QueryOr(req, "uploadType") != "resumable") {
    return BadRequest("Media upload type must be resumable for this emulator.", "invalid");
  }
  const auto total = ParseInt(req.Header("X-Upload-Content-Length"));
  if (!total || *total <= 0) {
    return BadRequest("X-Upload-Content-Length is required for a resumable upload.",
                      "uploadLengthRequired");
  }
  const std::string type(req.Header("X-Upload-Content-Type"));
  if (!type.empty() && type.rfind("video/", 0) != 0 && type != "application/octet-stream") {
    return BadRequest("Media type '" + type + "' is not supported.", "mediaBodyRequired",
                      "youtube.video");
  }
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object()) {
    return BadRequest("The request metadata is invalid JSON.", "parseError");
  }
  const Json snippet = body->value("snippet", Json::object());
  const Json status = body->value("status", Json::object());
  const std::string title = base::GetString(snippet, "title");
  const std::string description = base::GetString(snippet, "description");
  if (title.empty() || !platforms::text::IsValidUtf8(title) ||
      platforms::text::CountCodePoints(title) > 100 ||
      title.find_first_of("<>") != std::string::npos) {
    return BadRequest("The request metadata specifies an invalid or empty video title.",
                      "invalidTitle", "youtube.video");
  }
  if (description.size() > 5000 || description.find_first_of("<>") != std::string::npos) {
    return BadRequest("The request metadata specifies an invalid video description.",
                      "invalidDescription", "youtube.video");
  }
  const std::string privacy = base::GetString(status, "privacyStatus", "public");
  if (privacy != "public" && privacy != "unlisted" && privacy != "private") {
    return BadRequest("The request metadata specifies an invalid privacy status.",
                      "invalidVideoMetadata", "youtube.video");
  }
  if (const std::string at = base::GetString(status, "publishAt"); !at.empty()) {
    if (privacy != "private" || !base::ParseRfc3339(at).ok()) {
      return BadRequest("The request metadata specifies an invalid scheduled publishing time.",
                        "invalidPublishAt", "youtube.video");
    }
  }
  std::lock_guard lock(mu_);
  if (auto refused = Charge(ctx_.ConfigInt("upload_cost", 1600))) return *refused;
  if (const int64_t cap = ctx_.ConfigInt("daily_upload_limit", 0);
      cap > 0 && uploads_today_ >= cap) {
    return BadRequest("The user has exceeded the number of videos they may upload.",
                      "uploadLimitExceeded", "youtube.video");
  }
  if (sessions_.size() >= 1'000) {
    // Bounded: drop the oldest finished or expired sessions first.
    for (auto it = sessions_.begin(); it != sessions_.end() && sessions_.size() >= 1'000;) {
      it = it->second.video_id.empty() && !it->second.expired ? std::next(it) : sessions_.erase(it);
    }
    if (sessions_.size() >= 1'000) return ServerError(req, 503);
  }
  ++uploads_today_;
  Session s;
  s.id = "yt-upload-" + base::RandomToken();
  s.metadata = *body;
  s.content_type = type.empty() ? "video/*" : type;
  s.total = *total;
  s.created_at = ctx_.Now();
  const std::string id = s.id;
  sessions_[id] = std::move(s);
  http::Response r = http::Response::Empty(200);
  r.headers.Set("Location", "http://" + HostOf(req) +
                                "/upload/youtube/v3/videos?uploadType=resumable&upload_id=" + id +
                                "&part=snippet,status");
  r.headers.Set("X-GUploader-UploadID", id);
  return r;
}

http::Response YouTubeEmulator::Incomplete(const Session& s) const {
  http::Response r = http::Response::Empty(308);
  if (!s.bytes.empty()) {
    r.headers.Set("Range", "bytes=0-" + std::to_string(s.bytes.size() - 1));
  }
  return r;
}

Json YouTubeEmulator::VideoJson(const CreatedPost& post) const {
  Json v = post.extra;
  const Json& m = post.metrics;
  v["statistics"] = Json{{"viewCount", std::to_string(m.value("views", 0))},
                         {"likeCount", std::to_string(m.value("likes", 0))},
                         {"favoriteCount", "0"},
                         {"commentCount", std::to_string(m.value("comments", 0))}};
  v["status"]["uploadStatus"] = "processed";
  v["processingDetails"] = Json{{"processingStatus", "succeeded"}};
  return v;
}

http::Response YouTubeEmulator::Complete(Session& s) {
  if (!s.video_id.empty()) {
    auto post = ctx_.posts().Find(s.video_id);
    if (post) {
      Json v = post->extra;
      return JsonAnswer(200, v);
    }
  }
  // The whole file is here: it must be the video herald meant to send.
  if (static_cast<int64_t>(s.bytes.size()) != s.total || s.bytes.size() < 12 ||
      s.bytes.compare(4, 4, "ftyp") != 0) {
    return BadRequest("The uploaded file is not a video YouTube can read (no MP4 ftyp box).",
                      "invalidFile", "youtube.video");
  }
  const Json snippet = s.metadata.value("snippet", Json::object());
  Json status = s.metadata.value("status", Json::object());
  char id[16];
  std::snprintf(id, sizeof id, "yt%09lld", static_cast<long long>(next_id_++));
  const base::Time now = ctx_.Now();
  Json resource{{"kind", "youtube#video"},
                {"etag", "etag-" + std::string(id)},
                {"id", id},
                {"snippet",
                 {{"publishedAt", base::FormatRfc3339(now)},
                  {"channelId", kChannelId},
                  {"title", base::GetString(snippet, "title")},
                  {"description", base::GetString(snippet, "description")},
                  {"channelTitle", "Herald Tester"},
                  {"categoryId", base::GetString(snippet, "categoryId", "22")}}},
                {"status",
                 {{"uploadStatus", "uploaded"},
                  {"privacyStatus", base::GetString(status, "privacyStatus", "public")},
                  {"selfDeclaredMadeForKids", status.value("selfDeclaredMadeForKids", false)},
                  {"madeForKids", status.value("selfDeclaredMadeForKids", false)}}}};
  if (auto t = snippet.find("tags"); t != snippet.end()) resource["snippet"]["tags"] = *t;
  if (const std::string at = base::GetString(status, "publishAt"); !at.empty()) {
    resource["status"]["publishAt"] = at;
  }
  CreatedPost post;
  post.id = id;
  post.account = kChannelId;
  post.text = base::GetString(snippet, "title");
  post.media = {MediaRecord{id, s.content_type, "", s.total, base::Sha256Hex(s.bytes)}};
  post.idempotency_key = s.id;
  post.url = std::string("https://www.youtube.com/watch?v=") + id;
  post.created_at = now;
  post.extra = resource;
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) return GoogleError(500, added.error().message(), "backendError", "global", "INTERNAL");
  s.video_id = id;
  s.bytes.clear();
  s.bytes.shrink_to_fit();
  return JsonAnswer(200, resource);
}

http::Response YouTubeEmulator::PutUpload(const http::Request& req) {
  const std::string id = QueryOr(req, "upload_id");
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    return GoogleError(404, "Not Found", "notFound", "global", "NOT_FOUND");
  }
  Session& s = it->second;
  const auto ttl = std::chrono::seconds(ctx_.ConfigInt("session_ttl_seconds", 7 * 86400));
  if (s.expired || ctx_.Now() >= s.created_at + ttl) {
    s.expired = true;
    return GoogleError(410, "The upload session has expired; start a new one.", "gone",
                       "global", "NOT_FOUND");
  }
  if (!s.video_id.empty()) return Complete(s);
  const std::string header(req.Header("Content-Range"));
  ContentRange range;
  if (header.empty()) {
    // One request with the whole file.
    range = {0, static_cast<int64_t>(req.body.size()) - 1, static_cast<int64_t>(req.body.size())};
  } else if (auto parsed = ParseContentRange(header)) {
    range = *parsed;
  } else {
    return BadRequest("Failed to parse Content-Range header.");
  }
  if (range.total != s.total) {
    return BadRequest("The Content-Range total (" + std::to_string(range.total) +
                      ") does not match X-Upload-Content-Length (" + std::to_string(s.total) +
                      ").");
  }
  const int64_t held = static_cast<int64_t>(s.bytes.size());
  if (range.first < 0) {
    // A status query.
    if (!req.body.empty()) return BadRequest("A status query has no body.");
    return held == s.total ? Complete(s) : Incomplete(s);
  }
  const int64_t length = range.last - range.first + 1;
  if (length != static_cast<int64_t>(req.body.size())) {
    return BadRequest("The Content-Range (" + std::to_string(length) +
                      " bytes) does not match the request body (" +
                      std::to_string(req.body.size()) + " bytes).");
  }
  if (range.last >= s.total) return BadRequest("The Content-Range reaches past the file's end.");
  if (range.first > held) {
    return BadRequest("The chunk starts at byte " + std::to_string(range.first) +
                      " but the session holds " + std::to_string(held) +
                      " bytes; ask for the upload status first.");
  }
  const bool last = range.last + 1 == s.total;
  if (!last && length % kQuantum != 0) {
    return BadRequest("Invalid request. The number of bytes uploaded is required to be equal or "
                      "greater than 262144, except for the final request (it's recommended to be "
                      "the exact multiple of 262144). The received request contained " +
                      std::to_string(length) + " bytes, which does not meet this requirement.");
  }
  // Bytes before what the session holds were received already.
  std::string_view fresh(req.body);
  fresh.remove_prefix(static_cast<size_t>(held - range.first));
  if (partial_next_chunk_ >= 0) {
    const size_t keep = std::min<size_t>(static_cast<size_t>(partial_next_chunk_), fresh.size());
    partial_next_chunk_ = -1;
    s.bytes.append(fresh.substr(0, keep));
    return http::Response::Drop();
  }
  s.bytes.append(fresh);
  if (static_cast<int64_t>(s.bytes.size()) < s.total) return Incomplete(s);
  http::Response done = Complete(s);
  if (drop_completion_ && !s.video_id.empty()) {
    drop_completion_ = false;
    return http::Response::Drop();
  }
  return done;
}

// ---- videos ----

http::Response YouTubeEmulator::ListVideos(const http::Request& req) {
  if (auto refused = Admit(req, "youtube.readonly|youtube|youtube.force-ssl|youtube.upload",
                           "list_cost", 1)) {
    return *refused;
  }
  const std::string ids = QueryOr(req, "id");
  if (ids.empty()) {
    return BadRequest("No filter selected. Expected one of: id, myRating, chart.",
                      "missingRequiredParameter");
  }
  Json items = Json::array();
  for (size_t pos = 0; pos < ids.size();) {
    size_t end = ids.find(',', pos);
    if (end == std::string::npos) end = ids.size();
    auto post = ctx_.posts().Find(ids.substr(pos, end - pos));
    if (post && !post->deleted) items.push_back(VideoJson(*post));
    pos = end + 1;
  }
  return JsonAnswer(200, Json{{"kind", "youtube#videoListResponse"},
                              {"etag", "etag-videos"},
                              {"items", items},
                              {"pageInfo", {{"totalResults", items.size()},
                                            {"resultsPerPage", items.size()}}}});
}

http::Response YouTubeEmulator::DeleteVideo(const http::Request& req) {
  if (auto refused = Admit(req, "youtube|youtube.force-ssl", "delete_cost", 50)) return *refused;
  const std::string id = QueryOr(req, "id");
  auto post = ctx_.posts().Find(id);
  if (id.empty() || !post || post->deleted) {
    return GoogleError(404,
                       "The video identified by the <code><a href=\"/youtube/v3/docs/videos/"
                       "delete#id\">id</a></code> parameter cannot be found.",
                       "videoNotFound", "youtube.video", "NOT_FOUND");
  }
  ctx_.posts().MarkDeleted(id);
  return http::Response::Empty(204);
}

http::Response YouTubeEmulator::PlaylistItems(const http::Request& req) {
  if (auto refused = Admit(req, "youtube.readonly|youtube|youtube.force-ssl", "list_cost", 1)) {
    return *refused;
  }
  if (QueryOr(req, "playlistId") != kUploadsPlaylist) {
    return GoogleError(404,
                       "The playlist identified with the request's <code>playlistId</code> "
                       "parameter cannot be found.",
                       "playlistNotFound", "youtube.playlistItem", "NOT_FOUND");
  }
  auto max = ParseInt(QueryOr(req, "maxResults", "5"));
  if (!max || *max > 50) {
    return BadRequest("Invalid value for maxResults: 0 to 50.", "invalidParameter");
  }
  int64_t start = 0;
  if (const std::string token = QueryOr(req, "pageToken"); !token.empty()) {
    auto n = token.rfind("page-", 0) == 0 ? ParseInt(token.substr(5)) : std::nullopt;
    if (!n) return BadRequest("The request specifies an invalid page token.", "invalidPageToken");
    start = *n;
  }
  std::vector<CreatedPost> all = ctx_.posts().List();
  std::vector<const CreatedPost*> live;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!it->deleted) live.push_back(&*it);
  }
  Json items = Json::array();
  for (int64_t i = start; i < static_cast<int64_t>(live.size()) && i < start + *max; ++i) {
    const CreatedPost& p = *live[static_cast<size_t>(i)];
    const std::string at = base::FormatRfc3339(p.created_at);
    items.push_back(Json{
        {"kind", "youtube#playlistItem"},
        {"id", "pli-" + p.id},
        {"snippet",
         {{"publishedAt", at},
          {"channelId", kChannelId},
          {"title", p.text},
          {"playlistId", kUploadsPlaylist},
          {"position", i},
          {"resourceId", {{"kind", "youtube#video"}, {"videoId", p.id}}}}},
        {"contentDetails", {{"videoId", p.id}, {"videoPublishedAt", at}}}});
  }
  Json answer{{"kind", "youtube#playlistItemListResponse"},
              {"etag", "etag-playlist"},
              {"items", items},
              {"pageInfo", {{"totalResults", live.size()}, {"resultsPerPage", *max}}}};
  if (start + *max < static_cast<int64_t>(live.size())) {
    answer["nextPageToken"] = "page-" + std::to_string(start + *max);
  }
  return JsonAnswer(200, answer);
}

// ---- control plane ----

base::Result<Json> YouTubeEmulator::CreateToken(const Json& args) {
  std::lock_guard lock(mu_);
  HERALD_ASSIGN_OR_RETURN(std::string grant,
                          oauth_.AddGrant({kChannelId, base::GetString(args, "scope", kAllScopes)}));
  Json answer = TokenAnswer(grant, true);
  if (args.contains("expires_in") && args["expires_in"].is_number_integer()) {
    const int64_t ttl = args["expires_in"].get<int64_t>();
    oauth_.SetAccessExpiry(answer["access_token"].get<std::string>(),
                           ctx_.Now() + std::chrono::seconds(ttl));
    answer["expires_in"] = ttl;
  }
  answer["account_id"] = kChannelId;
  return answer;
}

base::Result<void> YouTubeEmulator::RevokeToken(std::string_view token) {
  std::lock_guard lock(mu_);
  return oauth_.RevokeByToken(token);
}

base::Result<void> YouTubeEmulator::ExpireTokens(std::string_view token) {
  std::lock_guard lock(mu_);
  return oauth_.ExpireAccess(token, ctx_.Now());
}

base::Result<Json> YouTubeEmulator::Control(std::string_view action, const Json& body) {
  std::lock_guard lock(mu_);
  if (action == "deny") {
    deny_next_ = true;
    return Json{{"deny_next", true}};
  }
  if (action == "partial_next_chunk") {
    const int64_t bytes = body.value("bytes", int64_t{-1});
    if (bytes < 0) return base::InvalidArgument("bytes must be an integer >= 0");
    partial_next_chunk_ = bytes;
    return Json{{"partial_next_chunk", bytes}};
  }
  if (action == "drop_completion") {
    drop_completion_ = true;
    return Json{{"drop_completion", true}};
  }
  if (action == "expire_sessions") {
    int n = 0;
    for (auto& [id, s] : sessions_) {
      if (s.video_id.empty() && !s.expired) {
        s.expired = true;
        ++n;
      }
    }
    return Json{{"expired", n}};
  }
  if (action == "quota") {
    Charge(0);
    if (auto used = body.find("used"); used != body.end() && used->is_number_integer()) {
      quota_used_ = used->get<int64_t>();
    }
    return Json{{"used", quota_used_}, {"day", quota_day_}};
  }
  if (action == "channel") {
    subscribers_ = body.value("subscribers", subscribers_);
    views_ = body.value("views", views_);
    hidden_subscribers_ = body.value("hidden_subscribers", hidden_subscribers_);
    return Json{{"subscribers", subscribers_}, {"views", views_}};
  }
  return NetworkEmulator::Control(action, body);
}

Json YouTubeEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json sessions = Json::array();
  for (const auto& [id, s] : sessions_) {
    sessions.push_back(Json{{"id", id},
                            {"total", s.total},
                            {"received", s.video_id.empty() ? s.bytes.size() : s.total},
                            {"video_id", s.video_id},
                            {"expired", s.expired}});
  }
  return Json{{"client_id", kClientId},
              {"client_secret", kClientSecret},
              {"channel_id", kChannelId},
              {"quota",
               {{"used", quota_used_},
                {"limit", ctx_.ConfigInt("daily_quota", 10000)},
                {"resets_at", quota_day_}}},
              {"sessions", sessions},
              {"refreshes", refreshes_},
              {"grants", oauth_.grant_count()}};
}

void RegisterYouTubeEmulator(EmulatorRegistry& registry) {
  registry.Add("youtube",
               "YouTube Data API v3 + Google OAuth (resumable uploads, daily quota, "
               "non-rotating refresh tokens)",
               [](EmulatorContext& ctx) { return std::make_unique<YouTubeEmulator>(ctx); });
}

}  // namespace herald::emulators
