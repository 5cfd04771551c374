// FacebookNetwork against the in-process Meta emulator over real loopback HTTP: Facebook Login
// (two Pages, one with Instagram, long-lived token), text and link posts, one and several
// photos and a video fetched from a URL, a reel, (#506) found, a publish answer lost, missing
// permissions named, bad input, delete and metrics.
#include "platforms/facebook/facebook_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "platforms/facebook/facebook_wire.h"
#include "tests/platforms/facebook/meta_test_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::facebook {
namespace {

using base::ErrorCode;
using emulators::FaultKind;
using emulators::MetaEmulator;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class FacebookPlatformTest : public testing::MetaFixture {
 protected:
  void SetUp() override {
    MetaFixture::SetUp();
    options_.login = Login();
    options_.pause = RecordingPause();
    network_ = std::make_unique<FacebookNetwork>(options_, *http_, clock_);
  }
  void TearDown() override {
    network_.reset();
    MetaFixture::TearDown();
  }

  PublishRequest PageRequest(std::string text, std::vector<MediaItem> media = {},
                             Json options = Json::object()) {
    return Request(Account(MetaEmulator::kPageA, MetaEmulator::kPageAToken), std::move(text),
                   std::move(media), std::move(options));
  }

  FacebookOptions options_;
  std::unique_ptr<FacebookNetwork> network_;
};

TEST_F(FacebookPlatformTest, DescribesTheNetwork) {
  const PlatformInfo& info = network_->Info();
  EXPECT_EQ(info.id, "facebook");
  EXPECT_EQ(info.auth_kind, AuthKind::kOAuth2);
  EXPECT_EQ(info.text.max_length, 63206);
  EXPECT_TRUE(info.media.fetch_by_url);
  EXPECT_TRUE(info.features.delete_posts);
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kReconcile);
  EXPECT_EQ(info.options_schema["properties"]["type"]["enum"], Json::array({"feed", "reel"}));
  EXPECT_EQ(network_->Provider().scope_separator, ",");
  EXPECT_FALSE(network_->Provider().pkce);
  EXPECT_THAT(network_->Provider().authorize_url, HasSubstr("/v24.0/dialog/oauth"));
}

TEST_F(FacebookPlatformTest, MissingClientIdNamesTheVariableAndTheRedirectUri) {
  FacebookOptions bare = options_;
  bare.login.client = {};
  FacebookNetwork network(bare, *http_, clock_);
  auto configured = network.Provider().CheckConfigured();
  ASSERT_THAT(configured, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(configured.error().message(), HasSubstr("HERALD_FACEBOOK_CLIENT_ID"));
  EXPECT_THAT(configured.error().message(), HasSubstr("/oauth/callback/facebook"));
}

TEST_F(FacebookPlatformTest, OneSignInDiscoversTwoPagesAndTheLinkedInstagramAccount) {
  auto tokens = SignIn(*network_, "facebook");
  ASSERT_THAT(tokens, IsOk());
  auto accounts = Run(network_->DiscoverAccounts(*tokens));
  ASSERT_THAT(accounts, IsOk());
  ASSERT_THAT(*accounts, SizeIs(3));
  const ConnectedAccount& a = (*accounts)[0];
  EXPECT_EQ(a.external_id, MetaEmulator::kPageA);
  EXPECT_EQ(a.handle, "Herald Labs");
  EXPECT_EQ(a.platform, "");
  EXPECT_EQ((*accounts)[1].external_id, MetaEmulator::kPageB);
  const ConnectedAccount& ig = (*accounts)[2];
  EXPECT_EQ(ig.platform, "instagram");
  EXPECT_EQ(ig.external_id, MetaEmulator::kIgUser);
  EXPECT_EQ(ig.handle, "heraldlabs");
  // The Page's own token, without expiry; the accounts expire with the 60-day user token.
  EXPECT_NE(base::GetString(a.credentials, "access_token"), tokens->access_token);
  EXPECT_EQ(base::GetString(a.credentials, "expires_at"), "");
  EXPECT_EQ(base::GetString(ig.credentials, "access_token"),
            base::GetString(a.credentials, "access_token"));
  ASSERT_TRUE(a.token_expires_at.has_value());
  EXPECT_GT(*a.token_expires_at, clock_.Now() + std::chrono::hours(24 * 59));
  EXPECT_THAT(a.settings["permissions"].dump(), HasSubstr("pages_manage_posts"));
  EXPECT_THAT(a.settings["tasks"].dump(), HasSubstr("CREATE_CONTENT"));
  // The discovered Page token publishes.
  auto published = Run(network_->Publish(
      Request(Account(a.external_id, base::GetString(a.credentials, "access_token")), "hi")));
  ASSERT_THAT(published, IsOk());
  auto identified = Run(network_->Identify(*tokens));
  ASSERT_THAT(identified, IsOk());
  EXPECT_EQ(identified->external_id, MetaEmulator::kPageA);
}

TEST_F(FacebookPlatformTest, SignInWithoutPageListPermissionIsRefusedNamingIt) {
  emulators::EmulatorClient client(server_->base_url());
  ASSERT_TRUE(client.Send("POST", "/__emulator/meta/permissions",
                          {{"Content-Type", "application/json"}},
                          R"({"decline":["pages_show_list"]})").ok());
  auto tokens = SignIn(*network_, "facebook");
  ASSERT_THAT(tokens, IsOk());
  EXPECT_THAT(Run(network_->DiscoverAccounts(*tokens)),
              StatusIs(ErrorCode::kPermissionDenied, HasSubstr("pages_show_list")));
}

TEST_F(FacebookPlatformTest, AGrantThatLostAPageOrAPermissionAffectsOnlyThoseAccounts) {
  emulators::EmulatorClient client(server_->base_url());
  ASSERT_TRUE(client.Send("POST", "/__emulator/meta/permissions",
                          {{"Content-Type", "application/json"}},
                          R"({"decline":["pages_manage_posts"]})").ok());
  ASSERT_TRUE(client.Send("POST", "/__emulator/meta/page", {{"Content-Type", "application/json"}},
                          R"({"page":")" + std::string(MetaEmulator::kPageB) +
                              R"(","granted":false})").ok());
  auto tokens = SignIn(*network_, "facebook");
  ASSERT_THAT(tokens, IsOk());
  auto accounts = Run(network_->DiscoverAccounts(*tokens));
  ASSERT_THAT(accounts, IsOk());
  ASSERT_THAT(*accounts, SizeIs(2));  // Page A and its Instagram account; Page B is gone
  // The Page may no longer publish (named); its Instagram account still may.
  Content post;
  post.parts = {PostPart{"hi", {}}};
  post.account_settings = (*accounts)[0].settings;
  ValidationReport report = network_->Validate(post);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.violations[0].message, HasSubstr("pages_manage_posts"));
  EXPECT_THAT((*accounts)[1].settings["permissions"].dump(),
              HasSubstr("instagram_content_publish"));
  // Page B's old token is dead: Facebook says the session was invalidated.
  auto old = Run(network_->Publish(
      Request(Account(MetaEmulator::kPageB, MetaEmulator::kPageBToken), "hello")));
  EXPECT_THAT(old, StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(FacebookPlatformTest, TextAndLinkPosts) {
  auto text = Run(network_->Publish(PageRequest("Hello from herald")));
  ASSERT_THAT(text, IsOk());
  EXPECT_THAT(text->external_id, HasSubstr(std::string(MetaEmulator::kPageA) + "_"));
  EXPECT_THAT(text->url, HasSubstr("https://www.facebook.com/"));
  auto link = Run(network_->Publish(PageRequest("Read https://example.com/a, now.")));
  ASSERT_THAT(link, IsOk());
  auto posts = PostsOf(MetaEmulator::kPageA);
  ASSERT_THAT(posts, SizeIs(2));
  EXPECT_EQ(posts[0].text, "Hello from herald");
  EXPECT_EQ(posts[1].extra["link"], "https://example.com/a");
  // The attempt's time was saved before sending.
  ASSERT_FALSE(saved_.empty());
  EXPECT_TRUE(saved_[0].contains("attempt_at"));
}

TEST_F(FacebookPlatformTest, OnePhotoFetchedFromItsUrl) {
  MediaItem photo = Image("a.png", PngBytes("a"));
  auto r = Run(network_->Publish(PageRequest("A photo", {photo})));
  ASSERT_THAT(r, IsOk());
  auto posts = PostsOf(MetaEmulator::kPageA);
  ASSERT_THAT(posts, SizeIs(1));
  EXPECT_EQ(posts[0].text, "A photo");
  ASSERT_THAT(posts[0].media, SizeIs(1));
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(PngBytes("a")));
}

TEST_F(FacebookPlatformTest, SeveralPhotosAreOnePostAndReusedOnRetry) {
  std::vector<MediaItem> photos = {Image("1.jpg", JpegBytes("1")), Image("2.jpg", JpegBytes("2")),
                                   Image("3.jpg", JpegBytes("3"))};
  Arm(FaultKind::kServerError, "POST", "*/feed", 1, 503);
  PublishRequest first = PageRequest("Three photos", photos);
  auto failed = Run(network_->Publish(first));
  ASSERT_THAT(failed, StatusIs(ErrorCode::kUnavailable));
  ASSERT_FALSE(saved_.empty());
  PublishRequest again = PageRequest("Three photos", photos);
  again.remote_state = saved_.back();
  auto r = Run(network_->Publish(again));
  ASSERT_THAT(r, IsOk());
  auto posts = PostsOf(MetaEmulator::kPageA);
  ASSERT_THAT(posts, SizeIs(1));
  EXPECT_THAT(posts[0].media, SizeIs(3));
  int photo_uploads = 0;
  for (const auto& req : emulator().requests().List()) {
    if (req.method == "POST" && req.path.find("/photos") != std::string::npos) ++photo_uploads;
  }
  EXPECT_EQ(photo_uploads, 3);  // none uploaded twice
}

TEST_F(FacebookPlatformTest, PageVideo) {
  auto r = Run(network_->Publish(PageRequest("A video", {Video("v.mp4")})));
  ASSERT_THAT(r, IsOk());
  auto posts = PostsOf(MetaEmulator::kPageA);
  ASSERT_THAT(posts, SizeIs(1));
  EXPECT_EQ(posts[0].extra["kind"], "video");
  EXPECT_EQ(posts[0].text, "A video");
  EXPECT_THAT(r->url, HasSubstr("/videos/"));
}

TEST_F(FacebookPlatformTest, ReelUploadedByUrlAndPolledUntilReady) {
  emulator().MergeConfig(Json{{"video_processing_polls", 2}});
  auto r = Run(network_->Publish(
      PageRequest("A reel", {Video("r.mp4", 15'000)}, Json{{"type", "reel"}})));
  ASSERT_THAT(r, IsOk());
  auto posts = PostsOf(MetaEmulator::kPageA);
  ASSERT_THAT(posts, SizeIs(1));
  EXPECT_EQ(posts[0].extra["kind"], "reel");
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(Mp4Bytes("r.mp4")));
  EXPECT_THAT(r->url, HasSubstr("facebook.com/reel/"));
  EXPECT_EQ(pauses_.size(), 2u);
}

TEST_F(FacebookPlatformTest, DuplicateAnswerMeansTheLostPostIsFound) {
  // The answer to the first send is lost after Facebook made the post.
  Arm(FaultKind::kDropAfterAccept, "POST", "*/feed");
  PublishRequest first = PageRequest("Exactly once");
  auto lost = Run(network_->Publish(first));
  ASSERT_THAT(lost, StatusIs(ErrorCode::kUnknown));
  // Reconciliation finds it...
  PublishRequest find = PageRequest("Exactly once");
  find.remote_state = saved_.back();
  auto found = Run(network_->Find(find));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  // ...and a resend is answered (#506), which Publish also resolves to the same post.
  auto again = Run(network_->Publish(find));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->external_id, (*found)->external_id);
  EXPECT_THAT(PostsOf(MetaEmulator::kPageA), SizeIs(1));
}

TEST_F(FacebookPlatformTest, FindWithoutAnAttemptIsNothing) {
  auto found = Run(network_->Find(PageRequest("never sent")));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());
}

TEST_F(FacebookPlatformTest, PageTokenWithoutPublishPermissionIsRefusedNamingIt) {
  // Known from the account's settings: refused before anything is sent.
  PublishRequest r = PageRequest("hello");
  r.content.account_settings =
      Json{{"page_name", "Herald Labs"},
           {"permissions", Json::array({"pages_show_list", "pages_read_engagement"})},
           {"tasks", Json::array({"CREATE_CONTENT"})}};
  auto refused = Run(network_->Publish(r));
  ASSERT_THAT(refused, StatusIs(ErrorCode::kPermissionDenied, HasSubstr("pages_manage_posts")));
  ValidationReport report = network_->Validate(r.content);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.violations[0].field, "account");
  // Learnt from Facebook: (#200) names it too.
  emulators::EmulatorClient client(server_->base_url());
  auto made = client.Send("POST", "/__emulator/tokens", {{"Content-Type", "application/json"}},
                          R"({"page":")" + std::string(MetaEmulator::kPageA) +
                              R"(","scopes":["pages_show_list","pages_read_engagement"]})");
  ASSERT_THAT(made, IsOk());
  const std::string weak = made->JsonBody()["token"];
  auto denied = Run(network_->Publish(Request(Account(MetaEmulator::kPageA, weak), "hello")));
  ASSERT_THAT(denied, StatusIs(ErrorCode::kPermissionDenied, HasSubstr("pages_manage_posts")));
  EXPECT_THAT(PostsOf(MetaEmulator::kPageA), SizeIs(0));
}

TEST_F(FacebookPlatformTest, BadInputNamesTheRule) {
  Content reel_text;
  reel_text.parts = {PostPart{"only text", {}}};
  reel_text.options = Json{{"type", "reel"}};
  ValidationReport a = network_->Validate(reel_text);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.violations[0].field, "platform_options.facebook.type");
  Content long_reel;
  long_reel.parts = {PostPart{"", {Video("long.mp4", 120'000)}}};
  long_reel.options = Json{{"type", "reel"}};
  ValidationReport b = network_->Validate(long_reel);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.violations[0].message, HasSubstr("3 to 90 seconds"));
  Content thread;
  thread.parts = {PostPart{"one", {}}, PostPart{"two", {}}};
  EXPECT_FALSE(network_->Validate(thread).ok());
  auto refused = Run(network_->Publish(
      PageRequest("x", {}, Json{{"type", "reel"}})));
  EXPECT_THAT(refused, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(PostsOf(MetaEmulator::kPageA), SizeIs(0));
}

TEST_F(FacebookPlatformTest, MediaWithoutPublicUrlNamesTheVariable) {
  MediaItem photo = Image("a.jpg", JpegBytes("a"));
  photo.url.clear();
  auto r = Run(network_->Publish(PageRequest("x", {photo})));
  EXPECT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("HERALD_PUBLIC_URL")));
}

TEST_F(FacebookPlatformTest, RateLimitAndServerErrorsMapToWaits) {
  Arm(FaultKind::kRateLimit, "POST", "*/feed", 1, 429, 120);
  auto limited = Run(network_->Publish(PageRequest("limited")));
  ASSERT_THAT(limited, StatusIs(ErrorCode::kResourceExhausted));
  EXPECT_TRUE(limited.error().retry_after().has_value());
  Arm(FaultKind::kServerError, "POST", "*/feed", 1, 500);
  EXPECT_THAT(Run(network_->Publish(PageRequest("flaky"))), StatusIs(ErrorCode::kUnavailable));
  EXPECT_THAT(PostsOf(MetaEmulator::kPageA), SizeIs(0));
}

TEST_F(FacebookPlatformTest, DeleteAndMetrics) {
  auto r = Run(network_->Publish(PageRequest("measured")));
  ASSERT_THAT(r, IsOk());
  ASSERT_THAT(emulator().posts().Update(r->external_id,
                                        [](emulators::CreatedPost& p) {
                                          p.metrics = Json{{"views", 40}, {"reach", 30},
                                                           {"likes", 5}, {"comments", 2},
                                                           {"shares", 1}, {"clicks", 7}};
                                        }),
              IsOk());
  AccountContext account = Account(MetaEmulator::kPageA, MetaEmulator::kPageAToken);
  auto metrics = Run(network_->FetchPostMetrics(account, *r));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ((*metrics)["views"], 40);
  EXPECT_EQ((*metrics)["likes"], 5);
  EXPECT_EQ((*metrics)["replies"], 2);
  EXPECT_EQ((*metrics)["reposts"], 1);
  auto followers = Run(network_->FetchAccountMetrics(account));
  ASSERT_THAT(followers, IsOk());
  EXPECT_EQ((*followers)["followers"], 1200);
  ASSERT_THAT(Run(network_->Delete(account, *r)), IsOk());
  EXPECT_THAT(PostsOf(MetaEmulator::kPageA), SizeIs(0));
  EXPECT_THAT(Run(network_->Delete(account, *r)), IsOk());  // already gone
}

}  // namespace
}  // namespace herald::platforms::facebook
