// OAuth 2.0 machinery: PKCE, authorization URLs, token/error parsing, and the client, session
// and test network against the loopback OAuth emulator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/time.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http/https_client.h"
#include "platforms/oauth/oauth_client.h"
#include "platforms/oauth/oauth_session.h"
#include "platforms/oauth/pkce.h"
#include "platforms/oauth/test_network.h"
#include "platforms/oauth/token_set.h"
#include "tests/emulators/oauth/oauth_emulator.h"
#include "tests/platforms/support/run_task.h"
#include "tests/platforms/support/test_http_server.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::platforms::oauth {
namespace {

using base::ErrorCode;
using base::Json;
using ::testing::HasSubstr;
using ::testing::Not;

// ---- pure parts ----

TEST(PkceTest, Rfc7636AppendixB) {
  EXPECT_EQ(CodeChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  std::string v = NewCodeVerifier();
  EXPECT_EQ(v.size(), 43u);
  EXPECT_NE(v, NewCodeVerifier());
  for (char c : v) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
}

TEST(FormUrlEncodedTest, RoundTrip) {
  http::FormFields f = {{"a b", "c&d=e"}, {"redirect_uri", "https://h/x?y=1"}, {"e", ""}};
  std::string s = http::FormUrlEncode(f);
  EXPECT_EQ(s, "a%20b=c%26d%3De&redirect_uri=https%3A%2F%2Fh%2Fx%3Fy%3D1&e=");
  EXPECT_EQ(http::ParseFormUrlEncoded(s), f);
  auto parsed = http::ParseFormUrlEncoded("x=1+2&&y&z=%zz&w=%41");
  EXPECT_EQ(http::FormValue(parsed, "x"), "1 2");
  EXPECT_EQ(http::FormValue(parsed, "y"), "");
  EXPECT_EQ(http::FormValue(parsed, "z"), "%zz");
  EXPECT_EQ(http::FormValue(parsed, "w"), "A");
  EXPECT_EQ(http::AppendQuery("https://h/p", {{"a", "1"}}), "https://h/p?a=1");
  EXPECT_EQ(http::AppendQuery("https://h/p?x=0", {{"a", "1"}}), "https://h/p?x=0&a=1");
  EXPECT_EQ(http::AppendQuery("https://h/p#f", {{"a", "1"}}), "https://h/p?a=1#f");
}

TEST(OAuthClientTest, AuthorizationUrlCarriesStatePkceAndExtras) {
  OAuthProvider p;
  p.platform = "x";
  p.authorize_url = "https://x.com/i/oauth2/authorize";
  p.scopes = {"tweet.read", "tweet.write", "offline.access"};
  p.client_id = "cid";
  p.extra_authorize_params = {{"prompt", "consent"}};
  std::string url =
      OAuthClient::AuthorizationUrl(p, "https://herald.example/oauth/callback/x", "st4te", "chal");
  ASSERT_EQ(url.rfind("https://x.com/i/oauth2/authorize?", 0), 0u) << url;
  auto q = http::ParseFormUrlEncoded(url.substr(url.find('?') + 1));
  EXPECT_EQ(http::FormValue(q, "response_type"), "code");
  EXPECT_EQ(http::FormValue(q, "client_id"), "cid");
  EXPECT_EQ(http::FormValue(q, "redirect_uri"), "https://herald.example/oauth/callback/x");
  EXPECT_EQ(http::FormValue(q, "scope"), "tweet.read tweet.write offline.access");
  EXPECT_EQ(http::FormValue(q, "state"), "st4te");
  EXPECT_EQ(http::FormValue(q, "code_challenge"), "chal");
  EXPECT_EQ(http::FormValue(q, "code_challenge_method"), "S256");
  EXPECT_EQ(http::FormValue(q, "prompt"), "consent");
  p.pkce = false;
  url = OAuthClient::AuthorizationUrl(p, "https://h/cb", "s", "");
  EXPECT_THAT(url, Not(HasSubstr("code_challenge")));
}

// TikTok names the client id "client_key": in the URL, and in the configuration variable.
TEST(OAuthClientTest, ClientIdParameterCanBeRenamed) {
  OAuthProvider p;
  p.platform = "tiktok";
  p.display_name = "TikTok";
  p.authorize_url = "https://www.tiktok.com/v2/auth/authorize/";
  p.scopes = {"user.info.basic", "video.publish"};
  p.scope_separator = ",";
  p.client_id_param = "client_key";
  auto missing = p.CheckConfigured();
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message(), HasSubstr("HERALD_TIKTOK_CLIENT_KEY"));
  EXPECT_THAT(missing.error().message(), HasSubstr("HERALD_TIKTOK_CLIENT_SECRET"));
  p.client_id = "ck";
  std::string url = OAuthClient::AuthorizationUrl(p, "https://h/cb", "s", "chal");
  auto q = http::ParseFormUrlEncoded(url.substr(url.find('?') + 1));
  EXPECT_EQ(http::FormValue(q, "client_key"), "ck");
  EXPECT_EQ(http::FormValue(q, "client_id"), "");
  EXPECT_EQ(http::FormValue(q, "scope"), "user.info.basic,video.publish");
}

HttpResponse Answer(int status, std::string body, HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(TokenSetTest, ParsesTokenResponses) {
  base::Time now = base::FromUnixMicros(1'767'225'600'000'000);
  auto t = ParseTokenResponse(
      Answer(200, R"({"access_token":"A","token_type":"bearer","expires_in":"7200",
                      "refresh_token":"R","scope":"s1 s2","user_id":"u9",
                      "refresh_token_expires_in":100,"id_token":"jwt"})"),
      now, "X");
  ASSERT_THAT(t, IsOk()) << t.error().ToString();
  EXPECT_EQ(t->access_token, "A");
  EXPECT_EQ(t->refresh_token, "R");
  EXPECT_EQ(t->scope, "s1 s2");
  EXPECT_EQ(*t->expires_at, now + std::chrono::seconds(7200));
  EXPECT_EQ(*t->refresh_expires_at, now + std::chrono::seconds(100));
  EXPECT_EQ(t->extra, (Json{{"user_id", "u9"}}));  // no token ever lands in extra

  auto round = TokenSetFromCredentials(TokenSetToCredentials(*t));
  ASSERT_THAT(round, IsOk());
  EXPECT_EQ(round->access_token, "A");
  EXPECT_EQ(round->refresh_token, "R");
  EXPECT_EQ(round->expires_at, t->expires_at);
  EXPECT_EQ(round->refresh_expires_at, t->refresh_expires_at);
  EXPECT_EQ(round->extra, t->extra);

  EXPECT_EQ(ParseTokenResponse(Answer(200, "not json"), now, "X").error().code(),
            ErrorCode::kUnavailable);
  EXPECT_EQ(ParseTokenResponse(Answer(200, R"({"token_type":"bearer"})"), now, "X").error().code(),
            ErrorCode::kUnavailable);
  EXPECT_FALSE(TokenSetFromCredentials(Json{{"refresh_token", "R"}}).ok());
}

TEST(TokenSetTest, MapsOAuthErrors) {
  auto err = [](HttpResponse r) { return ParseOAuthError(r, "X"); };
  base::Error grant = err(Answer(
      400,
      R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})"));
  EXPECT_EQ(grant.code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(grant.message(), HasSubstr("Token has been expired or revoked."));
  EXPECT_THAT(grant.message(), HasSubstr("X"));
  EXPECT_EQ(err(Answer(401, R"({"error":"invalid_client"})")).code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(err(Answer(400, R"({"error":"invalid_request"})")).code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(err(Answer(503, "")).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(err(Answer(400, R"({"error":"temporarily_unavailable"})")).code(),
            ErrorCode::kUnavailable);
  base::Error limited = err(Answer(429, R"({"error":"slow_down"})", {{"Retry-After", "7"}}));
  EXPECT_EQ(limited.code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(limited.retry_after().has_value());
  EXPECT_EQ(*limited.retry_after(), std::chrono::seconds(7));
}

// ---- against the emulator ----

class OAuthFlowTest : public ::testing::Test {
 protected:
  OAuthFlowTest() {
    testing::OAuthEmulatorOptions o;
    o.clock = &clock_;
    o.redirect_uris = {kRedirect};
    o.access_token_ttl = std::chrono::seconds(3600);
    emulator_ = std::make_unique<testing::OAuthEmulator>(o);
    http::HttpsClientOptions ho;
    http_ = std::move(*http::HttpsClient::Create(ho));
    provider_ = OAuthTestProvider(emulator_->base_url());
    provider_.client_id = o.client_id;
    provider_.client_secret = o.client_secret;
    client_ = std::make_unique<OAuthClient>(*http_, clock_);
  }
  ~OAuthFlowTest() override {
    client_.reset();
    http_.reset();
  }

  template <class T>
  T Run(base::Task<T> task) {
    return testing::RunTask(io_, std::move(task));
  }

  // Plays the browser: opens the authorization URL and returns the redirect's query.
  http::FormFields Authorize(const std::string& state, const std::string& challenge) {
    HttpRequest req;
    req.url = OAuthClient::AuthorizationUrl(provider_, kRedirect, state, challenge);
    auto r = Run(http_->Send(req));
    EXPECT_THAT(r, IsOk()) << r.error().ToString();
    EXPECT_EQ(r->status, 302) << r->body;
    std::string location = r->Header("Location");
    EXPECT_EQ(location.rfind(std::string(kRedirect) + "?", 0), 0u) << location;
    return http::ParseFormUrlEncoded(location.substr(location.find('?') + 1));
  }

  TokenSet Connect() {
    std::string verifier = NewCodeVerifier();
    auto q = Authorize("s1", CodeChallengeS256(verifier));
    auto tokens =
        Run(client_->ExchangeCode(provider_, http::FormValue(q, "code"), kRedirect, verifier));
    EXPECT_THAT(tokens, IsOk()) << tokens.error().ToString();
    return *tokens;
  }

  static constexpr const char* kRedirect = "https://herald.example/oauth/callback/oauthtest";
  boost::asio::io_context io_;
  base::FakeClock clock_;
  std::unique_ptr<testing::OAuthEmulator> emulator_;
  std::unique_ptr<http::HttpsClient> http_;
  OAuthProvider provider_;
  std::unique_ptr<OAuthClient> client_;
};

TEST_F(OAuthFlowTest, CodeExchangeWithPkce) {
  std::string verifier = NewCodeVerifier();
  auto q = Authorize("xyz", CodeChallengeS256(verifier));
  EXPECT_EQ(http::FormValue(q, "state"), "xyz");
  std::string code = http::FormValue(q, "code");
  ASSERT_FALSE(code.empty());
  auto tokens = Run(client_->ExchangeCode(provider_, code, kRedirect, verifier));
  ASSERT_THAT(tokens, IsOk()) << tokens.error().ToString();
  EXPECT_FALSE(tokens->access_token.empty());
  EXPECT_FALSE(tokens->refresh_token.empty());
  EXPECT_EQ(*tokens->expires_at, clock_.Now() + std::chrono::seconds(3600));
  EXPECT_TRUE(emulator_->IsTokenActive(tokens->access_token));
  // A code works once.
  auto again = Run(client_->ExchangeCode(provider_, code, kRedirect, verifier));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(emulator_->IsTokenActive(tokens->access_token));  // replay revoked it
}

TEST_F(OAuthFlowTest, WrongVerifierRedirectOrSecretIsRefused) {
  std::string verifier = NewCodeVerifier();
  auto q = Authorize("s", CodeChallengeS256(verifier));
  auto bad = Run(
      client_->ExchangeCode(provider_, http::FormValue(q, "code"), kRedirect, NewCodeVerifier()));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(bad.error().message(), HasSubstr("PKCE"));

  q = Authorize("s", CodeChallengeS256(verifier));
  bad = Run(client_->ExchangeCode(provider_, http::FormValue(q, "code"), "https://evil.example/cb",
                                  verifier));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kUnauthenticated);

  q = Authorize("s", CodeChallengeS256(verifier));
  OAuthProvider wrong = provider_;
  wrong.client_secret = "nope";
  bad = Run(client_->ExchangeCode(wrong, http::FormValue(q, "code"), kRedirect, verifier));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(bad.error().message(), Not(HasSubstr("nope")));

  OAuthProvider unconfigured = provider_;
  unconfigured.client_id.clear();
  bad = Run(client_->ExchangeCode(unconfigured, "c", kRedirect, verifier));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(bad.error().message(), HasSubstr("HERALD_OAUTHTEST_CLIENT_ID"));
}

TEST_F(OAuthFlowTest, RefreshRotatesAndKeepsWorking) {
  TokenSet first = Connect();
  auto second = Run(client_->Refresh(provider_, first));
  ASSERT_THAT(second, IsOk()) << second.error().ToString();
  EXPECT_NE(second->access_token, first.access_token);
  EXPECT_NE(second->refresh_token, first.refresh_token);  // rotated
  EXPECT_EQ(emulator_->refreshes(), 1);
  // The rotated-away refresh token is dead: a definitive invalid_grant.
  auto stale = Run(client_->Refresh(provider_, first));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code(), ErrorCode::kUnauthenticated);
  // A transient failure is kUnavailable.
  emulator_->FailNextTokenRequests(1, 503);
  auto transient = Run(client_->Refresh(provider_, *second));
  ASSERT_FALSE(transient.ok());
  EXPECT_EQ(transient.error().code(), ErrorCode::kUnavailable);
  auto ok = Run(client_->Refresh(provider_, *second));
  EXPECT_THAT(ok, IsOk()) << ok.error().ToString();
}

TEST_F(OAuthFlowTest, RefreshWithoutRotationKeepsTheRefreshToken) {
  testing::OAuthEmulatorOptions o;
  o.clock = &clock_;
  o.rotate_refresh_tokens = false;
  emulator_ = std::make_unique<testing::OAuthEmulator>(o);
  provider_ = OAuthTestProvider(emulator_->base_url());
  provider_.client_id = o.client_id;
  provider_.client_secret = o.client_secret;
  TokenSet first = Connect();
  auto second = Run(client_->Refresh(provider_, first));
  ASSERT_THAT(second, IsOk()) << second.error().ToString();
  EXPECT_EQ(second->refresh_token, first.refresh_token);
}

TEST_F(OAuthFlowTest, RevokeKillsTheGrant) {
  TokenSet t = Connect();
  auto r = Run(client_->Revoke(provider_, t.refresh_token, "refresh_token"));
  ASSERT_THAT(r, IsOk()) << r.error().ToString();
  EXPECT_EQ(emulator_->revocations(), 1);
  EXPECT_FALSE(emulator_->IsTokenActive(t.access_token));
  OAuthProvider none = provider_;
  none.revoke_url.clear();
  EXPECT_EQ(Run(client_->Revoke(none, "t", "")).error().code(), ErrorCode::kUnimplemented);
}

TEST_F(OAuthFlowTest, DeniedAuthorizationComesBackAsAnError) {
  emulator_->DenyNextAuthorization("access_denied", "nope");
  auto q = Authorize("st", CodeChallengeS256(NewCodeVerifier()));
  EXPECT_EQ(http::FormValue(q, "error"), "access_denied");
  EXPECT_EQ(http::FormValue(q, "state"), "st");
  EXPECT_EQ(http::FormValue(q, "code"), "");
}

// ---- OAuthSession and the test network ----

struct Saved {
  int calls = 0;
  Json credentials;
  std::optional<base::Time> expires_at;
};

AccountContext ContextFor(const TokenSet& t, Saved& saved) {
  AccountContext ctx;
  ctx.account_id = "acc_test";
  ctx.credentials = TokenSetToCredentials(t);
  ctx.save_credentials = [&saved](const Json& c, std::optional<base::Time> at) -> Result<void> {
    ++saved.calls;
    saved.credentials = c;
    saved.expires_at = at;
    return base::Ok();
  };
  return ctx;
}

PublishRequest PostOf(AccountContext ctx, std::string text) {
  PublishRequest req;
  req.account = std::move(ctx);
  req.content.parts.push_back(PostPart{std::move(text), {}});
  req.idempotency_key = "k";
  return req;
}

TEST_F(OAuthFlowTest, TestNetworkIdentifiesAndPublishes) {
  OAuthTestNetwork network(provider_, *http_, clock_);
  EXPECT_EQ(AsOAuthNetwork(&network), &network);
  EXPECT_EQ(network.Info().auth_kind, AuthKind::kOAuth2);
  TokenSet t = Connect();
  auto who = Run(network.Identify(t));
  ASSERT_THAT(who, IsOk()) << who.error().ToString();
  EXPECT_EQ(who->external_id, "4242");
  EXPECT_EQ(who->handle, "@tester");
  EXPECT_EQ(who->display_name, "Test User");
  Saved saved;
  auto receipt = Run(network.Publish(PostOf(ContextFor(t, saved), "hello")));
  ASSERT_THAT(receipt, IsOk()) << receipt.error().ToString();
  EXPECT_FALSE(receipt->external_id.empty());
  EXPECT_EQ(emulator_->last_post_text(), "hello");
  EXPECT_EQ(saved.calls, 0);  // nothing to refresh
  auto connect = Run(network.Connect(Json::object()));
  EXPECT_EQ(connect.error().code(), ErrorCode::kFailedPrecondition);
}

// The smallest JPEG-looking bytes the emulator can judge: SOI, a JFIF APP0, and a baseline
// SOF0 with `width` x `height` (no image data: the emulator reads only the header).
std::string FakeJpeg(int width, int height) {
  std::string b = "\xFF\xD8";
  b += std::string("\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 18);
  b += std::string("\xFF\xC0\x00\x11\x08", 5);
  for (int v : {height, width}) {
    b += static_cast<char>(v >> 8);
    b += static_cast<char>(v & 0xFF);
  }
  b += std::string("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
  b += "\xFF\xD9";
  return b;
}

MediaItem UrlItem(std::string url) {
  MediaItem item;
  item.mime_type = "image/jpeg";
  item.url = std::move(url);
  return item;
}

TEST_F(OAuthFlowTest, TestNetworkFetchesMediaByUrl) {
  testing::TestHttpServer files([](const testing::ServerRequest& req) {
    if (req.target == "/ok.jpg") return testing::ServerResponse::Text(200, FakeJpeg(1080, 1080));
    if (req.target == "/big.jpg") return testing::ServerResponse::Text(200, FakeJpeg(2000, 1000));
    if (req.target == "/x.png") return testing::ServerResponse::Text(200, "\x89PNG\r\n\x1a\n");
    return testing::ServerResponse::Text(404, "");
  });
  OAuthTestNetwork network(provider_, *http_, clock_);
  EXPECT_TRUE(network.Info().media.fetch_by_url);
  TokenSet t = Connect();
  Saved saved;
  PublishRequest ok = PostOf(ContextFor(t, saved), "with a photo");
  ok.content.parts[0].media = {UrlItem(files.BaseUrl() + "/ok.jpg")};
  auto receipt = Run(network.Publish(std::move(ok)));
  ASSERT_THAT(receipt, IsOk()) << receipt.error().ToString();
  EXPECT_THAT(emulator_->fetched_media(),
              ::testing::ElementsAre(files.BaseUrl() + "/ok.jpg"));
  for (const char* bad : {"/big.jpg", "/x.png", "/missing.jpg"}) {
    PublishRequest post = PostOf(ContextFor(t, saved), "refused");
    post.content.parts[0].media = {UrlItem(files.BaseUrl() + bad)};
    auto r = Run(network.Publish(std::move(post)));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(r.error().message(), HasSubstr(bad)) << r.error().ToString();
  }
  EXPECT_EQ(emulator_->posts(), 1);
  EXPECT_EQ(emulator_->fetched_media().size(), 1u);
}

TEST_F(OAuthFlowTest, TestNetworkValidatesProbedMediaWithConversions) {
  OAuthTestNetwork network(provider_, *http_, clock_);
  MediaItem png;
  png.mime_type = "image/png";
  png.size = 1000;
  png.probe.kind = "image";
  png.probe.format = "png";
  png.probe.width = 2000;
  png.probe.height = 2000;
  Content content;
  content.parts.push_back(PostPart{"a photo", {png}});
  ValidationReport report = network.Validate(content);
  EXPECT_TRUE(report.violations.empty());
  ASSERT_EQ(report.conversions.size(), 1u);
  EXPECT_EQ(report.conversions[0].field, "media[0]");
  content.parts[0].media.assign(11, png);
  EXPECT_FALSE(network.Validate(content).violations.empty());  // over 10 items
}

TEST_F(OAuthFlowTest, SessionRefreshesBeforeExpiry) {
  OAuthTestNetwork network(provider_, *http_, clock_);
  TokenSet t = Connect();
  clock_.Advance(std::chrono::seconds(3600 - 60));  // inside the 5-minute margin
  Saved saved;
  auto receipt = Run(network.Publish(PostOf(ContextFor(t, saved), "fresh")));
  ASSERT_THAT(receipt, IsOk()) << receipt.error().ToString();
  EXPECT_EQ(emulator_->refreshes(), 1);
  EXPECT_EQ(emulator_->api_unauthorized(), 0);  // refreshed before, not after a 401
  ASSERT_EQ(saved.calls, 1);
  auto stored = TokenSetFromCredentials(saved.credentials);
  ASSERT_THAT(stored, IsOk());
  EXPECT_NE(stored->access_token, t.access_token);
  EXPECT_NE(stored->refresh_token, t.refresh_token);
  EXPECT_EQ(saved.expires_at, clock_.Now() + std::chrono::seconds(3600));
}

TEST_F(OAuthFlowTest, SessionRefreshesOnceAfterA401) {
  OAuthTestNetwork network(provider_, *http_, clock_);
  TokenSet t = Connect();
  emulator_->InvalidateAccessTokens();  // the network forgot the token early
  Saved saved;
  auto receipt = Run(network.Publish(PostOf(ContextFor(t, saved), "after 401")));
  ASSERT_THAT(receipt, IsOk()) << receipt.error().ToString();
  EXPECT_EQ(emulator_->api_unauthorized(), 1);
  EXPECT_EQ(emulator_->refreshes(), 1);
  EXPECT_EQ(emulator_->posts(), 1);
  EXPECT_EQ(saved.calls, 1);
}

// When the core provides its one-refresh-per-account (AccountContext::refresh_credentials), the
// network never refreshes on its own: the renewal goes through the core, which stores it.
TEST_F(OAuthFlowTest, SessionRefreshesThroughTheCoreWhenItProvidesTheHook) {
  OAuthTestNetwork network(provider_, *http_, clock_);
  TokenSet t = Connect();
  clock_.Advance(std::chrono::seconds(3600 - 60));  // inside the 5-minute margin
  Saved saved;
  AccountContext ctx = ContextFor(t, saved);
  int core_refreshes = 0;
  ctx.refresh_credentials = [&]() -> Task<Result<Json>> {
    ++core_refreshes;  // the core would run this once per account and store the result
    HERALD_CO_ASSIGN_OR_RETURN(TokenSet next, co_await client_->Refresh(provider_, t));
    co_return TokenSetToCredentials(next);
  };
  auto receipt = Run(network.Publish(PostOf(std::move(ctx), "via the core")));
  ASSERT_THAT(receipt, IsOk()) << receipt.error().ToString();
  EXPECT_EQ(core_refreshes, 1);
  EXPECT_EQ(emulator_->refreshes(), 1);
  EXPECT_EQ(saved.calls, 0);  // the core stores renewed tokens, not the adapter
  EXPECT_EQ(emulator_->api_unauthorized(), 0);
}

TEST_F(OAuthFlowTest, SessionTransientRefreshFailureIsUnavailableAndDeadGrantUnauthenticated) {
  OAuthTestNetwork network(provider_, *http_, clock_);
  TokenSet t = Connect();
  clock_.Advance(std::chrono::seconds(3601));  // expired
  emulator_->FailNextTokenRequests(1, 503);
  Saved saved;
  auto r = Run(network.Publish(PostOf(ContextFor(t, saved), "x")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(emulator_->posts(), 0);

  // Expiring soon but still valid: a failed refresh does not stop the call.
  TokenSet t2 = Connect();
  clock_.Advance(std::chrono::seconds(3600 - 60));
  emulator_->FailNextTokenRequests(1, 503);
  r = Run(network.Publish(PostOf(ContextFor(t2, saved), "still valid")));
  ASSERT_THAT(r, IsOk()) << r.error().ToString();

  emulator_->InvalidateRefreshTokens();
  clock_.Advance(std::chrono::seconds(3600));
  r = Run(network.Publish(PostOf(ContextFor(t2, saved), "dead")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(r.error().message(), HasSubstr("reconnected"));
}

// A token endpoint that cannot be connected to and one that accepts but never answers (or
// drops the connection) give the same message; the cause is only in the detail (the log).
TEST_F(OAuthFlowTest, ClosedAndSilentTokenEndpointsGiveTheSameMessage) {
  namespace asio = boost::asio;
  uint16_t closed_port;
  {
    asio::ip::tcp::acceptor a(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = a.local_endpoint().port();
  }
  testing::TestHttpServer dropper([](const testing::ServerRequest&) {
    testing::ServerResponse r;
    r.mode = testing::ServerResponse::Mode::kDropBeforeAnswer;
    return r;
  });
  auto exchange = [&](const std::string& base) {
    OAuthProvider p = provider_;
    p.token_url = base + "/oauth/token";
    p.request_timeout = std::chrono::milliseconds(300);
    return Run(client_->ExchangeCode(p, "code", kRedirect, "verifier"));
  };
  auto closed = exchange("http://127.0.0.1:" + std::to_string(closed_port));
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().code(), ErrorCode::kUnavailable);
  std::vector<std::string> others = {dropper.BaseUrl()};
  testing::TestHttpServer silent([](const testing::ServerRequest&) {
    testing::ServerResponse r;
    r.mode = testing::ServerResponse::Mode::kHang;
    return r;
  });
  others.push_back(silent.BaseUrl());
  for (const std::string& base : others) {
    auto r = exchange(base);
    ASSERT_FALSE(r.ok()) << base;
    EXPECT_EQ(r.error().code(), closed.error().code()) << base;
    EXPECT_EQ(r.error().message(), closed.error().message()) << base;
    EXPECT_NE(r.error().detail(), closed.error().detail()) << base;
  }
}

}  // namespace
}  // namespace herald::platforms::oauth
