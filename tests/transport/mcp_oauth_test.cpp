// herald's OAuth authorization server over HTTP, the pure parts: the RFC 8414 and RFC 9728
// metadata, the consent page (escaping, CSRF field, roles offered), and which resources an
// access token may be presented to (RFC 8707). The whole flow runs against the real binary in
// tests/interop/mcp_oauth.mjs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "transport/auth/oauth_authenticator.h"
#include "transport/auth/resource_metadata.h"
#include "transport/routes/mcp_oauth_pages.h"

namespace herald::transport {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(McpOAuthMetadata, AuthorizationServerMetadataNamesEveryEndpoint) {
  base::Json m = AuthorizationServerMetadata("https://herald.example");
  EXPECT_EQ(m["issuer"], "https://herald.example");
  EXPECT_EQ(m["authorization_endpoint"], "https://herald.example/oauth/authorize");
  EXPECT_EQ(m["token_endpoint"], "https://herald.example/oauth/token");
  EXPECT_EQ(m["registration_endpoint"], "https://herald.example/oauth/register");
  EXPECT_EQ(m["revocation_endpoint"], "https://herald.example/oauth/revoke");
  EXPECT_EQ(m["code_challenge_methods_supported"], base::Json::array({"S256"}));
  EXPECT_EQ(m["response_types_supported"], base::Json::array({"code"}));
  EXPECT_EQ(m["grant_types_supported"], base::Json::array({"authorization_code", "refresh_token"}));
  EXPECT_EQ(m["client_id_metadata_document_supported"], true);
  EXPECT_EQ(m["authorization_response_iss_parameter_supported"], true);
}

TEST(McpOAuthMetadata, ProtectedResourceNamesHeraldOnlyWhenItsServerIsOn) {
  base::Json without = ProtectedResourceMetadata("http://127.0.0.1:8080", "/mcp");
  EXPECT_FALSE(without.contains("authorization_servers"));
  base::Json with = ProtectedResourceMetadata("http://127.0.0.1:8080", "/mcp", true);
  EXPECT_EQ(with["resource"], "http://127.0.0.1:8080/mcp");
  EXPECT_EQ(with["authorization_servers"], base::Json::array({"http://127.0.0.1:8080"}));
}

TEST(McpOAuthResource, PublicUrlMeansExactlyItsMcpUrl) {
  auto check = McpResourceCheck("https://herald.example/", nullptr);
  EXPECT_TRUE(check("https://herald.example/mcp"));
  EXPECT_TRUE(check("https://herald.example/mcp/"));
  EXPECT_FALSE(check("https://herald.example/other"));
  EXPECT_FALSE(check("https://evil.example/mcp"));
  EXPECT_FALSE(check(""));
}

TEST(McpOAuthResource, WithoutPublicUrlTheHostPolicyDecides) {
  auto check = McpResourceCheck("", [](std::string_view host) {
    return host == "127.0.0.1:8080" || host == "localhost:8080";
  });
  EXPECT_TRUE(check("http://127.0.0.1:8080/mcp"));
  EXPECT_TRUE(check("http://localhost:8080/mcp"));
  EXPECT_FALSE(check("http://127.0.0.1:8080/sse"));
  EXPECT_FALSE(check("http://evil.example/mcp"));
  EXPECT_FALSE(check("ftp://127.0.0.1:8080/mcp"));
}

core::CheckedAuthorization Checked(std::string name, std::string redirect) {
  core::CheckedAuthorization c;
  c.client.client_id = "hc_1";
  c.client.client_name = std::move(name);
  c.request.client_id = "hc_1";
  c.request.redirect_uri = std::move(redirect);
  c.request.state = "\"><script>x</script>";
  c.request.response_type = "code";
  return c;
}

TEST(McpOAuthConsentPage, EscapesClientTextAndCarriesTheCsrfToken) {
  ConsentView view;
  view.checked = Checked("<script>alert(1)</script>", "https://claude.ai/api/mcp/auth_callback");
  view.csrf_token = "csrf123";
  std::string html = ConsentPage(view);
  EXPECT_THAT(html, Not(HasSubstr("<script>alert(1)</script>")));
  EXPECT_THAT(html, Not(HasSubstr("<script>x</script>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("<strong>claude.ai</strong>"));
  EXPECT_THAT(html, HasSubstr("name=\"csrf_token\" value=\"csrf123\""));
  EXPECT_THAT(html, HasSubstr("name=\"api_key\""));
  EXPECT_THAT(html, HasSubstr("value=\"admin\""));
}

TEST(McpOAuthConsentPage, ASignedInPersonNeedsNoKeyAndIsOfferedOnlyTheirRoles) {
  ConsentView view;
  view.checked = Checked("Inspector", "http://127.0.0.1:6274/oauth/callback");
  view.csrf_token = "c";
  view.signed_in = base::Caller{"org_1", "key_1", base::Role::kEditor};
  std::string html = ConsentPage(view);
  EXPECT_THAT(html, Not(HasSubstr("name=\"api_key\"")));
  EXPECT_THAT(html, HasSubstr("value=\"editor\""));
  EXPECT_THAT(html, Not(HasSubstr("value=\"admin\"")));
  EXPECT_THAT(html, Not(HasSubstr("value=\"approver\"")));
  EXPECT_EQ(RedirectHost("http://127.0.0.1:6274/oauth/callback"), "127.0.0.1:6274");
  EXPECT_EQ(RedirectHost("cursor://anysphere.cursor-mcp/oauth/callback"), "anysphere.cursor-mcp");
}

}  // namespace
}  // namespace herald::transport
