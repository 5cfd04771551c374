// The Meta emulator's contract over raw HTTP: the login dialog and the long-lived exchange,
// Pages with their tokens, a Page post and its (#506) duplicate, Instagram containers polled
// to FINISHED with media downloaded from a URL (a PNG refused with Meta's reason), a container
// published once, the publishing limit, and the Graph error object.
#include "tests/emulators/meta/meta_emulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_server.h"
#include "tests/support/result_matchers.h"

namespace herald::emulators {
namespace {

using ::herald::matchers::IsOk;

using ::testing::HasSubstr;

constexpr const char* kJpeg = "\xFF\xD8\xFF\xE0 fake jpeg";
const std::string kPng = "\x89PNG\r\n\x1a\n fake";

class MetaEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.clock = &clock_;
    server_ = EmulatorServer::Make<MetaEmulator>(options);
    ASSERT_THAT(server_->Start(), IsOk());
    client_ = std::make_unique<EmulatorClient>(server_->base_url());
  }
  void TearDown() override { server_->Stop(); }

  RawResponse Send(const std::string& method, const std::string& path,
                   const std::string& body = "",
                   const std::string& type = "application/x-www-form-urlencoded") {
    auto r = client_->Send(method, path, {{"Content-Type", type}}, body);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RawResponse{};
  }
  Json Body(const RawResponse& r) {
    auto j = base::ParseJson(r.body);
    return j.ok() ? *j : Json();
  }
  std::string Host(const std::string& name, const std::string& bytes) {
    EXPECT_EQ(Send("PUT", "/media-host/" + name, bytes, "application/octet-stream").status, 201);
    return server_->base_url() + "/media-host/" + name;
  }

  base::FakeClock clock_;
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<EmulatorClient> client_;
};

TEST_F(MetaEmulatorTest, LoginExchangesForALongLivedTokenAndListsPages) {
  RawResponse dialog = Send("GET", "/v24.0/dialog/oauth?client_id=meta-client&redirect_uri="
                                   "http%3A%2F%2F127.0.0.1%3A1%2Fcb&state=s1&scope="
                                   "pages_show_list,pages_manage_posts");
  ASSERT_EQ(dialog.status, 302);
  const std::string location = dialog.Header("Location");
  const size_t at = location.find("code=");
  ASSERT_NE(at, std::string::npos);
  const std::string code = location.substr(at + 5, location.find('&', at) - at - 5);
  RawResponse shorter = Send("POST", "/v24.0/oauth/access_token",
                             "client_id=meta-client&client_secret=meta-secret&redirect_uri="
                             "http%3A%2F%2F127.0.0.1%3A1%2Fcb&code=" + code);
  ASSERT_EQ(shorter.status, 200) << shorter.body;
  EXPECT_EQ(Body(shorter)["expires_in"], 5400);
  RawResponse longer =
      Send("GET", "/v24.0/oauth/access_token?grant_type=fb_exchange_token&client_id=meta-client"
                  "&client_secret=meta-secret&fb_exchange_token=" +
                      Body(shorter)["access_token"].get<std::string>());
  ASSERT_EQ(longer.status, 200);
  EXPECT_EQ(Body(longer)["expires_in"], 5183944);
  RawResponse pages = Send("GET", "/v24.0/me/accounts?access_token=" +
                                      Body(longer)["access_token"].get<std::string>());
  ASSERT_EQ(pages.status, 200) << pages.body;
  Json data = Body(pages)["data"];
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0]["instagram_business_account"]["id"], MetaEmulator::kIgUser);
  EXPECT_FALSE(data[1].contains("instagram_business_account"));
  EXPECT_FALSE(pages.Header("X-App-Usage").empty());
}

TEST_F(MetaEmulatorTest, PagePostAndDuplicate) {
  const std::string path = std::string("/v24.0/") + MetaEmulator::kPageA + "/feed";
  const std::string form = std::string("message=hello&access_token=") + MetaEmulator::kPageAToken;
  RawResponse first = Send("POST", path, form);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_THAT(Body(first)["id"].get<std::string>(), HasSubstr(MetaEmulator::kPageA));
  EXPECT_FALSE(first.Header("X-Business-Use-Case-Usage").empty());
  RawResponse again = Send("POST", path, form);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(Body(again)["error"]["code"], 506);
  EXPECT_TRUE(Body(again)["error"].contains("fbtrace_id"));
  RawResponse user = Send("POST", path, std::string("message=x&access_token=") +
                                            MetaEmulator::kUserToken);
  EXPECT_EQ(Body(user)["error"]["code"], 200);
}

TEST_F(MetaEmulatorTest, ContainerPolledThenPublishedOnce) {
  const std::string ig = std::string("/v24.0/") + MetaEmulator::kIgUser;
  const std::string token = std::string("access_token=") + MetaEmulator::kPageAToken;
  RawResponse made = Send("POST", ig + "/media", token + "&caption=hi&image_url=" +
                                                     Host("a.jpg", kJpeg));
  ASSERT_EQ(made.status, 200) << made.body;
  const std::string id = Body(made)["id"];
  EXPECT_EQ(Body(Send("GET", "/v24.0/" + id + "?fields=status_code&" + token))["status_code"],
            "IN_PROGRESS");
  RawResponse early = Send("POST", ig + "/media_publish", token + "&creation_id=" + id);
  EXPECT_EQ(Body(early)["error"]["error_subcode"], 2207027);
  Send("GET", "/v24.0/" + id + "?fields=status_code&" + token);
  EXPECT_EQ(Body(Send("GET", "/v24.0/" + id + "?fields=status_code&" + token))["status_code"],
            "FINISHED");
  RawResponse published = Send("POST", ig + "/media_publish", token + "&creation_id=" + id);
  ASSERT_EQ(published.status, 200) << published.body;
  RawResponse twice = Send("POST", ig + "/media_publish", token + "&creation_id=" + id);
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(server_->context().posts().LiveCount(), 1u);
  Json limit = Body(Send("GET", ig + "/content_publishing_limit?" + token));
  EXPECT_EQ(limit["data"][0]["quota_usage"], 1);
  EXPECT_EQ(limit["data"][0]["config"]["quota_total"], 100);
}

TEST_F(MetaEmulatorTest, PngContainerFailsWithMetasReason) {
  const std::string token = std::string("access_token=") + MetaEmulator::kPageAToken;
  server_->context().MergeConfig(Json{{"container_polls", 0}});
  RawResponse made = Send("POST", std::string("/v24.0/") + MetaEmulator::kIgUser + "/media",
                          token + "&image_url=" + Host("a.png", kPng));
  ASSERT_EQ(made.status, 200);
  Json status = Body(Send("GET", "/v24.0/" + Body(made)["id"].get<std::string>() +
                                     "?fields=status_code,status&" + token));
  EXPECT_EQ(status["status_code"], "ERROR");
  EXPECT_THAT(status["status"].get<std::string>(), HasSubstr("JPEG"));
}

}  // namespace
}  // namespace herald::emulators
