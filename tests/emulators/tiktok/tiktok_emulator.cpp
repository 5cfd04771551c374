#include "tests/emulators/tiktok/tiktok_emulator.h"

#include <algorithm>
#include <array>

#include "base/crypto.h"
#include "http/router.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/text/utf8.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/oauth_grants.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {
namespace {

namespace form = platforms::http;

constexpr int64_t kRefreshTtl = 31'536'000;
constexpr int64_t kMaxVideoBytes = 256LL << 20;  // what the emulator holds in memory
constexpr int64_t kVideoIdBase = 7'400'000'000'000'000'000;

http::Response JsonAnswer(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

std::string Query(const http::Request& req, std::string_view name) {
  auto v = req.Query(name);
  return v ? std::string(*v) : std::string();
}

std::string HostOf(const http::Request& req) {
  std::string host(req.Header("Host"));
  return host.empty() ? "127.0.0.1" : host;
}

bool HasScope(std::string_view scopes, std::string_view scope) {
  return ScopeListHas(scopes, ',', scope);
}

int64_t Int(const Json& object, std::string_view key, int64_t fallback = 0) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

bool Bool(const Json& object, std::string_view key) {
  if (!object.is_object()) return false;
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

uint64_t BigEndian(std::string_view b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

// True for an ISO base media file (MP4, MOV: a `ftyp` box first) or a WebM (EBML) file.
bool LooksLikeVideo(std::string_view b) {
  if (b.size() >= 12 && b.substr(4, 4) == "ftyp") return true;
  return b.size() >= 4 && b.substr(0, 4) == "\x1A\x45\xDF\xA3";
}

// The duration in seconds from an MP4's `mvhd` box, or -1 when there is none.
double Mp4DurationSeconds(std::string_view b) {
  size_t at = b.find("mvhd");
  if (at == std::string_view::npos || at + 32 > b.size()) return -1;
  const size_t body = at + 4;
  const int version = static_cast<unsigned char>(b[body]);
  uint64_t timescale = 0, duration = 0;
  if (version == 1 && body + 32 <= b.size()) {
    timescale = BigEndian(b, body + 20, 4);
    duration = BigEndian(b, body + 24, 8);
  } else {
    timescale = BigEndian(b, body + 12, 4);
    duration = BigEndian(b, body + 16, 4);
  }
  return timescale == 0 ? -1 : static_cast<double>(duration) / static_cast<double>(timescale);
}

// "bytes a-b/N" -> {a, b, N}; nullopt when malformed.
std::optional<std::array<int64_t, 3>> ParseContentRange(std::string_view v) {
  if (v.substr(0, 6) != "bytes ") return std::nullopt;
  v.remove_prefix(6);
  size_t dash = v.find('-'), slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return std::nullopt;
  }
  try {
    return std::array<int64_t, 3>{std::stoll(std::string(v.substr(0, dash))),
                                  std::stoll(std::string(v.substr(dash + 1, slash - dash - 1))),
                                  std::stoll(std::string(v.substr(slash + 1)))};
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

TikTokEmulator::TikTokEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json TikTokEmulator::DefaultConfig() const {
  return Json{{"redirect_uris", Json::array()},
              {"withhold_scope", ""},
              {"access_token_ttl", 86400},
              {"code_ttl_seconds", 300},
              {"min_chunk_bytes", 5 * 1024 * 1024},
              {"max_chunk_bytes", 64 * 1024 * 1024},
              {"upload_url_ttl_seconds", 3600},
              {"processing_polls", 2},
              {"moderation_polls", 1},
              {"fail_reason", ""},
              {"unaudited", false},
              {"verified_url_prefixes", Json::array()},
              {"daily_post_cap", 15},
              {"init_rate_limit", 6},
              {"creator_info_rate_limit", 20},
              {"status_rate_limit", 30}};
}

void TikTokEmulator::Reset() {
  std::lock_guard lock(mu_);
  creator_ = Creator{kSeedOpenId,
                     kSeedUsername,
                     "Herald Tok",
                     Json::array({"PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"}),
                     false,
                     false,
                     false,
                     600,
                     2500};
  access_.clear();
  refresh_.clear();
  codes_.clear();
  publishes_.clear();
  upload_ids_.clear();
  recent_publishes_.clear();
  deny_next_ = false;
  next_id_ = 1;
  refreshes_ = 0;
  refresh_token_reuses_ = 0;
  access_[kSeedToken] = Access{kAllScopes, ctx_.Now() + std::chrono::hours(24 * 30)};
  refresh_[kSeedRefreshToken] = Refresh{kAllScopes, false};
}

std::string TikTokEmulator::LogId() { return "202612070000" + std::to_string(next_id_++); }

void TikTokEmulator::AddRoutes(ApiRoutes& routes) {
  auto add = [&](const char* method, const char* pattern,
                 http::Response (TikTokEmulator::*fn)(const http::Request&),
                 size_t body_limit = 0) {
    routes.Add(
        method, pattern,
        [this, fn](http::Request req) -> base::Task<http::Response> { co_return (this->*fn)(req); },
        body_limit);
  };
  add("GET", "/v2/auth/authorize/", &TikTokEmulator::Authorize);
  add("POST", "/v2/oauth/token/", &TikTokEmulator::Token);
  add("POST", "/v2/oauth/revoke/", &TikTokEmulator::Revoke);
  add("GET", "/v2/user/info/", &TikTokEmulator::UserInfo);
  add("POST", "/v2/post/publish/creator_info/query/", &TikTokEmulator::CreatorInfo);
  add("POST", "/v2/post/publish/video/init/", &TikTokEmulator::VideoInit);
  add("POST", "/v2/post/publish/content/init/", &TikTokEmulator::ContentInit);
  add("PUT", "/video/", &TikTokEmulator::Upload, 130u << 20);
  add("POST", "/v2/post/publish/status/fetch/", &TikTokEmulator::Status);
  add("POST", "/v2/video/query/", &TikTokEmulator::VideoQuery);
}

// ---- answers ----

namespace {

http::Response Envelope(int status, Json data, const std::string& code,
                        const std::string& message, const std::string& log_id) {
  return JsonAnswer(status, Json{{"data", std::move(data)},
                                 {"error", {{"code", code}, {"message", message},
                                            {"log_id", log_id}}}});
}

http::Response OAuthError(int status, const std::string& error, const std::string& description,
                          const std::string& log_id) {
  http::Response r = JsonAnswer(
      status, Json{{"error", error}, {"error_description", description}, {"log_id", log_id}});
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

}  // namespace

http::Response TikTokEmulator::RateLimited(const http::Request&, std::chrono::seconds) {
  std::lock_guard lock(mu_);
  return Envelope(429, Json::object(), "rate_limit_exceeded",
                  "The API rate limit was exceeded. Please try again later.", LogId());
}

http::Response TikTokEmulator::ServerError(const http::Request&, int status) {
  std::lock_guard lock(mu_);
  return Envelope(status, Json::object(), "internal_error",
                  "Something went wrong. Please try again later.", LogId());
}

http::Response TikTokEmulator::ExpireToken(const http::Request& req) {
  std::lock_guard lock(mu_);
  if (auto it = access_.find(BearerToken(req.Header("Authorization"))); it != access_.end()) {
    it->second.expires_at = ctx_.Now();
  }
  return Envelope(401, Json::object(), "access_token_invalid",
                  "The access token is invalid or not found in the request.", LogId());
}

// ---- OAuth ----

http::Response TikTokEmulator::Authorize(const http::Request& req) {
  const std::string redirect_uri = Query(req, "redirect_uri");
  const std::string state = Query(req, "state");
  if (Query(req, "client_key") != kClientKey) {
    return http::Response::Text(400, "Something went wrong: client_key is unknown "
                                     "(not redirecting).");
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
    return http::Response::Text(400, "Something went wrong: redirect_uri is not registered "
                                     "for this app (not redirecting).");
  }
  auto redirect = [&](form::FormFields fields) {
    if (!state.empty()) fields.emplace_back("state", state);
    http::Response r = http::Response::Empty(302);
    r.headers.Set("Location", form::AppendQuery(redirect_uri, fields));
    return r;
  };
  if (Query(req, "response_type") != "code") {
    return redirect({{"error", "unsupported_response_type"}});
  }
  const std::string challenge = Query(req, "code_challenge");
  if (!challenge.empty() && Query(req, "code_challenge_method") != "S256") {
    return redirect({{"error", "invalid_request"},
                     {"error_description", "code_challenge_method must be S256"}});
  }
  std::string scope;
  const std::string withheld = base::GetString(config, "withhold_scope");
  const std::string asked = Query(req, "scope");
  for (size_t pos = 0; pos < asked.size();) {
    size_t end = asked.find(',', pos);
    if (end == std::string::npos) end = asked.size();
    std::string one = asked.substr(pos, end - pos);
    if (!one.empty() && one != withheld) scope += (scope.empty() ? "" : ",") + one;
    pos = end + 1;
  }
  if (scope.empty()) return redirect({{"error", "invalid_scope"}});
  std::lock_guard lock(mu_);
  if (deny_next_) {
    deny_next_ = false;
    return redirect({{"error", "access_denied"},
                     {"error_description", "The user denied the request"}});
  }
  if (codes_.size() >= 10'000) codes_.clear();
  const std::string code = "ttc-" + base::RandomToken();
  codes_[code] = Code{redirect_uri, challenge, scope,
                      ctx_.Now() + std::chrono::seconds(ctx_.ConfigInt("code_ttl_seconds", 300)),
                      false};
  return redirect({{"code", code}, {"scopes", scope}});
}

Json TikTokEmulator::TokenAnswer(const std::string& scope) {
  const std::string at = "act." + base::RandomToken();
  const std::string rt = "rft." + base::RandomToken();
  const int64_t ttl = ctx_.ConfigInt("access_token_ttl", 86400);
  if (access_.size() >= 10'000) access_.clear();
  if (refresh_.size() >= 10'000) refresh_.clear();
  access_[at] = Access{scope, ctx_.Now() + std::chrono::seconds(ttl)};
  refresh_[rt] = Refresh{scope, false};
  return Json{{"access_token", at},     {"expires_in", ttl},
              {"open_id", creator_.open_id}, {"refresh_expires_in", kRefreshTtl},
              {"refresh_token", rt},    {"scope", scope},
              {"token_type", "Bearer"}};
}

http::Response TikTokEmulator::Token(const http::Request& req) {
  const form::FormFields f = form::ParseFormUrlEncoded(req.body);
  std::lock_guard lock(mu_);
  if (form::FormValue(f, "client_key") != kClientKey ||
      form::FormValue(f, "client_secret") != kClientSecret) {
    return OAuthError(401, "invalid_client",
                      "Client key or secret is incorrect or missing (client_key, client_secret).",
                      LogId());
  }
  const std::string grant_type = form::FormValue(f, "grant_type");
  if (grant_type == "authorization_code") {
    auto it = codes_.find(form::FormValue(f, "code"));
    if (it == codes_.end() || it->second.used || ctx_.Now() >= it->second.expires_at) {
      return OAuthError(400, "invalid_grant", "Authorization code is expired.", LogId());
    }
    Code& code = it->second;
    code.used = true;
    if (form::FormValue(f, "redirect_uri") != code.redirect_uri) {
      return OAuthError(400, "invalid_grant", "Redirect URI does not match.", LogId());
    }
    if (!code.challenge.empty()) {
      const std::string verifier = form::FormValue(f, "code_verifier");
      if (verifier.empty() || base::Base64UrlEncode(base::Sha256(verifier)) != code.challenge) {
        return OAuthError(400, "invalid_grant", "Code verifier is invalid.", LogId());
      }
    }
    return JsonAnswer(200, TokenAnswer(code.scope));
  }
  if (grant_type == "refresh_token") {
    auto it = refresh_.find(form::FormValue(f, "refresh_token"));
    if (it == refresh_.end()) {
      return OAuthError(400, "invalid_grant", "Refresh token is invalid or expired.", LogId());
    }
    if (it->second.used) {
      ++refresh_token_reuses_;
      return OAuthError(400, "invalid_grant", "Refresh token is invalid or expired.", LogId());
    }
    it->second.used = true;
    ++refreshes_;
    return JsonAnswer(200, TokenAnswer(it->second.scope));
  }
  return OAuthError(400, "unsupported_grant_type", "grant_type is not supported.", LogId());
}

http::Response TikTokEmulator::Revoke(const http::Request& req) {
  const form::FormFields f = form::ParseFormUrlEncoded(req.body);
  std::lock_guard lock(mu_);
  if (form::FormValue(f, "client_key") != kClientKey ||
      form::FormValue(f, "client_secret") != kClientSecret) {
    return OAuthError(401, "invalid_client", "Client key or secret is incorrect.", LogId());
  }
  const std::string token = form::FormValue(f, "token");
  access_.erase(token);
  if (auto it = refresh_.find(token); it != refresh_.end()) it->second.used = true;
  return JsonAnswer(200, Json::object());
}

// ---- API plumbing ----

std::optional<http::Response> TikTokEmulator::Authenticate(const http::Request& req,
                                                           std::string_view scope) {
  const std::string token = BearerToken(req.Header("Authorization"));
  std::lock_guard lock(mu_);
  auto it = access_.find(token);
  if (token.empty() || it == access_.end() || ctx_.Now() >= it->second.expires_at) {
    return Envelope(401, Json::object(), "access_token_invalid",
                    "The access token is invalid or not found in the request.", LogId());
  }
  if (!scope.empty() && !HasScope(it->second.scope, scope)) {
    return Envelope(401, Json::object(), "scope_not_authorized",
                    "The user did not authorize the scope required for completing this "
                    "request (" + std::string(scope) + ").",
                    LogId());
  }
  return std::nullopt;
}

bool TikTokEmulator::Limited(const std::string& bucket, std::string_view limit_key,
                             int64_t fallback) {
  RateStatus s = ctx_.rate_limiter().Consume(
      bucket + ":" + kSeedOpenId, 1, static_cast<int>(ctx_.ConfigInt(limit_key, fallback)),
      std::chrono::seconds(60), ctx_.Now());
  return s.exceeded;
}

Json TikTokEmulator::CreatorJson() const {
  return Json{{"creator_avatar_url", "https://p16.tiktokcdn.example/avatar.jpeg"},
              {"creator_username", creator_.username},
              {"creator_nickname", creator_.display_name},
              {"privacy_level_options", creator_.privacy_level_options},
              {"comment_disabled", creator_.comment_disabled},
              {"duet_disabled", creator_.duet_disabled},
              {"stitch_disabled", creator_.stitch_disabled},
              {"max_video_post_duration_sec", creator_.max_duration_sec}};
}

http::Response TikTokEmulator::UserInfo(const http::Request& req) {
  if (auto refused = Authenticate(req, "user.info.basic")) return *refused;
  const std::string fields = Query(req, "fields");
  std::lock_guard lock(mu_);
  if (fields.empty()) {
    return Envelope(400, Json::object(), "invalid_params", "fields is required", LogId());
  }
  const int64_t videos = static_cast<int64_t>(ctx_.posts().CountLive(
      [&](const CreatedPost& p) { return p.account == creator_.open_id; }));
  const Json all{{"open_id", creator_.open_id},
                 {"union_id", "union-" + creator_.open_id},
                 {"avatar_url", "https://p16.tiktokcdn.example/avatar.jpeg"},
                 {"display_name", creator_.display_name},
                 {"username", creator_.username},
                 {"follower_count", creator_.followers},
                 {"following_count", 12},
                 {"likes_count", 340},
                 {"video_count", videos}};
  const std::string token = BearerToken(req.Header("Authorization"));
  const std::string scope = access_[token].scope;
  Json user = Json::object();
  for (size_t pos = 0; pos < fields.size();) {
    size_t end = fields.find(',', pos);
    if (end == std::string::npos) end = fields.size();
    const std::string f = fields.substr(pos, end - pos);
    pos = end + 1;
    if (!all.contains(f)) continue;
    const bool stats = f.find("_count") != std::string::npos;
    if (stats && !HasScope(scope, "user.info.stats")) {
      return Envelope(401, Json::object(), "scope_not_authorized",
                      "The user did not authorize the scope required for completing this "
                      "request (user.info.stats).",
                      LogId());
    }
    user[f] = all[f];
  }
  return Envelope(200, Json{{"user", user}}, "ok", "", LogId());
}

http::Response TikTokEmulator::CreatorInfo(const http::Request& req) {
  if (auto refused = Authenticate(req, "video.publish")) return *refused;
  std::lock_guard lock(mu_);
  if (Limited("creator_info", "creator_info_rate_limit", 20)) {
    return Envelope(429, Json::object(), "rate_limit_exceeded",
                    "The API rate limit was exceeded. Please try again later.", LogId());
  }
  return Envelope(200, CreatorJson(), "ok", "", LogId());
}

http::Response TikTokEmulator::VideoInit(const http::Request& req) {
  if (auto refused = Authenticate(req, "video.publish")) return *refused;
  auto body = base::ParseJson(req.body);
  std::lock_guard lock(mu_);
  auto bad = [&](int status, const std::string& code, const std::string& message) {
    return Envelope(status, Json::object(), code, message, LogId());
  };
  if (Limited("video_init", "init_rate_limit", 6)) {
    return bad(429, "rate_limit_exceeded",
               "The API rate limit was exceeded. Please try again later.");
  }
  if (!body.ok() || !body->is_object()) return bad(400, "invalid_params", "invalid JSON body");
  const Json post_info = body->value("post_info", Json::object());
  const Json source = body->value("source_info", Json::object());
  if (!post_info.is_object() || !source.is_object()) {
    return bad(400, "invalid_params", "post_info and source_info must be objects");
  }
  if (auto refused =
          CheckPostInfo(post_info, {"disable_comment", "disable_duet", "disable_stitch"})) {
    return *refused;
  }
  if (platforms::text::CountUtf16Units(base::GetString(post_info, "title")) > 2200) {
    return bad(400, "invalid_params", "post_info.title is longer than 2200 runes");
  }
  const base::Time now = ctx_.Now();
  if (auto refused = CheckDailyCap(now)) return *refused;
  if (publishes_.size() >= 10'000) return bad(500, "internal_error", "too many publishes");
  Publish p;
  p.id = "v_pub_file~v2-1." + std::to_string(7'300'000'000'000'000'000 + next_id_++);
  p.source = base::GetString(source, "source");
  p.post_info = post_info;
  Json data{{"publish_id", p.id}};
  if (p.source == "FILE_UPLOAD") {
    const int64_t size = Int(source, "video_size"), chunk = Int(source, "chunk_size"),
                  count = Int(source, "total_chunk_count");
    const int64_t min = ctx_.ConfigInt("min_chunk_bytes", 5 << 20);
    const int64_t max = ctx_.ConfigInt("max_chunk_bytes", 64 << 20);
    std::string problem;
    if (size <= 0 || size > kMaxVideoBytes) {
      problem = "video_size must be between 1 and " + std::to_string(kMaxVideoBytes);
    } else if (size < min && (chunk != size || count != 1)) {
      problem = "a video under " + std::to_string(min) +
                " bytes is uploaded whole: chunk_size = video_size, total_chunk_count = 1";
    } else if (size >= min && (chunk < min || chunk > max)) {
      problem = "chunk_size must be between " + std::to_string(min) + " and " +
                std::to_string(max) + " bytes";
    } else if (count != size / chunk || count < 1 || count > 1000) {
      problem = "total_chunk_count must be video_size / chunk_size rounded down (" +
                std::to_string(chunk > 0 ? size / chunk : 0) + "), between 1 and 1000";
    } else if (size - (count - 1) * chunk > 2 * max) {
      problem = "the final chunk would be over " + std::to_string(2 * max) + " bytes";
    }
    if (!problem.empty()) return bad(400, "invalid_params", "source_info: " + problem);
    p.video_size = size;
    p.chunk_size = chunk;
    p.chunk_count = count;
    p.upload_id = std::to_string(next_id_++);
    p.upload_token = base::RandomToken();
    p.upload_expires_at =
        now + std::chrono::seconds(ctx_.ConfigInt("upload_url_ttl_seconds", 3600));
    data["upload_url"] = "http://" + HostOf(req) + "/video/?upload_id=" + p.upload_id +
                         "&upload_token=" + p.upload_token;
    upload_ids_[p.upload_id] = p.id;
  } else if (p.source == "PULL_FROM_URL") {
    p.video_url = base::GetString(source, "video_url");
    const Json prefixes = ctx_.config().value("verified_url_prefixes", Json::array());
    const bool verified =
        !p.video_url.empty() && prefixes.is_array() &&
        std::any_of(prefixes.begin(), prefixes.end(), [&](const Json& v) {
          return v.is_string() && p.video_url.rfind(v.get<std::string>(), 0) == 0;
        });
    if (!verified) {
      return bad(403, "url_ownership_unverified",
                 "The domain or URL prefix of video_url is not verified for this app.");
    }
    p.status = "PROCESSING_DOWNLOAD";
    p.polls_left = std::max<int64_t>(1, ctx_.ConfigInt("processing_polls", 2));
  } else {
    return bad(400, "invalid_params", "source_info.source must be FILE_UPLOAD or PULL_FROM_URL");
  }
  recent_publishes_.push_back(now);
  publishes_[p.id] = std::move(p);
  return Envelope(200, data, "ok", "", LogId());
}

std::optional<http::Response> TikTokEmulator::CheckPostInfo(const Json& post_info,
                                                            const std::vector<const char*>& flags) {
  auto bad = [&](int status, const std::string& code, const std::string& message) {
    return Envelope(status, Json::object(), code, message, LogId());
  };
  const std::string privacy = base::GetString(post_info, "privacy_level");
  if (privacy.empty()) return bad(400, "invalid_params", "post_info.privacy_level is required");
  const Json& options = creator_.privacy_level_options;
  if (std::none_of(options.begin(), options.end(), [&](const Json& o) { return o == privacy; })) {
    return bad(400, "privacy_level_option_mismatch",
               "privacy_level " + privacy + " is not one of the creator's options");
  }
  if (ctx_.config().value("unaudited", false) && privacy != "SELF_ONLY") {
    return bad(403, "unaudited_client_can_only_post_to_private_accounts",
               "Unaudited clients can only post to private accounts (SELF_ONLY).");
  }
  for (const char* flag : flags) {
    const std::string_view f(flag);
    const bool disabled = f == "disable_comment" ? creator_.comment_disabled
                          : f == "disable_duet"  ? creator_.duet_disabled
                                                 : creator_.stitch_disabled;
    if (disabled && !Bool(post_info, f)) {
      return bad(400, "invalid_params",
                 std::string("post_info.") + flag + " must be true: the creator turned it off");
    }
  }
  return std::nullopt;
}

std::optional<http::Response> TikTokEmulator::CheckDailyCap(base::Time now) {
  // The creator's daily cap (a rolling 24 hours of publishes).
  while (!recent_publishes_.empty() && recent_publishes_.front() <= now - std::chrono::hours(24)) {
    recent_publishes_.pop_front();
  }
  if (static_cast<int64_t>(recent_publishes_.size()) >= ctx_.ConfigInt("daily_post_cap", 15)) {
    return Envelope(403, Json::object(), "spam_risk_too_many_posts",
                    "The user has reached the daily post cap; try again later.", LogId());
  }
  if (publishes_.size() >= 10'000) {
    return Envelope(500, Json::object(), "internal_error", "too many publishes", LogId());
  }
  return std::nullopt;
}

http::Response TikTokEmulator::ContentInit(const http::Request& req) {
  if (auto refused = Authenticate(req, "video.publish")) return *refused;
  auto body = base::ParseJson(req.body);
  std::lock_guard lock(mu_);
  auto bad = [&](int status, const std::string& code, const std::string& message) {
    return Envelope(status, Json::object(), code, message, LogId());
  };
  if (Limited("content_init", "init_rate_limit", 6)) {
    return bad(429, "rate_limit_exceeded",
               "The API rate limit was exceeded. Please try again later.");
  }
  if (!body.ok() || !body->is_object()) return bad(400, "invalid_params", "invalid JSON body");
  if (base::GetString(*body, "media_type") != "PHOTO") {
    return bad(400, "invalid_params", "media_type must be PHOTO");
  }
  if (base::GetString(*body, "post_mode") != "DIRECT_POST") {
    return bad(400, "invalid_params",
               "post_mode must be DIRECT_POST (MEDIA_UPLOAD is not emulated)");
  }
  const Json post_info = body->value("post_info", Json::object());
  const Json source = body->value("source_info", Json::object());
  if (!post_info.is_object() || !source.is_object()) {
    return bad(400, "invalid_params", "post_info and source_info must be objects");
  }
  if (auto refused = CheckPostInfo(post_info, {"disable_comment"})) return *refused;
  if (platforms::text::CountUtf16Units(base::GetString(post_info, "title")) > 90) {
    return bad(400, "invalid_params", "post_info.title is longer than 90 runes");
  }
  if (platforms::text::CountUtf16Units(base::GetString(post_info, "description")) > 4000) {
    return bad(400, "invalid_params", "post_info.description is longer than 4000 runes");
  }
  if (base::GetString(source, "source") != "PULL_FROM_URL") {
    return bad(400, "invalid_params", "source_info.source must be PULL_FROM_URL for photos");
  }
  const Json images = source.value("photo_images", Json());
  if (!images.is_array() || images.empty() || images.size() > 35) {
    return bad(400, "invalid_params", "source_info.photo_images must list 1 to 35 URLs");
  }
  const Json prefixes = ctx_.config().value("verified_url_prefixes", Json::array());
  std::vector<std::string> urls;
  for (const Json& u : images) {
    if (!u.is_string() || u.get<std::string>().empty()) {
      return bad(400, "invalid_params", "source_info.photo_images must be URLs");
    }
    const std::string url = u.get<std::string>();
    const bool verified =
        prefixes.is_array() && std::any_of(prefixes.begin(), prefixes.end(), [&](const Json& v) {
          return v.is_string() && url.rfind(v.get<std::string>(), 0) == 0;
        });
    if (!verified) {
      return bad(403, "url_ownership_unverified",
                 "The domain or URL prefix of a photo_images URL is not verified for this app.");
    }
    urls.push_back(url);
  }
  auto cover = source.find("photo_cover_index");
  if (cover != source.end() && (!cover->is_number_integer() || cover->get<int64_t>() < 0 ||
                                cover->get<int64_t>() >= static_cast<int64_t>(urls.size()))) {
    return bad(
        400, "invalid_params",
        "source_info.photo_cover_index must be between 0 and " + std::to_string(urls.size() - 1));
  }
  const base::Time now = ctx_.Now();
  if (auto refused = CheckDailyCap(now)) return *refused;
  Publish p;
  p.id = "p_pub_url~v2-1." + std::to_string(7'300'000'000'000'000'000 + next_id_++);
  p.source = "PULL_FROM_URL";
  p.media_type = "PHOTO";
  p.post_info = post_info;
  p.photo_urls = std::move(urls);
  p.status = "PROCESSING_DOWNLOAD";
  p.polls_left = std::max<int64_t>(1, ctx_.ConfigInt("processing_polls", 2));
  Json data{{"publish_id", p.id}};
  recent_publishes_.push_back(now);
  publishes_[p.id] = std::move(p);
  return Envelope(200, data, "ok", "", LogId());
}

std::string TikTokEmulator::PullPhotos(const std::vector<std::string>& urls,
                                       std::vector<MediaRecord>& out, int64_t& bytes) {
  for (const std::string& url : urls) {
    const size_t slash = url.find('/', url.find("://") + 3);
    auto r = EmulatorClient(url.substr(0, slash))
                 .Send("GET", slash == std::string::npos ? "/" : url.substr(slash));
    if (!r.ok() || r->status != 200) return "photo_pull_failed";
    const std::string_view b = r->body;
    MediaRecord m;
    if (b.size() >= 3 && b.substr(0, 3) == "\xFF\xD8\xFF") {
      m.mime_type = "image/jpeg";
    } else if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") {
      m.mime_type = "image/webp";
    } else {
      return "file_format_check_failed";
    }
    m.size = static_cast<int64_t>(b.size());
    m.sha256 = base::Sha256Hex(b);
    bytes += m.size;
    out.push_back(std::move(m));
  }
  return "";
}

void TikTokEmulator::CheckFile(Publish& p) {
  p.media.size = static_cast<int64_t>(p.bytes.size());
  p.media.sha256 = base::Sha256Hex(p.bytes);
  p.media.mime_type = p.content_type.empty() ? "video/mp4" : p.content_type;
  if (!LooksLikeVideo(p.bytes)) {
    p.status = "FAILED";
    p.fail_reason = "file_format_check_failed";
  } else if (double d = Mp4DurationSeconds(p.bytes);
             d > static_cast<double>(creator_.max_duration_sec)) {
    p.status = "FAILED";
    p.fail_reason = "duration_check_failed";
  } else {
    p.status = "PROCESSING_DOWNLOAD";
    p.polls_left = std::max<int64_t>(1, ctx_.ConfigInt("processing_polls", 2));
  }
  p.bytes.clear();
  p.bytes.shrink_to_fit();
}

http::Response TikTokEmulator::Upload(const http::Request& req) {
  std::lock_guard lock(mu_);
  auto bad = [&](int status, const std::string& code, const std::string& message) {
    return Envelope(status, Json::object(), code, message, LogId());
  };
  auto id = upload_ids_.find(Query(req, "upload_id"));
  if (id == upload_ids_.end()) return bad(404, "invalid_params", "unknown upload_id");
  Publish& p = publishes_[id->second];
  if (Query(req, "upload_token") != p.upload_token) {
    return bad(403, "invalid_params", "upload_token does not match");
  }
  if (ctx_.Now() >= p.upload_expires_at) {
    return bad(404, "invalid_params", "the upload URL has expired");
  }
  const std::string type(req.Header("Content-Type"));
  if (type != "video/mp4" && type != "video/quicktime" && type != "video/webm") {
    return bad(400, "invalid_file_upload",
               "Content-Type must be video/mp4, video/quicktime or video/webm");
  }
  auto range = ParseContentRange(req.Header("Content-Range"));
  if (!range) return bad(400, "invalid_file_upload", "Content-Range must be bytes a-b/N");
  const auto [first, last, total] = *range;
  const int64_t index = p.chunk_size > 0 ? first / p.chunk_size : -1;
  const bool final_chunk = index == p.chunk_count - 1;
  const int64_t expected_size = final_chunk ? p.video_size - index * p.chunk_size : p.chunk_size;
  if (total != p.video_size || first != index * p.chunk_size || index >= p.chunk_count ||
      last - first + 1 != expected_size ||
      static_cast<int64_t>(req.body.size()) != expected_size) {
    return bad(400, "invalid_file_upload",
               "chunk " + std::string(req.Header("Content-Range")) + " with " +
                   std::to_string(req.body.size()) + " bytes does not follow the chunk rules of "
                   "this upload (chunk_size " + std::to_string(p.chunk_size) + ", video_size " +
                   std::to_string(p.video_size) + ")");
  }
  if (index < p.chunks) {
    // Sent again (its answer was lost): already have it.
    return http::Response::Empty(final_chunk ? 201 : 206);
  }
  if (index > p.chunks) {
    return bad(400, "invalid_file_upload",
               "chunks must be uploaded in order: expected chunk " + std::to_string(p.chunks));
  }
  p.bytes += req.body;
  p.content_type = type;
  ++p.chunks;
  if (final_chunk) CheckFile(p);
  return http::Response::Empty(final_chunk ? 201 : 206);
}

void TikTokEmulator::Advance(Publish& p) {
  if (p.status == "PROCESSING_UPLOAD") {
    if (ctx_.Now() >= p.upload_expires_at) {
      p.status = "FAILED";
      p.fail_reason = "file_upload_expired";
      p.bytes.clear();
    }
    return;
  }
  if (p.status == "PROCESSING_DOWNLOAD") {
    if (--p.polls_left > 0) return;
    const std::string reason = base::GetString(ctx_.config(), "fail_reason");
    if (!reason.empty()) {
      p.status = "FAILED";
      p.fail_reason = reason;
      return;
    }
    p.status = "PUBLISH_COMPLETE";
    p.post_id = std::to_string(kVideoIdBase + next_id_++);
    p.media.id = p.post_id;
    p.moderation_left = ctx_.ConfigInt("moderation_polls", 1);
    const bool photo = p.media_type == "PHOTO";
    CreatedPost post;
    post.id = p.post_id;
    post.account = creator_.open_id;
    post.text = base::GetString(p.post_info, photo ? "description" : "title");
    if (photo) {
      post.media = p.photos;
      for (size_t i = 0; i < post.media.size(); ++i) {
        post.media[i].id = p.post_id + "_" + std::to_string(i);
      }
    } else {
      post.media = {p.media};
    }
    post.idempotency_key = p.id;
    post.url = "https://www.tiktok.com/@" + creator_.username + (photo ? "/photo/" : "/video/") +
               p.post_id;
    post.created_at = ctx_.Now();
    post.extra = Json{{"publish_id", p.id},
                      {"post_info", p.post_info},
                      {"source", p.source},
                      {"media_type", p.media_type}};
    (void)ctx_.posts().Add(std::move(post));
    return;
  }
  if (p.status == "PUBLISH_COMPLETE" && p.moderation_left > 0) --p.moderation_left;
}

http::Response TikTokEmulator::Status(const http::Request& req) {
  if (auto refused = Authenticate(req, "video.publish")) return *refused;
  auto body = base::ParseJson(req.body);
  const std::string id = body.ok() ? base::GetString(*body, "publish_id") : "";
  std::string pull;
  std::vector<std::string> photos;
  {
    std::lock_guard lock(mu_);
    if (Limited("status", "status_rate_limit", 30)) {
      return Envelope(429, Json::object(), "rate_limit_exceeded",
                      "The API rate limit was exceeded. Please try again later.", LogId());
    }
    auto it = publishes_.find(id);
    if (it == publishes_.end()) {
      return Envelope(400, Json::object(), "invalid_params", "publish_id is not valid", LogId());
    }
    if (it->second.source == "PULL_FROM_URL" && it->second.downloaded == 0 &&
        it->second.status == "PROCESSING_DOWNLOAD") {
      if (it->second.media_type == "PHOTO") {
        photos = it->second.photo_urls;
      } else {
        pull = it->second.video_url;
      }
    }
  }
  // TikTok fetches the photos (outside the lock, as a video below).
  std::vector<MediaRecord> pulled;
  int64_t pulled_bytes = 0;
  const std::string photo_problem = photos.empty() ? "" : PullPhotos(photos, pulled, pulled_bytes);
  // TikTok fetches the video (outside the lock: the URL may be served by a slow peer).
  std::string fetched, problem;
  if (!pull.empty()) {
    const size_t slash = pull.find('/', pull.find("://") + 3);
    auto r = EmulatorClient(pull.substr(0, slash))
                 .Send("GET", slash == std::string::npos ? "/" : pull.substr(slash));
    if (!r.ok() || r->status != 200) {
      problem = "video_pull_failed";
    } else {
      fetched = std::move(r->body);
    }
  }
  std::lock_guard lock(mu_);
  Publish& p = publishes_[id];
  if (!photos.empty() && p.downloaded == 0 && p.status == "PROCESSING_DOWNLOAD") {
    if (!photo_problem.empty()) {
      p.status = "FAILED";
      p.fail_reason = photo_problem;
    } else {
      p.downloaded = pulled_bytes;
      p.photos = std::move(pulled);
    }
  }
  if (!pull.empty() && p.downloaded == 0) {
    if (!problem.empty()) {
      p.status = "FAILED";
      p.fail_reason = problem;
    } else {
      p.downloaded = static_cast<int64_t>(fetched.size());
      p.video_size = p.downloaded;
      p.bytes = std::move(fetched);
      CheckFile(p);
    }
  }
  Advance(p);
  Json ids = Json::array();
  if (p.status == "PUBLISH_COMPLETE" && p.moderation_left == 0 &&
      base::GetString(p.post_info, "privacy_level") == "PUBLIC_TO_EVERYONE") {
    ids.push_back(p.post_id);
  }
  int64_t uploaded = 0;
  if (p.source == "FILE_UPLOAD") {
    uploaded = p.chunks == p.chunk_count ? p.video_size : p.chunks * p.chunk_size;
  }
  Json data{{"status", p.status},
            {"publicaly_available_post_id", ids},
            {"uploaded_bytes", uploaded},
            {"downloaded_bytes", p.downloaded}};
  if (p.status == "FAILED") data["fail_reason"] = p.fail_reason;
  return Envelope(200, data, "ok", "", LogId());
}

http::Response TikTokEmulator::VideoQuery(const http::Request& req) {
  if (auto refused = Authenticate(req, "video.list")) return *refused;
  auto body = base::ParseJson(req.body);
  std::lock_guard lock(mu_);
  Json ids = body.ok() && body->is_object()
                 ? body->value("filters", Json::object()).value("video_ids", Json::array())
                 : Json();
  if (!ids.is_array() || ids.empty() || ids.size() > 20) {
    return Envelope(400, Json::object(), "invalid_params",
                    "filters.video_ids must list 1 to 20 ids", LogId());
  }
  Json videos = Json::array();
  for (const Json& v : ids) {
    if (!v.is_string()) continue;
    auto post = ctx_.posts().Find(v.get<std::string>());
    if (!post || post->deleted || post->account != creator_.open_id) continue;
    const Json& m = post->metrics;
    videos.push_back(Json{{"id", post->id},
                          {"title", post->text},
                          {"share_url", post->url},
                          {"create_time", base::ToUnixMicros(post->created_at) / 1'000'000},
                          {"view_count", Int(m, "views")},
                          {"like_count", Int(m, "likes")},
                          {"comment_count", Int(m, "comments")},
                          {"share_count", Int(m, "shares")}});
  }
  return Envelope(200, Json{{"videos", videos}, {"cursor", 0}, {"has_more", false}}, "ok", "",
                  LogId());
}

// ---- control plane ----

base::Result<Json> TikTokEmulator::CreateToken(const Json& args) {
  std::lock_guard lock(mu_);
  Json answer = TokenAnswer(base::GetString(args, "scope", kAllScopes));
  if (args.contains("expires_in") && args["expires_in"].is_number_integer()) {
    const int64_t ttl = args["expires_in"].get<int64_t>();
    access_[answer["access_token"].get<std::string>()].expires_at =
        ctx_.Now() + std::chrono::seconds(ttl);
    answer["expires_in"] = ttl;
  }
  answer["account_id"] = creator_.open_id;
  return answer;
}

base::Result<void> TikTokEmulator::RevokeToken(std::string_view token) {
  std::lock_guard lock(mu_);
  if (auto it = refresh_.find(std::string(token)); it != refresh_.end()) {
    it->second.used = true;
    return base::Ok();
  }
  if (auto it = access_.find(std::string(token)); it != access_.end()) {
    access_.erase(it);
    return base::Ok();
  }
  return base::NotFound("unknown token");
}

base::Result<void> TikTokEmulator::ExpireTokens(std::string_view token) {
  std::lock_guard lock(mu_);
  return ExpireAccessTokens(access_, token, ctx_.Now());
}

base::Result<Json> TikTokEmulator::Control(std::string_view action, const Json& body) {
  std::lock_guard lock(mu_);
  if (action == "deny") {
    deny_next_ = true;
    return Json{{"deny_next", true}};
  }
  if (action == "creator") {
    if (auto it = body.find("privacy_level_options"); it != body.end()) {
      if (!it->is_array()) return base::InvalidArgument("privacy_level_options must be a list");
      creator_.privacy_level_options = *it;
    }
    creator_.comment_disabled = body.value("comment_disabled", creator_.comment_disabled);
    creator_.duet_disabled = body.value("duet_disabled", creator_.duet_disabled);
    creator_.stitch_disabled = body.value("stitch_disabled", creator_.stitch_disabled);
    creator_.max_duration_sec =
        body.value("max_video_post_duration_sec", creator_.max_duration_sec);
    creator_.followers = body.value("follower_count", creator_.followers);
    return CreatorJson();
  }
  return NetworkEmulator::Control(action, body);
}

Json TikTokEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json publishes = Json::array();
  for (const auto& [id, p] : publishes_) {
    publishes.push_back(Json{{"publish_id", id},
                             {"status", p.status},
                             {"source", p.source},
                             {"media_type", p.media_type},
                             {"photo_images", p.photo_urls.size()},
                             {"chunks", p.chunks},
                             {"uploaded_bytes", static_cast<int64_t>(p.bytes.size())},
                             {"video_size", p.video_size}});
  }
  return Json{{"client_key", kClientKey},
              {"client_secret", kClientSecret},
              {"open_id", creator_.open_id},
              {"username", creator_.username},
              {"refreshes", refreshes_},
              {"refresh_token_reuses", refresh_token_reuses_},
              {"publishes", publishes}};
}

void RegisterTikTokEmulator(EmulatorRegistry& registry) {
  registry.Add("tiktok",
               "TikTok OAuth v2 + Content Posting API (creator info, chunked FILE_UPLOAD, "
               "PULL_FROM_URL, photo posts, publish status, rotating refresh tokens)",
               [](EmulatorContext& ctx) { return std::make_unique<TikTokEmulator>(ctx); });
}

}  // namespace herald::emulators
