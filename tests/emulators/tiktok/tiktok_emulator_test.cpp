// The TikTok emulator's contract over raw HTTP, as any TikTok client sees it: client_key at
// the authorize page and token endpoint, rotating refresh tokens, the {"data","error"}
// envelope, the chunk rules of FILE_UPLOAD, the checks of the uploaded file, publish states,
// photo posts pulled from verified URLs.
#include "tests/emulators/tiktok/tiktok_emulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "platforms/http/form_urlencoded.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_server.h"
#include "tests/emulators/tiktok/fake_mp4.h"
#include "tests/platforms/support/test_http_server.h"
#include "tests/support/result_matchers.h"

namespace herald::emulators {
namespace {

using ::herald::matchers::IsOk;

using ::testing::HasSubstr;
using Headers = std::vector<std::pair<std::string, std::string>>;

class TikTokEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.clock = &clock_;
    server_ = EmulatorServer::Make<TikTokEmulator>(options);
    ASSERT_THAT(server_->Start(), IsOk());
    client_ = std::make_unique<EmulatorClient>(server_->base_url());
    server_->context().MergeConfig(Json{{"min_chunk_bytes", 100}, {"max_chunk_bytes", 1000}});
  }

  RawResponse Send(const std::string& method, const std::string& path, Headers headers = {},
                   std::string body = {}) {
    auto r = client_->Send(method, path, std::move(headers), std::move(body));
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RawResponse{};
  }
  RawResponse Api(const std::string& path, const Json& body,
                  const std::string& token = TikTokEmulator::kSeedToken) {
    return Send("POST", path,
                {{"Authorization", "Bearer " + token},
                 {"Content-Type", "application/json; charset=UTF-8"}},
                base::DumpJson(body));
  }
  RawResponse Init(int64_t size, int64_t chunk, int64_t count,
                   const std::string& privacy = "PUBLIC_TO_EVERYONE") {
    return Api("/v2/post/publish/video/init/",
               Json{{"post_info", {{"title", "hi #tag"}, {"privacy_level", privacy}}},
                    {"source_info",
                     {{"source", "FILE_UPLOAD"},
                      {"video_size", size},
                      {"chunk_size", chunk},
                      {"total_chunk_count", count}}}});
  }
  RawResponse Put(const std::string& upload_url, const std::string& bytes, int64_t first,
                  int64_t total) {
    const std::string path = upload_url.substr(server_->base_url().size());
    return Send("PUT", path,
                {{"Content-Type", "video/mp4"},
                 {"Content-Range", "bytes " + std::to_string(first) + "-" +
                                       std::to_string(first + bytes.size() - 1) + "/" +
                                       std::to_string(total)}},
                bytes);
  }
  Json StatusOf(const std::string& id) {
    return Api("/v2/post/publish/status/fetch/", Json{{"publish_id", id}}).JsonBody()["data"];
  }

  base::FakeClock clock_;
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<EmulatorClient> client_;
};

TEST_F(TikTokEmulatorTest, AuthorizeAndTokensWithClientKeyAndRotatingRefresh) {
  const std::string redirect = "http://127.0.0.1:1/oauth/callback/tiktok";
  RawResponse r = Send("GET", "/v2/auth/authorize/?client_key=" +
                                  std::string(TikTokEmulator::kClientKey) +
                                  "&response_type=code&scope=user.info.basic,video.publish"
                                  "&redirect_uri=" + platforms::http::PercentEncode(redirect) +
                                  "&state=s1");
  ASSERT_EQ(r.status, 302) << r.body;
  auto q = platforms::http::ParseFormUrlEncoded(r.Header("Location").substr(redirect.size() + 1));
  EXPECT_EQ(platforms::http::FormValue(q, "state"), "s1");
  const std::string form = "client_key=" + std::string(TikTokEmulator::kClientKey) +
                           "&client_secret=" + TikTokEmulator::kClientSecret;
  Headers h = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r = Send("POST", "/v2/oauth/token/", h,
           form + "&grant_type=authorization_code&code=" +
               platforms::http::FormValue(q, "code") + "&redirect_uri=" +
               platforms::http::PercentEncode(redirect));
  ASSERT_EQ(r.status, 200) << r.body;
  Json tokens = r.JsonBody();
  EXPECT_EQ(tokens["scope"], "user.info.basic,video.publish");
  EXPECT_EQ(tokens["open_id"], TikTokEmulator::kSeedOpenId);
  EXPECT_EQ(tokens["expires_in"], 86400);
  const std::string rt = tokens["refresh_token"];
  r = Send("POST", "/v2/oauth/token/", h, form + "&grant_type=refresh_token&refresh_token=" + rt);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.JsonBody()["refresh_token"], rt);
  // The used one is refused, TikTok's way.
  r = Send("POST", "/v2/oauth/token/", h, form + "&grant_type=refresh_token&refresh_token=" + rt);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.JsonBody()["error"], "invalid_grant");
  EXPECT_TRUE(r.JsonBody().contains("log_id"));
  // No secret: invalid_client.
  r = Send("POST", "/v2/oauth/token/", h, "client_key=herald-tiktok-key&grant_type=refresh_token");
  EXPECT_EQ(r.JsonBody()["error"], "invalid_client");
}

TEST_F(TikTokEmulatorTest, ApiErrorsUseTheEnvelope) {
  RawResponse r = Api("/v2/post/publish/creator_info/query/", Json::object(), "act.nope");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.JsonBody()["error"]["code"], "access_token_invalid");
  r = Api("/v2/post/publish/creator_info/query/", Json::object());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.JsonBody()["error"]["code"], "ok");
  EXPECT_EQ(r.JsonBody()["data"]["max_video_post_duration_sec"], 600);
  r = Init(500, 500, 1, "FOLLOWER_OF_CREATOR");
  EXPECT_EQ(r.JsonBody()["error"]["code"], "privacy_level_option_mismatch");
}

TEST_F(TikTokEmulatorTest, ChunkRulesAndTheFileIsChecked) {
  // Under the minimum chunk: whole. Over it: chunks within the bounds, count rounded down.
  EXPECT_EQ(Init(50, 25, 2).JsonBody()["error"]["code"], "invalid_params");
  EXPECT_EQ(Init(1000, 50, 20).JsonBody()["error"]["code"], "invalid_params");
  EXPECT_THAT(Init(1050, 300, 4).JsonBody()["error"]["message"].get<std::string>(),
              HasSubstr("rounded down (3)"));
  RawResponse r = Init(1050, 300, 3);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = r.JsonBody()["data"]["publish_id"];
  const std::string url = r.JsonBody()["data"]["upload_url"];
  const std::string file = FakeMp4(1050, 20);
  // Out of order is refused; the last chunk takes the rest (450 bytes).
  EXPECT_EQ(Put(url, file.substr(300, 300), 300, 1050).status, 400);
  EXPECT_EQ(Put(url, file.substr(0, 300), 0, 1050).status, 206);
  EXPECT_EQ(Put(url, file.substr(0, 300), 0, 1050).status, 206);  // again: fine
  EXPECT_EQ(StatusOf(id)["uploaded_bytes"], 300);
  EXPECT_EQ(Put(url, file.substr(300, 300), 300, 1050).status, 206);
  EXPECT_EQ(Put(url, file.substr(600), 600, 1050).status, 201);
  EXPECT_EQ(StatusOf(id)["status"], "PROCESSING_DOWNLOAD");
  Json s = StatusOf(id);
  EXPECT_EQ(s["status"], "PUBLISH_COMPLETE");
  EXPECT_TRUE(s["publicaly_available_post_id"].empty());  // under moderation
  s = StatusOf(id);
  ASSERT_EQ(s["publicaly_available_post_id"].size(), 1u);
  auto posts = server_->context().posts().List();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].id, s["publicaly_available_post_id"][0]);
  EXPECT_EQ(posts[0].media[0].size, 1050);

  // Not a video; and a video over the creator's maximum.
  r = Init(200, 200, 1);
  Put(r.JsonBody()["data"]["upload_url"], std::string(200, 'x'), 0, 200);
  EXPECT_EQ(StatusOf(r.JsonBody()["data"]["publish_id"])["fail_reason"],
            "file_format_check_failed");
  r = Init(200, 200, 1);
  Put(r.JsonBody()["data"]["upload_url"], FakeMp4(200, 601), 0, 200);
  EXPECT_EQ(StatusOf(r.JsonBody()["data"]["publish_id"])["fail_reason"], "duration_check_failed");
  EXPECT_EQ(server_->context().posts().List().size(), 1u);
}

TEST_F(TikTokEmulatorTest, AnExpiredUploadFailsAndTheDailyCapRefuses) {
  server_->context().MergeConfig(Json{{"daily_post_cap", 2}});
  RawResponse r = Init(200, 200, 1);
  const std::string id = r.JsonBody()["data"]["publish_id"];
  clock_.Advance(std::chrono::hours(2));
  EXPECT_EQ(Put(r.JsonBody()["data"]["upload_url"], FakeMp4(200, 5), 0, 200).status, 404);
  Json s = StatusOf(id);
  EXPECT_EQ(s["status"], "FAILED");
  EXPECT_EQ(s["fail_reason"], "file_upload_expired");
  ASSERT_EQ(Init(200, 200, 1).status, 200);
  r = Init(200, 200, 1);
  EXPECT_EQ(r.JsonBody()["error"]["code"], "spam_risk_too_many_posts");
  clock_.Advance(std::chrono::hours(23));
  EXPECT_EQ(Init(200, 200, 1).status, 200);
}

// A photo post: verified prefixes, 1..35 images, the cover index, each image pulled at the
// first status poll and checked to be a JPEG or WebP; then the states of a pulled video.
TEST_F(TikTokEmulatorTest, PhotoPostsPullEveryImageFromVerifiedUrls) {
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(300, 'j');
  const std::string webp = "RIFF" + std::string(4, '\0') + "WEBP" + std::string(200, 'w');
  herald::testing::TestHttpServer media([&](const herald::testing::ServerRequest& req) {
    herald::testing::ServerResponse r;
    if (req.Path() == "/m/a.jpg") {
      r.body = jpeg;
    } else if (req.Path() == "/m/b.webp") {
      r.body = webp;
    } else if (req.Path() == "/m/c.png") {
      r.body = "\x89PNG\r\n\x1a\n....";
    } else {
      return herald::testing::ServerResponse::Text(404, "");
    }
    return r;
  });
  const std::string base = media.BaseUrl() + "/m/";
  auto init = [&](Json images, Json cover = 0, std::string title = "Two photos") {
    return Api(
        "/v2/post/publish/content/init/",
        Json{
            {"post_info",
             {{"title", title},
              {"description", "a carousel #tag"},
              {"privacy_level", "PUBLIC_TO_EVERYONE"},
              {"disable_comment", false},
              {"auto_add_music", true}}},
            {"source_info",
             {{"source", "PULL_FROM_URL"}, {"photo_cover_index", cover}, {"photo_images", images}}},
            {"post_mode", "DIRECT_POST"},
            {"media_type", "PHOTO"}});
  };
  const Json two = Json::array({base + "a.jpg", base + "b.webp"});
  server_->context().MergeConfig(Json{{"init_rate_limit", 100}});
  RawResponse r = init(two);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.JsonBody()["error"]["code"], "url_ownership_unverified");
  server_->context().MergeConfig(Json{{"verified_url_prefixes", Json::array({base})}});
  EXPECT_EQ(init(Json::array()).JsonBody()["error"]["code"], "invalid_params");
  Json many = Json::array();
  for (int i = 0; i < 36; ++i) many.push_back(base + "a.jpg");
  EXPECT_THAT(init(many).JsonBody()["error"]["message"].get<std::string>(), HasSubstr("1 to 35"));
  EXPECT_THAT(init(two, 2).JsonBody()["error"]["message"].get<std::string>(),
              HasSubstr("photo_cover_index"));
  EXPECT_THAT(init(two, 0, std::string(91, 't')).JsonBody()["error"]["message"].get<std::string>(),
              HasSubstr("90"));
  EXPECT_EQ(init(Json::array({"http://elsewhere.example/a.jpg"})).status, 403);
  // FILE_UPLOAD is for videos only.
  EXPECT_EQ(
      Api("/v2/post/publish/content/init/", Json{{"post_info", {{"privacy_level", "SELF_ONLY"}}},
                                                 {"source_info", {{"source", "FILE_UPLOAD"}}},
                                                 {"post_mode", "DIRECT_POST"},
                                                 {"media_type", "PHOTO"}})
          .JsonBody()["error"]["code"],
      "invalid_params");

  r = init(two, 1);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = r.JsonBody()["data"]["publish_id"];
  Json s = StatusOf(id);
  EXPECT_EQ(s["status"], "PROCESSING_DOWNLOAD");
  EXPECT_EQ(s["downloaded_bytes"], jpeg.size() + webp.size());
  EXPECT_EQ(StatusOf(id)["status"], "PUBLISH_COMPLETE");
  s = StatusOf(id);
  ASSERT_EQ(s["publicaly_available_post_id"].size(), 1u);
  auto posts = server_->context().posts().List();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, "a carousel #tag");
  EXPECT_EQ(posts[0].url, "https://www.tiktok.com/@heraldtok/photo/" + posts[0].id);
  ASSERT_EQ(posts[0].media.size(), 2u);
  EXPECT_EQ(posts[0].media[0].mime_type, "image/jpeg");
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(jpeg));
  EXPECT_EQ(posts[0].media[1].mime_type, "image/webp");
  EXPECT_EQ(posts[0].extra["media_type"], "PHOTO");

  // A PNG is refused by TikTok's check; an image that is not there cannot be pulled.
  r = init(Json::array({base + "a.jpg", base + "c.png"}));
  Json failed = StatusOf(r.JsonBody()["data"]["publish_id"]);
  EXPECT_EQ(failed["status"], "FAILED");
  EXPECT_EQ(failed["fail_reason"], "file_format_check_failed");
  r = init(Json::array({base + "gone.jpg"}));
  EXPECT_EQ(StatusOf(r.JsonBody()["data"]["publish_id"])["fail_reason"], "photo_pull_failed");
  EXPECT_EQ(server_->context().posts().List().size(), 1u);
  // The creator's privacy levels hold as for a video.
  ASSERT_TRUE(server_->network()
                  .Control("creator", Json{{"privacy_level_options", Json::array({"SELF_ONLY"})}})
                  .ok());
  EXPECT_EQ(init(two).JsonBody()["error"]["code"], "privacy_level_option_mismatch");
}

}  // namespace
}  // namespace herald::emulators
