// herald's OAuth authorization server over real HTTP (loopback, the core test store, a
// FakeClock): metadata, registration, the consent page and form (CSRF, Deny, a bad key), the
// redirect with code, state and iss, the token endpoint (PKCE, OAuth error codes, no-store),
// the token on /mcp beside API keys, revocation, the audience check and the open-redirect rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>

#include "base/crypto.h"
#include "core/console_sessions.h"
#include "core/key_service.h"
#include "core/mcp_oauth_server.h"
#include "http/router.h"
#include "mcp/server/dispatcher.h"
#include "tests/http/test_client.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"
#include "transport/auth/authenticator.h"
#include "transport/auth/oauth_authenticator.h"
#include "transport/console/html.h"
#include "transport/http_frontend.h"
#include "transport/routes/mcp_oauth_routes.h"

namespace herald::transport {
namespace {

using namespace std::chrono_literals;
using base::Json;
using ::herald::matchers::IsOk;
using herald::testing::Reply;
using herald::testing::TestClient;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kRedirect[] = "http://127.0.0.1:45123/cb";

std::string Encode(const std::map<std::string, std::string>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + "=" + UrlEncode(v);
  }
  return out;
}

std::map<std::string, std::string> HiddenFields(const std::string& html) {
  std::map<std::string, std::string> out;
  std::regex field("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), field);
       it != std::sregex_iterator(); ++it) {
    out[(*it)[1]] = (*it)[2];
  }
  return out;
}

std::map<std::string, std::string> QueryOf(const std::string& location) {
  std::map<std::string, std::string> out;
  size_t q = location.find('?');
  if (q == std::string::npos) return out;
  for (auto& [k, v] : http::ParseQuery(location.substr(q + 1))) out[k] = v;
  return out;
}

class McpOAuthHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = keys_.Create(env_.org.id, "consent", base::Role::kEditor);
    ASSERT_THAT(key, IsOk());
    key_ = key->secret;
    api_keys_ = std::make_unique<ApiKeyAuthenticator>(keys_, *env_.pool, env_.clock);
    auth_ = std::make_unique<OAuthAuthenticator>(
        *api_keys_, oauth_,
        McpResourceCheck("", [this](std::string_view host) { return host == host_; }), *env_.pool,
        env_.clock, 0ms);
    HttpFrontendOptions options;
    options.server.header_timeout = 5s;
    options.server.idle_timeout = 10s;
    options.authorization_server = true;
    frontend_ = std::make_unique<HttpFrontend>(options, dispatcher_, *auth_, env_.clock,
                                               HttpFrontend::ReadinessCheck{});
    routes_ = std::make_unique<McpOAuthRoutes>(oauth_, keys_, &sessions_, frontend_->guard(),
                                               *env_.pool, false);
    routes_->AddTo(frontend_->server());
    ASSERT_THAT(frontend_->Start(), IsOk());
    host_ = "127.0.0.1:" + std::to_string(frontend_->port());
    base_ = "http://" + host_;
  }

  void TearDown() override {
    if (frontend_) frontend_->Shutdown(1s);
    frontend_.reset();
    routes_.reset();
  }

  Reply Call(const std::string& method, const std::string& target, TestClient::Headers h = {},
             const std::string& body = "") {
    TestClient c(frontend_->port());
    h.emplace_back("Host", host_);
    auto r = c.Call(method, target, h, body, 20s);
    EXPECT_TRUE(r.has_value());
    return r ? *r : Reply{};
  }

  Reply Form(const std::string& target, const std::map<std::string, std::string>& fields,
             TestClient::Headers h = {}) {
    h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return Call("POST", target, h, Encode(fields));
  }

  // Registers a public client; its client_id.
  std::string Register() {
    Reply r = Call("POST", "/oauth/register", {{"Content-Type", "application/json"}},
                   Json{{"client_name", "<b>Tester</b>"},
                        {"redirect_uris", {kRedirect}},
                        {"token_endpoint_auth_method", "none"}}
                       .dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::parse(r.body, nullptr, false).value("client_id", "");
  }

  std::string AuthorizeQuery(const std::string& client_id, const std::string& resource = "") {
    return "/oauth/authorize?" +
           Encode({{"response_type", "code"},
                   {"client_id", client_id},
                   {"redirect_uri", kRedirect},
                   {"code_challenge", base::Base64UrlEncode(base::Sha256(verifier_))},
                   {"code_challenge_method", "S256"},
                   {"state", "xyz"},
                   {"resource", resource.empty() ? base_ + "/mcp" : resource}});
  }

  // The consent page, then the form posted with `extra`; the final answer.
  Reply Consent(const std::string& client_id, std::map<std::string, std::string> extra) {
    Reply page = Call("GET", AuthorizeQuery(client_id));
    EXPECT_EQ(page.status, 200) << page.body;
    std::string cookie = page.Header("set-cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    std::map<std::string, std::string> fields = HiddenFields(page.body);
    for (auto& [k, v] : extra) fields[k] = v;
    return Form("/oauth/authorize", fields, {{"Cookie", cookie}, {"Origin", base_}});
  }

  Json Exchange(const std::string& client_id, const std::string& code, int expected_status) {
    Reply r = Form("/oauth/token", {{"grant_type", "authorization_code"},
                                    {"code", code},
                                    {"code_verifier", verifier_},
                                    {"redirect_uri", kRedirect},
                                    {"client_id", client_id}});
    EXPECT_EQ(r.status, expected_status) << r.body;
    EXPECT_EQ(r.Header("cache-control"), "no-store");
    return Json::parse(r.body, nullptr, false);
  }

  int McpStatus(const std::string& token) {
    Json init{{"jsonrpc", "2.0"},
              {"id", 1},
              {"method", "initialize"},
              {"params",
               {{"protocolVersion", "2025-06-18"},
                {"capabilities", Json::object()},
                {"clientInfo", {{"name", "gtest"}, {"version", "1"}}}}}};
    return Call("POST", "/mcp",
                {{"Content-Type", "application/json"},
                 {"Accept", "application/json, text/event-stream"},
                 {"Authorization", "Bearer " + token}},
                init.dump())
        .status;
  }

  testing::CoreEnv env_;
  core::KeyService keys_{*env_.store, env_.clock};
  core::ConsoleSessions sessions_{*env_.store, keys_, env_.clock};
  core::McpOAuthServer oauth_{*env_.store, nullptr, *env_.pool, env_.clock};
  mcp::Dispatcher dispatcher_;
  std::unique_ptr<ApiKeyAuthenticator> api_keys_;
  std::unique_ptr<OAuthAuthenticator> auth_;
  std::unique_ptr<McpOAuthRoutes> routes_;  // destroyed after the frontend
  std::unique_ptr<HttpFrontend> frontend_;
  std::string key_;
  std::string host_;
  std::string base_;
  std::string verifier_ = base::RandomToken() + "-verifier";
};

TEST_F(McpOAuthHttpTest, MetadataNamesHeraldAsAuthorizationServer) {
  Reply prm = Call("GET", "/.well-known/oauth-protected-resource/mcp");
  ASSERT_EQ(prm.status, 200);
  EXPECT_EQ(Json::parse(prm.body)["authorization_servers"], Json::array({base_}));
  Reply as = Call("GET", "/.well-known/oauth-authorization-server");
  ASSERT_EQ(as.status, 200);
  Json m = Json::parse(as.body);
  EXPECT_EQ(m["issuer"], base_);
  EXPECT_EQ(m["token_endpoint"], base_ + "/oauth/token");
  Reply unauth = Call("POST", "/mcp", {{"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(unauth.status, 401);
  EXPECT_THAT(unauth.Header("www-authenticate"), HasSubstr("resource_metadata="));
}

TEST_F(McpOAuthHttpTest, WholeFlowWithAnApiKeyOnTheConsentPage) {
  std::string client = Register();
  ASSERT_THAT(client, StartsWith("hc_"));
  Reply page = Call("GET", AuthorizeQuery(client));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.body, HasSubstr("&lt;b&gt;Tester&lt;/b&gt;"));
  EXPECT_THAT(page.body, HasSubstr("name=\"api_key\""));
  EXPECT_THAT(page.Header("content-security-policy"), HasSubstr("frame-ancestors 'none'"));

  Reply done = Consent(client, {{"api_key", key_}, {"role", "viewer"}, {"decision", "allow"}});
  ASSERT_EQ(done.status, 302) << done.body;
  std::string location = done.Header("location");
  ASSERT_THAT(location, StartsWith(std::string(kRedirect) + "?"));
  auto q = QueryOf(location);
  EXPECT_EQ(q["state"], "xyz");
  EXPECT_EQ(q["iss"], base_);
  ASSERT_THAT(q["code"], StartsWith("hac_"));

  Json tokens = Exchange(client, q["code"], 200);
  EXPECT_EQ(tokens["token_type"], "Bearer");
  EXPECT_EQ(tokens["expires_in"], 3600);
  std::string access = tokens.value("access_token", "");
  ASSERT_THAT(access, StartsWith("hat_"));
  EXPECT_EQ(McpStatus(access), 200);
  EXPECT_EQ(McpStatus(key_), 200);  // API keys keep working
  // The token is for /mcp only (RFC 8707): the REST API refuses it, and takes the key.
  Reply rest = Call("GET", "/api/v1/platforms", {{"Authorization", "Bearer " + access}});
  EXPECT_EQ(rest.status, 401) << rest.body;
  EXPECT_THAT(rest.body, HasSubstr("MCP endpoint"));
  EXPECT_NE(Call("GET", "/api/v1/platforms", {{"Authorization", "Bearer " + key_}}).status, 401);

  // The code again: invalid_grant, and what it gave is revoked.
  Json again = Exchange(client, q["code"], 400);
  EXPECT_EQ(again["error"], "invalid_grant");
  EXPECT_EQ(McpStatus(access), 401);
}

TEST_F(McpOAuthHttpTest, RefreshAndRevocation) {
  std::string client = Register();
  Reply done = Consent(client, {{"api_key", key_}, {"role", "editor"}, {"decision", "allow"}});
  ASSERT_EQ(done.status, 302);
  Json tokens = Exchange(client, QueryOf(done.Header("location"))["code"], 200);
  Reply refreshed = Form("/oauth/token", {{"grant_type", "refresh_token"},
                                          {"refresh_token", tokens.value("refresh_token", "")},
                                          {"client_id", client}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  Json next = Json::parse(refreshed.body);
  EXPECT_NE(next["refresh_token"], tokens["refresh_token"]);
  const std::string next_access = next.value("access_token", "");
  EXPECT_EQ(McpStatus(next_access), 200);
  Reply revoked = Form("/oauth/revoke", {{"token", next_access}, {"client_id", client}});
  EXPECT_EQ(revoked.status, 200);
  EXPECT_EQ(McpStatus(next_access), 401);
  Reply unsupported = Form("/oauth/token", {{"grant_type", "password"}, {"client_id", client}});
  EXPECT_EQ(Json::parse(unsupported.body)["error"], "unsupported_grant_type");
}

TEST_F(McpOAuthHttpTest, RefusalsNeverRedirectToAnUntrustedUri) {
  std::string client = Register();
  // Unknown client or unregistered redirect URI: a page, not a redirect.
  Reply unknown = Call("GET", AuthorizeQuery("hc_nobody"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.Header("location"), "");
  std::string evil = AuthorizeQuery(client);
  evil.replace(evil.find("redirect_uri=") + 13, UrlEncode(kRedirect).size(),
               UrlEncode("https://evil.example/cb"));
  Reply refused = Call("GET", evil);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Header("location"), "");
  // Another resource: sent back to the (trusted) redirect URI as invalid_target.
  Reply other = Call("GET", AuthorizeQuery(client, "https://elsewhere.example/mcp"));
  ASSERT_EQ(other.status, 302);
  EXPECT_EQ(QueryOf(other.Header("location"))["error"], "invalid_target");
  // Deny.
  Reply denied = Consent(client, {{"decision", "deny"}});
  ASSERT_EQ(denied.status, 302);
  EXPECT_EQ(QueryOf(denied.Header("location"))["error"], "access_denied");
  // A wrong key: the page again, 401.
  Reply bad = Consent(client, {{"api_key", "hk_wrong"}, {"role", "editor"}, {"decision", "allow"}});
  EXPECT_EQ(bad.status, 401);
  // No CSRF cookie: 403.
  std::map<std::string, std::string> fields =
      HiddenFields(Call("GET", AuthorizeQuery(client)).body);
  fields["api_key"] = key_;
  fields["decision"] = "allow";
  fields["role"] = "editor";
  EXPECT_EQ(Form("/oauth/authorize", fields, {{"Origin", base_}}).status, 403);
}

TEST_F(McpOAuthHttpTest, ConfidentialClientsAuthenticateWithBasic) {
  Reply registered = Call("POST", "/oauth/register", {{"Content-Type", "application/json"}},
                          Json{{"client_name", "Claude"}, {"redirect_uris", {kRedirect}}}.dump());
  ASSERT_EQ(registered.status, 201) << registered.body;
  Json client = Json::parse(registered.body);
  EXPECT_EQ(client["token_endpoint_auth_method"], "client_secret_basic");
  const std::string id = client.value("client_id", "");
  const std::string secret = client.value("client_secret", "");
  ASSERT_THAT(secret, StartsWith("hcs_"));
  Reply done = Consent(id, {{"api_key", key_}, {"role", "editor"}, {"decision", "allow"}});
  ASSERT_EQ(done.status, 302) << done.body;
  const std::string code = QueryOf(done.Header("location"))["code"];
  std::map<std::string, std::string> fields{{"grant_type", "authorization_code"},
                                            {"code", code},
                                            {"code_verifier", verifier_},
                                            {"redirect_uri", kRedirect}};
  Reply wrong = Form("/oauth/token", fields,
                     {{"Authorization", "Basic " + base::Base64Encode(id + ":nope")}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Json::parse(wrong.body)["error"], "invalid_client");
  Reply right = Form("/oauth/token", fields,
                     {{"Authorization", "Basic " + base::Base64Encode(id + ":" + secret)}});
  ASSERT_EQ(right.status, 200) << right.body;
  EXPECT_EQ(McpStatus(Json::parse(right.body).value("access_token", "")), 200);
}

}  // namespace
}  // namespace herald::transport
