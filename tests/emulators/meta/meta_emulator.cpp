#include "tests/emulators/meta/meta_emulator.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include "base/crypto.h"
#include "base/time.h"
#include "http/router.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/text/utf8.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {
namespace {

using platforms::http::FormFields;
using platforms::http::ParseFormUrlEncoded;

constexpr int64_t kShortTtlSeconds = 5400;
constexpr int64_t kLongTtlSeconds = 5183944;
constexpr size_t kMaxEntries = 10'000;
constexpr int kMaxCaption = 2200;
constexpr int kMaxHashtags = 30;

const std::set<std::string>& KnownScopes() {
  static const std::set<std::string> kScopes = {
      "public_profile",         "pages_show_list",          "pages_manage_posts",
      "pages_read_engagement",  "pages_manage_metadata",    "pages_manage_engagement",
      "read_insights",          "publish_video",            "business_management",
      "instagram_basic",        "instagram_content_publish", "instagram_manage_insights",
      "instagram_manage_comments"};
  return kScopes;
}

std::string TraceId() { return "A" + base::RandomToken().substr(0, 22); }

// A Graph error object (reference 3.8).
Json GraphError(int code, const std::string& message, int subcode = 0,
                const std::string& type = "OAuthException", bool transient = false) {
  Json e{{"message", message}, {"type", type}, {"code", code}, {"fbtrace_id", TraceId()}};
  if (subcode != 0) e["error_subcode"] = subcode;
  if (transient) e["is_transient"] = true;
  return Json{{"error", e}};
}

http::Response JsonAnswer(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

http::Response Error(int status, int code, const std::string& message, int subcode = 0,
                     const std::string& type = "OAuthException", bool transient = false) {
  http::Response r = JsonAnswer(status, GraphError(code, message, subcode, type, transient));
  r.headers.Set("WWW-Authenticate", "OAuth \"Facebook Platform\" \"" + type + "\" \"" +
                                        message.substr(0, 80) + "\"");
  return r;
}

http::Response BadParam(const std::string& message, int subcode = 0) {
  return Error(400, 100, "(#100) " + message, subcode);
}

std::set<std::string> SplitList(std::string_view text) {
  std::set<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == ',') {
      if (!cur.empty()) out.insert(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.insert(cur);
  return out;
}

std::vector<std::string> SplitOrdered(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool IsJpeg(std::string_view d) {
  return d.size() >= 3 && static_cast<unsigned char>(d[0]) == 0xFF &&
         static_cast<unsigned char>(d[1]) == 0xD8 && static_cast<unsigned char>(d[2]) == 0xFF;
}
bool IsPng(std::string_view d) { return d.rfind("\x89PNG", 0) == 0; }
bool IsMp4(std::string_view d) { return d.size() >= 12 && d.substr(4, 4) == "ftyp"; }

int CountHashtags(std::string_view text) {
  int n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '#' && i + 1 < text.size() && text[i + 1] != ' ' && text[i + 1] != '#' &&
        (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\n')) {
      ++n;
    }
  }
  return n;
}

MediaRecord Record(const std::string& id, const std::string& mime, const std::string& data) {
  return MediaRecord{id, mime, "", static_cast<int64_t>(data.size()), base::Sha256Hex(data)};
}

std::string Shortcode(const std::string& id) {
  return "C" + base::Sha256Hex(id).substr(0, 10);
}

std::string Iso(base::Time t) {
  // Graph timestamps: 2026-12-07T10:40:49+0000.
  std::string s = base::FormatRfc3339(t);
  if (!s.empty() && s.back() == 'Z') s = s.substr(0, s.size() - 1);
  if (auto dot = s.find('.'); dot != std::string::npos) s = s.substr(0, dot);
  return s + "+0000";
}

// The value of `metrics[key]` as an integer (0 when absent).
int64_t Metric(const Json& metrics, const char* key) {
  return metrics.is_object() && metrics.contains(key) && metrics[key].is_number_integer()
             ? metrics[key].get<int64_t>()
             : 0;
}

}  // namespace

std::string MetaEmulator::Params::Get(const std::string& name) const {
  auto it = values.find(name);
  return it == values.end() ? std::string() : it->second;
}

MetaEmulator::MetaEmulator(EmulatorContext& ctx) : ctx_(ctx) {
  platforms::http::HttpsClientOptions options;
  options.use_system_cas = false;
  auto client = platforms::http::HttpsClient::Create(options);
  if (client.ok()) http_ = std::move(*client);
  Reset();
}

Json MetaEmulator::DefaultConfig() const {
  return Json{{"container_polls", 2},
              {"video_processing_polls", 1},
              {"ig_quota_total", 100},
              {"calls_per_hour", 5000},
              {"duplicate_window_seconds", 24 * 3600}};
}

void MetaEmulator::Reset() {
  std::lock_guard lock(mu_);
  pages_.clear();
  tokens_.clear();
  codes_.clear();
  code_redirects_.clear();
  declined_.clear();
  containers_.clear();
  videos_.clear();
  photos_.clear();
  media_host_.clear();
  ig_extra_usage_.clear();
  fail_next_container_.reset();
  deny_next_ = false;
  next_id_ = 1;
  Page a;
  a.id = kPageA;
  a.name = "Herald Labs";
  a.ig_user = kIgUser;
  a.ig_username = "heraldlabs";
  a.followers = 1200;
  pages_[a.id] = a;
  Page b;
  b.id = kPageB;
  b.name = "Example Corp";
  b.followers = 34;
  pages_[b.id] = b;
  tokens_[kUserToken] = Token{"", true, KnownScopes(), ctx_.Now() + std::chrono::seconds(kLongTtlSeconds)};
  tokens_[kPageAToken] = Token{kPageA, true, KnownScopes(), std::nullopt};
  tokens_[kPageBToken] = Token{kPageB, true, KnownScopes(), std::nullopt};
}

std::string MetaEmulator::NewIdLocked() {
  return std::to_string(9'000'000'000'000LL + next_id_++);
}

std::string MetaEmulator::IssueTokenLocked(const std::string& page, bool long_lived,
                                           const std::set<std::string>& scopes,
                                           std::optional<base::Time> expires_at) {
  if (tokens_.size() >= kMaxEntries) tokens_.clear();
  std::string token = "EAA" + base::RandomToken();
  tokens_[token] = Token{page, long_lived, scopes, expires_at};
  return token;
}

// ---- routes ----

void MetaEmulator::AddRoutes(ApiRoutes& routes) {
  using Method = base::Task<http::Response> (MetaEmulator::*)(http::Request);
  auto add = [&](const char* method, const char* pattern, Method fn) {
    routes.Add(method, pattern, [this, fn](http::Request req) -> base::Task<http::Response> {
      co_return co_await (this->*fn)(std::move(req));
    });
  };
  add("GET", "/{v}/{rest...}", &MetaEmulator::GraphGet);
  add("POST", "/{v}/{rest...}", &MetaEmulator::GraphPost);
  add("DELETE", "/{v}/{rest...}", &MetaEmulator::GraphDelete);
  add("POST", "/video-upload/{v}/{id}", &MetaEmulator::RuploadPost);
  routes.Add("PUT", "/media-host/{name}",
             [this](http::Request req) -> base::Task<http::Response> {
               std::lock_guard lock(mu_);
               if (media_host_.size() >= 1000) media_host_.clear();
               media_host_[std::string(req.PathParam("name"))] = req.body;
               co_return http::Response::Empty(201);
             });
  routes.Add("GET", "/media-host/{name}",
             [this](http::Request req) -> base::Task<http::Response> {
               std::lock_guard lock(mu_);
               auto it = media_host_.find(std::string(req.PathParam("name")));
               if (it == media_host_.end()) co_return http::Response::Text(404, "no such file");
               co_return http::Response::With(200, "application/octet-stream", it->second);
             });
}

namespace {

// Splits "{v}/{rest...}" into the version and the path segments after it.
bool SplitGraphPath(const http::Request& req, std::string* version,
                    std::vector<std::string>* segments) {
  *version = std::string(req.PathParam("v"));
  static const std::regex kVersion(R"(^v\d+\.\d+$)");
  if (!std::regex_match(*version, kVersion)) return false;
  std::string rest(req.PathParam("rest"));
  segments->clear();
  std::string cur;
  for (char c : rest) {
    if (c == '/') {
      if (!cur.empty()) segments->push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) segments->push_back(cur);
  return true;
}

}  // namespace

base::Task<http::Response> MetaEmulator::GraphGet(http::Request req) {
  std::string version;
  std::vector<std::string> seg;
  if (!SplitGraphPath(req, &version, &seg) || seg.empty()) {
    co_return Error(400, 2500, "Unknown path components: " + req.path);
  }
  Params p;
  for (const auto& [k, v] : req.query_params) p.values[k] = v;
  if (seg.size() == 2 && seg[0] == "dialog" && seg[1] == "oauth") co_return Dialog(req, p);
  if (seg.size() == 2 && seg[0] == "oauth" && seg[1] == "access_token") co_return AccessToken(p);
  Auth auth = Authenticate(req, p);
  if (!auth.token) co_return auth.error;
  http::Response out;
  if (seg.size() == 1) {
    out = ReadNode(auth, seg[0], p);
  } else if (seg.size() == 2 && seg[1] == "insights") {
    out = Insights(auth, seg[0], p);
  } else if (seg.size() == 2) {
    out = ReadEdge(auth, seg[0], seg[1], p);
  } else {
    co_return Error(400, 2500, "Unknown path components: " + req.path);
  }
  if (auto limited = Meter(auth, &out)) co_return *limited;
  co_return out;
}

base::Task<http::Response> MetaEmulator::GraphPost(http::Request req) {
  std::string version;
  std::vector<std::string> seg;
  if (!SplitGraphPath(req, &version, &seg) || seg.empty()) {
    co_return Error(400, 2500, "Unknown path components: " + req.path);
  }
  Params p;
  for (const auto& [k, v] : req.query_params) p.values[k] = v;
  const std::string type(req.Header("Content-Type"));
  if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    for (const auto& [k, v] : ParseFormUrlEncoded(req.body)) p.values[k] = v;
  } else if (type.rfind("application/json", 0) == 0) {
    auto body = base::ParseJson(req.body);
    if (!body.ok() || !body->is_object()) co_return BadParam("Invalid JSON in the request body");
    for (const auto& [k, v] : body->items()) {
      p.values[k] = v.is_string() ? v.get<std::string>() : base::DumpJson(v);
    }
  } else if (type.rfind("multipart/form-data", 0) == 0) {
    auto parts = ParseMultipart(req.body, type);
    if (!parts.ok()) co_return BadParam(parts.error().message());
    for (auto& part : *parts) {
      if (part.filename.empty()) {
        p.values[part.name] = part.data;
      } else {
        p.files[part.name] = part;
      }
    }
  }
  if (seg.size() == 2 && seg[0] == "oauth" && seg[1] == "access_token") co_return AccessToken(p);
  Auth auth = Authenticate(req, p);
  if (!auth.token) co_return auth.error;
  http::Response out;
  if (seg.size() != 2) {
    out = Error(400, 2500, "Unknown path components: " + req.path);
  } else if (seg[1] == "feed") {
    out = co_await PageFeed(auth, seg[0], std::move(p));
  } else if (seg[1] == "photos") {
    out = co_await PagePhotos(auth, seg[0], std::move(p));
  } else if (seg[1] == "videos") {
    out = co_await PageVideos(auth, seg[0], std::move(p));
  } else if (seg[1] == "video_reels") {
    const std::string host(req.Header("Host"));
    out = VideoReels(auth, seg[0], p, "http://" + (host.empty() ? "127.0.0.1" : host));
  } else if (seg[1] == "media") {
    out = co_await IgCreate(auth, seg[0], std::move(p));
  } else if (seg[1] == "media_publish") {
    out = IgPublish(auth, seg[0], p);
  } else {
    out = Error(400, 100, "(#100) Unsupported post request: unknown edge " + seg[1], 33,
                "GraphMethodException");
  }
  if (auto limited = Meter(auth, &out)) co_return *limited;
  co_return out;
}

base::Task<http::Response> MetaEmulator::GraphDelete(http::Request req) {
  std::string version;
  std::vector<std::string> seg;
  if (!SplitGraphPath(req, &version, &seg) || seg.size() != 1) {
    co_return Error(400, 2500, "Unknown path components: " + req.path);
  }
  Params p;
  for (const auto& [k, v] : req.query_params) p.values[k] = v;
  Auth auth = Authenticate(req, p);
  if (!auth.token) co_return auth.error;
  const std::string id = seg[0];
  auto post = ctx_.posts().Find(id);
  if (!post || post->deleted) {
    co_return Error(400, 100,
                    "Unsupported delete request. Object with ID '" + id +
                        "' does not exist, cannot be loaded due to missing permissions, or "
                        "does not support this operation",
                    33, "GraphMethodException");
  }
  if (post->extra.value("network", "") == "instagram") {
    co_return Error(400, 100, "(#100) Deleting Instagram media is not supported", 0,
                    "GraphMethodException");
  }
  if (auto denied = NeedPage(auth, post->account)) co_return *denied;
  if (auto denied = NeedScope(auth, "pages_manage_posts", 200)) co_return *denied;
  ctx_.posts().MarkDeleted(id);
  http::Response out = JsonAnswer(200, Json{{"success", true}});
  if (auto limited = Meter(auth, &out)) co_return *limited;
  co_return out;
}

// ---- login ----

http::Response MetaEmulator::Dialog(const http::Request&, const Params& p) {
  const std::string redirect_uri = p.Get("redirect_uri");
  if (p.Get("client_id") != kClientId) {
    return http::Response::Text(400, "Invalid App ID: the client_id is not a Facebook app.");
  }
  if (redirect_uri.rfind("http://", 0) != 0 && redirect_uri.rfind("https://", 0) != 0) {
    return http::Response::Text(400, "URL blocked: this redirect failed because the redirect "
                                     "URI is not whitelisted in the app's client OAuth settings.");
  }
  const std::string state = p.Get("state");
  auto redirect = [&](FormFields fields) {
    if (!state.empty()) fields.emplace_back("state", state);
    http::Response r = http::Response::Text(302, "");
    r.headers.Set("Location", platforms::http::AppendQuery(redirect_uri, fields));
    return r;
  };
  std::set<std::string> scopes = SplitList(p.Get("scope"));
  for (const std::string& s : scopes) {
    if (KnownScopes().count(s) == 0) {
      return redirect({{"error", "invalid_scope"},
                       {"error_description", "Invalid Scopes: " + s}});
    }
  }
  std::lock_guard lock(mu_);
  if (deny_next_) {
    deny_next_ = false;
    return redirect({{"error", "access_denied"},
                     {"error_code", "200"},
                     {"error_description", "Permissions error"},
                     {"error_reason", "user_denied"}});
  }
  for (const auto& d : declined_) scopes.erase(d);
  if (codes_.size() >= kMaxEntries) {
    codes_.clear();
    code_redirects_.clear();
  }
  std::string code = "AQD" + base::RandomToken();
  codes_[code] = scopes;
  code_redirects_[code] = redirect_uri;
  return redirect({{"code", code}});
}

http::Response MetaEmulator::AccessToken(const Params& p) {
  if (p.Get("client_id") != kClientId || p.Get("client_secret") != kClientSecret) {
    return Error(400, 1, "Error validating client secret.", 0, "OAuthException");
  }
  std::lock_guard lock(mu_);
  const base::Time now = ctx_.Now();
  if (p.Get("grant_type") == "fb_exchange_token") {
    auto it = tokens_.find(p.Get("fb_exchange_token"));
    if (it == tokens_.end() || !it->second.page.empty() || it->second.revoked ||
        it->second.expired || (it->second.expires_at && now >= *it->second.expires_at)) {
      return Error(400, 190, "Error validating access token: the token is invalid or expired",
                   463);
    }
    const std::set<std::string> scopes = it->second.scopes;
    const std::string token = IssueTokenLocked(
        "", true, scopes, now + std::chrono::seconds(kLongTtlSeconds));
    return JsonAnswer(200, Json{{"access_token", token},
                                {"token_type", "bearer"},
                                {"expires_in", kLongTtlSeconds}});
  }
  auto it = codes_.find(p.Get("code"));
  if (it == codes_.end() || code_redirects_[it->first] != p.Get("redirect_uri")) {
    return Error(400, 100,
                 "Invalid verification code format, or the redirect_uri differs from the one "
                 "used in the dialog.",
                 36007);
  }
  const std::set<std::string> scopes = it->second;
  code_redirects_.erase(it->first);
  codes_.erase(it);
  const std::string token =
      IssueTokenLocked("", false, scopes, now + std::chrono::seconds(kShortTtlSeconds));
  return JsonAnswer(200, Json{{"access_token", token},
                              {"token_type", "bearer"},
                              {"expires_in", kShortTtlSeconds}});
}

// ---- authentication, permissions, usage ----

MetaEmulator::Auth MetaEmulator::Authenticate(const http::Request& req, const Params& p) {
  Auth auth;
  auth.value = p.Get("access_token");
  if (auth.value.empty()) {
    std::string_view h = req.Header("Authorization");
    for (std::string_view scheme : {"Bearer ", "OAuth "}) {
      if (h.rfind(scheme, 0) == 0) auth.value = std::string(h.substr(scheme.size()));
    }
  }
  if (auth.value.empty()) {
    auth.error = Error(400, 104, "An access token is required to request this resource.");
    return auth;
  }
  std::lock_guard lock(mu_);
  auto it = tokens_.find(auth.value);
  if (it == tokens_.end()) {
    auth.error = Error(400, 190, "Invalid OAuth access token - Cannot parse access token");
    return auth;
  }
  const Token& t = it->second;
  if (t.revoked) {
    auth.error = Error(400, 190,
                       "Error validating access token: The user has not authorized application "
                       "meta-client.",
                       458);
    return auth;
  }
  if (t.expired || (t.expires_at && ctx_.Now() >= *t.expires_at)) {
    auth.error = Error(400, 190,
                       "Error validating access token: Session has expired on " +
                           base::FormatRfc3339(t.expires_at.value_or(ctx_.Now())) +
                           ". The current time is " + base::FormatRfc3339(ctx_.Now()) + ".",
                       463);
    return auth;
  }
  if (!t.page.empty()) {
    auto page = pages_.find(t.page);
    if (page == pages_.end() || !page->second.granted) {
      auth.error = Error(400, 190,
                         "Error validating access token: The session has been invalidated "
                         "because the user changed their password or Facebook has changed the "
                         "session for security reasons.",
                         460);
      return auth;
    }
  }
  auth.token = t;
  for (const auto& d : declined_) auth.token->scopes.erase(d);
  return auth;
}

std::optional<http::Response> MetaEmulator::Meter(const Auth& auth, http::Response* ok_answer) {
  const int limit = static_cast<int>(ctx_.ConfigInt("calls_per_hour", 5000));
  const base::Time now = ctx_.Now();
  RateStatus rs = ctx_.rate_limiter().Consume("graph:" + auth.value, 1, limit,
                                              std::chrono::hours(1), now);
  const int used = limit > 0 ? std::min(100, (limit - rs.remaining) * 100 / limit) : 100;
  const int64_t regain =
      rs.exceeded ? std::max<int64_t>(
                        1, std::chrono::duration_cast<std::chrono::minutes>(rs.reset_at - now)
                               .count())
                  : 0;
  http::Response* target = ok_answer;
  http::Response limited;
  if (rs.exceeded) {
    limited = auth.token->page.empty()
                  ? Error(403, 4, "(#4) Application request limit reached", 0, "OAuthException",
                          true)
                  : Error(400, 80001,
                          "(#80001) There have been too many calls to this Page account. Wait "
                          "a bit and try again.",
                          0, "OAuthException", true);
    target = &limited;
  }
  if (auth.token->page.empty()) {
    target->headers.Set("X-App-Usage",
                        base::DumpJson(Json{{"call_count", rs.exceeded ? 100 : used},
                                            {"total_cputime", used / 2},
                                            {"total_time", used / 2}}));
  } else {
    target->headers.Set(
        "X-Business-Use-Case-Usage",
        base::DumpJson(Json{{auth.token->page,
                             Json::array({Json{{"type", "pages"},
                                               {"call_count", rs.exceeded ? 100 : used},
                                               {"total_cputime", used / 2},
                                               {"total_time", used / 2},
                                               {"estimated_time_to_regain_access", regain}}})}}));
  }
  if (rs.exceeded) return limited;
  return std::nullopt;
}

std::optional<http::Response> MetaEmulator::NeedScope(const Auth& auth, const std::string& scope,
                                                      int code) const {
  if (auth.token->scopes.count(scope) != 0) return std::nullopt;
  if (code == 10) {
    return Error(403, 10, "(#10) Application does not have permission for this action: it "
                          "requires the " + scope + " permission");
  }
  return Error(403, 200, "(#200) Requires " + scope + " permission to manage the object");
}

std::optional<http::Response> MetaEmulator::NeedPage(const Auth& auth,
                                                     const std::string& page) const {
  if (auth.token->page == page) return std::nullopt;
  if (auth.token->page.empty()) {
    return Error(403, 200,
                 "(#200) If posting to a page, requires both pages_read_engagement and "
                 "pages_manage_posts as an admin with sufficient administrative permission; "
                 "use the Page access token");
  }
  return Error(403, 200, "(#200) The Page access token does not belong to Page " + page);
}

std::optional<http::Response> MetaEmulator::NeedIgUser(const Auth& auth,
                                                       const std::string& ig_user) const {
  std::lock_guard lock(mu_);
  const Page* page = PageOfIgLocked(ig_user);
  if (page == nullptr) {
    return Error(400, 100,
                 "Unsupported request: Object with ID '" + ig_user + "' does not exist", 33,
                 "GraphMethodException");
  }
  if (!auth.token->page.empty() && auth.token->page != page->id) {
    return Error(403, 10, "(#10) The token does not belong to the Page linked to " + ig_user);
  }
  return std::nullopt;
}

const MetaEmulator::Page* MetaEmulator::PageOfIgLocked(const std::string& ig_user) const {
  for (const auto& [id, page] : pages_) {
    if (!ig_user.empty() && page.ig_user == ig_user) return &page;
  }
  return nullptr;
}

// ---- downloads ----

base::Task<MetaEmulator::Download> MetaEmulator::Fetch(std::string url) {
  Download out;
  // Tests never reach the internet: only loopback media hosts are fetched.
  if (url.rfind("http://127.0.0.1:", 0) != 0 && url.rfind("http://localhost:", 0) != 0) {
    out.error = "Media download has failed. The media URI doesn't meet our requirements "
                "(the emulator downloads from loopback only).";
    co_return out;
  }
  if (!http_) {
    out.error = "Media download has failed (no HTTP client).";
    co_return out;
  }
  platforms::HttpRequest r;
  r.url = url;
  r.total_timeout = std::chrono::seconds(20);
  r.max_response_bytes = 256u << 20;
  auto got = co_await http_->Send(std::move(r));
  if (!got.ok()) {
    out.error = "Media download has failed: " + got.error().message();
  } else if (got->status != 200) {
    out.error = "Media download has failed. The media URI answered HTTP " +
                std::to_string(got->status) + ".";
  } else {
    out.data = std::move(got->body);
  }
  co_return out;
}

base::Task<MetaEmulator::Download> MetaEmulator::Upload(const Params& p,
                                                       std::string url_field) {
  if (auto it = p.files.find("source"); it != p.files.end()) co_return Download{it->second.data, ""};
  if (p.Has(url_field)) co_return co_await Fetch(p.Get(url_field));
  co_return Download{"", "Requires upload file: " + url_field + " or a multipart source"};
}

// ---- Facebook Pages ----

base::Task<http::Response> MetaEmulator::PageFeed(const Auth& auth, std::string page, Params p) {
  if (auto denied = NeedPage(auth, page)) co_return *denied;
  if (auto denied = NeedScope(auth, "pages_manage_posts", 200)) co_return *denied;
  {
    std::lock_guard lock(mu_);
    auto pg = pages_.find(page);
    if (pg == pages_.end() || std::find(pg->second.tasks.begin(), pg->second.tasks.end(),
                                        "CREATE_CONTENT") == pg->second.tasks.end()) {
      co_return Error(403, 200,
                      "(#200) The user needs the CREATE_CONTENT task on the Page to publish");
    }
  }
  const std::string message = p.Get("message");
  const std::string link = p.Get("link");
  std::vector<std::string> fbids;
  if (p.Has("attached_media")) {
    auto list = base::ParseJson(p.Get("attached_media"));
    if (!list.ok() || !list->is_array()) co_return BadParam("attached_media must be an array");
    for (const Json& m : *list) {
      fbids.push_back(m.is_object() ? base::GetString(m, "media_fbid") : "");
    }
  }
  for (int i = 0; p.Has("attached_media[" + std::to_string(i) + "]"); ++i) {
    auto m = base::ParseJson(p.Get("attached_media[" + std::to_string(i) + "]"));
    fbids.push_back(m.ok() && m->is_object() ? base::GetString(*m, "media_fbid") : "");
  }
  if (message.empty() && link.empty() && fbids.empty()) {
    co_return BadParam("Posts where the message, link and attached_media are empty are not "
                       "allowed");
  }
  std::vector<MediaRecord> media;
  {
    std::lock_guard lock(mu_);
    for (const std::string& id : fbids) {
      auto ph = photos_.find(id);
      if (ph == photos_.end() || ph->second.page != page) {
        co_return BadParam("attached_media: " + id + " is not an unpublished photo of the Page");
      }
      media.push_back(ph->second.media);
    }
  }
  // (#506): the same content as the Page's latest live post.
  const base::Time now = ctx_.Now();
  const auto window = std::chrono::seconds(ctx_.ConfigInt("duplicate_window_seconds", 86400));
  std::optional<CreatedPost> latest;
  for (const CreatedPost& c : ctx_.posts().List()) {
    if (!c.deleted && c.account == page) latest = c;
  }
  if (latest && now - latest->created_at < window && latest->text == message &&
      latest->extra.value("link", "") == link &&
      latest->extra.value("media_fbids", Json::array()) == Json(fbids)) {
    co_return Error(400, 506, "(#506) Duplicate status message", 0, "OAuthException");
  }
  CreatedPost post;
  std::string n;
  {
    std::lock_guard lock(mu_);
    n = NewIdLocked();
  }
  post.id = page + "_" + n;
  post.account = page;
  post.text = message;
  post.media = media;
  post.created_at = now;
  post.url = "https://www.facebook.com/" + page + "/posts/" + n;
  post.extra = Json{{"network", "facebook"}, {"kind", fbids.empty() ? "feed" : "photos"},
                    {"link", link}, {"media_fbids", fbids}};
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) co_return Error(500, 1, added.error().message());
  co_return JsonAnswer(200, Json{{"id", post.id}});
}

base::Task<http::Response> MetaEmulator::PagePhotos(const Auth& auth, std::string page,
                                                    Params p) {
  if (auto denied = NeedPage(auth, page)) co_return *denied;
  if (auto denied = NeedScope(auth, "pages_manage_posts", 200)) co_return *denied;
  Download d = co_await Upload(p, "url");
  if (!d.error.empty()) {
    co_return Error(400, 324, "(#324) Missing or invalid image file: " + d.error, 2069019);
  }
  const std::string data = std::move(d.data);
  if (!IsJpeg(data) && !IsPng(data)) {
    co_return Error(400, 324, "(#324) Missing or invalid image file: not a JPEG or PNG image",
                    2069019);
  }
  const std::string mime = IsJpeg(data) ? "image/jpeg" : "image/png";
  const bool published = p.Get("published") != "false";
  std::string photo_id;
  {
    std::lock_guard lock(mu_);
    photo_id = NewIdLocked();
    if (!published) {
      if (photos_.size() >= kMaxEntries) photos_.clear();
      photos_[photo_id] = Photo{photo_id, page, Record(photo_id, mime, data)};
    }
  }
  if (!published) co_return JsonAnswer(200, Json{{"id", photo_id}});
  CreatedPost post;
  const std::string n = photo_id;
  post.id = page + "_" + n;
  post.account = page;
  post.text = p.Has("caption") ? p.Get("caption") : p.Get("message");
  post.media = {Record(photo_id, mime, data)};
  post.created_at = ctx_.Now();
  post.url = "https://www.facebook.com/" + page + "/posts/" + n;
  post.extra = Json{{"network", "facebook"}, {"kind", "photo"}, {"photo_id", photo_id}};
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) co_return Error(500, 1, added.error().message());
  co_return JsonAnswer(200, Json{{"id", photo_id}, {"post_id", post.id}});
}

base::Task<http::Response> MetaEmulator::PageVideos(const Auth& auth, std::string page,
                                                    Params p) {
  if (auto denied = NeedPage(auth, page)) co_return *denied;
  if (auto denied = NeedScope(auth, "pages_manage_posts", 200)) co_return *denied;
  Download d = co_await Upload(p, "file_url");
  if (!d.error.empty()) co_return Error(400, 352, "(#352) " + d.error);
  const std::string data = std::move(d.data);
  if (!IsMp4(data)) {
    co_return Error(400, 352, "(#352) Sorry, the video file you selected is in a format that we "
                              "don't support.");
  }
  std::string id;
  {
    std::lock_guard lock(mu_);
    id = NewIdLocked();
  }
  CreatedPost post;
  post.id = id;
  post.account = page;
  post.text = p.Get("description");
  post.media = {Record(id, "video/mp4", data)};
  post.created_at = ctx_.Now();
  post.url = "https://www.facebook.com/" + page + "/videos/" + id + "/";
  post.extra = Json{{"network", "facebook"}, {"kind", "video"}, {"title", p.Get("title")}};
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) co_return Error(500, 1, added.error().message());
  co_return JsonAnswer(200, Json{{"id", id}});
}

http::Response MetaEmulator::VideoReels(const Auth& auth, const std::string& page,
                                        const Params& p, const std::string& origin) {
  if (auto denied = NeedPage(auth, page)) return *denied;
  if (auto denied = NeedScope(auth, "pages_manage_posts", 200)) return *denied;
  const std::string phase = p.Get("upload_phase");
  std::lock_guard lock(mu_);
  if (phase == "start") {
    if (videos_.size() >= kMaxEntries) videos_.clear();
    Video v;
    v.id = NewIdLocked();
    v.page = page;
    videos_[v.id] = v;
    return JsonAnswer(200, Json{{"video_id", v.id},
                                {"upload_url", origin + "/video-upload/v24.0/" + v.id}});
  }
  if (phase == "finish") {
    auto it = videos_.find(p.Get("video_id"));
    if (it == videos_.end() || it->second.page != page) {
      return BadParam("video_id does not name a reel upload of this Page");
    }
    Video& v = it->second;
    if (!v.uploaded) {
      return Error(400, 6000, "There was a problem uploading your video file: no bytes were "
                              "uploaded", 1363130);
    }
    if (v.finished) return JsonAnswer(200, Json{{"success", true}});  // nothing new
    v.finished = true;
    v.polls_left = ctx_.ConfigInt("video_processing_polls", 1);
    CreatedPost post;
    post.id = v.id;
    post.account = page;
    post.text = p.Get("description");
    post.media = {v.media};
    post.created_at = ctx_.Now();
    post.url = "https://www.facebook.com/reel/" + v.id;
    post.extra = Json{{"network", "facebook"}, {"kind", "reel"},
                      {"video_state", p.Get("video_state")}};
    auto added = ctx_.posts().Add(post);
    if (!added.ok()) return Error(500, 1, added.error().message());
    return JsonAnswer(200, Json{{"success", true}});
  }
  return BadParam("upload_phase must be start or finish");
}

base::Task<http::Response> MetaEmulator::RuploadPost(http::Request req) {
  Params p;
  Auth auth = Authenticate(req, p);
  if (!auth.token) co_return auth.error;
  const std::string id(req.PathParam("id"));
  {
    std::lock_guard lock(mu_);
    auto it = videos_.find(id);
    if (it == videos_.end() || it->second.page != auth.token->page) {
      co_return JsonAnswer(400, Json{{"debug_info", {{"retriable", false},
                                                     {"type", "NotAuthorizedError"},
                                                     {"message", "unknown video " + id}}}});
    }
  }
  std::string data;
  const std::string file_url(req.Header("file_url"));
  if (!file_url.empty()) {
    Download d = co_await Fetch(file_url);
    if (!d.error.empty()) {
      co_return JsonAnswer(400, Json{{"debug_info", {{"retriable", false},
                                                     {"type", "ProcessingFailedError"},
                                                     {"message", d.error}}}});
    }
    data = std::move(d.data);
  } else {
    data = req.body;
    const std::string size(req.Header("file_size"));
    if (size != std::to_string(data.size())) {
      co_return JsonAnswer(400, Json{{"debug_info", {{"retriable", false},
                                                     {"type", "PartialRequestError"},
                                                     {"message", "file_size does not match the "
                                                                 "bytes sent"}}}});
    }
  }
  if (!IsMp4(data)) {
    co_return JsonAnswer(400, Json{{"debug_info", {{"retriable", false},
                                                   {"type", "ProcessingFailedError"},
                                                   {"message", "the file is not an MP4 video"}}}});
  }
  std::lock_guard lock(mu_);
  Video& v = videos_[id];
  v.uploaded = true;
  v.media = Record(id, "video/mp4", data);
  co_return JsonAnswer(200, Json{{"success", true}});
}

// ---- Instagram ----

base::Task<http::Response> MetaEmulator::IgCreate(const Auth& auth, std::string ig_user,
                                                  Params p) {
  if (auto denied = NeedIgUser(auth, ig_user)) co_return *denied;
  if (auto denied = NeedScope(auth, "instagram_basic", 10)) co_return *denied;
  if (auto denied = NeedScope(auth, "instagram_content_publish", 10)) co_return *denied;
  Container c;
  c.ig_user = ig_user;
  c.caption = p.Get("caption");
  c.carousel_item = p.Get("is_carousel_item") == "true";
  std::string type = p.Get("media_type");
  if (type.empty()) type = p.Has("video_url") ? "VIDEO" : "IMAGE";
  c.media_type = type;
  if (type != "IMAGE" && type != "VIDEO" && type != "REELS" && type != "STORIES" &&
      type != "CAROUSEL") {
    co_return BadParam("The parameter media_type is not valid: " + type);
  }
  if (platforms::text::CountCodePoints(c.caption) > kMaxCaption) {
    co_return Error(400, 100, "The caption is too long (more than 2,200 characters)", 2207010);
  }
  if (CountHashtags(c.caption) > kMaxHashtags) {
    co_return Error(400, 100, "The caption has more than 30 hashtags", 2207010);
  }
  if ((type == "STORIES" || c.carousel_item) && !c.caption.empty()) {
    co_return BadParam(std::string(type == "STORIES" ? "Stories" : "Carousel items") +
                       " take no caption");
  }
  if (type == "VIDEO" && !c.carousel_item) {
    co_return BadParam("media_type VIDEO is only for carousel items; use REELS");
  }
  {
    std::lock_guard lock(mu_);
    if (containers_.size() >= kMaxEntries) containers_.clear();
    c.id = NewIdLocked();
    c.created_at = ctx_.Now();
    c.polls_left = ctx_.ConfigInt("container_polls", 2);
  }
  if (type == "CAROUSEL") {
    c.children = SplitOrdered(p.Get("children"));
    if (c.children.size() < 2 || c.children.size() > 10) {
      co_return BadParam("A carousel takes 2 to 10 children; got " +
                         std::to_string(c.children.size()), 2207028);
    }
    std::lock_guard lock(mu_);
    for (const std::string& child : c.children) {
      auto it = containers_.find(child);
      if (it == containers_.end() || it->second.ig_user != ig_user ||
          !it->second.carousel_item) {
        co_return BadParam("children: " + child + " is not a carousel item of this account");
      }
      if (!it->second.error.empty() || it->second.polls_left > 0) {
        co_return Error(400, 9007, "The media is not ready for publishing, please wait for a "
                                   "moment (child " + child + ")", 2207027);
      }
    }
    containers_[c.id] = c;
    co_return JsonAnswer(200, Json{{"id", c.id}});
  }
  const bool video = type == "VIDEO" || type == "REELS" || (type == "STORIES" && p.Has("video_url"));
  const std::string url = p.Get(video ? "video_url" : "image_url");
  if (url.empty()) {
    co_return BadParam(std::string("The parameter ") + (video ? "video_url" : "image_url") +
                       " is required");
  }
  Download d = co_await Fetch(url);
  if (!d.error.empty()) {
    c.error = d.error + " (2207003)";
  } else if (!video && !IsJpeg(d.data)) {
    c.error = "The image format is not supported: only JPEG images are accepted (2207005)";
  } else if (video && !IsMp4(d.data)) {
    c.error = "The video format is not supported: upload an MP4 or MOV file (2207026)";
  }
  c.media = Record(c.id, video ? "video/mp4" : "image/jpeg", d.data);
  std::lock_guard lock(mu_);
  if (c.error.empty() && fail_next_container_) {
    c.error = *fail_next_container_;
    fail_next_container_.reset();
  }
  containers_[c.id] = c;
  co_return JsonAnswer(200, Json{{"id", c.id}});
}

int64_t MetaEmulator::IgUsageLocked(const std::string& ig_user) const {
  const base::Time since = ctx_.Now() - std::chrono::hours(24);
  int64_t n = static_cast<int64_t>(ctx_.posts().CountLive([&](const CreatedPost& p) {
    return p.account == ig_user && p.created_at > since;
  }));
  for (const auto& [user, at] : ig_extra_usage_) {
    if (user == ig_user && at > since) ++n;
  }
  return n;
}

http::Response MetaEmulator::IgPublish(const Auth& auth, const std::string& ig_user,
                                       const Params& p) {
  if (auto denied = NeedIgUser(auth, ig_user)) return *denied;
  if (auto denied = NeedScope(auth, "instagram_content_publish", 10)) return *denied;
  std::lock_guard lock(mu_);
  auto it = containers_.find(p.Get("creation_id"));
  if (it == containers_.end() || it->second.ig_user != ig_user || it->second.carousel_item) {
    return BadParam("The parameter creation_id does not name a container of this account",
                    2207006);
  }
  Container& c = it->second;
  if (!c.media_id.empty()) {
    return Error(400, 9007, "The media has already been published (container " + c.id + ")",
                 2207008);
  }
  if (!c.error.empty()) {
    return Error(400, 9007, "The media could not be published: " + c.error, 2207032);
  }
  if (c.polls_left > 0) {
    return Error(400, 9007, "Media ID is not available: the media is not ready for "
                            "publishing, please wait for a moment",
                 2207027);
  }
  if (ctx_.Now() - c.created_at > std::chrono::hours(24)) {
    return Error(400, 9007, "The container expired (not published within 24 hours)", 2207020);
  }
  const int64_t total = ctx_.ConfigInt("ig_quota_total", 100);
  if (IgUsageLocked(ig_user) >= total) {
    return Error(400, 9, "Application request limit reached: the account published " +
                             std::to_string(total) + " posts in the last 24 hours",
                 2207042);
  }
  const Page* page = PageOfIgLocked(ig_user);
  CreatedPost post;
  post.id = NewIdLocked();
  post.account = ig_user;
  post.text = c.caption;
  post.created_at = ctx_.Now();
  std::string product = "FEED";
  if (c.media_type == "REELS") product = "REELS";
  if (c.media_type == "STORIES") product = "STORY";
  if (c.media_type == "CAROUSEL") {
    for (const std::string& child : c.children) post.media.push_back(containers_[child].media);
  } else {
    post.media = {c.media};
  }
  const std::string shortcode = Shortcode(post.id);
  post.url = product == "REELS"   ? "https://www.instagram.com/reel/" + shortcode + "/"
             : product == "STORY" ? "https://www.instagram.com/stories/" +
                                        (page ? page->ig_username : "") + "/" + post.id + "/"
                                  : "https://www.instagram.com/p/" + shortcode + "/";
  post.extra = Json{{"network", "instagram"},
                    {"media_product_type", product},
                    {"media_type", c.media_type == "CAROUSEL" ? "CAROUSEL_ALBUM"
                                   : c.media.mime_type == "video/mp4" ? "VIDEO" : "IMAGE"},
                    {"container", c.id},
                    {"shortcode", shortcode}};
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) return Error(500, 1, added.error().message());
  c.media_id = post.id;
  return JsonAnswer(200, Json{{"id", post.id}});
}

// ---- reads ----

http::Response MetaEmulator::ReadNode(const Auth& auth, const std::string& id, const Params& p) {
  const std::set<std::string> fields = SplitList(p.Get("fields"));
  if (id == "me") {
    if (!auth.token->page.empty()) {
      std::lock_guard lock(mu_);
      return JsonAnswer(200, Json{{"id", auth.token->page},
                                  {"name", pages_[auth.token->page].name}});
    }
    return JsonAnswer(200, Json{{"id", kUserId}, {"name", "Ada Lovelace"}});
  }
  {
    std::lock_guard lock(mu_);
    if (auto it = containers_.find(id); it != containers_.end()) {
      Container& c = it->second;
      Json out{{"id", c.id}};
      std::string code = "IN_PROGRESS";
      if (!c.media_id.empty()) {
        code = "PUBLISHED";
      } else if (c.polls_left > 0) {
        --c.polls_left;
        if (c.polls_left == 0 && !c.error.empty()) code = "ERROR";
      } else {
        code = c.error.empty() ? "FINISHED" : "ERROR";
      }
      if (ctx_.Now() - c.created_at > std::chrono::hours(24) && c.media_id.empty()) {
        code = "EXPIRED";
      }
      out["status_code"] = code;
      out["status"] = code == "ERROR" ? "Error: " + c.error
                                      : code == "IN_PROGRESS" ? "In Progress: Media is still "
                                                                "being processed."
                                                              : std::string("Finished: ") + code;
      if (!c.media_id.empty()) out["id_published"] = c.media_id;
      return JsonAnswer(200, out);
    }
    if (auto it = videos_.find(id); it != videos_.end()) {
      Video& v = it->second;
      std::string state = "processing";
      if (v.finished && v.polls_left > 0) {
        --v.polls_left;
      } else if (v.finished) {
        state = "ready";
      } else if (!v.uploaded) {
        state = "upload_pending";
      }
      return JsonAnswer(200, Json{{"id", v.id},
                                  {"status",
                                   {{"video_status", state},
                                    {"uploading_phase", {{"status", v.uploaded ? "complete"
                                                                                : "not_started"}}},
                                    {"processing_phase", {{"status", state == "ready"
                                                                          ? "complete"
                                                                          : "in_progress"}}},
                                    {"publishing_phase", {{"status", state == "ready"
                                                                          ? "complete"
                                                                          : "not_started"}}}}}});
    }
    if (auto it = pages_.find(id); it != pages_.end()) {
      return JsonAnswer(200, Json{{"id", id},
                                  {"name", it->second.name},
                                  {"followers_count", it->second.followers},
                                  {"fan_count", it->second.followers}});
    }
    if (const Page* page = PageOfIgLocked(id)) {
      const int64_t media = static_cast<int64_t>(ctx_.posts().CountLive(
          [&](const CreatedPost& c) { return c.account == id; }));
      return JsonAnswer(200, Json{{"id", id},
                                  {"username", page->ig_username},
                                  {"followers_count", page->followers * 2},
                                  {"follows_count", 12},
                                  {"media_count", media}});
    }
  }
  auto post = ctx_.posts().Find(id);
  if (!post || post->deleted) {
    return Error(400, 100,
                 "Unsupported get request. Object with ID '" + id +
                     "' does not exist, cannot be loaded due to missing permissions, or does "
                     "not support this operation",
                 33, "GraphMethodException");
  }
  Json out{{"id", post->id}};
  if (post->extra.value("network", "") == "instagram") {
    out["permalink"] = post->url;
    out["shortcode"] = post->extra.value("shortcode", "");
    out["media_product_type"] = post->extra.value("media_product_type", "");
    out["media_type"] = post->extra.value("media_type", "");
    out["caption"] = post->text;
    out["timestamp"] = Iso(post->created_at);
    out["like_count"] = Metric(post->metrics, "likes");
    out["comments_count"] = Metric(post->metrics, "comments");
    return JsonAnswer(200, out);
  }
  out["permalink_url"] = post->url;
  out["message"] = post->text;
  out["created_time"] = Iso(post->created_at);
  out["shares"] = Json{{"count", Metric(post->metrics, "shares")}};
  out["comments"] = Json{{"data", Json::array()},
                         {"summary", {{"total_count", Metric(post->metrics, "comments")}}}};
  out["reactions"] = Json{{"data", Json::array()},
                          {"summary", {{"total_count", Metric(post->metrics, "likes")}}}};
  (void)fields;
  return JsonAnswer(200, out);
}

http::Response MetaEmulator::ReadEdge(const Auth& auth, const std::string& id,
                                      const std::string& edge, const Params& p) {
  if (id == "me" && edge == "permissions") {
    std::lock_guard lock(mu_);
    Json data = Json::array();
    for (const std::string& s : KnownScopes()) {
      if (auth.token->scopes.count(s) != 0) {
        data.push_back(Json{{"permission", s}, {"status", "granted"}});
      } else if (declined_.count(s) != 0) {
        data.push_back(Json{{"permission", s}, {"status", "declined"}});
      }
    }
    return JsonAnswer(200, Json{{"data", data}});
  }
  if (id == "me" && edge == "accounts") {
    if (!auth.token->page.empty()) {
      return Error(400, 100, "(#100) Tried accessing nonexisting field (accounts) on node type "
                             "(Page)", 0, "GraphMethodException");
    }
    if (auto denied = NeedScope(auth, "pages_show_list", 200)) return *denied;
    std::lock_guard lock(mu_);
    Json data = Json::array();
    const Token user = *auth.token;
    for (const auto& [pid, page] : pages_) {
      if (!page.granted) continue;
      // Page tokens from a long-lived user token never expire; from a short-lived one they
      // expire with it.
      std::string token;
      for (const auto& [t, info] : tokens_) {
        if (info.page == pid && info.long_lived == user.long_lived && !info.revoked &&
            !info.expired && info.scopes == user.scopes &&
            (user.long_lived || info.expires_at == user.expires_at)) {
          token = t;
          break;
        }
      }
      if (token.empty()) {
        token = IssueTokenLocked(pid, user.long_lived, user.scopes,
                                 user.long_lived ? std::nullopt : user.expires_at);
      }
      Json entry{{"id", pid},
                 {"name", page.name},
                 {"access_token", token},
                 {"category", "Software"},
                 {"tasks", page.tasks}};
      if (!page.ig_user.empty()) {
        entry["instagram_business_account"] = Json{{"id", page.ig_user},
                                                   {"username", page.ig_username}};
      }
      data.push_back(entry);
    }
    return JsonAnswer(200, Json{{"data", data}, {"paging", {{"cursors", Json::object()}}}});
  }
  int64_t limit = 25;
  try {
    if (p.Has("limit")) limit = std::clamp<int64_t>(std::stoll(p.Get("limit")), 1, 100);
  } catch (...) {
    return BadParam("limit must be an integer");
  }
  if (edge == "feed" || edge == "published_posts" || edge == "posts") {
    if (auto denied = NeedScope(auth, "pages_read_engagement", 10)) return *denied;
    Json data = Json::array();
    auto all = ctx_.posts().List();
    for (auto it = all.rbegin(); it != all.rend() && static_cast<int64_t>(data.size()) < limit;
         ++it) {
      if (it->deleted || it->account != id) continue;
      data.push_back(Json{{"id", it->id},
                          {"message", it->text},
                          {"created_time", Iso(it->created_at)},
                          {"permalink_url", it->url}});
    }
    return JsonAnswer(200, Json{{"data", data}});
  }
  if (edge == "media") {
    if (auto denied = NeedIgUser(auth, id)) return *denied;
    if (auto denied = NeedScope(auth, "instagram_basic", 10)) return *denied;
    Json data = Json::array();
    auto all = ctx_.posts().List();
    for (auto it = all.rbegin(); it != all.rend() && static_cast<int64_t>(data.size()) < limit;
         ++it) {
      if (it->deleted || it->account != id) continue;
      data.push_back(Json{{"id", it->id},
                          {"caption", it->text},
                          {"timestamp", Iso(it->created_at)},
                          {"permalink", it->url},
                          {"media_product_type", it->extra.value("media_product_type", "")},
                          {"media_type", it->extra.value("media_type", "")}});
    }
    return JsonAnswer(200, Json{{"data", data}});
  }
  if (edge == "content_publishing_limit") {
    if (auto denied = NeedIgUser(auth, id)) return *denied;
    std::lock_guard lock(mu_);
    return JsonAnswer(
        200, Json{{"data", Json::array({Json{{"quota_usage", IgUsageLocked(id)},
                                             {"config",
                                              {{"quota_total", ctx_.ConfigInt("ig_quota_total", 100)},
                                               {"quota_duration", 86400}}}}})}});
  }
  return Error(400, 100, "(#100) Tried accessing nonexisting field (" + edge + ")", 0,
               "GraphMethodException");
}

http::Response MetaEmulator::Insights(const Auth& auth, const std::string& id, const Params& p) {
  const std::vector<std::string> metrics = SplitOrdered(p.Get("metric"));
  if (metrics.empty()) {
    return Error(400, 3001, "Invalid query: the metric parameter is required", 1504028);
  }
  static const std::set<std::string> kDeprecated = {
      "post_impressions", "post_impressions_unique", "page_impressions", "page_fans",
      "impressions", "plays", "video_views"};
  Json metrics_of = Json::object();
  bool page = false;
  {
    std::lock_guard lock(mu_);
    page = pages_.count(id) != 0;
    if (page) metrics_of = Json{{"followers", pages_[id].followers}};
  }
  std::optional<CreatedPost> post;
  if (!page) {
    post = ctx_.posts().Find(id);
    if (!post || post->deleted) {
      return Error(400, 100, "Unsupported get request. Object with ID '" + id +
                                 "' does not exist", 33, "GraphMethodException");
    }
    metrics_of = post->metrics;
  }
  const bool ig = post && post->extra.value("network", "") == "instagram";
  if (ig) {
    if (auto denied = NeedScope(auth, "instagram_basic", 10)) return *denied;
  } else if (auto denied = NeedScope(auth, "read_insights", 10)) {
    return *denied;
  }
  Json data = Json::array();
  for (const std::string& m : metrics) {
    if (kDeprecated.count(m) != 0) {
      return Error(400, 100, "(#100) The value must be a valid insights metric: " + m +
                                 " is deprecated", 0);
    }
    Json value;
    if (m == "post_media_view" || m == "views" || m == "page_media_view") {
      value = Metric(metrics_of, "views");
    } else if (m == "post_total_media_view_unique" || m == "reach" ||
               m == "page_total_media_view_unique") {
      value = Metric(metrics_of, "reach");
    } else if (m == "post_reactions_by_type_total") {
      value = Json{{"like", Metric(metrics_of, "likes")}};
    } else if (m == "likes") {
      value = Metric(metrics_of, "likes");
    } else if (m == "comments") {
      value = Metric(metrics_of, "comments");
    } else if (m == "shares") {
      value = Metric(metrics_of, "shares");
    } else if (m == "saved") {
      value = Metric(metrics_of, "saved");
    } else if (m == "post_clicks") {
      value = Metric(metrics_of, "clicks");
    } else if (m == "total_interactions" || m == "page_post_engagements") {
      value = Metric(metrics_of, "likes") + Metric(metrics_of, "comments") +
              Metric(metrics_of, "shares");
    } else if (m == "page_follows") {
      value = Metric(metrics_of, "followers");
    } else {
      return Error(400, 100, "(#100) The value must be a valid insights metric: " + m, 0);
    }
    data.push_back(Json{{"name", m},
                        {"period", page ? p.Get("period") : std::string("lifetime")},
                        {"values", Json::array({Json{{"value", value}}})},
                        {"title", m},
                        {"description", m},
                        {"id", id + "/insights/" + m + "/lifetime"}});
  }
  return JsonAnswer(200, Json{{"data", data}});
}

// ---- faults and control ----

http::Response MetaEmulator::RateLimited(const http::Request&, std::chrono::seconds retry_after) {
  http::Response r =
      Error(403, 4, "(#4) Application request limit reached", 0, "OAuthException", true);
  const int64_t minutes = std::max<int64_t>(1, (retry_after.count() + 59) / 60);
  r.headers.Set("X-App-Usage",
                base::DumpJson(Json{{"call_count", 100}, {"total_cputime", 40},
                                    {"total_time", 60}}));
  r.headers.Set("X-Business-Use-Case-Usage",
                base::DumpJson(Json{{kPageA, Json::array({Json{{"type", "pages"},
                                                               {"call_count", 100},
                                                               {"total_cputime", 40},
                                                               {"total_time", 60},
                                                               {"estimated_time_to_regain_access",
                                                                minutes}}})}}));
  return r;
}

http::Response MetaEmulator::ServerError(const http::Request&, int status) {
  if (status == 500) {
    return Error(500, 1, "An unknown error has occurred.", 0, "OAuthException", true);
  }
  return Error(status, 2, "An unexpected error has occurred. Please retry your request later.",
               0, "OAuthException", true);
}

http::Response MetaEmulator::ExpireToken(const http::Request& req) {
  Params p;
  for (const auto& [k, v] : req.query_params) p.values[k] = v;
  std::string token = p.Get("access_token");
  if (token.empty()) token = BearerToken(req.Header("Authorization"));
  (void)ExpireTokens(token);
  return Error(400, 190,
               "Error validating access token: Session has expired on " +
                   base::FormatRfc3339(ctx_.Now()) + ".",
               463);
}

base::Result<Json> MetaEmulator::CreateToken(const Json& args) {
  std::set<std::string> scopes = KnownScopes();
  if (args.contains("scopes") && args["scopes"].is_array()) {
    scopes.clear();
    for (const Json& s : args["scopes"]) {
      if (s.is_string()) scopes.insert(s.get<std::string>());
    }
  }
  const std::string page = base::GetString(args, "page");
  std::lock_guard lock(mu_);
  if (!page.empty() && pages_.count(page) == 0) return base::NotFound("unknown Page " + page);
  const std::string token =
      IssueTokenLocked(page, true, scopes,
                       page.empty() ? std::optional<base::Time>(
                                          ctx_.Now() + std::chrono::seconds(kLongTtlSeconds))
                                    : std::nullopt);
  return Json{{"token", token}, {"page", page}};
}

base::Result<void> MetaEmulator::RevokeToken(std::string_view token) {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return base::NotFound("unknown token");
  it->second.revoked = true;
  return base::Ok();
}

base::Result<void> MetaEmulator::ExpireTokens(std::string_view token) {
  std::lock_guard lock(mu_);
  if (!token.empty()) {
    auto it = tokens_.find(token);
    if (it == tokens_.end()) return base::NotFound("unknown token");
    it->second.expired = true;
    return base::Ok();
  }
  for (auto& [k, t] : tokens_) t.expired = true;
  return base::Ok();
}

base::Result<Json> MetaEmulator::Control(std::string_view action, const Json& body) {
  std::lock_guard lock(mu_);
  if (action == "permissions") {
    for (const char* key : {"decline", "grant"}) {
      if (!body.contains(key) || !body[key].is_array()) continue;
      for (const Json& s : body[key]) {
        if (!s.is_string()) continue;
        if (std::string_view(key) == "decline") {
          declined_.insert(s.get<std::string>());
        } else {
          declined_.erase(s.get<std::string>());
        }
      }
    }
    return Json{{"declined", declined_}};
  }
  if (action == "page") {
    auto it = pages_.find(base::GetString(body, "page"));
    if (it == pages_.end()) return base::NotFound("unknown Page");
    if (body.contains("granted") && body["granted"].is_boolean()) {
      it->second.granted = body["granted"].get<bool>();
    }
    if (body.contains("tasks") && body["tasks"].is_array()) {
      it->second.tasks.clear();
      for (const Json& t : body["tasks"]) {
        if (t.is_string()) it->second.tasks.push_back(t.get<std::string>());
      }
    }
    return Json{{"page", it->first}, {"granted", it->second.granted}};
  }
  if (action == "fail_next_container") {
    fail_next_container_ = base::GetString(
        body, "reason", "The media could not be processed: the video has an unsupported codec "
                        "(2207026)");
    return Json::object();
  }
  if (action == "ig_usage") {
    const int64_t n = body.value("count", int64_t{0});
    const std::string user = base::GetString(body, "ig_user", kIgUser);
    for (int64_t i = 0; i < n && ig_extra_usage_.size() < kMaxEntries; ++i) {
      ig_extra_usage_.emplace_back(user, ctx_.Now());
    }
    return Json{{"usage", IgUsageLocked(user)}};
  }
  if (action == "deny_next") {
    deny_next_ = true;
    return Json::object();
  }
  return base::NotFound("unknown Meta control " + std::string(action));
}

Json MetaEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json pages = Json::array();
  for (const auto& [id, p] : pages_) {
    pages.push_back(Json{{"id", id},
                         {"name", p.name},
                         {"token", id == kPageA ? kPageAToken : kPageBToken},
                         {"instagram", p.ig_user},
                         {"instagram_username", p.ig_username},
                         {"granted", p.granted},
                         {"tasks", p.tasks}});
  }
  return Json{{"client_id", kClientId},
              {"client_secret", kClientSecret},
              {"user", {{"id", kUserId}, {"name", "Ada Lovelace"}, {"token", kUserToken}}},
              {"pages", pages},
              {"declined", declined_}};
}

void RegisterMetaEmulator(EmulatorRegistry& registry) {
  registry.Add("meta",
               "Meta Graph API: Facebook Login, Pages (feed, photos, videos, reels), Instagram "
               "content publishing, insights",
               [](EmulatorContext& ctx) { return std::make_unique<MetaEmulator>(ctx); });
}

}  // namespace herald::emulators
