// TikTokPlatform against the in-process TikTok emulator over real loopback HTTP (the production
// HttpsClient): connect (client_key, creator info into the settings), a chunked FILE_UPLOAD
// with progress and status polls, resuming after a dropped chunk, after a "crash" (a new
// adapter with the saved remote_state) and after a lost answer (init or last chunk) without a
// second video, FAILED with TikTok's reason, the daily cap as a quota wait, rotating refresh
// tokens, bad input refused before anything is sent, PULL_FROM_URL, photo posts (pulled from
// a loopback file server), metrics.
#include "platforms/tiktok/tiktok_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "base/crypto.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/oauth/pkce.h"
#include "platforms/oauth/token_set.h"
#include "platforms/register_all.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/tiktok/fake_mp4.h"
#include "tests/emulators/tiktok/tiktok_emulator.h"
#include "tests/platforms/support/emulator_fixture.h"
#include "tests/platforms/support/test_http_server.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::tiktok {
namespace {

using base::ErrorCode;
using emulators::FakeMp4;
using emulators::FaultKind;
using emulators::TikTokEmulator;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kChunk = 1000;

class TikTokPlatformTest : public testing::EmulatorFixture<TikTokEmulator> {
 protected:
  void SetUp() override {
    EmulatorFixture::SetUp();
    // Small chunks, so a test file of a few KB is uploaded in several.
    emulator().MergeConfig(Json{{"min_chunk_bytes", kChunk}, {"max_chunk_bytes", 4 * kChunk}});
    platform_ = Make(TikTokOptions{});
  }
  void TearDown() override {
    platform_.reset();
    EmulatorFixture::TearDown();
  }
  ~TikTokPlatformTest() override {
    for (const auto& f : files_) std::remove(f.c_str());
  }

  std::unique_ptr<TikTokPlatform> Make(TikTokOptions options) {
    options.api_url = server_->base_url();
    options.request_timeout = std::chrono::seconds(5);
    options.chunk_bytes = kChunk;
    options.min_chunk_bytes = kChunk;
    options.max_chunk_bytes = 4 * kChunk;
    // Waiting for TikTok is moving the shared clock, never sleeping.
    options.pause = [this](std::chrono::milliseconds d) -> Task<void> {
      clock_.Advance(d);
      pauses_.push_back(d);
      co_return;
    };
    oauth::OAuthProvider provider = TikTokProvider(server_->base_url(), server_->base_url());
    provider.client_id = TikTokEmulator::kClientKey;
    provider.client_secret = TikTokEmulator::kClientSecret;
    return std::make_unique<TikTokPlatform>(std::move(provider), *http_, clock_,
                                            std::move(options));
  }

  AccountContext Account(std::string access = TikTokEmulator::kSeedToken,
                         std::string refresh = TikTokEmulator::kSeedRefreshToken) {
    oauth::TokenSet tokens;
    tokens.access_token = std::move(access);
    tokens.refresh_token = std::move(refresh);
    tokens.scope = TikTokEmulator::kAllScopes;
    tokens.expires_at = clock_.Now() + std::chrono::hours(24);
    AccountContext a;
    a.account_id = "acc_tiktok";
    a.external_id = TikTokEmulator::kSeedOpenId;
    a.handle = std::string("@") + TikTokEmulator::kSeedUsername;
    a.settings = Json{{"username", TikTokEmulator::kSeedUsername}};
    a.credentials = oauth::TokenSetToCredentials(tokens);
    a.save_credentials = [this](const Json& c, std::optional<base::Time>) -> Result<void> {
      saved_credentials_.push_back(c);
      return base::Ok();
    };
    return a;
  }

  // A video file on disk, read in chunks by the adapter.
  MediaItem Video(const std::string& bytes, int64_t duration_ms = 20'000) {
    const std::string path = ::testing::TempDir() + "tiktok_" + base::RandomToken() + ".mp4";
    std::ofstream(path, std::ios::binary) << bytes;
    files_.push_back(path);
    MediaItem m;
    m.id = "med_video";
    m.mime_type = "video/mp4";
    m.file_name = "clip.mp4";
    m.path = path;
    m.size = static_cast<int64_t>(bytes.size());
    m.probe.kind = "video";
    m.probe.format = "mp4";
    m.probe.width = 1080;
    m.probe.height = 1920;
    m.probe.duration_ms = duration_ms;
    m.probe.frame_rate = 30;
    m.probe.video_codec = "h264";
    m.probe.audio_codec = "aac";
    return m;
  }

  PublishRequest Request(MediaItem video, Json options = Json{{"privacy_level",
                                                               "PUBLIC_TO_EVERYONE"}}) {
    PublishRequest r;
    r.account = Account();
    r.content.parts = {{"Hello #herald @friend", {std::move(video)}}};
    r.content.options = std::move(options);
    r.idempotency_key = "tgt_tiktok";
    r.save_remote_state = [this](const Json& state) -> Result<void> {
      saved_.push_back(state);
      if (on_save_) return on_save_(state);
      return base::Ok();
    };
    r.report_progress = [this](int64_t done, int64_t total) {
      progress_.emplace_back(done, total);
    };
    return r;
  }

  size_t Requests(const std::string& method, const std::string& path_prefix) {
    size_t n = 0;
    for (const auto& r : emulator().requests().List()) {
      n += r.method == method && r.path.rfind(path_prefix, 0) == 0;
    }
    return n;
  }
  size_t Inits() { return Requests("POST", "/v2/post/publish/video/init/"); }
  size_t PhotoInits() { return Requests("POST", "/v2/post/publish/content/init/"); }

  // An image as the media pipeline hands it to a fetch_by_url network: probed, with its URL.
  static MediaItem Image(const std::string& name, const std::string& url,
                         const std::string& mime = "image/jpeg", int64_t size = 300) {
    MediaItem m;
    m.id = "med_" + name;
    m.mime_type = mime;
    m.file_name = name;
    m.url = url;
    m.size = size;
    m.probe.kind = "image";
    m.probe.format = mime.substr(6);
    m.probe.width = 1080;
    m.probe.height = 1350;
    return m;
  }
  PublishRequest PhotoRequest(std::vector<MediaItem> images,
                              Json options = Json{{"privacy_level", "PUBLIC_TO_EVERYONE"}}) {
    PublishRequest r = Request(MediaItem{}, std::move(options));
    r.content.parts = {{"Two views #herald", std::move(images)}};
    return r;
  }

  std::unique_ptr<TikTokPlatform> platform_;
  std::vector<Json> saved_;
  std::vector<Json> saved_credentials_;
  std::function<Result<void>(const Json&)> on_save_;
  std::vector<std::pair<int64_t, int64_t>> progress_;
  std::vector<std::chrono::milliseconds> pauses_;
  std::vector<std::string> files_;
};

// ---- description and configuration ----

TEST_F(TikTokPlatformTest, DescribesItself) {
  const PlatformInfo& info = platform_->Info();
  EXPECT_EQ(info.id, "tiktok");
  EXPECT_EQ(info.auth_kind, AuthKind::kOAuth2);
  EXPECT_EQ(info.text.max_length, 2200);
  EXPECT_EQ(info.media.max_items, 1);
  EXPECT_FALSE(info.features.delete_posts);
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kReconcile);
  EXPECT_EQ(info.options_schema["required"], Json::array({"privacy_level"}));
  EXPECT_EQ(platform_->Provider().authorize_url, server_->base_url() + "/v2/auth/authorize/");
  EXPECT_EQ(platform_->Provider().token_url, server_->base_url() + "/v2/oauth/token/");
  EXPECT_THAT(Run(platform_->Delete(Account(), PublishReceipt{})),
              StatusIs(ErrorCode::kUnimplemented));
}

TEST_F(TikTokPlatformTest, MissingClientKeyNamesTheVariableAndTheRedirectUri) {
  PlatformEnv env;
  env.http = http_.get();
  env.clock = &clock_;
  auto p = MakeTikTokPlatform(env);
  ASSERT_NE(p, nullptr);
  auto* network = oauth::AsOAuthNetwork(p.get());
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->Provider().authorize_url, "https://www.tiktok.com/v2/auth/authorize/");
  EXPECT_EQ(network->Provider().token_url, "https://open.tiktokapis.com/v2/oauth/token/");
  auto configured = network->Provider().CheckConfigured();
  ASSERT_THAT(configured, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(configured.error().message(), HasSubstr("HERALD_TIKTOK_CLIENT_KEY"));
  EXPECT_THAT(configured.error().message(), HasSubstr("/oauth/callback/tiktok"));
  env.base_urls["tiktok"] = "http://127.0.0.1:1";
  env.auth_urls["tiktok"] = "http://127.0.0.1:2/";
  p = MakeTikTokPlatform(env);
  network = oauth::AsOAuthNetwork(p.get());
  EXPECT_EQ(network->Provider().authorize_url, "http://127.0.0.1:2/v2/auth/authorize/");
  EXPECT_EQ(network->Provider().token_url, "http://127.0.0.1:1/v2/oauth/token/");
}

// ---- connect ----

TEST_F(TikTokPlatformTest, ConnectsWithClientKeyAndStoresTheCreatorInfo) {
  ASSERT_THAT(server_->network().Control(
                  "creator", Json{{"duet_disabled", true}, {"max_video_post_duration_sec", 180}}),
              IsOk());
  const std::string verifier = oauth::NewCodeVerifier();
  const std::string redirect = "http://127.0.0.1:9/oauth/callback/tiktok";
  const std::string url =
      platform_->AuthorizeUrl(redirect, "st4te", oauth::CodeChallengeS256(verifier));
  EXPECT_THAT(url, HasSubstr("client_key=herald-tiktok-key"));
  EXPECT_THAT(url, HasSubstr("scope=user.info.basic%2Cuser.info.profile"));
  auto answer = emulators::EmulatorClient(server_->base_url())
                    .Send("GET", url.substr(server_->base_url().size()));
  ASSERT_THAT(answer, IsOk());
  ASSERT_EQ(answer->status, 302) << answer->body;
  auto query =
      http::ParseFormUrlEncoded(answer->Header("Location").substr(redirect.size() + 1));
  EXPECT_EQ(http::FormValue(query, "state"), "st4te");
  auto tokens = Run(platform_->ExchangeCode(http::FormValue(query, "code"), redirect, verifier));
  ASSERT_THAT(tokens, IsOk());
  EXPECT_FALSE(tokens->refresh_token.empty());
  EXPECT_EQ(*tokens->expires_at, clock_.Now() + std::chrono::hours(24));
  auto account = Run(platform_->Identify(*tokens));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->external_id, TikTokEmulator::kSeedOpenId);
  EXPECT_EQ(account->handle, "@heraldtok");
  EXPECT_EQ(account->settings["creator"]["duet_disabled"], true);
  EXPECT_EQ(account->settings["creator"]["max_video_post_duration_sec"], 180);
  EXPECT_EQ(account->settings["creator"]["privacy_level_options"].size(), 3u);
}

TEST_F(TikTokPlatformTest, RefusesAGrantWithoutEveryScope) {
  auto made = server_->network().CreateToken(
      Json{{"scope", "user.info.basic,user.info.profile,video.publish"}});
  ASSERT_THAT(made, IsOk());
  oauth::TokenSet tokens;
  tokens.access_token = (*made)["access_token"];
  tokens.scope = (*made)["scope"];
  auto account = Run(platform_->Identify(tokens));
  ASSERT_THAT(account, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(account.error().message(), HasSubstr("user.info.stats, video.list"));
}

// ---- bad input ----

TEST_F(TikTokPlatformTest, ValidatesAgainstTheCreatorInfoOfTheAccount) {
  const Json settings{
      {"username", "heraldtok"},
      {"creator",
       {{"privacy_level_options", Json::array({"FOLLOWER_OF_CREATOR", "SELF_ONLY"})},
        {"comment_disabled", true},
        {"duet_disabled", false},
        {"stitch_disabled", false},
        {"max_video_post_duration_sec", 60}}}};
  Content c;
  c.parts = {{"caption", {Video("v", 61'000)}}};
  c.options = Json{{"privacy_level", "PUBLIC_TO_EVERYONE"}, {"disable_comment", false}};
  c.account_settings = settings;
  ValidationReport r = platform_->Validate(c);
  ASSERT_EQ(r.violations.size(), 3u);
  EXPECT_EQ(r.violations[0].field, "platform_options.tiktok.privacy_level");
  EXPECT_THAT(r.violations[0].message, HasSubstr("(it offers FOLLOWER_OF_CREATOR, SELF_ONLY)"));
  EXPECT_EQ(r.violations[1].field, "platform_options.tiktok.disable_comment");
  EXPECT_EQ(r.violations[2].field, "media");
  EXPECT_THAT(r.violations[2].message, HasSubstr("1:01 long, over the 1:00"));
  // Without an account (validate_post without one) only the network's own rules apply.
  c.account_settings = Json::object();
  EXPECT_TRUE(platform_->Validate(c).ok());
  // No platform_options.tiktok at all: the privacy level is still required.
  c.options = Json::object();
  c.account_settings = settings;
  r = platform_->Validate(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.violations[0].field, "platform_options.tiktok.privacy_level");
  EXPECT_THAT(r.violations[0].message, HasSubstr("(FOLLOWER_OF_CREATOR, SELF_ONLY)"));
  c.options = Json{{"privacy_level", "SELF_ONLY"}};
  c.account_settings = Json::object();

  // Not a video; text alone; a thread; an over-long caption.
  MediaItem image;
  image.mime_type = "image/png";
  image.file_name = "cat.png";
  image.size = 100;
  image.probe.kind = "image";
  image.probe.format = "png";
  image.probe.width = image.probe.height = 800;
  c.parts = {{"caption", {image}}};
  r = platform_->Validate(c);
  ASSERT_EQ(r.violations.size(), 1u);  // photos need TikTok to pull them: one reason
  EXPECT_EQ(r.violations[0].field, "media");
  EXPECT_THAT(r.violations[0].message, HasSubstr("HERALD_TIKTOK_PULL_FROM_URL"));
  MediaItem audio = image;
  audio.mime_type = "audio/mpeg";
  audio.file_name = "song.mp3";
  audio.probe.kind = "audio";
  c.parts = {{"caption", {audio}}};
  EXPECT_THAT(platform_->Validate(c).violations.back().message,
              HasSubstr("song.mp3 is not a video"));
  c.parts = {{"just words", {}}};
  EXPECT_THAT(platform_->Validate(c).violations.back().message, HasSubstr("attach one video"));
  c.parts = {{"one", {Video("v")}}, {"two", {}}};
  EXPECT_FALSE(platform_->Validate(c).ok());
  c.parts = {{std::string(2201, 'a'), {Video("v")}}};
  EXPECT_THAT(platform_->Validate(c).violations.front().message, HasSubstr("2201"));
  EXPECT_EQ(emulator().requests().List().size(), 0u);
}

TEST_F(TikTokPlatformTest, PublishChecksTheCreatorInfoBeforeSendingAnything) {
  auto r = Run(platform_->Publish(Request(Video(FakeMp4(2500, 10)), Json::object())));
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("privacy_level is required"));
  // The creator changed since connecting: the query before the post says so.
  ASSERT_THAT(server_->network().Control(
                  "creator", Json{{"privacy_level_options", Json::array({"SELF_ONLY"})},
                                  {"max_video_post_duration_sec", 15}}),
              IsOk());
  r = Run(platform_->Publish(Request(Video(FakeMp4(2500, 10), 20'000))));
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("PUBLIC_TO_EVERYONE is not offered"));
  EXPECT_THAT(r.error().message(), HasSubstr("0:20 long, over the 0:15"));
  EXPECT_EQ(Requests("POST", "/v2/post/publish/creator_info/query/"), 1u);
  EXPECT_EQ(Inits(), 0u);
  EXPECT_TRUE(saved_.empty());
}

// ---- publish ----

TEST_F(TikTokPlatformTest, UploadsInChunksReportsProgressAndPollsUntilPublic) {
  const std::string bytes = FakeMp4(3500, 20);
  auto receipt = Run(platform_->Publish(Request(Video(bytes))));
  ASSERT_THAT(receipt, IsOk());
  // 3 chunks: 1000, 1000 and the last taking the rest (1500).
  EXPECT_EQ(Requests("PUT", "/video/"), 3u);
  EXPECT_EQ(progress_, (std::vector<std::pair<int64_t, int64_t>>{
                           {1000, 3500}, {2000, 3500}, {3500, 3500}}));
  // PROCESSING_DOWNLOAD, PUBLISH_COMPLETE under moderation, then the public id.
  EXPECT_EQ(Requests("POST", "/v2/post/publish/status/fetch/"), 3u);
  EXPECT_EQ(pauses_.size(), 2u);
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, "Hello #herald @friend");
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(bytes));
  EXPECT_EQ(posts[0].extra["post_info"]["privacy_level"], "PUBLIC_TO_EVERYONE");
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, "https://www.tiktok.com/@heraldtok/video/" + posts[0].id);
  EXPECT_EQ(receipt->remote_state["post_id"], posts[0].id);
  // The publish id and upload URL were saved before the first byte.
  ASSERT_FALSE(saved_.empty());
  EXPECT_EQ(saved_.front()["chunks_done"], 0);
  EXPECT_FALSE(saved_.front()["upload_url"].get<std::string>().empty());
}

TEST_F(TikTokPlatformTest, APrivatePostIsDoneWithoutAPublicId) {
  auto receipt = Run(platform_->Publish(Request(
      Video(FakeMp4(1500, 5)), Json{{"privacy_level", "SELF_ONLY"}, {"disable_duet", true}})));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(receipt->url, "https://www.tiktok.com/@heraldtok");
  EXPECT_EQ(receipt->external_id.rfind("v_pub_file~", 0), 0u);
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(LivePosts()[0].extra["post_info"]["disable_duet"], true);
}

TEST_F(TikTokPlatformTest, ResumesAfterADroppedChunk) {
  on_save_ = [this](const Json& s) -> Result<void> {
    if (s.value("chunks_done", 0) == 2) Arm(FaultKind::kDropBefore, "PUT", "/video/", 1);
    return base::Ok();
  };
  const std::string bytes = FakeMp4(4200, 20);
  auto first = Run(platform_->Publish(Request(Video(bytes))));
  ASSERT_THAT(first, StatusIs(ErrorCode::kUnavailable));
  on_save_ = nullptr;
  PublishRequest again = Request(Video(bytes));
  again.remote_state = saved_.back();
  auto second = Run(platform_->Publish(std::move(again)));
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(Inits(), 1u);
  EXPECT_EQ(Requests("PUT", "/video/"), 2u + 1u + 2u);  // 2 fine, 1 dropped, then the last 2
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(LivePosts()[0].media[0].sha256, base::Sha256Hex(bytes));
}

TEST_F(TikTokPlatformTest, ANewWorkerResumesWhereTikTokSaysItStopped) {
  // The worker dies after TikTok took chunk 2 but before herald recorded it.
  on_save_ = [](const Json& s) -> Result<void> {
    if (s.value("chunks_done", 0) == 2) return base::Unavailable("the worker was killed");
    return base::Ok();
  };
  const std::string bytes = FakeMp4(4200, 20);
  ASSERT_THAT(Run(platform_->Publish(Request(Video(bytes)))), Not(IsOk()));
  Json durable = saved_[saved_.size() - 2];  // the last save that held
  EXPECT_EQ(durable["chunks_done"], 1);
  on_save_ = nullptr;
  auto fresh = Make(TikTokOptions{});
  PublishRequest again = Request(Video(bytes));
  again.remote_state = durable;
  auto r = Run(fresh->Publish(std::move(again)));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Inits(), 1u);
  EXPECT_EQ(Requests("PUT", "/video/"), 4u);  // 2, then the remaining 2 (from TikTok's count)
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(LivePosts()[0].media[0].sha256, base::Sha256Hex(bytes));
}

TEST_F(TikTokPlatformTest, ALostInitAnswerNeverMakesASecondVideo) {
  Arm(FaultKind::kDropAfterAccept, "POST", "/v2/post/publish/video/init/", 1);
  const std::string bytes = FakeMp4(2500, 10);
  auto first = Run(platform_->Publish(Request(Video(bytes))));
  ASSERT_THAT(first, StatusIs(ErrorCode::kUnavailable));
  EXPECT_TRUE(saved_.empty());
  // Nothing recorded: certainly no video (it needs its bytes, which only herald has).
  auto found = Run(platform_->Find(Request(Video(bytes))));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());
  ASSERT_THAT(Run(platform_->Publish(Request(Video(bytes)))), IsOk());
  EXPECT_EQ(Inits(), 2u);
  EXPECT_EQ(server_->network().Info()["publishes"].size(), 2u);  // the orphan stays empty
  EXPECT_EQ(LivePosts().size(), 1u);
}

TEST_F(TikTokPlatformTest, ALostLastChunkAnswerIsFoundByItsPublishId) {
  on_save_ = [this](const Json& s) -> Result<void> {
    if (s.value("chunks_done", 0) == 1) Arm(FaultKind::kDropAfterAccept, "PUT", "/video/", 1);
    return base::Ok();
  };
  const std::string bytes = FakeMp4(2500, 10);
  ASSERT_THAT(Run(platform_->Publish(Request(Video(bytes)))), StatusIs(ErrorCode::kUnavailable));
  on_save_ = nullptr;
  PublishRequest find = Request(Video(bytes));
  find.remote_state = saved_.back();
  auto found = Run(platform_->Find(std::move(find)));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());  // still processing: Publish follows it
  PublishRequest again = Request(Video(bytes));
  again.remote_state = saved_.back();
  auto r = Run(platform_->Publish(std::move(again)));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Inits(), 1u);
  EXPECT_EQ(Requests("PUT", "/video/"), 2u);  // nothing sent again: TikTok had it all
  ASSERT_EQ(LivePosts().size(), 1u);
  // Find now sees the video.
  PublishRequest later = Request(Video(bytes));
  later.remote_state = saved_.back();
  found = Run(platform_->Find(std::move(later)));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, LivePosts()[0].id);
}

TEST_F(TikTokPlatformTest, AnExpiredUploadStartsOverOnlyBecauseNothingWasPublished) {
  on_save_ = [this](const Json& s) -> Result<void> {
    if (s.value("chunks_done", 0) == 1) Arm(FaultKind::kServerError, "PUT", "/video/", 1, 503);
    return base::Ok();
  };
  const std::string bytes = FakeMp4(2500, 10);
  ASSERT_THAT(Run(platform_->Publish(Request(Video(bytes)))), StatusIs(ErrorCode::kUnavailable));
  on_save_ = nullptr;
  clock_.Advance(std::chrono::hours(2));  // the upload URL is gone
  PublishRequest again = Request(Video(bytes));
  again.remote_state = saved_.back();
  ASSERT_THAT(Run(platform_->Publish(std::move(again))), IsOk());
  EXPECT_EQ(Inits(), 2u);
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(LivePosts()[0].media[0].sha256, base::Sha256Hex(bytes));
}

TEST_F(TikTokPlatformTest, FailedWithTikToksReason) {
  auto r = Run(platform_->Publish(Request(Video(std::string(1500, 'x')))));
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(),
              HasSubstr("not a video TikTok accepts (file_format_check_failed)"));
  emulator().MergeConfig(Json{{"fail_reason", "spam_risk_text"}});
  r = Run(platform_->Publish(Request(Video(FakeMp4(1500, 5)))));
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("flagged the caption as spam"));
  // A failed publish is not tried again by a later attempt.
  PublishRequest again = Request(Video(FakeMp4(1500, 5)));
  again.remote_state = saved_.back();
  EXPECT_THAT(Run(platform_->Publish(std::move(again))), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_EQ(Inits(), 2u);
  EXPECT_TRUE(LivePosts().empty());
}

TEST_F(TikTokPlatformTest, StillProcessingIsLookedAtAgainLater) {
  emulator().MergeConfig(Json{{"processing_polls", 10}});
  auto impatient = [&] {
    TikTokOptions o;
    o.max_status_checks = 3;
    return Make(o);
  }();
  auto r = Run(impatient->Publish(Request(Video(FakeMp4(1500, 5)))));
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnavailable));
  EXPECT_THAT(r.error().message(), HasSubstr("still processing"));
  PublishRequest again = Request(Video(FakeMp4(1500, 5)));
  again.remote_state = saved_.back();
  ASSERT_THAT(Run(platform_->Publish(std::move(again))), IsOk());
  EXPECT_EQ(Inits(), 1u);
  EXPECT_EQ(LivePosts().size(), 1u);
}

TEST_F(TikTokPlatformTest, ADailyCapIsAQuotaWaitNotAFailure) {
  emulator().MergeConfig(Json{{"daily_post_cap", 1}});
  ASSERT_THAT(Run(platform_->Publish(Request(Video(FakeMp4(1500, 5))))), IsOk());
  auto r = Run(platform_->Publish(Request(Video(FakeMp4(1500, 5)))));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  EXPECT_TRUE(r.error().quota_wait());
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_EQ(*r.error().retry_after(), std::chrono::hours(1));
  EXPECT_THAT(r.error().message(), HasSubstr("posting cap"));
  // The per-minute rate limit is an ordinary wait.
  Arm(FaultKind::kRateLimit, "POST", "/v2/post/publish/video/init/", 1, 429);
  clock_.Advance(std::chrono::hours(25));
  r = Run(platform_->Publish(Request(Video(FakeMp4(1500, 5)))));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  EXPECT_FALSE(r.error().quota_wait());
  EXPECT_EQ(LivePosts().size(), 1u);
}

// ---- tokens ----

TEST_F(TikTokPlatformTest, RefreshesAnExpiredTokenAndStoresTheRotatedPair) {
  ASSERT_THAT(server_->network().ExpireTokens(TikTokEmulator::kSeedToken), IsOk());
  ASSERT_THAT(Run(platform_->FetchAccountMetrics(Account())), IsOk());
  ASSERT_EQ(saved_credentials_.size(), 1u);
  EXPECT_NE(saved_credentials_[0]["refresh_token"], TikTokEmulator::kSeedRefreshToken);
  EXPECT_EQ(server_->network().Info()["refreshes"], 1);
  // The used refresh token is refused: the account must be reconnected.
  ASSERT_THAT(server_->network().ExpireTokens(""), IsOk());
  auto r = Run(platform_->FetchAccountMetrics(Account()));
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(r.error().message(), HasSubstr("reconnected"));
  EXPECT_EQ(server_->network().Info()["refresh_token_reuses"], 1);
}

TEST_F(TikTokPlatformTest, A401MidUploadGoesThroughTheCoresRefresh) {
  int core_refreshes = 0;
  PublishRequest r = Request(Video(FakeMp4(2500, 10)));
  r.account.refresh_credentials = [&]() -> Task<Result<Json>> {
    ++core_refreshes;
    auto made = server_->network().CreateToken(Json::object());
    if (!made.ok()) co_return made.error();
    oauth::TokenSet t;
    t.access_token = (*made)["access_token"];
    t.refresh_token = (*made)["refresh_token"];
    t.expires_at = clock_.Now() + std::chrono::hours(24);
    co_return oauth::TokenSetToCredentials(t);
  };
  Arm(FaultKind::kExpiredToken, "POST", "/v2/post/publish/status/fetch/", 1);
  ASSERT_THAT(Run(platform_->Publish(std::move(r))), IsOk());
  EXPECT_EQ(core_refreshes, 1);
  EXPECT_TRUE(saved_credentials_.empty());
  EXPECT_EQ(server_->network().Info()["refreshes"], 0);
  EXPECT_EQ(LivePosts().size(), 1u);
}

// ---- pull from URL, metrics ----

TEST_F(TikTokPlatformTest, PullFromUrlLetsTikTokDownloadTheVideo) {
  const std::string bytes = FakeMp4(1800, 8);
  herald::testing::TestHttpServer media([&](const herald::testing::ServerRequest& req) {
    if (req.Path() != "/media/clip.mp4") return herald::testing::ServerResponse::Text(404, "");
    herald::testing::ServerResponse r;
    r.headers = {{"Content-Type", "video/mp4"}};
    r.body = bytes;
    return r;
  });
  const std::string url = media.BaseUrl() + "/media/clip.mp4";
  TikTokOptions o;
  o.pull_from_url = true;
  platform_ = Make(o);
  EXPECT_TRUE(platform_->Info().media.fetch_by_url);
  MediaItem video = Video(bytes);
  video.url = url;
  // Not verified at TikTok: refused with TikTok's words.
  auto r = Run(platform_->Publish(Request(video)));
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(r.error().message(), HasSubstr("url_ownership_unverified"));
  emulator().MergeConfig(Json{{"verified_url_prefixes", Json::array({media.BaseUrl() + "/"})}});
  auto receipt = Run(platform_->Publish(Request(video)));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(Requests("PUT", "/video/"), 0u);
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(LivePosts()[0].media[0].sha256, base::Sha256Hex(bytes));
  EXPECT_EQ(LivePosts()[0].extra["source"], "PULL_FROM_URL");
}

TEST_F(TikTokPlatformTest, ReadsVideoAndAccountNumbers) {
  auto receipt = Run(platform_->Publish(Request(Video(FakeMp4(1500, 5)))));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_THAT(emulator().posts().Update(receipt->external_id,
                                        [](emulators::CreatedPost& p) {
                                          p.metrics = Json{{"views", 900}, {"likes", 40},
                                                           {"comments", 3}, {"shares", 2}};
                                        }),
              IsOk());
  auto metrics = Run(platform_->FetchPostMetrics(Account(), *receipt));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ(*metrics, (Json{{"views", 900}, {"likes", 40}, {"replies", 3}, {"reposts", 2}}));
  auto account = Run(platform_->FetchAccountMetrics(Account()));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ((*account)["followers"], 2500);
  EXPECT_EQ((*account)["posts"], 1);
}

// ---- photo posts ----

// Serves a JPEG, a WebP and a PNG disguised as a JPEG on loopback, as herald's public media
// URLs would (their prefix verified at TikTok).
class TikTokPhotoTest : public TikTokPlatformTest {
 protected:
  void SetUp() override {
    TikTokPlatformTest::SetUp();
    media_ = std::make_unique<herald::testing::TestHttpServer>(
        [this](const herald::testing::ServerRequest& req) {
          herald::testing::ServerResponse r;
          if (req.Path() == "/media/a.jpg") {
            r.body = jpeg_;
          } else if (req.Path() == "/media/b.webp") {
            r.body = webp_;
          } else if (req.Path() == "/media/fake.jpg") {
            r.body = "\x89PNG\r\n\x1a\n not a jpeg";
          } else {
            return herald::testing::ServerResponse::Text(404, "");
          }
          return r;
        });
    base_ = media_->BaseUrl() + "/media/";
    emulator().MergeConfig(Json{{"verified_url_prefixes", Json::array({base_})}});
    TikTokOptions o;
    o.pull_from_url = true;
    platform_ = Make(o);
  }
  void TearDown() override {
    TikTokPlatformTest::TearDown();
    media_.reset();
  }
  std::vector<MediaItem> Two() {
    return {Image("a.jpg", base_ + "a.jpg"), Image("b.webp", base_ + "b.webp", "image/webp")};
  }

  const std::string jpeg_ = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(400, 'j');
  const std::string webp_ = "RIFF" + std::string(4, '\0') + "WEBP" + std::string(250, 'w');
  std::unique_ptr<herald::testing::TestHttpServer> media_;
  std::string base_;
};

TEST_F(TikTokPlatformTest, PhotosNeedTikTokToPullThem) {
  auto r = Run(platform_->Publish(PhotoRequest({Image("a.jpg", "https://h.example/a.jpg")})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(r.error().message(), HasSubstr("HERALD_TIKTOK_PULL_FROM_URL"));
  EXPECT_EQ(platform_->Info().media.max_items, 1);
  EXPECT_EQ(emulator().requests().List().size(), 0u);
  EXPECT_TRUE(saved_.empty());
}

TEST_F(TikTokPhotoTest, ValidatesPhotoPosts) {
  const MediaRules& rules = platform_->Info().media;
  EXPECT_EQ(rules.max_items, 35);
  EXPECT_TRUE(rules.video_alone);
  Content c;
  c.options = Json{{"privacy_level", "PUBLIC_TO_EVERYONE"}, {"title", "A title"}};
  // A PNG is converted to JPEG by the pipeline (TikTok takes JPEG and WebP only).
  c.parts = {{"a description", {Image("a.jpg", ""), Image("c.png", "", "image/png")}}};
  ValidationReport r = platform_->Validate(c);
  EXPECT_TRUE(r.ok()) << r.violations[0].message;
  ASSERT_EQ(r.conversions.size(), 1u);
  EXPECT_EQ(r.conversions[0].field, "media[1]");
  EXPECT_THAT(r.conversions[0].message, HasSubstr("to JPEG"));
  // The description may be longer than a video's caption (4,000 against 2,200).
  c.parts = {{std::string(3000, 'd'), {Image("a.jpg", "")}}};
  EXPECT_TRUE(platform_->Validate(c).ok());
  c.parts = {{std::string(4001, 'd'), {Image("a.jpg", "")}}};
  EXPECT_THAT(platform_->Validate(c).violations.front().message, HasSubstr("4001"));
  // 36 photos; photos and a video together; an over-long title.
  c.parts = {{"many", std::vector<MediaItem>(36, Image("a.jpg", ""))}};
  EXPECT_THAT(platform_->Validate(c).violations.front().message, HasSubstr("35 per post"));
  c.parts = {{"mixed", {Image("a.jpg", ""), Video("v")}}};
  r = platform_->Validate(c);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.violations.front().message, HasSubstr("mixes a video"));
  c.parts = {{"titled", {Image("a.jpg", "")}}};
  c.options["title"] = std::string(91, 't');
  r = platform_->Validate(c);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].field, "platform_options.tiktok.title");
  // A title is for photos: a video's caption is its text.
  c.options["title"] = "short";
  c.parts = {{"a video", {Video("v")}}};
  r = platform_->Validate(c);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].field, "platform_options.tiktok.title");
  // The creator info: privacy and comments are checked, duets (no such thing for photos) not.
  c.parts = {{"photos", {Image("a.jpg", "")}}};
  c.options = Json{
      {"privacy_level", "PUBLIC_TO_EVERYONE"}, {"disable_comment", false}, {"disable_duet", false}};
  c.account_settings = Json{{"username", "heraldtok"},
                            {"creator",
                             {{"privacy_level_options", Json::array({"SELF_ONLY"})},
                              {"comment_disabled", true},
                              {"duet_disabled", true},
                              {"max_video_post_duration_sec", 60}}}};
  r = platform_->Validate(c);
  ASSERT_EQ(r.violations.size(), 2u);
  EXPECT_EQ(r.violations[0].field, "platform_options.tiktok.privacy_level");
  EXPECT_EQ(r.violations[1].field, "platform_options.tiktok.disable_comment");
  c.options = Json::object();
  r = platform_->Validate(c);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.violations[0].message, HasSubstr("who can see each photo post"));
  EXPECT_EQ(emulator().requests().List().size(), 0u);
}

TEST_F(TikTokPhotoTest, PublishesACarouselTikTokPullsFromHerald) {
  auto receipt =
      Run(platform_->Publish(PhotoRequest(Two(), Json{{"privacy_level", "PUBLIC_TO_EVERYONE"},
                                                      {"title", "Two views"},
                                                      {"auto_add_music", true}})));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(PhotoInits(), 1u);
  EXPECT_EQ(Inits(), 0u);
  EXPECT_EQ(Requests("POST", "/v2/post/publish/creator_info/query/"), 1u);
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, "Two views #herald");
  ASSERT_EQ(posts[0].media.size(), 2u);
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(jpeg_));
  EXPECT_EQ(posts[0].media[1].sha256, base::Sha256Hex(webp_));
  EXPECT_EQ(posts[0].media[1].mime_type, "image/webp");
  const Json& info = posts[0].extra["post_info"];
  EXPECT_EQ(info["title"], "Two views");
  EXPECT_EQ(info["description"], "Two views #herald");
  EXPECT_EQ(info["auto_add_music"], true);
  EXPECT_EQ(info["disable_comment"], false);
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, "https://www.tiktok.com/@heraldtok/photo/" + posts[0].id);
  EXPECT_EQ(receipt->remote_state["media_type"], "PHOTO");
  // Saved before the init (it may create the post), then its publish id before any poll.
  ASSERT_GE(saved_.size(), 2u);
  EXPECT_EQ(saved_[0],
            (Json{{"source", "PULL_FROM_URL"}, {"media_type", "PHOTO"}, {"init_sent", true}}));
  EXPECT_FALSE(saved_[1]["publish_id"].get<std::string>().empty());
  EXPECT_EQ(Requests("PUT", "/video/"), 0u);
}

TEST_F(TikTokPhotoTest, ALostInitAnswerCannotBeLookedUp) {
  Arm(FaultKind::kDropAfterAccept, "POST", "/v2/post/publish/content/init/", 1);
  ASSERT_THAT(Run(platform_->Publish(PhotoRequest(Two()))), Not(IsOk()));
  ASSERT_FALSE(saved_.empty());
  PublishRequest find = PhotoRequest(Two());
  find.remote_state = saved_.back();
  auto found = Run(platform_->Find(std::move(find)));
  ASSERT_THAT(found, StatusIs(ErrorCode::kUnimplemented));
  EXPECT_THAT(found.error().message(), HasSubstr("downloading these photos"));
  EXPECT_EQ(PhotoInits(), 1u);
}

TEST_F(TikTokPhotoTest, ANewWorkerFollowsTheSavedPublishId) {
  // The worker dies once the publish id is saved, before polling.
  on_save_ = [](const Json& s) -> Result<void> {
    if (s.contains("publish_id")) return base::Unavailable("the worker was killed");
    return base::Ok();
  };
  ASSERT_THAT(Run(platform_->Publish(PhotoRequest(Two()))), Not(IsOk()));
  on_save_ = nullptr;
  EXPECT_EQ(Requests("POST", "/v2/post/publish/status/fetch/"), 0u);
  auto fresh = Make([] {
    TikTokOptions o;
    o.pull_from_url = true;
    return o;
  }());
  PublishRequest find = PhotoRequest(Two());
  find.remote_state = saved_.back();
  auto found = Run(fresh->Find(std::move(find)));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());  // still downloading
  PublishRequest again = PhotoRequest(Two());
  again.remote_state = saved_.back();
  auto r = Run(fresh->Publish(std::move(again)));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(PhotoInits(), 1u);
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(r->url, "https://www.tiktok.com/@heraldtok/photo/" + LivePosts()[0].id);
}

TEST_F(TikTokPhotoTest, FailedWithTikToksReason) {
  auto r = Run(platform_->Publish(
      PhotoRequest({Image("a.jpg", base_ + "a.jpg"), Image("fake.jpg", base_ + "fake.jpg")})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("could not publish the photos"));
  EXPECT_THAT(r.error().message(), HasSubstr("file_format_check_failed"));
  r = Run(platform_->Publish(PhotoRequest({Image("gone.jpg", base_ + "gone.jpg")})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("photo_pull_failed"));
  // Not verified at TikTok: refused with TikTok's words, before anything is created.
  r = Run(platform_->Publish(PhotoRequest({Image("x.jpg", "http://127.0.0.1:1/x.jpg")})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(r.error().message(), HasSubstr("url_ownership_unverified"));
  EXPECT_TRUE(LivePosts().empty());
}

}  // namespace
}  // namespace herald::platforms::tiktok
