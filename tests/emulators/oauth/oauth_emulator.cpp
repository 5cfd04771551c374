#include "tests/emulators/oauth/oauth_emulator.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <variant>

#include "base/crypto.h"
#include "base/json.h"
#include "platforms/http/form_urlencoded.h"
#include "tests/emulators/common/emulator_client.h"
#include "platforms/oauth/test_network.h"
#include "tests/platforms/support/test_http_server.h"

namespace herald::testing {
namespace {

using base::Json;
using platforms::http::FormFields;
using platforms::http::FormValue;
using platforms::http::ParseFormUrlEncoded;
using platforms::http::PercentEncode;

struct Code {
  std::string client_id;
  std::string redirect_uri;
  std::string challenge;  // S256 challenge, "" without PKCE
  std::string scope;
  base::Time expires_at;
  bool used = false;
  std::vector<std::string> issued;  // tokens issued for it (revoked if the code is replayed)
};

struct AccessToken {
  std::string client_id;
  std::string scope;
  std::string refresh_token;  // the grant it belongs to
  base::Time expires_at;
  bool revoked = false;
};

struct RefreshToken {
  std::string client_id;
  std::string scope;
  bool revoked = false;
};

ServerResponse OAuthError(int status, const std::string& error, const std::string& description) {
  ServerResponse r = ServerResponse::Json(
      status, base::DumpJson(Json{{"error", error}, {"error_description", description}}));
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Pragma", "no-cache");
  return r;
}

std::string RedirectWith(const std::string& redirect_uri, const FormFields& fields) {
  return platforms::http::AppendQuery(redirect_uri, fields);
}

}  // namespace

struct OAuthEmulator::Impl {
  OAuthEmulatorOptions options;
  const base::Clock& clock;
  mutable std::mutex mu;
  std::condition_variable released;  // HoldTokenRequests(false)
  bool hold_tokens = false;
  int held = 0;
  std::map<std::string, Code> codes;
  std::map<std::string, AccessToken> access;
  std::map<std::string, RefreshToken> refresh;
  std::optional<std::pair<std::string, std::string>> deny_next;
  int fail_next = 0;
  int fail_status = 503;
  int authorization_requests = 0;
  int code_exchanges = 0;
  int refreshes = 0;
  int refresh_requests = 0;
  int refresh_token_reuses = 0;
  std::set<std::string> presented_refresh_tokens;
  int token_errors = 0;
  int revocations = 0;
  std::vector<std::string> revoked;
  int posts = 0;
  std::string last_post_text;
  std::string last_post_page;
  std::vector<std::string> fetched_media;
  int api_unauthorized = 0;
  int next_post_id = 1000;
  std::unique_ptr<TestHttpServer> server;

  explicit Impl(OAuthEmulatorOptions o)
      : options(std::move(o)),
        clock(options.clock != nullptr ? *options.clock : base::SystemClock::Instance()) {}

  ServerResponse Handle(const ServerRequest& req) {
    std::unique_lock<std::mutex> lock(mu);
    std::string path = req.Path();
    if (path == "/oauth/authorize" && req.method == "GET") return Authorize(req);
    if (path == "/oauth/token") {
      if (hold_tokens) {
        ++held;
        released.wait_for(lock, std::chrono::seconds(30), [this] { return !hold_tokens; });
        --held;
      }
      if (req.method != "POST") return OAuthError(405, "invalid_request", "use POST");
      ServerResponse r = Token(req);
      if (r.status != 200) ++token_errors;
      return r;
    }
    if (path == "/oauth/revoke") {
      if (req.method != "POST") return OAuthError(405, "invalid_request", "use POST");
      return Revoke(req);
    }
    if (path.rfind("/api/", 0) == 0) return Api(req, path);
    return ServerResponse::Json(404, R"({"error":"not_found"})");
  }

  ServerResponse Authorize(const ServerRequest& req) {
    ++authorization_requests;
    FormFields q = ParseFormUrlEncoded(req.Query());
    std::string client_id = FormValue(q, "client_id");
    std::string redirect_uri = FormValue(q, "redirect_uri");
    std::string state = FormValue(q, "state");
    if (client_id != options.client_id) {
      return ServerResponse::Text(400, "unknown client_id; not redirecting");
    }
    bool redirect_ok =
        redirect_uri.rfind("http://", 0) == 0 || redirect_uri.rfind("https://", 0) == 0;
    if (redirect_ok && !options.redirect_uris.empty()) {
      redirect_ok = false;
      for (const auto& allowed : options.redirect_uris) redirect_ok |= allowed == redirect_uri;
    }
    if (!redirect_ok) {
      return ServerResponse::Text(400, "redirect_uri is not registered; not redirecting");
    }
    auto redirect = [&](FormFields fields) {
      if (!state.empty()) fields.emplace_back("state", state);
      ServerResponse r = ServerResponse::Text(302, "");
      r.headers.emplace_back("Location", RedirectWith(redirect_uri, fields));
      return r;
    };
    if (FormValue(q, "response_type") != "code") {
      return redirect({{"error", "unsupported_response_type"},
                       {"error_description", "only response_type=code"}});
    }
    std::string challenge = FormValue(q, "code_challenge");
    std::string method = FormValue(q, "code_challenge_method");
    if (options.require_pkce && challenge.empty()) {
      return redirect(
          {{"error", "invalid_request"}, {"error_description", "code_challenge is required"}});
    }
    if (!challenge.empty() && method != "S256") {
      return redirect({{"error", "invalid_request"},
                       {"error_description", "code_challenge_method must be S256"}});
    }
    if (deny_next) {
      auto [error, description] = *deny_next;
      deny_next.reset();
      return redirect({{"error", error}, {"error_description", description}});
    }
    std::string code = base::RandomToken();
    codes[code] = Code{client_id,
                       redirect_uri,
                       challenge,
                       FormValue(q, "scope"),
                       clock.Now() + options.code_ttl,
                       false,
                       {}};
    return redirect({{"code", code}});
  }

  // The authenticated client id, or an error response.
  std::variant<std::string, ServerResponse> AuthenticateClient(const ServerRequest& req,
                                                               const FormFields& form) {
    std::string header = req.Header("Authorization");
    std::string body_id = FormValue(form, "client_id");
    std::string body_secret = FormValue(form, "client_secret");
    bool basic = header.rfind("Basic ", 0) == 0;
    auto invalid = [&](const std::string& why) {
      ServerResponse r = OAuthError(401, "invalid_client", why);
      if (basic) r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"oauth\"");
      return r;
    };
    if (basic && !body_secret.empty()) {
      return OAuthError(400, "invalid_request", "more than one client authentication method");
    }
    std::string id, secret;
    if (basic) {
      if (options.client_auth == "post") return invalid("use client_secret_post");
      auto decoded = base::Base64Decode(header.substr(6));
      if (!decoded.ok()) return invalid("malformed Basic credentials");
      size_t colon = decoded->find(':');
      if (colon == std::string::npos) return invalid("malformed Basic credentials");
      // RFC 6749 2.3.1: the id and secret are form-urlencoded before base64.
      FormFields parts = ParseFormUrlEncoded("i=" + decoded->substr(0, colon) +
                                             "&s=" + decoded->substr(colon + 1));
      id = FormValue(parts, "i");
      secret = FormValue(parts, "s");
    } else {
      if (options.client_auth == "basic" && !body_secret.empty()) {
        return invalid("use client_secret_basic");
      }
      id = body_id;
      secret = body_secret;
    }
    if (id != options.client_id || secret != options.client_secret) {
      return invalid("client authentication failed");
    }
    return id;
  }

  std::pair<std::string, std::string> Issue(const std::string& client_id, const std::string& scope,
                                            std::string refresh_token) {
    std::string at = "at_" + base::RandomToken();
    if (refresh_token.empty() && options.issue_refresh_tokens) {
      refresh_token = "rt_" + base::RandomToken();
      refresh[refresh_token] = RefreshToken{client_id, scope, false};
    }
    access[at] =
        AccessToken{client_id, scope, refresh_token, clock.Now() + options.access_token_ttl, false};
    return {at, refresh_token};
  }

  ServerResponse TokenAnswer(const std::string& at, const std::string& rt,
                             const std::string& scope) {
    Json body = {{"access_token", at},
                 {"token_type", "Bearer"},
                 {"expires_in", options.access_token_ttl.count()},
                 {"scope", scope}};
    if (!rt.empty()) body["refresh_token"] = rt;
    ServerResponse r = ServerResponse::Json(200, base::DumpJson(body));
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("Pragma", "no-cache");
    return r;
  }

  void RevokeToken(const std::string& token) {
    if (auto it = access.find(token); it != access.end()) it->second.revoked = true;
    if (auto it = refresh.find(token); it != refresh.end()) {
      it->second.revoked = true;
      for (auto& [k, a] : access) {
        if (a.refresh_token == token) a.revoked = true;
      }
    }
  }

  ServerResponse Token(const ServerRequest& req) {
    if (fail_next > 0) {
      --fail_next;
      return OAuthError(fail_status, fail_status == 429 ? "slow_down" : "temporarily_unavailable",
                        "try again later");
    }
    if (req.Header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
      return OAuthError(400, "invalid_request", "the body must be form-urlencoded");
    }
    FormFields form = ParseFormUrlEncoded(req.body);
    auto client = AuthenticateClient(req, form);
    if (auto* error = std::get_if<ServerResponse>(&client)) return *error;
    const std::string& client_id = std::get<std::string>(client);
    std::string grant = FormValue(form, "grant_type");
    if (grant == "authorization_code") {
      auto it = codes.find(FormValue(form, "code"));
      if (it == codes.end()) return OAuthError(400, "invalid_grant", "unknown authorization code");
      Code& code = it->second;
      if (code.used) {
        for (const auto& t : code.issued) RevokeToken(t);
        return OAuthError(400, "invalid_grant", "the authorization code was already used");
      }
      code.used = true;
      if (clock.Now() >= code.expires_at) {
        return OAuthError(400, "invalid_grant", "the authorization code expired");
      }
      if (code.client_id != client_id) {
        return OAuthError(400, "invalid_grant", "the code was issued to another client");
      }
      if (FormValue(form, "redirect_uri") != code.redirect_uri) {
        return OAuthError(400, "invalid_grant", "redirect_uri does not match the authorization");
      }
      if (!code.challenge.empty()) {
        std::string verifier = FormValue(form, "code_verifier");
        if (verifier.empty()) return OAuthError(400, "invalid_request", "code_verifier missing");
        if (base::Base64UrlEncode(base::Sha256(verifier)) != code.challenge) {
          return OAuthError(400, "invalid_grant", "PKCE verification failed");
        }
      }
      auto [at, rt] = Issue(client_id, code.scope, "");
      code.issued = {at, rt};
      ++code_exchanges;
      return TokenAnswer(at, rt, code.scope);
    }
    if (grant == "refresh_token") {
      std::string token = FormValue(form, "refresh_token");
      ++refresh_requests;
      if (!presented_refresh_tokens.insert(token).second) ++refresh_token_reuses;
      auto it = refresh.find(token);
      if (it == refresh.end() || it->second.revoked) {
        return OAuthError(400, "invalid_grant", "the refresh token is invalid or was revoked");
      }
      if (it->second.client_id != client_id) {
        return OAuthError(400, "invalid_grant", "the refresh token belongs to another client");
      }
      std::string scope = it->second.scope;
      std::string rt = token;
      if (options.rotate_refresh_tokens) {
        it->second.revoked = true;
        rt = "rt_" + base::RandomToken();
        refresh[rt] = RefreshToken{client_id, scope, false};
      }
      auto [at, unused] = Issue(client_id, scope, rt);
      ++refreshes;
      // Without rotation the network does not repeat the refresh token (like Google).
      return TokenAnswer(at, options.rotate_refresh_tokens ? rt : "", scope);
    }
    return OAuthError(400, "unsupported_grant_type", "grant_type '" + grant + "' is not supported");
  }

  ServerResponse Revoke(const ServerRequest& req) {
    FormFields form = ParseFormUrlEncoded(req.body);
    auto client = AuthenticateClient(req, form);
    if (auto* error = std::get_if<ServerResponse>(&client)) return *error;
    std::string token = FormValue(form, "token");
    if (token.empty()) return OAuthError(400, "invalid_request", "token is required");
    RevokeToken(token);
    revoked.push_back(token);
    ++revocations;
    return ServerResponse::Text(200, "");
  }

  // GETs `url` (plain http://, as the loopback tests serve it) and checks it is a JPEG within
  // the network's rules; records it in fetched_media. "" when fine, else why not.
  std::string FetchJpeg(const std::string& url) {
    constexpr std::string_view kScheme = "http://";
    if (!url.starts_with(kScheme)) return "media URL is not http://: " + url;
    size_t slash = url.find('/', kScheme.size());
    std::string base = url.substr(0, slash);
    std::string target = slash == std::string::npos ? "/" : url.substr(slash);
    auto r = emulators::EmulatorClient(base).Send("GET", target);
    if (!r.ok()) return "could not fetch " + url + ": " + r.error().message();
    if (r->status != 200) return "fetching " + url + " answered " + std::to_string(r->status);
    const std::string& bytes = r->body;
    if (!bytes.starts_with("\xFF\xD8\xFF")) return "not a JPEG: " + url;
    if (bytes.size() > 8u * 1024 * 1024) return "over 8 MiB: " + url;
    auto [width, height] = JpegSize(bytes);
    if (width <= 0 || height <= 0 || width > 1080 || height > 1350) {
      return "JPEG dimensions " + std::to_string(width) + "x" + std::to_string(height) +
             " outside 1080x1350: " + url;
    }
    double aspect = static_cast<double>(width) / height;
    if (aspect < 0.8 - 1e-3 || aspect > 1.91 + 1e-3) return "aspect ratio out of range: " + url;
    fetched_media.push_back(url);
    return "";
  }

  // Width and height from a JPEG's SOF segment; {0, 0} when not found.
  static std::pair<int, int> JpegSize(std::string_view b) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
    size_t i = 2;
    while (i + 9 < b.size()) {
      if (byte(i) != 0xFF) return {0, 0};
      unsigned char marker = byte(i + 1);
      if (marker == 0xFF) { ++i; continue; }
      size_t length = (byte(i + 2) << 8) | byte(i + 3);
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
          marker != 0xCC) {
        return {(byte(i + 7) << 8) | byte(i + 8), (byte(i + 5) << 8) | byte(i + 6)};
      }
      i += 2 + length;
    }
    return {0, 0};
  }

  ServerResponse Api(const ServerRequest& req, const std::string& path) {
    std::string header = req.Header("Authorization");
    std::string token = header.rfind("Bearer ", 0) == 0 ? header.substr(7) : "";
    auto it = access.find(token);
    if (it == access.end() || it->second.revoked || clock.Now() >= it->second.expires_at) {
      ++api_unauthorized;
      ServerResponse r = ServerResponse::Json(
          401, R"({"error":"invalid_token","error_description":"The access token is invalid"})");
      r.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return r;
    }
    if (path == "/api/me" && req.method == "GET") {
      return ServerResponse::Json(200, base::DumpJson(Json{{"id", options.user_id},
                                                           {"username", options.username},
                                                           {"name", options.display_name}}));
    }
    if (path == "/api/pages" && req.method == "GET") {
      Json pages = Json::array();
      for (const OAuthEmulatorPage& p : options.pages) {
        Json page = {{"id", p.id}, {"name", p.name}};
        if (!p.platform.empty()) page["platform"] = p.platform;
        pages.push_back(std::move(page));
      }
      return ServerResponse::Json(200, base::DumpJson(Json{{"pages", std::move(pages)}}));
    }
    if (path == "/api/posts" && req.method == "POST") {
      auto body = base::ParseJson(req.body);
      if (!body.ok() || base::GetString(*body, "text").empty()) {
        return ServerResponse::Json(422, R"({"error":"text is required"})");
      }
      if (body->contains("media_urls")) {
        const Json& urls = (*body)["media_urls"];
        if (!urls.is_array() || urls.size() > 10) {
          return ServerResponse::Json(400, R"({"error":"media_urls must be 1..10 URLs"})");
        }
        for (const Json& url : urls) {
          std::string problem = FetchJpeg(url.is_string() ? url.get<std::string>() : "");
          if (!problem.empty()) {
            return ServerResponse::Json(400, base::DumpJson(Json{{"error", problem}}));
          }
        }
      }
      ++posts;
      last_post_text = base::GetString(*body, "text");
      last_post_page = base::GetString(*body, "page_id");
      std::string id = std::to_string(next_post_id++);
      return ServerResponse::Json(
          201, base::DumpJson(Json{{"id", id}, {"url", "https://oauth.test/p/" + id}}));
    }
    if (path.rfind("/api/posts/", 0) == 0 && req.method == "DELETE") {
      ServerResponse r;
      r.status = 204;
      return r;
    }
    return ServerResponse::Json(404, R"({"error":"not_found"})");
  }
};

OAuthEmulator::OAuthEmulator(OAuthEmulatorOptions options)
    : impl_(std::make_shared<Impl>(std::move(options))) {
  std::weak_ptr<Impl> weak = impl_;
  impl_->server = std::make_unique<TestHttpServer>([weak](const ServerRequest& req) {
    auto impl = weak.lock();
    if (!impl) return ServerResponse::Text(503, "stopping");
    return impl->Handle(req);
  });
}

OAuthEmulator::~OAuthEmulator() { impl_->server.reset(); }

std::string OAuthEmulator::base_url() const { return impl_->server->BaseUrl("127.0.0.1"); }
uint16_t OAuthEmulator::port() const { return impl_->server->port(); }

platforms::oauth::OAuthProvider OAuthEmulator::Provider() const {
  platforms::oauth::OAuthProvider p = platforms::oauth::OAuthTestProvider(base_url());
  p.client_id = impl_->options.client_id;
  p.client_secret = impl_->options.client_secret;
  return p;
}

void OAuthEmulator::DenyNextAuthorization(std::string error, std::string description) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->deny_next = std::make_pair(std::move(error), std::move(description));
}

void OAuthEmulator::FailNextTokenRequests(int n, int status) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fail_next = n;
  impl_->fail_status = status;
}

void OAuthEmulator::HoldTokenRequests(bool hold) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->hold_tokens = hold;
  }
  impl_->released.notify_all();
}

int OAuthEmulator::held_token_requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->held;
}

void OAuthEmulator::InvalidateAccessTokens() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (auto& [k, a] : impl_->access) a.revoked = true;
}

void OAuthEmulator::InvalidateRefreshTokens() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (auto& [k, r] : impl_->refresh) r.revoked = true;
}

#define HERALD_EMULATOR_GETTER(type, name)       \
  type OAuthEmulator::name() const {             \
    std::lock_guard<std::mutex> lock(impl_->mu); \
    return impl_->name;                          \
  }
HERALD_EMULATOR_GETTER(int, authorization_requests)
HERALD_EMULATOR_GETTER(int, code_exchanges)
HERALD_EMULATOR_GETTER(int, refreshes)
HERALD_EMULATOR_GETTER(int, refresh_requests)
HERALD_EMULATOR_GETTER(int, refresh_token_reuses)
HERALD_EMULATOR_GETTER(int, token_errors)
HERALD_EMULATOR_GETTER(int, revocations)
HERALD_EMULATOR_GETTER(int, posts)
HERALD_EMULATOR_GETTER(std::vector<std::string>, fetched_media)
HERALD_EMULATOR_GETTER(std::string, last_post_text)
HERALD_EMULATOR_GETTER(std::string, last_post_page)
HERALD_EMULATOR_GETTER(int, api_unauthorized)
#undef HERALD_EMULATOR_GETTER

void OAuthEmulator::SetPages(std::vector<OAuthEmulatorPage> pages) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->options.pages = std::move(pages);
}

void OAuthEmulator::SetIssueRefreshTokens(bool issue) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->options.issue_refresh_tokens = issue;
}

std::vector<std::string> OAuthEmulator::revoked_tokens() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->revoked;
}

bool OAuthEmulator::IsTokenActive(const std::string& access_token) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->access.find(access_token);
  return it != impl_->access.end() && !it->second.revoked &&
         impl_->clock.Now() < it->second.expires_at;
}

}  // namespace herald::testing
