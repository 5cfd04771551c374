#include "tests/emulators/threads/threads_emulator.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/time.h"
#include "http/router.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/threads/threads_wire.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/oauth_grants.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {
namespace {

namespace form = platforms::http;

constexpr int64_t kIdBase = 18'050'000'000'000'000;
constexpr int64_t kContainerBase = 17'890'000'000'000'000;

http::Response JsonAnswer(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

// A Graph error object, as every Threads error comes.
http::Response GraphError(int status, int code, const std::string& message, int subcode = 0,
                          const std::string& user_message = {}) {
  Json e{{"message", message},
         {"type", code == 190 ? "OAuthException" : "THApiException"},
         {"code", code},
         {"fbtrace_id", "A" + base::Sha256Hex(message).substr(0, 10)}};
  if (subcode != 0) e["error_subcode"] = subcode;
  if (!user_message.empty()) {
    e["error_user_title"] = "Threads";
    e["error_user_msg"] = user_message;
  }
  if (code == 1 || code == 2) e["is_transient"] = true;
  return JsonAnswer(status, Json{{"error", e}});
}

http::Response InvalidToken() {
  return GraphError(400, 190, "Error validating access token: Session has expired or the token "
                              "is invalid.", 463);
}

http::Response NoSuchObject(const std::string& id, const std::string& verb = "get") {
  return GraphError(400, 100,
                    "Unsupported " + verb + " request. Object with ID '" + id +
                        "' does not exist, cannot be loaded due to missing permissions, or does "
                        "not support this operation.",
                    33);
}

http::Response BadParam(const std::string& message) {
  return GraphError(400, 100, "Invalid parameter", 0, message);
}

std::string Param(const form::FormFields& params, std::string_view name) {
  return form::FormValue(params, name);
}

// Query parameters and the form body together, as Graph reads them.
form::FormFields Params(const http::Request& req) {
  form::FormFields all(req.query_params.begin(), req.query_params.end());
  if (req.method == "POST" && !req.body.empty()) {
    for (auto& kv : form::ParseFormUrlEncoded(req.body)) all.push_back(std::move(kv));
  }
  return all;
}

bool HasScope(std::string_view scopes, std::string_view scope) {
  return ScopeListHas(scopes, ',', scope);
}

// Meta's timestamps: "2026-12-07T10:00:00+0000".
std::string GraphTime(base::Time t) {
  std::string s = base::FormatRfc3339(
      base::FromUnixMicros(base::ToUnixMicros(t) / 1'000'000 * 1'000'000));
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s + "+0000";
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(',', pos);
    if (end == std::string::npos) end = s.size();
    if (end > pos) out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

}  // namespace

ThreadsEmulator::ThreadsEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json ThreadsEmulator::DefaultConfig() const {
  return Json{{"redirect_uris", Json::array()},
              {"withhold_scope", ""},
              {"short_token_ttl", 3600},
              {"long_token_ttl", 5'184'000},
              {"refresh_min_age_seconds", 86'400},
              {"code_ttl_seconds", 3600},
              {"max_text", 500},
              {"container_polls", 2},
              {"container_ttl_seconds", 86'400},
              {"quota_total", 250},
              {"reply_quota_total", 1000},
              {"quota_duration", 86'400},
              {"call_limit", 4800},
              {"max_image_bytes", 8 * 1024 * 1024}};
}

void ThreadsEmulator::Reset() {
  std::lock_guard lock(mu_);
  users_.clear();
  tokens_.clear();
  codes_.clear();
  containers_.clear();
  fetched_media_.clear();
  deny_next_ = false;
  fail_next_containers_ = 0;
  fail_message_.clear();
  next_id_ = 1;
  publishes_ = publish_refusals_ = exchanges_ = refreshes_ = 0;
  users_[kSeedUserId] = User{kSeedUserId, kSeedUsername, "Herald Tester", 321};
  tokens_[kSeedToken] = Token{kSeedUserId, kAllScopes, true, ctx_.Now() - std::chrono::hours(48),
                              ctx_.Now() + std::chrono::seconds(5'184'000)};
}

void ThreadsEmulator::AddRoutes(ApiRoutes& routes) {
  auto add = [&](const char* method, const char* pattern,
                 http::Response (ThreadsEmulator::*fn)(const http::Request&)) {
    routes.Add(method, pattern, [this, fn](http::Request req) -> base::Task<http::Response> {
      co_return (this->*fn)(req);
    });
  };
  add("GET", "/oauth/authorize", &ThreadsEmulator::Authorize);
  add("POST", "/oauth/access_token", &ThreadsEmulator::CodeToken);
  add("GET", "/access_token", &ThreadsEmulator::Exchange);
  add("GET", "/refresh_access_token", &ThreadsEmulator::Renew);
  add("GET", "/v1.0/{id}", &ThreadsEmulator::Node);
  add("DELETE", "/v1.0/{id}", &ThreadsEmulator::DeleteNode);
  add("POST", "/v1.0/{id}/threads", &ThreadsEmulator::CreateContainer);
  add("GET", "/v1.0/{id}/threads", &ThreadsEmulator::ListPosts);
  add("GET", "/v1.0/{id}/replies", &ThreadsEmulator::ListPosts);
  add("POST", "/v1.0/{id}/threads_publish", &ThreadsEmulator::Publish);
  add("GET", "/v1.0/{id}/threads_publishing_limit", &ThreadsEmulator::PublishingLimit);
  add("GET", "/v1.0/{id}/insights", &ThreadsEmulator::Insights);
  add("GET", "/v1.0/{id}/threads_insights", &ThreadsEmulator::AccountInsights);
}

// ---- OAuth ----

http::Response ThreadsEmulator::Authorize(const http::Request& req) {
  const form::FormFields q = Params(req);
  const std::string redirect_uri = Param(q, "redirect_uri");
  const std::string state = Param(q, "state");
  if (Param(q, "client_id") != kClientId) {
    return http::Response::Text(400, "Invalid platform app (unknown client_id); not redirecting.");
  }
  bool redirect_ok =
      redirect_uri.rfind("http://", 0) == 0 || redirect_uri.rfind("https://", 0) == 0;
  const Json config = ctx_.config();
  if (const Json allowed = config.value("redirect_uris", Json::array());
      redirect_ok && allowed.is_array() && !allowed.empty()) {
    redirect_ok = std::any_of(allowed.begin(), allowed.end(),
                              [&](const Json& u) { return u == redirect_uri; });
  }
  if (!redirect_ok) {
    return http::Response::Text(400, "Invalid redirect_uri for this app; not redirecting.");
  }
  auto redirect = [&](form::FormFields fields) {
    if (!state.empty()) fields.insert(fields.begin(), {"state", state});
    http::Response r = http::Response::Empty(302);
    r.headers.Set("Location", form::AppendQuery(redirect_uri, fields));
    return r;
  };
  if (Param(q, "response_type") != "code") return redirect({{"error", "unsupported_response_type"}});
  const std::string withheld = base::GetString(config, "withhold_scope");
  std::string scope;
  for (const std::string& one : SplitComma(Param(q, "scope"))) {
    if (one != withheld) scope += (scope.empty() ? "" : ",") + one;
  }
  if (!HasScope(scope, "threads_basic")) {
    return redirect({{"error", "invalid_scope"},
                     {"error_description", "threads_basic is required"}});
  }
  std::lock_guard lock(mu_);
  if (deny_next_) {
    deny_next_ = false;
    return redirect({{"error", "access_denied"}, {"error_reason", "user_denied"}});
  }
  if (codes_.size() >= 10'000) codes_.clear();
  const std::string code = "thc-" + base::RandomToken();
  codes_[code] = Code{redirect_uri, scope,
                      ctx_.Now() + std::chrono::seconds(ctx_.ConfigInt("code_ttl_seconds", 3600)),
                      false};
  return redirect({{"code", code}});
}

Json ThreadsEmulator::IssueToken(const std::string& user, const std::string& scope,
                                 bool long_lived, int64_t ttl) {
  if (tokens_.size() >= 10'000) {
    for (auto it = tokens_.begin(); it != tokens_.end();) {
      it = it->second.expires_at <= ctx_.Now() ? tokens_.erase(it) : std::next(it);
    }
  }
  const std::string token = (long_lived ? "thl-" : "ths-") + base::RandomToken();
  tokens_[token] =
      Token{user, scope, long_lived, ctx_.Now(), ctx_.Now() + std::chrono::seconds(ttl)};
  Json answer{{"access_token", token}};
  if (long_lived) {
    answer["token_type"] = "bearer";
    answer["expires_in"] = ttl;
  } else {
    answer["user_id"] = std::stoll(user);
  }
  return answer;
}

http::Response ThreadsEmulator::CodeToken(const http::Request& req) {
  const form::FormFields f = Params(req);
  if (Param(f, "client_id") != kClientId || Param(f, "client_secret") != kClientSecret) {
    return GraphError(400, 101, "Error validating client secret.");
  }
  if (Param(f, "grant_type") != "authorization_code") {
    return GraphError(400, 100, "Unsupported grant_type");
  }
  std::lock_guard lock(mu_);
  auto it = codes_.find(Param(f, "code"));
  if (it == codes_.end() || it->second.used || ctx_.Now() >= it->second.expires_at) {
    return GraphError(400, 100, "Invalid verification code format.", 36007);
  }
  it->second.used = true;
  if (Param(f, "redirect_uri") != it->second.redirect_uri) {
    return GraphError(400, 100, "Error validating verification code. Please make sure your "
                                "redirect_uri is identical to the one you used in the OAuth "
                                "dialog request", 36008);
  }
  return JsonAnswer(200, IssueToken(kSeedUserId, it->second.scope, false,
                                    ctx_.ConfigInt("short_token_ttl", 3600)));
}

http::Response ThreadsEmulator::Exchange(const http::Request& req) {
  const form::FormFields q = Params(req);
  if (Param(q, "grant_type") != "th_exchange_token") {
    return GraphError(400, 100, "Unsupported grant_type");
  }
  if (Param(q, "client_secret") != kClientSecret) {
    return GraphError(400, 101, "Error validating client secret.");
  }
  std::lock_guard lock(mu_);
  auto it = tokens_.find(Param(q, "access_token"));
  if (it == tokens_.end() || it->second.long_lived || ctx_.Now() >= it->second.expires_at) {
    return InvalidToken();
  }
  ++exchanges_;
  const Token t = it->second;
  return JsonAnswer(200, IssueToken(t.user, t.scope, true,
                                    ctx_.ConfigInt("long_token_ttl", 5'184'000)));
}

http::Response ThreadsEmulator::Renew(const http::Request& req) {
  const form::FormFields q = Params(req);
  if (Param(q, "grant_type") != "th_refresh_token") {
    return GraphError(400, 100, "Unsupported grant_type");
  }
  std::lock_guard lock(mu_);
  auto it = tokens_.find(Param(q, "access_token"));
  if (it == tokens_.end() || !it->second.long_lived || ctx_.Now() >= it->second.expires_at) {
    return InvalidToken();
  }
  if (ctx_.Now() - it->second.issued_at <
      std::chrono::seconds(ctx_.ConfigInt("refresh_min_age_seconds", 86'400))) {
    return GraphError(400, 100, "The access token is too new to be refreshed; it must be at "
                                "least 24 hours old.");
  }
  ++refreshes_;
  const Token t = it->second;
  return JsonAnswer(200, IssueToken(t.user, t.scope, true,
                                    ctx_.ConfigInt("long_token_ttl", 5'184'000)));
}

// ---- API plumbing ----

ThreadsEmulator::Auth ThreadsEmulator::Authenticate(const http::Request& req,
                                                    std::string_view needed) {
  Auth auth;
  std::string token = BearerToken(req.Header("Authorization"));
  if (token.empty()) token = Param(Params(req), "access_token");
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  if (token.empty() || it == tokens_.end() || ctx_.Now() >= it->second.expires_at) {
    auth.error = InvalidToken();
    return auth;
  }
  if (!needed.empty() && !HasScope(it->second.scope, needed)) {
    auth.error = GraphError(403, 10,
                            "(#10) The user has not granted the " + std::string(needed) +
                                " permission.");
    return auth;
  }
  auto user = users_.find(it->second.user);
  if (user == users_.end()) {
    auth.error = InvalidToken();
    return auth;
  }
  RateStatus s = ctx_.rate_limiter().Consume("calls:" + user->first, 1,
                                             static_cast<int>(ctx_.ConfigInt("call_limit", 4800)),
                                             std::chrono::hours(1), ctx_.Now());
  if (s.exceeded) {
    auth.error = RateLimited(req, std::chrono::duration_cast<std::chrono::seconds>(
                                      s.reset_at - ctx_.Now()));
    return auth;
  }
  auth.user = user->second;
  auth.scope = it->second.scope;
  return auth;
}

http::Response ThreadsEmulator::RateLimited(const http::Request&,
                                            std::chrono::seconds retry_after) {
  http::Response r = GraphError(403, 4, "(#4) Application request limit reached");
  const int64_t minutes = std::max<int64_t>(1, (retry_after.count() + 59) / 60);
  r.headers.Set("X-Business-Use-Case-Usage",
                base::DumpJson(Json{{kSeedUserId, Json::array({Json{
                                                      {"type", "threads"},
                                                      {"call_count", 100},
                                                      {"total_cputime", 10},
                                                      {"total_time", 10},
                                                      {"estimated_time_to_regain_access",
                                                       minutes}}})}}));
  return r;
}

http::Response ThreadsEmulator::ServerError(const http::Request&, int status) {
  return GraphError(status, 2, "An unexpected error has occurred. Please retry your request "
                               "later.");
}

http::Response ThreadsEmulator::ExpireToken(const http::Request& req) {
  std::string token = BearerToken(req.Header("Authorization"));
  if (token.empty()) token = Param(Params(req), "access_token");
  std::lock_guard lock(mu_);
  if (auto it = tokens_.find(token); it != tokens_.end()) it->second.expires_at = ctx_.Now();
  return InvalidToken();
}

std::string ThreadsEmulator::StateOf(Container& c, bool poll) {
  if (!c.media_id.empty()) return "PUBLISHED";
  if (ctx_.Now() - c.created_at >=
      std::chrono::seconds(ctx_.ConfigInt("container_ttl_seconds", 86'400))) {
    return "EXPIRED";
  }
  if (c.polls_left > 0) {
    if (poll) --c.polls_left;
    return "IN_PROGRESS";
  }
  return c.error.empty() ? "FINISHED" : "ERROR";
}

std::string ThreadsEmulator::Fetch(const std::string& url, bool video, MediaRecord& record) {
  const std::string fail = "The media could not be fetched from this URI: " + url;
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return fail;
  const size_t slash = url.find('/', kScheme.size());
  const std::string base = url.substr(0, slash);
  const std::string target = slash == std::string::npos ? "/" : url.substr(slash);
  auto r = EmulatorClient(base, std::chrono::seconds(30)).Send("GET", target);
  if (!r.ok() || r->status != 200) return fail;
  const std::string& bytes = r->body;
  {
    std::lock_guard lock(mu_);
    if (fetched_media_.size() < 1000) fetched_media_.push_back(url);
  }
  record.size = static_cast<int64_t>(bytes.size());
  record.sha256 = base::Sha256Hex(bytes);
  record.id = url;
  if (video) {
    if (bytes.size() < 12 || bytes.substr(4, 4) != "ftyp") {
      return "Unsupported video format: the file is not an MP4 or MOV.";
    }
    record.mime_type = "video/mp4";
    return "";
  }
  if (bytes.starts_with("\xFF\xD8\xFF")) {
    record.mime_type = "image/jpeg";
  } else if (bytes.starts_with("\x89PNG")) {
    record.mime_type = "image/png";
  } else {
    return "Unsupported image format: only JPEG and PNG images are accepted.";
  }
  if (static_cast<int64_t>(bytes.size()) > ctx_.ConfigInt("max_image_bytes", 8 << 20)) {
    return "The image is larger than 8 MB.";
  }
  return "";
}

// ---- containers and posts ----

http::Response ThreadsEmulator::CreateContainer(const http::Request& req) {
  Auth auth = Authenticate(req, "threads_content_publish");
  if (!auth.user) return auth.error;
  const std::string user = auth.user->id;
  if (req.PathParam("id") != user && req.PathParam("id") != "me") {
    return NoSuchObject(std::string(req.PathParam("id")), "post");
  }
  const form::FormFields p = Params(req);
  const std::string type = Param(p, "media_type");
  const std::string text = Param(p, "text");
  const bool item = Param(p, "is_carousel_item") == "true";
  if (type != "TEXT" && type != "IMAGE" && type != "VIDEO" && type != "CAROUSEL") {
    return BadParam("Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}");
  }
  const int64_t max_text = ctx_.ConfigInt("max_text", 500);
  if (platforms::threads::ThreadsTextLength(text) > max_text) {
    return BadParam("text must be at most " + std::to_string(max_text) + " characters");
  }
  if (type == "TEXT" && text.empty()) return BadParam("Param text is required for TEXT posts");
  if (item && (type == "TEXT" || type == "CAROUSEL")) {
    return BadParam("Only IMAGE and VIDEO can be carousel items");
  }
  Container c;
  c.user = user;
  c.media_type = type;
  c.text = item ? "" : text;
  c.carousel_item = item;
  c.reply_to = Param(p, "reply_to_id");
  c.created_at = ctx_.Now();
  c.polls_left = ctx_.ConfigInt("container_polls", 2);
  if (!c.reply_to.empty()) {
    auto parent = ctx_.posts().Find(c.reply_to);
    if (!parent || parent->deleted) return BadParam("Invalid reply_to_id: " + c.reply_to);
  }
  if (type == "IMAGE" || type == "VIDEO") {
    const std::string url = Param(p, type == "IMAGE" ? "image_url" : "video_url");
    if (url.empty()) {
      return BadParam(std::string("Param ") + (type == "IMAGE" ? "image_url" : "video_url") +
                      " is required");
    }
    MediaRecord record;
    c.error = Fetch(url, type == "VIDEO", record);  // outside the lock: a real download
    c.media.push_back(std::move(record));
  }
  std::lock_guard lock(mu_);
  if (type == "CAROUSEL") {
    c.children = SplitComma(Param(p, "children"));
    if (c.children.size() < 2 || c.children.size() > 20) {
      return BadParam("A carousel needs 2 to 20 children; got " +
                      std::to_string(c.children.size()));
    }
    for (const std::string& id : c.children) {
      auto it = containers_.find(id);
      if (it == containers_.end() || it->second.user != user || !it->second.carousel_item ||
          StateOf(it->second, false) != "FINISHED") {
        return BadParam("Child " + id + " is not a finished carousel item of this user");
      }
      for (const MediaRecord& m : it->second.media) c.media.push_back(m);
    }
  }
  if (c.error.empty() && fail_next_containers_ > 0) {
    --fail_next_containers_;
    c.error = fail_message_.empty() ? "Media processing failed." : fail_message_;
  }
  if (containers_.size() >= 10'000) return GraphError(400, 4, "Too many containers");
  c.id = std::to_string(kContainerBase + next_id_++);
  containers_[c.id] = c;
  return JsonAnswer(200, Json{{"id", c.id}});
}

int64_t ThreadsEmulator::PublishedSince(const std::string& user, bool replies,
                                        base::Time since) const {
  return static_cast<int64_t>(ctx_.posts().CountLive([&](const CreatedPost& p) {
    return p.account == user && p.created_at >= since && (p.reply_to.empty() != replies);
  }));
}

http::Response ThreadsEmulator::Publish(const http::Request& req) {
  Auth auth = Authenticate(req, "threads_content_publish");
  if (!auth.user) return auth.error;
  const std::string user = auth.user->id;
  const std::string creation = Param(Params(req), "creation_id");
  std::lock_guard lock(mu_);
  auto it = containers_.find(creation);
  if (it == containers_.end() || it->second.user != user) {
    ++publish_refusals_;
    return NoSuchObject(creation);
  }
  Container& c = it->second;
  const std::string state = StateOf(c, false);
  if (state == "PUBLISHED") {
    ++publish_refusals_;
    return GraphError(400, 100, "The media has already been published", 4279009,
                      "This post was already published.");
  }
  if (state != "FINISHED" || c.carousel_item) {
    ++publish_refusals_;
    return GraphError(400, 100, "Media not ready for publishing, please wait", 4279009,
                      "The media is not ready to be published (" + state + ").");
  }
  const bool reply = !c.reply_to.empty();
  const base::Time now = ctx_.Now();
  const int64_t window = ctx_.ConfigInt("quota_duration", 86'400);
  const int64_t total = ctx_.ConfigInt(reply ? "reply_quota_total" : "quota_total",
                                       reply ? 1000 : 250);
  if (PublishedSince(user, reply, now - std::chrono::seconds(window)) >= total) {
    ++publish_refusals_;
    return GraphError(400, 9, "Application request limit reached", 2207042,
                      "You have reached the maximum number of posts that is allowed to be "
                      "published by API within 24 hours.");
  }
  CreatedPost post;
  post.id = std::to_string(kIdBase + next_id_++);
  post.account = user;
  post.text = c.text;
  post.media = c.media;
  post.reply_to = c.reply_to;
  post.created_at = now;
  const std::string shortcode = "DH" + base::Sha256Hex(post.id).substr(0, 9);
  post.url = "https://www.threads.net/@" + auth.user->username + "/post/" + shortcode;
  post.extra = Json{{"media_type", c.media_type}, {"container", c.id}, {"shortcode", shortcode}};
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) return GraphError(500, 2, added.error().message());
  c.media_id = post.id;
  ++publishes_;
  return JsonAnswer(200, Json{{"id", post.id}});
}

Json ThreadsEmulator::MediaJson(const CreatedPost& post) const {
  Json m{{"id", post.id},
         {"media_product_type", "THREADS"},
         {"media_type", post.extra.value("media_type", "TEXT")},
         {"permalink", post.url},
         {"shortcode", post.extra.value("shortcode", "")},
         {"timestamp", GraphTime(post.created_at)},
         {"is_reply", !post.reply_to.empty()}};
  if (!post.text.empty()) m["text"] = post.text;
  if (auto u = users_.find(post.account); u != users_.end()) m["username"] = u->second.username;
  if (!post.reply_to.empty()) m["replied_to"] = Json{{"id", post.reply_to}};
  return m;
}

http::Response ThreadsEmulator::Node(const http::Request& req) {
  Auth auth = Authenticate(req, "threads_basic");
  if (!auth.user) return auth.error;
  const std::string id(req.PathParam("id"));
  std::lock_guard lock(mu_);
  if (id == "me" || id == auth.user->id) {
    return JsonAnswer(200, Json{{"id", auth.user->id},
                                {"username", auth.user->username},
                                {"name", auth.user->name},
                                {"threads_profile_picture_url", ""},
                                {"threads_biography", ""}});
  }
  if (auto it = containers_.find(id); it != containers_.end() && it->second.user == auth.user->id) {
    const std::string state = StateOf(it->second, true);
    Json body{{"id", id}, {"status", state}};
    if (state == "ERROR") body["error_message"] = it->second.error;
    return JsonAnswer(200, body);
  }
  auto post = ctx_.posts().Find(id);
  if (!post || post->deleted || post->account != auth.user->id) return NoSuchObject(id);
  return JsonAnswer(200, MediaJson(*post));
}

http::Response ThreadsEmulator::DeleteNode(const http::Request& req) {
  Auth auth = Authenticate(req, "threads_delete");
  if (!auth.user) return auth.error;
  const std::string id(req.PathParam("id"));
  auto post = ctx_.posts().Find(id);
  if (!post || post->deleted || post->account != auth.user->id) return NoSuchObject(id, "delete");
  ctx_.posts().MarkDeleted(id);
  return JsonAnswer(200, Json{{"success", true}, {"deleted_id", id}});
}

http::Response ThreadsEmulator::ListPosts(const http::Request& req) {
  Auth auth = Authenticate(req, "threads_basic");
  if (!auth.user) return auth.error;
  const bool replies = req.route.ends_with("/replies");
  if (replies && !HasScope(auth.scope, "threads_read_replies")) {
    return GraphError(403, 10, "(#10) The user has not granted the threads_read_replies "
                               "permission.");
  }
  int64_t limit = 25;
  if (auto l = req.Query("limit")) {
    try {
      limit = std::clamp<int64_t>(std::stoll(std::string(*l)), 1, 100);
    } catch (...) {
      return BadParam("Param limit must be a number");
    }
  }
  std::vector<CreatedPost> all = ctx_.posts().List();
  Json data = Json::array();
  std::lock_guard lock(mu_);
  for (auto it = all.rbegin(); it != all.rend() && static_cast<int64_t>(data.size()) < limit;
       ++it) {
    if (it->deleted || it->account != auth.user->id || it->reply_to.empty() == replies) continue;
    data.push_back(MediaJson(*it));
  }
  return JsonAnswer(200, Json{{"data", data}, {"paging", {{"cursors", Json::object()}}}});
}

http::Response ThreadsEmulator::PublishingLimit(const http::Request& req) {
  Auth auth = Authenticate(req, "threads_basic");
  if (!auth.user) return auth.error;
  const int64_t window = ctx_.ConfigInt("quota_duration", 86'400);
  const base::Time since = ctx_.Now() - std::chrono::seconds(window);
  std::lock_guard lock(mu_);
  Json d{{"quota_usage", PublishedSince(auth.user->id, false, since)},
         {"config", {{"quota_total", ctx_.ConfigInt("quota_total", 250)},
                     {"quota_duration", window}}},
         {"reply_quota_usage", PublishedSince(auth.user->id, true, since)},
         {"reply_config", {{"quota_total", ctx_.ConfigInt("reply_quota_total", 1000)},
                           {"quota_duration", window}}}};
  return JsonAnswer(200, Json{{"data", Json::array({d})}});
}

http::Response ThreadsEmulator::Insights(const http::Request& req) {
  Auth auth = Authenticate(req, "threads_manage_insights");
  if (!auth.user) return auth.error;
  const std::string id(req.PathParam("id"));
  auto post = ctx_.posts().Find(id);
  if (!post || post->deleted || post->account != auth.user->id) return NoSuchObject(id);
  Json data = Json::array();
  for (const std::string& metric : SplitComma(std::string(req.Query("metric").value_or("")))) {
    static const char* kKnown[] = {"views", "likes", "replies", "reposts", "quotes", "shares"};
    if (std::find(std::begin(kKnown), std::end(kKnown), metric) == std::end(kKnown)) {
      return BadParam("metric[0] must be one of the following values: views, likes, replies, "
                      "reposts, quotes, shares");
    }
    data.push_back(Json{{"name", metric},
                        {"period", "lifetime"},
                        {"values", Json::array({Json{{"value", post->metrics.value(metric, 0)}}})},
                        {"title", metric},
                        {"id", id + "/insights/" + metric + "/lifetime"}});
  }
  return JsonAnswer(200, Json{{"data", data}});
}

http::Response ThreadsEmulator::AccountInsights(const http::Request& req) {
  Auth auth = Authenticate(req, "threads_manage_insights");
  if (!auth.user) return auth.error;
  Json data = Json::array();
  for (const std::string& metric : SplitComma(std::string(req.Query("metric").value_or("")))) {
    int64_t value = 0;
    if (metric == "followers_count") value = auth.user->followers;
    data.push_back(Json{{"name", metric},
                        {"period", "day"},
                        {"total_value", {{"value", value}}},
                        {"id", auth.user->id + "/insights/" + metric + "/day"}});
  }
  return JsonAnswer(200, Json{{"data", data}});
}

// ---- control plane ----

base::Result<Json> ThreadsEmulator::CreateToken(const Json& args) {
  std::lock_guard lock(mu_);
  const std::string user = base::GetString(args, "user_id", kSeedUserId);
  if (users_.find(user) == users_.end()) return base::NotFound("no user " + user);
  int64_t ttl = ctx_.ConfigInt("long_token_ttl", 5'184'000);
  if (args.contains("expires_in") && args["expires_in"].is_number_integer()) {
    ttl = args["expires_in"].get<int64_t>();
  }
  Json answer = IssueToken(user, base::GetString(args, "scope", kAllScopes), true, ttl);
  answer["account_id"] = user;
  return answer;
}

base::Result<void> ThreadsEmulator::RevokeToken(std::string_view token) {
  std::lock_guard lock(mu_);
  if (tokens_.erase(std::string(token)) == 0) return base::NotFound("unknown token");
  return base::Ok();
}

base::Result<void> ThreadsEmulator::ExpireTokens(std::string_view token) {
  std::lock_guard lock(mu_);
  return ExpireTokensIn(tokens_, token, ctx_.Now());
}

base::Result<Json> ThreadsEmulator::Control(std::string_view action, const Json& body) {
  std::lock_guard lock(mu_);
  if (action == "deny") {
    deny_next_ = true;
    return Json{{"deny_next", true}};
  }
  if (action == "fail_containers") {
    fail_next_containers_ = body.value("count", int64_t{1});
    fail_message_ = base::GetString(body, "message");
    return Json{{"fail_containers", fail_next_containers_}};
  }
  if (action == "users") {
    const std::string id = base::GetString(body, "id", kSeedUserId);
    if (users_.size() >= 10'000 && users_.find(id) == users_.end()) {
      return base::ResourceExhausted("too many users");
    }
    User& u = users_[id];
    u.id = id;
    u.username = base::GetString(body, "username", u.username.empty() ? "user" + id : u.username);
    u.name = base::GetString(body, "name", u.name.empty() ? u.username : u.name);
    u.followers = body.value("followers_count", u.followers);
    return Json{{"id", u.id}, {"username", u.username}};
  }
  return NetworkEmulator::Control(action, body);
}

Json ThreadsEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json users = Json::array();
  for (const auto& [id, u] : users_) users.push_back(Json{{"id", id}, {"username", u.username}});
  return Json{{"client_id", kClientId},
              {"client_secret", kClientSecret},
              {"users", users},
              {"containers", containers_.size()},
              {"publishes", publishes_},
              {"publish_refusals", publish_refusals_},
              {"fetched_media", fetched_media_},
              {"exchanges", exchanges_},
              {"refreshes", refreshes_}};
}

void RegisterThreadsEmulator(EmulatorRegistry& registry) {
  registry.Add("threads",
               "Threads API v1.0 + OAuth (containers fetched from URLs and polled, publishing "
               "limits, long-lived tokens)",
               [](EmulatorContext& ctx) { return std::make_unique<ThreadsEmulator>(ctx); });
}

}  // namespace herald::emulators
