// The LinkedIn emulator's contract over raw HTTP: OAuth, the versioned headers, Posts with
// little text and DUPLICATE_POST, the Videos API's parts and processing, error bodies, and the
// process mode.
#include "tests/emulators/linkedin/linkedin_emulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"
#include "tests/emulators/common/emulator_server.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::emulators {
namespace {

using ::testing::HasSubstr;
using Headers = std::vector<std::pair<std::string, std::string>>;

class LinkedInEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.clock = &clock_;
    server_ = EmulatorServer::Make<LinkedInEmulator>(options);
    ASSERT_THAT(server_->Start(), IsOk());
    client_ = std::make_unique<EmulatorClient>(server_->base_url());
  }

  static Headers Rest(const std::string& token = LinkedInEmulator::kSeedToken) {
    return {{"Authorization", "Bearer " + token},
            {"LinkedIn-Version", "202609"},
            {"X-Restli-Protocol-Version", "2.0.0"},
            {"Content-Type", "application/json"}};
  }

  RawResponse Send(const std::string& method, const std::string& path, Headers h,
                   const std::string& body = "") {
    auto r = client_->Send(method, path, std::move(h), body);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RawResponse{};
  }

  RawResponse Post(const std::string& commentary,
                   const std::string& author = std::string("urn:li:person:") +
                                               LinkedInEmulator::kMemberId,
                   Json content = nullptr) {
    Json body{{"author", author},
              {"commentary", commentary},
              {"visibility", "PUBLIC"},
              {"distribution", {{"feedDistribution", "MAIN_FEED"}}},
              {"lifecycleState", "PUBLISHED"}};
    if (!content.is_null()) body["content"] = content;
    return Send("POST", "/rest/posts", Rest(), base::DumpJson(body));
  }

  base::FakeClock clock_;
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<EmulatorClient> client_;
};

TEST_F(LinkedInEmulatorTest, AuthorizeRedirectsWithACodeTheTokenEndpointExchanges) {
  auto r = Send("GET",
                "/oauth/v2/authorization?response_type=code&client_id=linkedin-client"
                "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&state=s1"
                "&scope=openid%20profile%20w_member_social",
                {});
  ASSERT_EQ(r.status, 302);
  const std::string location = r.Header("Location");
  ASSERT_THAT(location, HasSubstr("state=s1"));
  const size_t at = location.find("code=");
  ASSERT_NE(at, std::string::npos);
  std::string code = location.substr(at + 5, location.find('&', at) - at - 5);
  const std::string form = "grant_type=authorization_code&code=" + code +
                           "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb"
                           "&client_id=linkedin-client&client_secret=linkedin-secret";
  Headers h{{"Content-Type", "application/x-www-form-urlencoded"}};
  auto token = Send("POST", "/oauth/v2/accessToken", h, form);
  ASSERT_EQ(token.status, 200) << token.body;
  Json body = token.JsonBody();
  EXPECT_EQ(body["expires_in"], 5184000);
  EXPECT_EQ(body["scope"], "openid,profile,w_member_social");
  EXPECT_FALSE(body.contains("refresh_token"));
  // Single use.
  EXPECT_EQ(Send("POST", "/oauth/v2/accessToken", h, form).status, 400);
  // The token reads userinfo.
  auto me = Send("GET", "/v2/userinfo",
                 {{"Authorization", "Bearer " + body["access_token"].get<std::string>()}});
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.JsonBody()["sub"], LinkedInEmulator::kMemberId);
}

TEST_F(LinkedInEmulatorTest, RefreshTokensWhenConfiguredDoNotRotate) {
  ASSERT_THAT(client_->SetConfig(Json{{"issue_refresh_tokens", true}}), IsOk());
  auto r = Send("GET",
                "/oauth/v2/authorization?response_type=code&client_id=linkedin-client"
                "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&scope=openid",
                {});
  const std::string location = r.Header("Location");
  std::string code = location.substr(location.find("code=") + 5);
  Headers h{{"Content-Type", "application/x-www-form-urlencoded"}};
  auto first = Send("POST", "/oauth/v2/accessToken", h,
                    "grant_type=authorization_code&code=" + code +
                        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb"
                        "&client_id=linkedin-client&client_secret=linkedin-secret");
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string rt = first.JsonBody()["refresh_token"];
  clock_.Advance(std::chrono::hours(24));
  auto second = Send("POST", "/oauth/v2/accessToken", h,
                     "grant_type=refresh_token&refresh_token=" + rt +
                         "&client_id=linkedin-client&client_secret=linkedin-secret");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.JsonBody()["refresh_token"], rt);
  EXPECT_EQ(second.JsonBody()["refresh_token_expires_in"], 365 * 24 * 3600 - 24 * 3600);
}

TEST_F(LinkedInEmulatorTest, VersionedCallsNeedBothHeaders) {
  Headers no_version = Rest();
  no_version.erase(no_version.begin() + 1);
  auto r = Send("GET", "/rest/posts?q=author&author=urn%3Ali%3Aperson%3AAda4xLn7Q2", no_version);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.JsonBody()["code"], "VERSION_MISSING");
  Headers old = Rest();
  old[1].second = "202301";
  EXPECT_EQ(Send("GET", "/rest/posts?q=author&author=x", old).status, 426);
  Headers no_restli = Rest();
  no_restli.erase(no_restli.begin() + 2);
  EXPECT_EQ(Send("GET", "/rest/posts?q=author&author=x", no_restli).status, 400);
}

TEST_F(LinkedInEmulatorTest, PostsAreLittleTextWithDuplicatesRefused) {
  auto bad = Post("unescaped (parens)");
  EXPECT_EQ(bad.status, 422);
  auto ok = Post("escaped \\(parens\\) and @[Ada](urn:li:person:Ada4xLn7Q2)");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_THAT(ok.Header("x-restli-id"), HasSubstr("urn:li:share:"));
  auto posts = client_->Posts();
  ASSERT_THAT(posts, IsOk());
  EXPECT_EQ((*posts)[0]["text"], "escaped (parens) and Ada");
  auto dup = Post("escaped \\(parens\\) and @[Ada](urn:li:person:Ada4xLn7Q2)");
  EXPECT_EQ(dup.status, 422);
  EXPECT_THAT(dup.body, HasSubstr("DUPLICATE_POST"));
  EXPECT_THAT(dup.body, HasSubstr(ok.Header("x-restli-id")));
  EXPECT_EQ(Post(std::string(3001, 'a')).status, 422);
}

TEST_F(LinkedInEmulatorTest, OrganizationsNeedAnAdministratorRole) {
  EXPECT_EQ(Post("for the page", std::string("urn:li:organization:") + LinkedInEmulator::kOrgA)
                .status,
            201);
  auto r = Post("elsewhere", std::string("urn:li:organization:") + LinkedInEmulator::kOrgC);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.JsonBody()["code"], "ACCESS_DENIED");
}

TEST_F(LinkedInEmulatorTest, VideoPartsFinalizeAndProcess) {
  ASSERT_THAT(client_->SetConfig(Json{{"video_part_bytes", 100000}, {"video_min_bytes", 1}}),
              IsOk());
  const std::string owner = std::string("urn:li:person:") + LinkedInEmulator::kMemberId;
  auto init = Send("POST", "/rest/videos?action=initializeUpload", Rest(),
                   base::DumpJson(Json{{"initializeUploadRequest",
                                        {{"owner", owner}, {"fileSizeBytes", 250000}}}}));
  ASSERT_EQ(init.status, 200) << init.body;
  Json value = init.JsonBody()["value"];
  ASSERT_EQ(value["uploadInstructions"].size(), 3u);
  Json ids = Json::array();
  const std::string base = server_->base_url();
  for (const Json& part : value["uploadInstructions"]) {
    const std::string url = part["uploadUrl"];
    ASSERT_EQ(url.rfind(base, 0), 0u);
    const int64_t size = part["lastByte"].get<int64_t>() - part["firstByte"].get<int64_t>() + 1;
    auto put = Send("PUT", url.substr(base.size()),
                    {{"Authorization", std::string("Bearer ") + LinkedInEmulator::kSeedToken}},
                    std::string(static_cast<size_t>(size), 'v'));
    ASSERT_EQ(put.status, 200);
    ids.push_back(put.Header("ETag"));
  }
  const std::string video = value["video"];
  auto early = Post("a video", owner, Json{{"media", {{"id", video}}}});
  EXPECT_EQ(early.status, 400);
  auto fin = Send("POST", "/rest/videos?action=finalizeUpload", Rest(),
                  base::DumpJson(Json{{"finalizeUploadRequest",
                                       {{"video", video}, {"uploadToken", ""},
                                        {"uploadedPartIds", ids}}}}));
  ASSERT_EQ(fin.status, 200) << fin.body;
  auto status = Send("GET", "/rest/videos/" + video, Rest());
  EXPECT_EQ(status.JsonBody()["status"], "PROCESSING");
  status = Send("GET", "/rest/videos/" + video, Rest());
  EXPECT_EQ(status.JsonBody()["status"], "AVAILABLE");
  auto posted = Post("a video", owner, Json{{"media", {{"id", video}}}});
  EXPECT_EQ(posted.status, 201) << posted.body;
  EXPECT_THAT(posted.Header("x-restli-id"), HasSubstr("urn:li:ugcPost:"));
}

TEST_F(LinkedInEmulatorTest, FaultsAnswerLikeLinkedIn) {
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "429"}, {"path", "/rest/posts"}}), IsOk());
  auto r = Post("hello");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("Retry-After"), "");
  EXPECT_THAT(r.body, HasSubstr("throttle"));
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "expired_token"}, {"path", "/rest/posts"}}), IsOk());
  r = Post("hello");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.JsonBody()["serviceErrorCode"], 65602);
}

TEST(LinkedInEmulatorProcessTest, ServesFromHeraldEmulator) {
  auto process = EmulatorProcess::Start(EmulatorProcess::DefaultBinary(), "linkedin");
  ASSERT_THAT(process, IsOk()) << process.error().ToString();
  EmulatorClient client((*process)->base_url());
  auto r = client.Send("GET", "/v2/userinfo",
                       {{"Authorization", std::string("Bearer ") + LinkedInEmulator::kSeedToken}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->JsonBody()["sub"], LinkedInEmulator::kMemberId);
}

}  // namespace
}  // namespace herald::emulators
