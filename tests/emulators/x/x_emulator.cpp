#include "tests/emulators/x/x_emulator.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/time.h"
#include "http/router.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/text/entities.h"
#include "platforms/text/utf8.h"
#include "platforms/text/weighted_length.h"
#include "tests/emulators/common/multipart.h"
#include "tests/emulators/common/oauth_grants.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {
namespace {

namespace form = platforms::http;

constexpr int64_t kIdBase = 1'860'000'000'000'000'000;
constexpr auto kWindow = std::chrono::minutes(15);

int64_t EpochSeconds(base::Time t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

http::Response JsonAnswer(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

// X's problem details.
http::Response Problem(int status, const std::string& title, const std::string& detail,
                       const std::string& type = "about:blank") {
  return JsonAnswer(status,
                    Json{{"title", title}, {"detail", detail}, {"type", type}, {"status", status}});
}

http::Response Unauthorized() { return Problem(401, "Unauthorized", "Unauthorized"); }
http::Response Forbidden(const std::string& detail) { return Problem(403, "Forbidden", detail); }

http::Response InvalidRequest(const std::string& message) {
  return JsonAnswer(400, Json{{"errors", Json::array({Json{{"parameters", Json::object()},
                                                           {"message", message}}})},
                              {"title", "Invalid Request"},
                              {"detail", "One or more parameters to your request was invalid."},
                              {"type", "https://api.x.com/2/problems/invalid-request"}});
}

http::Response NotFoundProblem(const std::string& detail) {
  return Problem(404, "Not Found Error", detail,
                 "https://api.x.com/2/problems/resource-not-found");
}

http::Response OAuthError(int status, const std::string& error, const std::string& description) {
  http::Response r =
      JsonAnswer(status, Json{{"error", error}, {"error_description", description}});
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

http::Response InvalidToken() {
  return OAuthError(400, "invalid_request", "Value passed for the token was invalid.");
}

// "https://t.co/" + 10 characters derived from `url`.
std::string TcoLink(std::string_view url) {
  return "https://t.co/" + base::Sha256Hex(url).substr(0, 10);
}

// `text` with &, < and > escaped, as X returns tweet text.
std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

// The text as X answers with it: &, < and > escaped, every URL a t.co link, and the t.co link
// of the attached media at the end.
std::string DisplayText(std::string_view text, bool media) {
  std::string out;
  size_t pos = 0;
  for (const platforms::text::TextSpan& url : platforms::text::FindUrls(text)) {
    out += Escape(text.substr(pos, url.begin - pos));
    out += TcoLink(url.In(text));
    pos = url.end;
  }
  out += Escape(text.substr(pos));
  if (media) out += (out.empty() ? "" : " ") + TcoLink(text);
  return out;
}

bool HasScope(std::string_view scopes, std::string_view scope) {
  return ScopeListHas(scopes, ' ', scope);
}

bool IsVideoCategory(std::string_view category) {
  return category == "tweet_video" || category == "tweet_gif" || category == "amplify_video";
}

std::string IdString(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return "";
}

std::string QueryOr(const http::Request& req, std::string_view name, std::string fallback = {}) {
  auto v = req.Query(name);
  return v ? std::string(*v) : fallback;
}

}  // namespace

XEmulator::XEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json XEmulator::DefaultConfig() const {
  return Json{{"redirect_uris", Json::array()},
              {"withhold_scope", ""},
              {"access_token_ttl", 7200},
              {"code_ttl_seconds", 30},
              {"max_weighted_length", 280},
              {"duplicate_window_seconds", 86400},
              {"tweet_rate_limit", 100},
              {"delete_rate_limit", 50},
              {"me_rate_limit", 75},
              {"read_rate_limit", 900},
              {"media_rate_limit", 1875},
              {"user_daily_post_limit", 2400},
              {"media_processing_checks", 2},
              {"media_check_after_secs", 1},
              {"fail_media_processing", 0}};
}

void XEmulator::Reset() {
  std::lock_guard lock(mu_);
  users_.clear();
  grants_.clear();
  access_.clear();
  refresh_.clear();
  codes_.clear();
  media_.clear();
  deny_next_ = false;
  next_id_ = 1;
  refresh_token_reuses_ = 0;
  refreshes_ = 0;
  users_[kSeedUserId] = User{kSeedUserId, kSeedUsername, "Herald Tester", 1200, 80, 3, 0};
  grants_["g0"] = Grant{kSeedUserId, kAllScopes, false};
  access_[kSeedToken] = Access{"g0", ctx_.Now() + std::chrono::seconds(7200)};
  refresh_[kSeedRefreshToken] = Refresh{"g0", false};
}

std::string XEmulator::NextId() { return std::to_string(kIdBase + next_id_++); }

int XEmulator::refresh_token_reuses() const {
  std::lock_guard lock(mu_);
  return refresh_token_reuses_;
}

int XEmulator::refreshes() const {
  std::lock_guard lock(mu_);
  return refreshes_;
}

void XEmulator::AddRoutes(ApiRoutes& routes) {
  auto add = [&](const char* method, const char* pattern,
                 http::Response (XEmulator::*fn)(const http::Request&), size_t body_limit = 0) {
    routes.Add(
        method, pattern,
        [this, fn](http::Request req) -> base::Task<http::Response> { co_return (this->*fn)(req); },
        body_limit);
  };
  add("GET", "/i/oauth2/authorize", &XEmulator::Authorize);
  add("POST", "/2/oauth2/token", &XEmulator::Token);
  add("POST", "/2/oauth2/revoke", &XEmulator::Revoke);
  add("GET", "/2/users/me", &XEmulator::Me);
  add("POST", "/2/tweets", &XEmulator::CreateTweet);
  add("DELETE", "/2/tweets/{id}", &XEmulator::DeleteTweet);
  add("GET", "/2/tweets", &XEmulator::LookupTweets);
  add("GET", "/2/users/{id}/tweets", &XEmulator::UserTweets);
  add("POST", "/2/media/upload/initialize", &XEmulator::MediaInitialize);
  add("POST", "/2/media/upload/{id}/append", &XEmulator::MediaAppend, 64u << 20);
  add("POST", "/2/media/upload/{id}/finalize", &XEmulator::MediaFinalize);
  add("GET", "/2/media/upload", &XEmulator::MediaStatus);
  add("POST", "/2/media/metadata", &XEmulator::MediaMetadata);
}

// ---- OAuth ----

http::Response XEmulator::Authorize(const http::Request& req) {
  const std::string client_id = QueryOr(req, "client_id");
  const std::string redirect_uri = QueryOr(req, "redirect_uri");
  const std::string state = QueryOr(req, "state");
  if (client_id != kClientId) {
    return http::Response::Text(400, "Something went wrong. You weren't able to give access to "
                                     "the App (unknown client_id); not redirecting.");
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
    return http::Response::Text(400, "Something went wrong. The redirect_uri is not registered "
                                     "for this App; not redirecting.");
  }
  auto redirect = [&](form::FormFields fields) {
    if (!state.empty()) fields.insert(fields.begin(), {"state", state});
    http::Response r = http::Response::Empty(302);
    r.headers.Set("Location", form::AppendQuery(redirect_uri, fields));
    return r;
  };
  if (QueryOr(req, "response_type") != "code") {
    return redirect({{"error", "unsupported_response_type"}});
  }
  const std::string challenge = QueryOr(req, "code_challenge");
  const std::string method = QueryOr(req, "code_challenge_method", "plain");
  if (challenge.empty() || (method != "S256" && method != "plain")) {
    return redirect({{"error", "invalid_request"},
                     {"error_description", "code_challenge and code_challenge_method are required"}});
  }
  std::string scope;
  const std::string withheld = base::GetString(config, "withhold_scope");
  const std::string asked = QueryOr(req, "scope");
  for (size_t pos = 0; pos < asked.size();) {
    size_t end = asked.find_first_of(" +", pos);
    if (end == std::string::npos) end = asked.size();
    std::string one = asked.substr(pos, end - pos);
    if (!one.empty() && one != withheld) scope += (scope.empty() ? "" : " ") + one;
    pos = end + 1;
  }
  if (scope.empty()) return redirect({{"error", "invalid_scope"}});
  std::lock_guard lock(mu_);
  if (deny_next_) {
    deny_next_ = false;
    return redirect({{"error", "access_denied"}});
  }
  const std::string code = "xc-" + base::RandomToken();
  codes_[code] = Code{redirect_uri, challenge, method, scope,
                      ctx_.Now() + std::chrono::seconds(ctx_.ConfigInt("code_ttl_seconds", 30)),
                      false};
  return redirect({{"code", code}});
}

Json XEmulator::TokenAnswer(const std::string& grant_id) {
  const std::string at = "x-at-" + base::RandomToken();
  const int64_t ttl = ctx_.ConfigInt("access_token_ttl", 7200);
  access_[at] = Access{grant_id, ctx_.Now() + std::chrono::seconds(ttl)};
  const Grant& g = grants_[grant_id];
  Json body{{"token_type", "bearer"}, {"expires_in", ttl}, {"access_token", at},
            {"scope", g.scope}};
  if (HasScope(g.scope, "offline.access")) {
    const std::string rt = "x-rt-" + base::RandomToken();
    refresh_[rt] = Refresh{grant_id, false};
    body["refresh_token"] = rt;
  }
  return body;
}

void XEmulator::RevokeGrant(const std::string& grant_id) {
  if (auto it = grants_.find(grant_id); it != grants_.end()) it->second.revoked = true;
}

http::Response XEmulator::Token(const http::Request& req) {
  const form::FormFields f = form::ParseFormUrlEncoded(req.body);
  const std::string header(req.Header("Authorization"));
  if (header.rfind("Basic ", 0) != 0) {
    // herald's app is confidential: X insists on Basic authentication.
    return OAuthError(401, "unauthorized_client", "Missing valid authorization header");
  }
  auto decoded = base::Base64Decode(header.substr(6));
  const std::string expected = std::string(kClientId) + ":" + kClientSecret;
  if (!decoded.ok() || *decoded != expected) {
    return OAuthError(401, "unauthorized_client", "Missing valid authorization header");
  }
  const std::string grant_type = form::FormValue(f, "grant_type");
  std::lock_guard lock(mu_);
  if (grant_type == "authorization_code") {
    auto it = codes_.find(form::FormValue(f, "code"));
    if (it == codes_.end() || it->second.used || ctx_.Now() >= it->second.expires_at) {
      return OAuthError(400, "invalid_request",
                        "Value passed for the authorization code was invalid.");
    }
    Code& code = it->second;
    code.used = true;
    if (form::FormValue(f, "redirect_uri") != code.redirect_uri) {
      return OAuthError(400, "invalid_request", "Value passed for the redirect uri was invalid.");
    }
    const std::string verifier = form::FormValue(f, "code_verifier");
    const std::string computed =
        code.method == "S256" ? base::Base64UrlEncode(base::Sha256(verifier)) : verifier;
    if (verifier.empty() || computed != code.challenge) {
      return OAuthError(400, "invalid_request", "Value passed for the code verifier was invalid.");
    }
    const std::string grant_id = "g" + std::to_string(grants_.size() + 1);
    grants_[grant_id] = Grant{kSeedUserId, code.scope, false};
    return JsonAnswer(200, TokenAnswer(grant_id));
  }
  if (grant_type == "refresh_token") {
    auto it = refresh_.find(form::FormValue(f, "refresh_token"));
    if (it == refresh_.end()) return InvalidToken();
    if (it->second.used) {
      // A rotated refresh token presented again: X revokes the whole grant.
      ++refresh_token_reuses_;
      RevokeGrant(it->second.grant);
      return InvalidToken();
    }
    it->second.used = true;
    if (grants_[it->second.grant].revoked) return InvalidToken();
    ++refreshes_;
    return JsonAnswer(200, TokenAnswer(it->second.grant));
  }
  return OAuthError(400, "unsupported_grant_type", "grant_type is not supported");
}

http::Response XEmulator::Revoke(const http::Request& req) {
  const form::FormFields f = form::ParseFormUrlEncoded(req.body);
  const std::string token = form::FormValue(f, "token");
  std::lock_guard lock(mu_);
  if (auto it = refresh_.find(token); it != refresh_.end()) RevokeGrant(it->second.grant);
  if (auto it = access_.find(token); it != access_.end()) access_.erase(it);
  return JsonAnswer(200, Json{{"revoked", true}});
}

// ---- API plumbing ----

XEmulator::Auth XEmulator::Authenticate(const http::Request& req, std::string_view needed) {
  Auth auth;
  const std::string token = BearerToken(req.Header("Authorization"));
  std::lock_guard lock(mu_);
  auto it = access_.find(token);
  if (token.empty() || it == access_.end() || ctx_.Now() >= it->second.expires_at) {
    auth.error = Unauthorized();
    return auth;
  }
  const Grant& grant = grants_[it->second.grant];
  if (grant.revoked) {
    auth.error = Unauthorized();
    return auth;
  }
  if (!needed.empty() && !HasScope(grant.scope, needed)) {
    auth.error = Forbidden("Forbidden");
    return auth;
  }
  auto user = users_.find(grant.user);
  if (user == users_.end()) {
    auth.error = Unauthorized();
    return auth;
  }
  auth.user = user->second;
  auth.scope = grant.scope;
  return auth;
}

bool XEmulator::Limited(const std::string& user, const std::string& bucket, int64_t limit,
                        http::Headers& headers) {
  RateStatus s = ctx_.rate_limiter().Consume(bucket + ":" + user, 1, static_cast<int>(limit),
                                             std::chrono::duration_cast<std::chrono::seconds>(kWindow),
                                             ctx_.Now());
  headers.Set("x-rate-limit-limit", std::to_string(s.limit));
  headers.Set("x-rate-limit-remaining", std::to_string(s.remaining));
  headers.Set("x-rate-limit-reset", std::to_string(EpochSeconds(s.reset_at)));
  return s.exceeded;
}

std::optional<http::Response> XEmulator::Admit(const http::Request& req, std::string_view scope,
                                               const std::string& bucket,
                                               std::string_view limit_key, int64_t fallback,
                                               Auth& auth, http::Headers& rate) {
  auth = Authenticate(req, scope);
  if (!auth.user) return auth.error;
  if (Limited(auth.user->id, bucket, ctx_.ConfigInt(limit_key, fallback), rate)) {
    return Finish(Problem(429, "Too Many Requests", "Too Many Requests"), rate);
  }
  return std::nullopt;
}

http::Response XEmulator::Finish(http::Response response, const http::Headers& headers) {
  headers.ForEach([&](std::string_view k, std::string_view v) { response.headers.Set(k, v); });
  return response;
}

http::Response XEmulator::RateLimited(const http::Request&, std::chrono::seconds retry_after) {
  http::Response r = Problem(429, "Too Many Requests", "Too Many Requests");
  r.headers.Set("x-rate-limit-limit", std::to_string(ctx_.ConfigInt("tweet_rate_limit", 100)));
  r.headers.Set("x-rate-limit-remaining", "0");
  r.headers.Set("x-rate-limit-reset", std::to_string(EpochSeconds(ctx_.Now() + retry_after)));
  return r;
}

http::Response XEmulator::ServerError(const http::Request&, int status) {
  return Problem(status, std::string(http::StatusReason(status)),
                 std::string(http::StatusReason(status)));
}

http::Response XEmulator::ExpireToken(const http::Request& req) {
  const std::string token = BearerToken(req.Header("Authorization"));
  std::lock_guard lock(mu_);
  if (auto it = access_.find(token); it != access_.end()) it->second.expires_at = ctx_.Now();
  return Unauthorized();
}

// ---- users and tweets ----

http::Response XEmulator::Me(const http::Request& req) {
  Auth auth;
  http::Headers rate;
  if (auto refused = Admit(req, "users.read", "me", "me_rate_limit", 75, auth, rate)) return *refused;
  const User& u = *auth.user;
  Json data{{"id", u.id}, {"name", u.name}, {"username", u.username}};
  if (QueryOr(req, "user.fields").find("public_metrics") != std::string::npos) {
    data["public_metrics"] = Json{{"followers_count", u.followers},
                                  {"following_count", u.following},
                                  {"tweet_count", u.tweets},
                                  {"listed_count", u.listed},
                                  {"like_count", 0}};
  }
  return Finish(JsonAnswer(200, Json{{"data", data}}), rate);
}

http::Response XEmulator::CreateTweet(const http::Request& req) {
  Auth auth = Authenticate(req, "tweet.write");
  if (!auth.user) return auth.error;
  const std::string user = auth.user->id;
  http::Headers rate;
  bool limited = Limited(user, "tweets", ctx_.ConfigInt("tweet_rate_limit", 100), rate);
  RateStatus daily = ctx_.rate_limiter().Consume(
      "daily:" + user, limited ? 0 : 1,
      static_cast<int>(ctx_.ConfigInt("user_daily_post_limit", 2400)), std::chrono::hours(24),
      ctx_.Now());
  rate.Set("x-user-limit-24hour-limit", std::to_string(daily.limit));
  rate.Set("x-user-limit-24hour-remaining", std::to_string(daily.remaining));
  rate.Set("x-user-limit-24hour-reset", std::to_string(EpochSeconds(daily.reset_at)));
  if (limited || daily.exceeded) {
    return Finish(Problem(429, "Too Many Requests", "Too Many Requests"), rate);
  }
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object()) {
    return Finish(InvalidRequest("Request body is not valid JSON"), rate);
  }
  const std::string text = base::GetString(*body, "text");
  std::vector<std::string> media_ids;
  if (auto m = body->find("media"); m != body->end() && m->is_object()) {
    if (auto ids = m->find("media_ids"); ids != m->end() && ids->is_array()) {
      for (const Json& id : *ids) media_ids.push_back(IdString(id));
    }
  }
  std::string reply_to;
  if (auto r = body->find("reply"); r != body->end() && r->is_object()) {
    reply_to = IdString(r->value("in_reply_to_tweet_id", Json()));
  }
  if (text.empty() && media_ids.empty()) {
    return Finish(InvalidRequest("$.text: is missing but it is required"), rate);
  }
  if (!platforms::text::IsValidUtf8(text)) {
    return Finish(InvalidRequest("$.text: is not valid UTF-8"), rate);
  }
  if (platforms::text::CountXWeightedLength(text) > ctx_.ConfigInt("max_weighted_length", 280)) {
    return Finish(Forbidden("Your Tweet text is too long. For more information on how Twitter "
                            "determines text length see https://github.com/twitter/twitter-text."),
                  rate);
  }
  if (media_ids.size() > 4) {
    return Finish(InvalidRequest("$.media.media_ids: expected maximum item count: 4, found: " +
                                 std::to_string(media_ids.size())),
                  rate);
  }
  if (!reply_to.empty()) {
    auto parent = ctx_.posts().Find(reply_to);
    if (!parent || parent->deleted) {
      return Finish(Forbidden("You attempted to reply to a Tweet that is deleted or not visible "
                              "to you."),
                    rate);
    }
  }
  const base::Time now = ctx_.Now();
  const auto window = std::chrono::seconds(ctx_.ConfigInt("duplicate_window_seconds", 86400));
  if (!text.empty() && ctx_.posts().CountLive([&](const CreatedPost& p) {
        return p.account == user && p.text == text && p.created_at + window > now;
      }) > 0) {
    return Finish(Forbidden("You are not allowed to create a Tweet with duplicate content."),
                  rate);
  }
  std::lock_guard lock(mu_);
  std::vector<MediaRecord> records;
  size_t videos = 0;
  for (const std::string& id : media_ids) {
    auto it = media_.find(id);
    if (it == media_.end() || it->second.user != user || !it->second.finalized ||
        !it->second.processed || it->second.failed) {
      return Finish(InvalidRequest("Your media IDs are invalid."), rate);
    }
    videos += IsVideoCategory(it->second.category);
    records.push_back(MediaRecord{it->second.id, it->second.media_type, it->second.alt_text,
                                  it->second.total_bytes, it->second.sha256});
  }
  if (videos > 0 && media_ids.size() > 1) {
    return Finish(InvalidRequest("Your media IDs are invalid."), rate);
  }
  CreatedPost post;
  post.id = NextId();
  post.account = user;
  post.text = text;
  post.media = std::move(records);
  post.reply_to = reply_to;
  post.created_at = now;
  post.url = "https://x.com/" + auth.user->username + "/status/" + post.id;
  post.extra = Json{{"display_text", DisplayText(text, !media_ids.empty())}};
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) return Finish(Problem(500, "Internal Server Error", added.error().message()), rate);
  ++users_[user].tweets;
  return Finish(JsonAnswer(201, Json{{"data",
                                      {{"id", post.id},
                                       {"text", post.extra["display_text"]},
                                       {"edit_history_tweet_ids", Json::array({post.id})}}}}),
                rate);
}

http::Response XEmulator::DeleteTweet(const http::Request& req) {
  Auth auth;
  http::Headers rate;
  if (auto refused = Admit(req, "tweet.write", "delete", "delete_rate_limit", 50, auth, rate)) return *refused;
  const std::string id(req.PathParam("id"));
  auto post = ctx_.posts().Find(id);
  if (!post || post->deleted) {
    return Finish(NotFoundProblem("Could not find tweet with id: [" + id + "]."), rate);
  }
  if (post->account != auth.user->id) {
    return Finish(Forbidden("You are not allowed to delete this Tweet."), rate);
  }
  ctx_.posts().MarkDeleted(id);
  std::lock_guard lock(mu_);
  if (users_[post->account].tweets > 0) --users_[post->account].tweets;
  return Finish(JsonAnswer(200, Json{{"data", {{"deleted", true}}}}), rate);
}

Json XEmulator::TweetJson(const CreatedPost& post, bool created_at, bool references,
                          bool metrics) const {
  Json t{{"id", post.id},
         {"text", post.extra.value("display_text", post.text)},
         {"edit_history_tweet_ids", Json::array({post.id})}};
  if (created_at) t["created_at"] = base::FormatRfc3339(post.created_at);
  if (references && !post.reply_to.empty()) {
    t["referenced_tweets"] = Json::array({Json{{"type", "replied_to"}, {"id", post.reply_to}}});
  }
  if (metrics) {
    const Json& m = post.metrics;
    const auto live_replies = static_cast<int64_t>(
        ctx_.posts().CountLive([&](const CreatedPost& p) { return p.reply_to == post.id; }));
    t["public_metrics"] = Json{{"retweet_count", m.value("reposts", 0)},
                               {"reply_count", m.value("replies", live_replies)},
                               {"like_count", m.value("likes", 0)},
                               {"quote_count", m.value("quotes", 0)},
                               {"bookmark_count", m.value("bookmarks", 0)},
                               {"impression_count", m.value("views", 0)}};
  }
  return t;
}

http::Response XEmulator::UserTweets(const http::Request& req) {
  Auth auth;
  http::Headers rate;
  if (auto refused = Admit(req, "tweet.read", "timeline", "read_rate_limit", 900, auth, rate)) return *refused;
  const std::string id(req.PathParam("id"));
  {
    std::lock_guard lock(mu_);
    if (users_.find(id) == users_.end()) {
      return Finish(NotFoundProblem("Could not find user with id: [" + id + "]."), rate);
    }
  }
  int64_t max = 10;
  if (auto v = req.Query("max_results")) {
    try {
      max = std::stoll(std::string(*v));
    } catch (...) {
      max = -1;
    }
  }
  if (max < 5 || max > 100) {
    return Finish(InvalidRequest("The `max_results` query parameter value [" +
                                 QueryOr(req, "max_results") + "] is not between 5 and 100"),
                  rate);
  }
  const std::string fields = QueryOr(req, "tweet.fields");
  const bool created = fields.find("created_at") != std::string::npos;
  const bool refs = fields.find("referenced_tweets") != std::string::npos;
  // A page starts after the tweet its pagination_token names (the last of the page before).
  const std::string after = QueryOr(req, "pagination_token");
  std::vector<CreatedPost> all = ctx_.posts().List();
  Json data = Json::array();
  bool started = after.empty();
  bool more = false;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->deleted || it->account != id) continue;
    if (!started) {
      started = "p" + it->id == after;
      continue;
    }
    if (static_cast<int64_t>(data.size()) == max) {
      more = true;
      break;
    }
    data.push_back(TweetJson(*it, created, refs, false));
  }
  if (!started) {
    return Finish(InvalidRequest("The `pagination_token` query parameter value [" + after +
                                 "] is not valid"),
                  rate);
  }
  if (data.empty()) return Finish(JsonAnswer(200, Json{{"meta", {{"result_count", 0}}}}), rate);
  Json meta{{"result_count", data.size()},
            {"newest_id", data.front()["id"]},
            {"oldest_id", data.back()["id"]}};
  if (more) meta["next_token"] = "p" + data.back()["id"].get<std::string>();
  return Finish(JsonAnswer(200, Json{{"data", data}, {"meta", meta}}), rate);
}

http::Response XEmulator::LookupTweets(const http::Request& req) {
  Auth auth;
  http::Headers rate;
  if (auto refused = Admit(req, "tweet.read", "lookup", "read_rate_limit", 900, auth, rate)) return *refused;
  const std::string ids = QueryOr(req, "ids");
  if (ids.empty()) return Finish(InvalidRequest("The `ids` query parameter can not be empty"), rate);
  const bool metrics = QueryOr(req, "tweet.fields").find("public_metrics") != std::string::npos;
  Json data = Json::array();
  Json errors = Json::array();
  size_t pos = 0;
  while (pos < ids.size()) {
    size_t end = ids.find(',', pos);
    if (end == std::string::npos) end = ids.size();
    const std::string id = ids.substr(pos, end - pos);
    pos = end + 1;
    auto post = ctx_.posts().Find(id);
    if (!post || post->deleted) {
      errors.push_back(Json{{"value", id},
                            {"detail", "Could not find tweet with ids: [" + id + "]."},
                            {"title", "Not Found Error"},
                            {"resource_type", "tweet"},
                            {"parameter", "ids"},
                            {"resource_id", id},
                            {"type", "https://api.x.com/2/problems/resource-not-found"}});
      continue;
    }
    data.push_back(TweetJson(*post, false, false, metrics));
  }
  Json body = Json::object();
  if (!data.empty()) body["data"] = data;
  if (!errors.empty()) body["errors"] = errors;
  return Finish(JsonAnswer(200, body), rate);
}

// ---- media ----

Json XEmulator::MediaJson(const Media& m) const {
  std::string prefix = m.category == "tweet_video" ? "7_" : m.category == "tweet_gif" ? "16_" : "3_";
  Json data{{"id", m.id}, {"media_key", prefix + m.id}, {"expires_after_secs", 86400}};
  if (m.finalized) data["size"] = m.total_bytes;
  if (m.finalized && IsVideoCategory(m.category)) {
    Json info{{"state", m.failed        ? "failed"
                        : m.processed   ? "succeeded"
                        : m.checks_left >= ctx_.ConfigInt("media_processing_checks", 2)
                            ? "pending"
                            : "in_progress"}};
    if (!m.processed) {
      info["check_after_secs"] = ctx_.ConfigInt("media_check_after_secs", 1);
    }
    if (m.processed && !m.failed) info["progress_percent"] = 100;
    if (m.failed) {
      info["error"] = Json{{"code", 1},
                           {"name", "InvalidMedia"},
                           {"message", "Invalid or Unsupported media, Reason: UnsupportedMedia."}};
    }
    data["processing_info"] = info;
  }
  return Json{{"data", data}};
}

http::Response XEmulator::MediaInitialize(const http::Request& req) {
  Auth auth;
  http::Headers rate;
  if (auto refused = Admit(req, "media.write", "media", "media_rate_limit", 1875, auth, rate)) return *refused;
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object()) return Finish(InvalidRequest("invalid JSON body"), rate);
  const std::string type = base::GetString(*body, "media_type");
  static const char* kTypes[] = {"image/jpeg", "image/png", "image/gif", "image/webp",
                                 "image/bmp", "image/tiff", "video/mp4", "video/webm",
                                 "video/quicktime", "video/mp2t"};
  if (std::none_of(std::begin(kTypes), std::end(kTypes), [&](const char* t) { return type == t; })) {
    return Finish(InvalidRequest("$.media_type: does not have a value in the enumeration"), rate);
  }
  std::string category = base::GetString(*body, "media_category");
  if (category.empty()) {
    category = type.rfind("video/", 0) == 0 ? "tweet_video"
               : type == "image/gif"        ? "tweet_gif"
                                            : "tweet_image";
  }
  const int64_t total = body->value("total_bytes", int64_t{0});
  const int64_t limit = category == "tweet_video" ? 512LL << 20
                        : category == "tweet_gif" ? 15LL << 20
                                                  : 5LL << 20;
  if (total <= 0 || total > limit) {
    return Finish(InvalidRequest("$.total_bytes: " + std::to_string(total) +
                                 " is not between 1 and " + std::to_string(limit) +
                                 " for media_category " + category),
                  rate);
  }
  std::lock_guard lock(mu_);
  if (media_.size() >= PostLedger::kMaxPosts) {
    return Finish(Problem(500, "Internal Server Error", "too many uploads"), rate);
  }
  Media m;
  m.id = NextId();
  m.user = auth.user->id;
  m.media_type = type;
  m.category = category;
  m.total_bytes = total;
  media_[m.id] = m;
  return Finish(JsonAnswer(200, MediaJson(m)), rate);
}

http::Response XEmulator::MediaAppend(const http::Request& req) {
  Auth auth;
  http::Headers rate;
  if (auto refused = Admit(req, "media.write", "media", "media_rate_limit", 1875, auth, rate)) return *refused;
  std::string data;
  std::string segment;
  const std::string content_type(req.Header("Content-Type"));
  if (!MultipartBoundary(content_type).empty()) {
    auto parts = ParseMultipart(req.body, content_type);
    if (!parts.ok()) return Finish(InvalidRequest(parts.error().message()), rate);
    for (const MultipartPart& p : *parts) {
      if (p.name == "media") data = p.data;
      if (p.name == "segment_index") segment = p.data;
    }
  } else {
    auto body = base::ParseJson(req.body);
    if (!body.ok() || !body->is_object()) return Finish(InvalidRequest("invalid body"), rate);
    auto decoded = base::Base64Decode(base::GetString(*body, "media"));
    if (decoded.ok()) data = *decoded;
    segment = IdString(body->value("segment_index", Json()));
  }
  int index = -1;
  try {
    index = std::stoi(segment);
  } catch (...) {
  }
  if (data.empty() || index < 0 || index > 999) {
    return Finish(InvalidRequest("media and a segment_index between 0 and 999 are required"), rate);
  }
  std::lock_guard lock(mu_);
  auto it = media_.find(std::string(req.PathParam("id")));
  if (it == media_.end() || it->second.user != auth.user->id || it->second.finalized) {
    return Finish(InvalidRequest("The media_id is not valid or the upload was finalized"), rate);
  }
  it->second.segments[index] = std::move(data);
  return Finish(JsonAnswer(200, Json{{"data", {{"expires_at",
                                                EpochSeconds(ctx_.Now()) + 86400}}}}),
                rate);
}

http::Response XEmulator::MediaFinalize(const http::Request& req) {
  Auth auth;
  http::Headers rate;
  if (auto refused = Admit(req, "media.write", "media", "media_rate_limit", 1875, auth, rate)) return *refused;
  std::lock_guard lock(mu_);
  auto it = media_.find(std::string(req.PathParam("id")));
  if (it == media_.end() || it->second.user != auth.user->id) {
    return Finish(InvalidRequest("The media_id is not valid"), rate);
  }
  Media& m = it->second;
  if (!m.finalized) {
    std::string all;
    int expected = 0;
    for (const auto& [index, bytes] : m.segments) {
      if (index != expected++) {
        return Finish(InvalidRequest("Segments are missing: segment " +
                                     std::to_string(expected - 1) + " was never appended"),
                      rate);
      }
      all += bytes;
    }
    if (static_cast<int64_t>(all.size()) != m.total_bytes) {
      return Finish(InvalidRequest("File size mismatch: " + std::to_string(all.size()) +
                                   " bytes appended, total_bytes was " +
                                   std::to_string(m.total_bytes)),
                    rate);
    }
    m.sha256 = base::Sha256Hex(all);
    m.segments.clear();
    m.finalized = true;
    m.processed = !IsVideoCategory(m.category);
    m.checks_left = std::max<int64_t>(1, ctx_.ConfigInt("media_processing_checks", 2));
  }
  return Finish(JsonAnswer(200, MediaJson(m)), rate);
}

http::Response XEmulator::MediaStatus(const http::Request& req) {
  Auth auth;
  http::Headers rate;
  if (auto refused = Admit(req, "media.write", "media_status", "read_rate_limit", 900, auth, rate)) return *refused;
  if (QueryOr(req, "command") != "STATUS") {
    return Finish(InvalidRequest("command must be STATUS"), rate);
  }
  std::lock_guard lock(mu_);
  auto it = media_.find(QueryOr(req, "media_id"));
  if (it == media_.end() || it->second.user != auth.user->id || !it->second.finalized) {
    return Finish(InvalidRequest("The media_id is not valid"), rate);
  }
  Media& m = it->second;
  if (!m.processed && --m.checks_left <= 0) {
    m.processed = true;
    m.failed = ctx_.ConfigInt("fail_media_processing", 0) != 0;
  }
  return Finish(JsonAnswer(200, MediaJson(m)), rate);
}

http::Response XEmulator::MediaMetadata(const http::Request& req) {
  Auth auth;
  http::Headers rate;
  if (auto refused = Admit(req, "media.write", "media", "media_rate_limit", 1875, auth, rate)) return *refused;
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object()) return Finish(InvalidRequest("invalid JSON body"), rate);
  const std::string id = IdString(body->value("id", Json()));
  std::string alt;
  if (auto m = body->find("metadata"); m != body->end() && m->is_object()) {
    if (auto a = m->find("alt_text"); a != m->end() && a->is_object()) {
      alt = base::GetString(*a, "text");
    }
  }
  if (platforms::text::CountCodePoints(alt) > 1000) {
    return Finish(InvalidRequest("$.metadata.alt_text.text: may not be longer than 1000"), rate);
  }
  std::lock_guard lock(mu_);
  auto it = media_.find(id);
  if (it == media_.end() || it->second.user != auth.user->id) {
    return Finish(InvalidRequest("The media_id is not valid"), rate);
  }
  it->second.alt_text = alt;
  return Finish(JsonAnswer(200, Json{{"data",
                                      {{"id", id},
                                       {"associated_metadata", {{"alt_text", {{"text", alt}}}}}}}}),
                rate);
}

// ---- control plane ----

base::Result<Json> XEmulator::CreateToken(const Json& args) {
  std::lock_guard lock(mu_);
  const std::string user = base::GetString(args, "user_id", kSeedUserId);
  if (users_.find(user) == users_.end()) return base::NotFound("no user " + user);
  if (grants_.size() >= 10'000) return base::ResourceExhausted("too many grants");
  const std::string grant_id = "g" + std::to_string(grants_.size() + 1);
  grants_[grant_id] = Grant{user, base::GetString(args, "scope", kAllScopes), false};
  Json answer = TokenAnswer(grant_id);
  if (args.contains("expires_in") && args["expires_in"].is_number_integer()) {
    const int64_t ttl = args["expires_in"].get<int64_t>();
    access_[answer["access_token"].get<std::string>()].expires_at =
        ctx_.Now() + std::chrono::seconds(ttl);
    answer["expires_in"] = ttl;
  }
  answer["account_id"] = user;
  return answer;
}

base::Result<void> XEmulator::RevokeToken(std::string_view token) {
  std::lock_guard lock(mu_);
  if (auto it = refresh_.find(std::string(token)); it != refresh_.end()) {
    RevokeGrant(it->second.grant);
    return base::Ok();
  }
  if (auto it = access_.find(std::string(token)); it != access_.end()) {
    access_.erase(it);
    return base::Ok();
  }
  return base::NotFound("unknown token");
}

base::Result<void> XEmulator::ExpireTokens(std::string_view token) {
  std::lock_guard lock(mu_);
  return ExpireAccessTokens(access_, token, ctx_.Now());
}

base::Result<Json> XEmulator::Control(std::string_view action, const Json& body) {
  std::lock_guard lock(mu_);
  if (action == "deny") {
    deny_next_ = true;
    return Json{{"deny_next", true}};
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
    u.following = body.value("following_count", u.following);
    u.listed = body.value("listed_count", u.listed);
    return Json{{"id", u.id}, {"username", u.username}};
  }
  return NetworkEmulator::Control(action, body);
}

Json XEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json users = Json::array();
  for (const auto& [id, u] : users_) users.push_back(Json{{"id", id}, {"username", u.username}});
  return Json{{"client_id", kClientId},
              {"client_secret", kClientSecret},
              {"users", users},
              {"grants", grants_.size()},
              {"refresh_token_reuses", refresh_token_reuses_},
              {"refreshes", refreshes_}};
}

void RegisterXEmulator(EmulatorRegistry& registry) {
  registry.Add("x", "X API v2 + OAuth 2.0 (tweets, chunked media upload, rotating refresh tokens)",
               [](EmulatorContext& ctx) { return std::make_unique<XEmulator>(ctx); });
}

}  // namespace herald::emulators
