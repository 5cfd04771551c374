// The X emulator's contract over raw HTTP, as any X client sees it: OAuth 2.0 with PKCE and
// Basic client auth, rotating refresh tokens (a reuse revokes the grant), problem-details
// error bodies, rate-limit headers, the duplicate-content 403, media processing states.
#include "tests/emulators/x/x_emulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "platforms/http/form_urlencoded.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_server.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::emulators {
namespace {

using ::testing::HasSubstr;
using Headers = std::vector<std::pair<std::string, std::string>>;

class XEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.clock = &clock_;
    server_ = EmulatorServer::Make<XEmulator>(options);
    ASSERT_THAT(server_->Start(), IsOk());
    client_ = std::make_unique<EmulatorClient>(server_->base_url());
  }

  RawResponse Send(const std::string& method, const std::string& path, Headers headers = {},
                   std::string body = {}) {
    auto r = client_->Send(method, path, std::move(headers), std::move(body));
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RawResponse{};
  }
  RawResponse Api(const std::string& method, const std::string& path, const Json& body = nullptr,
                  const std::string& token = XEmulator::kSeedToken) {
    Headers h = {{"Authorization", "Bearer " + token}};
    if (!body.is_null()) h.emplace_back("Content-Type", "application/json");
    return Send(method, path, h, body.is_null() ? "" : base::DumpJson(body));
  }
  RawResponse TokenRequest(const std::string& form, bool basic = true) {
    Headers h = {{"Content-Type", "application/x-www-form-urlencoded"}};
    if (basic) {
      h.emplace_back("Authorization",
                     "Basic " + base::Base64Encode(std::string(XEmulator::kClientId) + ":" +
                                                   XEmulator::kClientSecret));
    }
    return Send("POST", "/2/oauth2/token", h, form);
  }

  base::FakeClock clock_;
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<EmulatorClient> client_;
};

TEST_F(XEmulatorTest, AuthorizeRedirectsBackAndTheCodeNeedsItsVerifier) {
  const std::string verifier = "v3rifier-0123456789-0123456789-0123456789-xyz";
  const std::string challenge = base::Base64UrlEncode(base::Sha256(verifier));
  const std::string redirect = "http://127.0.0.1:1/oauth/callback/x";
  auto authorize = Send(
      "GET", "/i/oauth2/authorize?response_type=code&client_id=herald-x-client&redirect_uri=" +
                 platforms::http::PercentEncode(redirect) +
                 "&scope=tweet.read%20offline.access&state=s1&code_challenge=" + challenge +
                 "&code_challenge_method=S256");
  ASSERT_EQ(authorize.status, 302);
  auto q = platforms::http::ParseFormUrlEncoded(
      authorize.Header("Location").substr(redirect.size() + 1));
  const std::string code = platforms::http::FormValue(q, "code");
  EXPECT_EQ(platforms::http::FormValue(q, "state"), "s1");
  const std::string exchange = "grant_type=authorization_code&code=" + code +
                               "&redirect_uri=" + platforms::http::PercentEncode(redirect) +
                               "&code_verifier=" + verifier;
  // A confidential client without Basic auth is refused, as X does.
  auto no_basic = TokenRequest(exchange + "&client_id=herald-x-client", false);
  EXPECT_EQ(no_basic.status, 401);
  EXPECT_EQ(no_basic.JsonBody()["error"], "unauthorized_client");
  auto tokens = TokenRequest(exchange);
  ASSERT_EQ(tokens.status, 200) << tokens.body;
  EXPECT_EQ(tokens.JsonBody()["token_type"], "bearer");
  EXPECT_EQ(tokens.JsonBody()["expires_in"], 7200);
  EXPECT_EQ(tokens.JsonBody()["scope"], "tweet.read offline.access");
  // Codes are single-use.
  EXPECT_EQ(TokenRequest(exchange).JsonBody()["error"], "invalid_request");
  // An unknown client gets an error page, no redirect.
  EXPECT_EQ(Send("GET", "/i/oauth2/authorize?client_id=nope&redirect_uri=x").status, 400);
}

TEST_F(XEmulatorTest, RefreshTokensRotateAndAReuseRevokesTheGrant) {
  auto first = TokenRequest("grant_type=refresh_token&refresh_token=" +
                            std::string(XEmulator::kSeedRefreshToken));
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string access = first.JsonBody()["access_token"];
  EXPECT_EQ(Api("GET", "/2/users/me", nullptr, access).status, 200);
  auto reused = TokenRequest("grant_type=refresh_token&refresh_token=" +
                             std::string(XEmulator::kSeedRefreshToken));
  EXPECT_EQ(reused.status, 400);
  EXPECT_EQ(reused.JsonBody()["error"], "invalid_request");
  EXPECT_EQ(reused.JsonBody()["error_description"], "Value passed for the token was invalid.");
  // The whole grant is gone: the new access token and the new refresh token too.
  auto me = Api("GET", "/2/users/me", nullptr, access);
  EXPECT_EQ(me.status, 401);
  EXPECT_EQ(me.JsonBody(), (Json{{"title", "Unauthorized"}, {"detail", "Unauthorized"},
                                 {"type", "about:blank"}, {"status", 401}}));
  EXPECT_EQ(TokenRequest("grant_type=refresh_token&refresh_token=" +
                         std::string(first.JsonBody()["refresh_token"]))
                .status,
            400);
  // Access tokens last two hours.
  clock_.Advance(std::chrono::hours(3));
  EXPECT_EQ(Api("GET", "/2/users/me").status, 401);
}

TEST_F(XEmulatorTest, TweetsCarryRateLimitHeadersAndRefuseDuplicates) {
  auto created = Api("POST", "/2/tweets", Json{{"text", "Hi & <b> https://example.com"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_THAT(std::string(created.JsonBody()["data"]["text"]),
              HasSubstr("Hi &amp; &lt;b&gt; https://t.co/"));
  EXPECT_EQ(created.Header("x-rate-limit-limit"), "100");
  EXPECT_EQ(created.Header("x-rate-limit-remaining"), "99");
  EXPECT_FALSE(created.Header("x-rate-limit-reset").empty());
  EXPECT_EQ(created.Header("x-user-limit-24hour-remaining"), "2399");
  auto duplicate = Api("POST", "/2/tweets", Json{{"text", "Hi & <b> https://example.com"}});
  EXPECT_EQ(duplicate.status, 403);
  EXPECT_EQ(duplicate.JsonBody()["detail"],
            "You are not allowed to create a Tweet with duplicate content.");
  auto too_long = Api("POST", "/2/tweets", Json{{"text", std::string(281, 'a')}});
  EXPECT_EQ(too_long.status, 403);
  EXPECT_THAT(std::string(too_long.JsonBody()["detail"]), HasSubstr("too long"));
  auto five = Api("POST", "/2/tweets",
                  Json{{"text", "m"}, {"media", {{"media_ids", {"1", "2", "3", "4", "5"}}}}});
  EXPECT_EQ(five.status, 400);
  EXPECT_EQ(five.JsonBody()["title"], "Invalid Request");

  server_->context().MergeConfig(Json{{"tweet_rate_limit", 2}});
  auto limited = Api("POST", "/2/tweets", Json{{"text", "over"}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("x-rate-limit-remaining"), "0");
  EXPECT_EQ(limited.JsonBody()["title"], "Too Many Requests");

  const std::string id = created.JsonBody()["data"]["id"];
  auto timeline = Api("GET", std::string("/2/users/") + XEmulator::kSeedUserId +
                                 "/tweets?max_results=5&tweet.fields=created_at");
  ASSERT_EQ(timeline.status, 200);
  EXPECT_EQ(timeline.JsonBody()["data"][0]["id"], id);
  EXPECT_TRUE(timeline.JsonBody()["data"][0].contains("created_at"));
  EXPECT_EQ(Api("DELETE", "/2/tweets/" + id).JsonBody()["data"]["deleted"], true);
  EXPECT_EQ(Api("DELETE", "/2/tweets/" + id).status, 404);
}

TEST_F(XEmulatorTest, VideoProcessesBeforeItCanBeAttached) {
  auto init = Api("POST", "/2/media/upload/initialize",
                  Json{{"media_type", "video/mp4"}, {"total_bytes", 6},
                       {"media_category", "tweet_video"}});
  ASSERT_EQ(init.status, 200) << init.body;
  const std::string id = init.JsonBody()["data"]["id"];
  auto append = Api("POST", "/2/media/upload/" + id + "/append",
                    Json{{"media", base::Base64Encode("abcdef")}, {"segment_index", 0}});
  ASSERT_EQ(append.status, 200) << append.body;
  auto fin = Api("POST", "/2/media/upload/" + id + "/finalize");
  ASSERT_EQ(fin.status, 200);
  EXPECT_EQ(fin.JsonBody()["data"]["processing_info"]["state"], "pending");
  auto early = Api("POST", "/2/tweets", Json{{"text", "v"}, {"media", {{"media_ids", {id}}}}});
  EXPECT_EQ(early.status, 400);
  const std::string status = "/2/media/upload?command=STATUS&media_id=" + id;
  EXPECT_EQ(Api("GET", status).JsonBody()["data"]["processing_info"]["state"], "in_progress");
  EXPECT_EQ(Api("GET", status).JsonBody()["data"]["processing_info"]["state"], "succeeded");
  EXPECT_EQ(Api("POST", "/2/tweets", Json{{"text", "v"}, {"media", {{"media_ids", {id}}}}}).status,
            201);
  // A size that does not add up is refused at finalize.
  auto short_init = Api("POST", "/2/media/upload/initialize",
                        Json{{"media_type", "image/png"}, {"total_bytes", 10}});
  const std::string short_id = short_init.JsonBody()["data"]["id"];
  Api("POST", "/2/media/upload/" + short_id + "/append",
      Json{{"media", base::Base64Encode("abc")}, {"segment_index", 0}});
  EXPECT_EQ(Api("POST", "/2/media/upload/" + short_id + "/finalize").status, 400);
}

}  // namespace
}  // namespace herald::emulators
