#include "transport/routes/mcp_oauth_routes.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <utility>
#include <vector>

#include "base/crypto.h"
#include "base/json.h"
#include "http/http_message.h"
#include "http/router.h"
#include "transport/auth/resource_metadata.h"
#include "transport/console/console_routes.h"
#include "transport/console/html.h"
#include "transport/routes/mcp_oauth_pages.h"

namespace herald::transport {
namespace {

using Form = std::vector<std::pair<std::string, std::string>>;

std::string Value(const Form& form, std::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) return v;
  }
  return "";
}

core::AuthorizationRequest RequestFrom(const Form& f) {
  return core::AuthorizationRequest{.response_type = Value(f, "response_type"),
                                    .client_id = Value(f, "client_id"),
                                    .redirect_uri = Value(f, "redirect_uri"),
                                    .code_challenge = Value(f, "code_challenge"),
                                    .code_challenge_method = Value(f, "code_challenge_method"),
                                    .state = Value(f, "state"),
                                    .resource = Value(f, "resource"),
                                    .scope = Value(f, "scope")};
}

// Answers for machines (no cookies): any origin may read them.
http::Response Public(http::Response r) {
  r.headers.Set("Access-Control-Allow-Origin", "*");
  r.headers.Set("Cache-Control", "no-store");
  r.headers.Set("Pragma", "no-cache");
  return r;
}

http::Response OAuthError(int status, std::string_view error, std::string_view description) {
  base::Json body{{"error", std::string(error)}, {"error_description", std::string(description)}};
  return Public(http::Response::Json(status, base::DumpJson(body)));
}

http::Response OAuthError(const base::Error& e) {
  std::string_view name = core::OAuthErrorName(e);
  int status = name == "invalid_client" ? 401 : (name == "server_error" ? 500 : 400);
  if (name == "temporarily_unavailable") status = 503;
  http::Response r =
      OAuthError(status, name, name == "server_error" ? "internal error" : e.message());
  // RFC 6749 section 5.2: a 401 invalid_client names the scheme the client should use.
  if (status == 401) r.headers.Set("WWW-Authenticate", "Basic realm=\"herald\"");
  return r;
}

http::Response Page(int status, std::string html) {
  http::Response r = http::Response::With(status, "text/html; charset=utf-8", std::move(html));
  AddConsoleSecurityHeaders(r);
  return r;
}

// 302 to `redirect_uri` with `params` added to its query.
http::Response RedirectBack(std::string_view redirect_uri,
                            const std::vector<std::pair<std::string, std::string>>& params) {
  std::string location(redirect_uri);
  char sep = location.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    location += sep;
    location += k + "=" + UrlEncode(v);
    sep = '&';
  }
  http::Response r = http::Response::Empty(302);
  r.headers.Set("Location", location);
  r.headers.Set("Cache-Control", "no-store");
  r.headers.Set("Referrer-Policy", "no-referrer");
  return r;
}

// client_id and client_secret from HTTP Basic (RFC 6749 §2.3.1: each form-urlencoded) or the
// form. False when Basic is malformed.
bool ClientCredentials(const http::Request& req, const Form& form, std::string& id,
                       std::string& secret) {
  std::string_view auth = req.Header("authorization");
  if (auth.size() > 6 && http::EqualsIgnoreCase(auth.substr(0, 6), "basic ")) {
    auto decoded = base::Base64Decode(auth.substr(6));
    if (!decoded.ok()) return false;
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) return false;
    id = http::PercentDecode(decoded->substr(0, colon), true);
    secret = http::PercentDecode(decoded->substr(colon + 1), true);
    return true;
  }
  id = Value(form, "client_id");
  secret = Value(form, "client_secret");
  return true;
}

bool IsForm(const http::Request& req) {
  std::string_view type = req.Header("content-type");
  return type.rfind("application/x-www-form-urlencoded", 0) == 0;
}

}  // namespace

McpOAuthRoutes::McpOAuthRoutes(core::McpOAuthServer& oauth, core::KeyService& keys,
                               core::ConsoleSessions* sessions, const HttpGuard& guard,
                               base::asio::thread_pool& pool, bool secure_cookies)
    : oauth_(oauth),
      keys_(keys),
      sessions_(sessions),
      guard_(guard),
      pool_(pool),
      secure_cookies_(secure_cookies) {}

std::string McpOAuthRoutes::Resource(const http::Request& req) const {
  return guard_.BaseUrl(req) + "/mcp";
}

void McpOAuthRoutes::AddTo(http::HttpServer& server) {
  auto bind = [this](base::Task<http::Response> (McpOAuthRoutes::*member)(http::Request) const) {
    return [this, member](http::Request req) { return (this->*member)(std::move(req)); };
  };
  auto preflight = [](http::Request) -> base::Task<http::Response> {
    http::Response r = Public(http::Response::Empty(204));
    r.headers.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    r.headers.Set("Access-Control-Allow-Headers",
                  "Content-Type, Authorization, MCP-Protocol-Version");
    r.headers.Set("Access-Control-Max-Age", "600");
    co_return r;
  };
  server.Route("GET", std::string(kAuthorizationServerMetadataPath),
               bind(&McpOAuthRoutes::Metadata));
  server.Route("POST", "/oauth/register", bind(&McpOAuthRoutes::Register));
  server.Route("POST", "/oauth/token", bind(&McpOAuthRoutes::Token));
  server.Route("POST", "/oauth/revoke", bind(&McpOAuthRoutes::Revoke));
  for (const char* path : {"/.well-known/oauth-authorization-server", "/oauth/register",
                           "/oauth/token", "/oauth/revoke"}) {
    server.Route("OPTIONS", path, preflight);
  }
  // The consent page is for browsers: Host and Origin checks as everywhere else.
  server.Route("GET", "/oauth/authorize", guard_.Open(bind(&McpOAuthRoutes::AuthorizeForm)));
  server.Route("POST", "/oauth/authorize", guard_.Open(bind(&McpOAuthRoutes::AuthorizeSubmit)));
}

base::Task<http::Response> McpOAuthRoutes::Metadata(http::Request req) const {
  co_return Public(
      http::Response::Json(200, base::DumpJson(AuthorizationServerMetadata(guard_.BaseUrl(req)))));
}

base::Task<http::Response> McpOAuthRoutes::Register(http::Request req) const {
  {
    constexpr int kRegistrationsPerMinute = 60;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(register_mu_);
    if (now - register_window_ >= std::chrono::minutes(1)) {
      register_window_ = now;
      registrations_in_window_ = 0;
    }
    if (++registrations_in_window_ > kRegistrationsPerMinute) {
      http::Response busy = OAuthError(429, "temporarily_unavailable",
                                       "too many client registrations; try again in a minute");
      busy.headers.Set("Retry-After", "60");
      co_return busy;
    }
  }
  auto parsed = base::ParseJson(req.body);
  if (!parsed.ok() || !parsed->is_object()) {
    co_return OAuthError(400, "invalid_client_metadata", "the body must be a JSON object");
  }
  const base::Json& body = *parsed;
  core::ClientRegistration registration;
  if (body.contains("client_name") && body["client_name"].is_string()) {
    registration.client_name = body["client_name"].get<std::string>();
  }
  if (body.contains("redirect_uris")) {
    if (!body["redirect_uris"].is_array()) {
      co_return OAuthError(400, "invalid_redirect_uri", "redirect_uris must be an array");
    }
    for (const auto& u : body["redirect_uris"]) {
      if (!u.is_string()) {
        co_return OAuthError(400, "invalid_redirect_uri", "redirect_uris must hold strings");
      }
      registration.redirect_uris.push_back(u.get<std::string>());
    }
  }
  if (body.contains("token_endpoint_auth_method") &&
      body["token_endpoint_auth_method"].is_string()) {
    registration.token_endpoint_auth_method = body["token_endpoint_auth_method"].get<std::string>();
  }
  if (body.contains("grant_types") && body["grant_types"].is_array()) {
    for (const auto& g : body["grant_types"]) {
      if (!g.is_string() || (g != "authorization_code" && g != "refresh_token")) {
        co_return OAuthError(400, "invalid_client_metadata",
                             "grant_types: only authorization_code and refresh_token");
      }
    }
  }
  core::McpOAuthServer* oauth = &oauth_;
  auto run = [oauth, registration] { return oauth->Register(registration); };
  base::Result<core::RegisteredClient> done = co_await base::RunBlocking(pool_, std::move(run));
  if (!done.ok()) {
    if (done.error().code() == base::ErrorCode::kInvalidArgument) {
      std::string_view error = done.error().message().rfind("redirect_uris", 0) == 0
                                   ? "invalid_redirect_uri"
                                   : "invalid_client_metadata";
      co_return OAuthError(400, error, done.error().message());
    }
    co_return OAuthError(done.error());
  }
  base::Json out = body;  // RFC 7591 §3.2.1: the metadata as registered
  out["client_id"] = done->client.client_id;
  out["client_id_issued_at"] =
      static_cast<int64_t>(base::ToUnixMicros(done->issued_at) / 1'000'000);
  out["token_endpoint_auth_method"] = done->token_endpoint_auth_method;
  out["grant_types"] = base::Json::array({"authorization_code", "refresh_token"});
  out["response_types"] = base::Json::array({"code"});
  out["redirect_uris"] = done->client.redirect_uris;
  if (!done->client_secret.empty()) {
    out["client_secret"] = done->client_secret;
    out["client_secret_expires_at"] = 0;
  }
  spdlog::info("oauth: registered client {} ({})", done->client.client_id,
               done->client.client_name);
  co_return Public(http::Response::Json(201, base::DumpJson(out)));
}

base::Task<http::Response> McpOAuthRoutes::AuthorizeForm(http::Request req) const {
  Form query = req.query_params;
  base::Result<core::CheckedAuthorization> checked =
      co_await oauth_.CheckAuthorization(RequestFrom(query), Resource(req));
  if (!checked.ok()) {
    int status = checked.error().code() == base::ErrorCode::kUnavailable ? 503 : 400;
    co_return Page(status, AuthorizationErrorPage(checked.error().message()));
  }
  if (checked->redirect_error) {
    co_return RedirectBack(checked->request.redirect_uri,
                           {{"error", checked->redirect_error->error},
                            {"error_description", checked->redirect_error->description},
                            {"state", checked->request.state},
                            {"iss", guard_.BaseUrl(req)}});
  }
  ConsentView view;
  view.checked = std::move(checked).value();
  std::string csrf = CookieValue(req.Header("cookie"), kOAuthConsentCsrfCookie);
  if (csrf.size() != 43) csrf = base::RandomToken();
  view.csrf_token = csrf;
  std::string session = CookieValue(req.Header("cookie"), kSessionCookie);
  if (sessions_ != nullptr && !session.empty()) {
    core::ConsoleSessions* sessions = sessions_;
    auto resolve = [sessions, session] { return sessions->Resolve(session); };
    auto signed_in = co_await base::RunBlocking(pool_, std::move(resolve));
    if (signed_in.ok()) view.signed_in = signed_in->caller;
  }
  http::Response r = Page(200, ConsentPage(view));
  r.headers.Add("Set-Cookie", ConsoleCookie(kOAuthConsentCsrfCookie, csrf, "/oauth/authorize", 3600,
                                            secure_cookies_));
  co_return r;
}

base::Task<http::Response> McpOAuthRoutes::AuthorizeSubmit(http::Request req) const {
  Form form = http::ParseQuery(req.body);
  // Everything the hidden fields carry is checked again: they came back from a browser.
  base::Result<core::CheckedAuthorization> checked =
      co_await oauth_.CheckAuthorization(RequestFrom(form), Resource(req));
  if (!checked.ok()) {
    int status = checked.error().code() == base::ErrorCode::kUnavailable ? 503 : 400;
    co_return Page(status, AuthorizationErrorPage(checked.error().message()));
  }
  const std::string iss = guard_.BaseUrl(req);
  if (checked->redirect_error) {
    co_return RedirectBack(checked->request.redirect_uri,
                           {{"error", checked->redirect_error->error},
                            {"error_description", checked->redirect_error->description},
                            {"state", checked->request.state},
                            {"iss", iss}});
  }
  std::string expected = CookieValue(req.Header("cookie"), kOAuthConsentCsrfCookie);
  std::string presented = Value(form, "csrf_token");
  ConsentView view;
  view.checked = *checked;
  view.csrf_token = expected.size() == 43 ? expected : base::RandomToken();
  auto again = [&](int status, std::string notice) {
    view.notice = std::move(notice);
    http::Response r = Page(status, ConsentPage(view));
    r.headers.Add("Set-Cookie", ConsoleCookie(kOAuthConsentCsrfCookie, view.csrf_token,
                                              "/oauth/authorize", 3600, secure_cookies_));
    return r;
  };
  if (expected.empty() || !base::ConstantTimeEqual(expected, presented)) {
    co_return again(403, "The form expired (CSRF check failed): please try again.");
  }
  if (Value(form, "decision") == "deny") {
    co_return RedirectBack(checked->request.redirect_uri,
                           {{"error", "access_denied"},
                            {"error_description", "the user denied the request"},
                            {"state", checked->request.state},
                            {"iss", iss}});
  }
  std::string key = Value(form, "api_key");
  while (!key.empty() && (key.back() == ' ' || key.back() == '\n' || key.back() == '\r')) {
    key.pop_back();
  }
  while (!key.empty() && key.front() == ' ') key.erase(key.begin());
  std::optional<base::Caller> caller;
  if (!key.empty()) {
    core::KeyService* keys = &keys_;
    auto verify = [keys, key] { return keys->Verify(key); };
    base::Result<base::Caller> verified = co_await base::RunBlocking(pool_, std::move(verify));
    if (!verified.ok()) {
      co_return again(verified.error().code() == base::ErrorCode::kUnauthenticated ? 401 : 503,
                      "That API key was not accepted: " + verified.error().message());
    }
    caller = std::move(verified).value();
  } else if (sessions_ != nullptr) {
    std::string session = CookieValue(req.Header("cookie"), kSessionCookie);
    if (!session.empty()) {
      core::ConsoleSessions* sessions = sessions_;
      auto resolve = [sessions, session] { return sessions->Resolve(session); };
      auto signed_in = co_await base::RunBlocking(pool_, std::move(resolve));
      if (signed_in.ok()) caller = signed_in->caller;
    }
  }
  if (!caller) co_return again(401, "Enter an API key to allow this client.");
  view.signed_in.reset();
  base::Result<base::Role> role = base::ParseRole(Value(form, "role"));
  if (!role.ok()) co_return again(400, "Choose a role.");
  core::McpOAuthServer* oauth = &oauth_;
  core::CheckedAuthorization grant = *checked;
  base::Caller consenting = *caller;
  base::Role chosen = *role;
  auto authorize = [oauth, grant, consenting, chosen] {
    return oauth->Authorize(grant, consenting, chosen);
  };
  base::Result<std::string> code = co_await base::RunBlocking(pool_, std::move(authorize));
  if (!code.ok()) co_return again(503, code.error().message());
  spdlog::info("oauth: key {} authorized client {} as {}", consenting.key_id,
               grant.client.client_id, base::RoleName(chosen));
  http::Response r =
      RedirectBack(checked->request.redirect_uri,
                   {{"code", *code}, {"state", checked->request.state}, {"iss", iss}});
  r.headers.Add("Set-Cookie",
                ConsoleCookie(kOAuthConsentCsrfCookie, "", "/oauth/authorize", 0, secure_cookies_));
  co_return r;
}

base::Task<http::Response> McpOAuthRoutes::Token(http::Request req) const {
  if (!IsForm(req)) {
    co_return OAuthError(400, "invalid_request",
                         "the body must be application/x-www-form-urlencoded");
  }
  Form form = http::ParseQuery(req.body);
  core::TokenRequest request{.grant_type = Value(form, "grant_type"),
                             .code = Value(form, "code"),
                             .redirect_uri = Value(form, "redirect_uri"),
                             .code_verifier = Value(form, "code_verifier"),
                             .refresh_token = Value(form, "refresh_token"),
                             .resource = Value(form, "resource"),
                             .client_id = "",
                             .client_secret = ""};
  if (!ClientCredentials(req, form, request.client_id, request.client_secret)) {
    co_return OAuthError(401, "invalid_client", "malformed Basic credentials");
  }
  core::McpOAuthServer* oauth = &oauth_;
  auto run = [oauth, request] { return oauth->Token(request); };
  base::Result<core::IssuedTokens> issued = co_await base::RunBlocking(pool_, std::move(run));
  if (!issued.ok()) co_return OAuthError(issued.error());
  base::Json out{{"access_token", issued->access_token},
                 {"token_type", "Bearer"},
                 {"expires_in", static_cast<int64_t>(issued->expires_in.count())},
                 {"refresh_token", issued->refresh_token}};
  if (!issued->scope.empty()) out["scope"] = issued->scope;
  co_return Public(http::Response::Json(200, base::DumpJson(out)));
}

base::Task<http::Response> McpOAuthRoutes::Revoke(http::Request req) const {
  if (!IsForm(req)) {
    co_return OAuthError(400, "invalid_request",
                         "the body must be application/x-www-form-urlencoded");
  }
  Form form = http::ParseQuery(req.body);
  std::string client_id;
  std::string client_secret;
  if (!ClientCredentials(req, form, client_id, client_secret)) {
    co_return OAuthError(401, "invalid_client", "malformed Basic credentials");
  }
  std::string token = Value(form, "token");
  if (token.empty()) co_return OAuthError(400, "invalid_request", "token is missing");
  core::McpOAuthServer* oauth = &oauth_;
  auto run = [oauth, token, client_id, client_secret] {
    return oauth->Revoke(token, client_id, client_secret);
  };
  base::Result<void> done = co_await base::RunBlocking(pool_, std::move(run));
  if (!done.ok()) co_return OAuthError(done.error());
  co_return Public(http::Response::Empty(200));
}

}  // namespace herald::transport
