// McpOAuthServer: registration, the authorization request, codes with PKCE (mismatch, reuse,
// expiry), refresh rotation and reuse detection, revocation, the audience check and the role
// cap. FakeClock, the core test store (SQLite in memory).
#include "core/mcp_oauth_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "core/key_service.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using testing::Await;

constexpr char kResource[] = "https://herald.example/mcp";
constexpr char kRedirect[] = "http://127.0.0.1:33418/callback";

std::string Challenge(const std::string& verifier) {
  return base::Base64UrlEncode(base::Sha256(verifier));
}

bool OnlyHerald(std::string_view resource) { return resource == kResource; }

class McpOAuthServerTest : public ::testing::Test {
 protected:
  McpOAuthServerTest()
      : keys_(*env_.store, env_.clock), oauth_(*env_.store, nullptr, *env_.pool, env_.clock) {}

  // The organization's audit entries, newest first.
  std::vector<store::AuditEntry> Audit() {
    auto entries = store::ReadValue<std::vector<store::AuditEntry>>(
        *env_.store, [&](store::Tx& tx) { return tx.ListAudit(env_.org.id, 10); });
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? *entries : std::vector<store::AuditEntry>();
  }

  void SetUp() override {
    auto key = keys_.Create(env_.org.id, "consent", base::Role::kEditor);
    ASSERT_TRUE(key.ok());
    key_secret_ = key->secret;
    auto caller = keys_.Verify(key_secret_);
    ASSERT_TRUE(caller.ok());
    editor_ = *caller;
    auto client = oauth_.Register({.client_name = "Test client",
                                   .redirect_uris = {kRedirect},
                                   .token_endpoint_auth_method = "none"});
    ASSERT_TRUE(client.ok()) << client.error().ToString();
    client_id_ = client->client.client_id;
  }

  AuthorizationRequest Request() const {
    return AuthorizationRequest{.response_type = "code",
                                .client_id = client_id_,
                                .redirect_uri = kRedirect,
                                .code_challenge = Challenge(verifier_),
                                .code_challenge_method = "S256",
                                .state = "st",
                                .resource = kResource,
                                .scope = ""};
  }

  CheckedAuthorization Check(AuthorizationRequest request) {
    auto checked = Await(oauth_.CheckAuthorization(std::move(request), kResource));
    EXPECT_TRUE(checked.ok()) << checked.error().ToString();
    return *checked;
  }

  std::string Code(base::Role role = base::Role::kEditor) {
    auto code = oauth_.Authorize(Check(Request()), editor_, role);
    EXPECT_TRUE(code.ok());
    return code.ok() ? *code : "";
  }

  base::Result<IssuedTokens> Exchange(const std::string& code, const std::string& verifier) {
    return oauth_.Token({.grant_type = "authorization_code",
                         .code = code,
                         .redirect_uri = kRedirect,
                         .code_verifier = verifier,
                         .refresh_token = "",
                         .resource = kResource,
                         .client_id = client_id_,
                         .client_secret = ""});
  }

  base::Result<IssuedTokens> Refresh(const std::string& refresh_token) {
    return oauth_.Token({.grant_type = "refresh_token",
                         .code = "",
                         .redirect_uri = "",
                         .code_verifier = "",
                         .refresh_token = refresh_token,
                         .resource = "",
                         .client_id = client_id_,
                         .client_secret = ""});
  }

  base::Result<base::Caller> Verify(const std::string& token) {
    return oauth_.VerifyAccessToken(token, OnlyHerald);
  }

  testing::CoreEnv env_;
  KeyService keys_;
  McpOAuthServer oauth_;
  std::string key_secret_;
  base::Caller editor_;
  std::string client_id_;
  std::string verifier_ = base::RandomToken() + "extra";
};

TEST_F(McpOAuthServerTest, CodeExchangeGivesTokensThatStandForTheKey) {
  auto tokens = Exchange(Code(), verifier_);
  ASSERT_TRUE(tokens.ok()) << tokens.error().ToString();
  EXPECT_EQ(tokens->access_token.rfind(kOAuthAccessPrefix, 0), 0u);
  EXPECT_EQ(tokens->refresh_token.rfind(kOAuthRefreshPrefix, 0), 0u);
  EXPECT_EQ(tokens->expires_in, std::chrono::seconds(3600));
  auto caller = Verify(tokens->access_token);
  ASSERT_TRUE(caller.ok()) << caller.error().ToString();
  EXPECT_EQ(caller->org_id, env_.org.id);
  EXPECT_EQ(caller->key_id, editor_.key_id);  // the audit log names the consenting key
  std::vector<store::AuditEntry> audit = Audit();
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().action, "oauth.authorize");
  EXPECT_EQ(audit.front().actor, editor_.key_id);
  EXPECT_EQ(audit.front().subject, client_id_);
  EXPECT_EQ(caller->role, base::Role::kEditor);
  // An API key is not an access token.
  EXPECT_EQ(Verify(key_secret_).error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(McpOAuthServerTest, PkceMismatchIsInvalidGrant) {
  auto tokens = Exchange(Code(), base::RandomToken() + "other");
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(OAuthErrorName(tokens.error()), "invalid_grant");
}

TEST_F(McpOAuthServerTest, CodeIsSingleUseAndReuseRevokesItsTokens) {
  std::string code = Code();
  auto first = Exchange(code, verifier_);
  ASSERT_TRUE(first.ok());
  auto second = Exchange(code, verifier_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(OAuthErrorName(second.error()), "invalid_grant");
  EXPECT_EQ(Verify(first->access_token).error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(McpOAuthServerTest, ExpiredCodeIsRefused) {
  std::string code = Code();
  env_.clock.Advance(std::chrono::minutes(11));
  auto tokens = Exchange(code, verifier_);
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(OAuthErrorName(tokens.error()), "invalid_grant");
}

TEST_F(McpOAuthServerTest, AccessTokenExpiresAfterAnHour) {
  auto tokens = Exchange(Code(), verifier_);
  ASSERT_TRUE(tokens.ok());
  env_.clock.Advance(std::chrono::minutes(61));
  EXPECT_EQ(Verify(tokens->access_token).error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(McpOAuthServerTest, RefreshRotatesAndReuseRevokesTheFamily) {
  auto tokens = Exchange(Code(), verifier_);
  ASSERT_TRUE(tokens.ok());
  auto rotated = Refresh(tokens->refresh_token);
  ASSERT_TRUE(rotated.ok()) << rotated.error().ToString();
  EXPECT_NE(rotated->refresh_token, tokens->refresh_token);
  ASSERT_TRUE(Verify(rotated->access_token).ok());
  // The old refresh token again: someone kept a copy. Everything of this grant ends.
  const uint64_t changes = oauth_.changes();
  auto reused = Refresh(tokens->refresh_token);
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(OAuthErrorName(reused.error()), "invalid_grant");
  EXPECT_GT(oauth_.changes(), changes) << "authenticator caches drop the revoked tokens";
  std::vector<store::AuditEntry> audit = Audit();
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().action, "oauth.reuse_detected");
  EXPECT_EQ(audit.front().subject, client_id_);
  EXPECT_EQ(Verify(rotated->access_token).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(Refresh(rotated->refresh_token).ok());
}

TEST_F(McpOAuthServerTest, RevocationEndsAccessAndRefresh) {
  auto tokens = Exchange(Code(), verifier_);
  ASSERT_TRUE(tokens.ok());
  ASSERT_TRUE(oauth_.Revoke(tokens->refresh_token, client_id_, "").ok());
  EXPECT_EQ(Verify(tokens->access_token).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(Refresh(tokens->refresh_token).ok());
  // Unknown tokens are fine (RFC 7009); an unknown client is not.
  EXPECT_TRUE(oauth_.Revoke("hat_unknown", client_id_, "").ok());
  EXPECT_EQ(oauth_.Revoke("hat_unknown", "hc_nobody", "").error().code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(McpOAuthServerTest, TokensForAnotherResourceAreRefused) {
  auto tokens = Exchange(Code(), verifier_);
  ASSERT_TRUE(tokens.ok());
  auto elsewhere = oauth_.VerifyAccessToken(
      tokens->access_token, [](std::string_view r) { return r == "https://other.example/mcp"; });
  EXPECT_EQ(elsewhere.error().code(), ErrorCode::kUnauthenticated);
  // Asking for another resource at the authorization endpoint is sent back as invalid_target.
  AuthorizationRequest request = Request();
  request.resource = "https://other.example/mcp";
  CheckedAuthorization checked = Check(request);
  ASSERT_TRUE(checked.redirect_error.has_value());
  EXPECT_EQ(checked.redirect_error->error, "invalid_target");
}

TEST_F(McpOAuthServerTest, RoleIsCappedAtTheKeysRole) {
  auto tokens = Exchange(Code(base::Role::kAdmin), verifier_);
  ASSERT_TRUE(tokens.ok());
  auto caller = Verify(tokens->access_token);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->role, base::Role::kEditor);
  // Lowering the key's role lowers its tokens too; revoking it ends them.
  ASSERT_TRUE(keys_.SetRole(env_.org.id, editor_.key_id, base::Role::kViewer, "local").ok());
  caller = Verify(tokens->access_token);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->role, base::Role::kViewer);
  ASSERT_TRUE(keys_.Revoke(env_.org.id, editor_.key_id).ok());
  EXPECT_EQ(Verify(tokens->access_token).error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(McpOAuthServerTest, AuthorizationRequestChecks) {
  AuthorizationRequest unknown = Request();
  unknown.client_id = "hc_nobody";
  EXPECT_EQ(Await(oauth_.CheckAuthorization(unknown, kResource)).error().code(),
            ErrorCode::kNotFound);
  AuthorizationRequest elsewhere = Request();
  elsewhere.redirect_uri = "https://attacker.example/cb";
  EXPECT_EQ(Await(oauth_.CheckAuthorization(elsewhere, kResource)).error().code(),
            ErrorCode::kInvalidArgument);
  // A loopback redirect URI may change its port (RFC 8252).
  AuthorizationRequest port = Request();
  port.redirect_uri = "http://127.0.0.1:5555/callback";
  EXPECT_FALSE(Check(port).redirect_error.has_value());
  AuthorizationRequest plain = Request();
  plain.code_challenge_method = "plain";
  EXPECT_EQ(Check(plain).redirect_error->error, "invalid_request");
  AuthorizationRequest no_resource = Request();
  no_resource.resource = "";
  EXPECT_EQ(Check(no_resource).request.resource, kResource);
}

TEST_F(McpOAuthServerTest, RegistrationRules) {
  EXPECT_FALSE(oauth_
                   .Register({.client_name = "x",
                              .redirect_uris = {"http://evil.example/cb"},
                              .token_endpoint_auth_method = "none"})
                   .ok());
  EXPECT_FALSE(
      oauth_
          .Register({.client_name = "x", .redirect_uris = {}, .token_endpoint_auth_method = "none"})
          .ok());
  auto confidential = oauth_.Register({.client_name = "Claude",
                                       .redirect_uris = {"https://claude.ai/api/mcp/auth_callback"},
                                       .token_endpoint_auth_method = ""});
  ASSERT_TRUE(confidential.ok());
  EXPECT_EQ(confidential->token_endpoint_auth_method, "client_secret_basic");
  EXPECT_FALSE(confidential->client_secret.empty());
  // A confidential client must authenticate at the token endpoint.
  EXPECT_EQ(oauth_.Revoke("x", confidential->client.client_id, "wrong").error().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_TRUE(oauth_.Revoke("x", confidential->client.client_id, confidential->client_secret).ok());
}

}  // namespace
}  // namespace herald::core
