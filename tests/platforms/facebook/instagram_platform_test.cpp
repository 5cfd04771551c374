// InstagramNetwork against the in-process Meta emulator: discovery from the Instagram side,
// an image, a carousel, a reel and a story made as containers Instagram downloads from a URL
// and polled several times, a container ERROR with Instagram's reason, a publish answer lost
// (exactly one post), a resumed attempt reusing its container, the daily publishing limit as
// a quota wait, bad input naming the rule, no delete, and metrics.
#include "platforms/instagram/instagram_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "platforms/instagram/instagram_wire.h"
#include "tests/platforms/facebook/meta_test_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::instagram {
namespace {

using base::ErrorCode;
using emulators::FaultKind;
using emulators::MetaEmulator;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class InstagramPlatformTest : public testing::MetaFixture {
 protected:
  void SetUp() override {
    MetaFixture::SetUp();
    options_.login = Login();
    options_.pause = RecordingPause();
    network_ = std::make_unique<InstagramNetwork>(options_, *http_, clock_);
  }
  void TearDown() override {
    network_.reset();
    MetaFixture::TearDown();
  }

  PublishRequest IgRequest(std::string text, std::vector<MediaItem> media = {},
                           Json options = Json::object()) {
    return Request(Account(MetaEmulator::kIgUser, MetaEmulator::kPageAToken, "heraldlabs"),
                   std::move(text), std::move(media), std::move(options));
  }
  std::vector<emulators::CreatedPost> IgPosts() { return PostsOf(MetaEmulator::kIgUser); }
  int Count(const std::string& method, const std::string& suffix) {
    int n = 0;
    for (const auto& r : emulator().requests().List()) {
      if (r.method == method && r.path.size() >= suffix.size() &&
          r.path.compare(r.path.size() - suffix.size(), suffix.size(), suffix) == 0) {
        ++n;
      }
    }
    return n;
  }

  InstagramOptions options_;
  std::unique_ptr<InstagramNetwork> network_;
};

TEST_F(InstagramPlatformTest, DescribesTheNetwork) {
  const PlatformInfo& info = network_->Info();
  EXPECT_EQ(info.id, "instagram");
  EXPECT_EQ(info.text.max_length, 2200);
  EXPECT_EQ(info.media.mime_types[0], "image/jpeg");
  EXPECT_TRUE(info.media.fetch_by_url);
  EXPECT_FALSE(info.features.delete_posts);
  EXPECT_EQ(info.media.max_items, 10);
  EXPECT_EQ(info.options_schema["properties"]["type"]["enum"].size(), 4u);
  EXPECT_THAT(network_->Provider().authorize_url, HasSubstr("/v24.0/dialog/oauth"));
}

TEST_F(InstagramPlatformTest, UsesTheFacebookAppAndDiscoversFromTheInstagramSide) {
  auto tokens = SignIn(*network_, "instagram");
  ASSERT_THAT(tokens, IsOk());
  auto accounts = Run(network_->DiscoverAccounts(*tokens));
  ASSERT_THAT(accounts, IsOk());
  ASSERT_THAT(*accounts, SizeIs(3));
  EXPECT_EQ((*accounts)[0].platform, "facebook");
  EXPECT_EQ((*accounts)[2].platform, "");
  EXPECT_EQ((*accounts)[2].external_id, MetaEmulator::kIgUser);
  auto identified = Run(network_->Identify(*tokens));
  ASSERT_THAT(identified, IsOk());
  EXPECT_EQ(identified->handle, "heraldlabs");
}

TEST_F(InstagramPlatformTest, ImageContainerPolledSeveralTimesThenPublished) {
  emulator().MergeConfig(Json{{"container_polls", 3}});
  auto r = Run(network_->Publish(IgRequest("A photo #herald", {Image("a.jpg", JpegBytes("a"))})));
  ASSERT_THAT(r, IsOk());
  auto posts = IgPosts();
  ASSERT_THAT(posts, SizeIs(1));
  EXPECT_EQ(posts[0].text, "A photo #herald");
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(JpegBytes("a")));
  EXPECT_THAT(r->url, HasSubstr("https://www.instagram.com/p/"));
  EXPECT_EQ(pauses_.size(), 3u);
  // The limit was read first; the container was saved before media_publish.
  EXPECT_EQ(Count("GET", "/content_publishing_limit"), 1);
  ASSERT_FALSE(saved_.empty());
  EXPECT_FALSE(base::GetString(saved_.back()["slot"], "container").empty());
}

TEST_F(InstagramPlatformTest, CarouselOfImagesAndAVideo) {
  auto r = Run(network_->Publish(IgRequest(
      "Three", {Image("1.jpg", JpegBytes("1")), Video("2.mp4", 10'000),
                Image("3.jpg", JpegBytes("3"))})));
  ASSERT_THAT(r, IsOk());
  auto posts = IgPosts();
  ASSERT_THAT(posts, SizeIs(1));
  EXPECT_THAT(posts[0].media, SizeIs(3));
  EXPECT_EQ(posts[0].extra["media_type"], "CAROUSEL_ALBUM");
}

TEST_F(InstagramPlatformTest, ReelAndStory) {
  auto reel = Run(network_->Publish(
      IgRequest("A reel", {Video("r.mp4", 30'000)}, Json{{"type", "reel"}})));
  ASSERT_THAT(reel, IsOk());
  EXPECT_THAT(reel->url, HasSubstr("/reel/"));
  auto story =
      Run(network_->Publish(IgRequest("", {Image("s.jpg", JpegBytes("s"))}, Json{{"type", "story"}})));
  ASSERT_THAT(story, IsOk());
  auto posts = IgPosts();
  ASSERT_THAT(posts, SizeIs(2));
  EXPECT_EQ(posts[0].extra["media_product_type"], "REELS");
  EXPECT_EQ(posts[1].extra["media_product_type"], "STORY");
}

TEST_F(InstagramPlatformTest, ContainerErrorFailsWithInstagramsReason) {
  // A PNG Instagram cannot take (the pipeline converts it before publishing in production).
  auto png = Run(network_->Publish(IgRequest("png", {Image("p.png", PngBytes("p"))})));
  // The validator lets it through (the pipeline converts PNG): Instagram refuses it.
  ASSERT_THAT(png, StatusIs(ErrorCode::kInvalidArgument, HasSubstr("JPEG")));
  emulators::EmulatorClient client(server_->base_url());
  ASSERT_TRUE(client.Send("POST", "/__emulator/meta/fail_next_container",
                          {{"Content-Type", "application/json"}},
                          R"j({"reason":"The video codec is not supported (2207026)"})j").ok());
  auto failed = Run(network_->Publish(IgRequest("r", {Video("r.mp4")}, Json{{"type", "reel"}})));
  ASSERT_THAT(failed, StatusIs(ErrorCode::kInvalidArgument, HasSubstr("2207026")));
  EXPECT_THAT(IgPosts(), SizeIs(0));
}

TEST_F(InstagramPlatformTest, PublishAnswerLostLeavesOnePost) {
  Arm(FaultKind::kDropAfterAccept, "POST", "*/media_publish");
  PublishRequest first = IgRequest("Once", {Image("a.jpg", JpegBytes("a"))});
  auto r = Run(network_->Publish(first));
  // The lost answer is resolved at once: the container says PUBLISHED, the media is found.
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(IgPosts(), SizeIs(1));
  EXPECT_EQ(r->external_id, IgPosts()[0].id);
}

TEST_F(InstagramPlatformTest, ResumedAttemptReusesItsContainerAndFindSeesThePost) {
  // The first attempt dies after saving the container (publish refused transiently).
  Arm(FaultKind::kServerError, "POST", "*/media_publish", 1, 503);
  PublishRequest first = IgRequest("Resumed", {Image("a.jpg", JpegBytes("a"))});
  ASSERT_THAT(Run(network_->Publish(first)), StatusIs(ErrorCode::kUnavailable));
  ASSERT_FALSE(saved_.empty());
  const Json state = saved_.back();
  PublishRequest find = IgRequest("Resumed", {Image("a.jpg", JpegBytes("a"))});
  find.remote_state = state;
  auto nothing = Run(network_->Find(find));
  ASSERT_THAT(nothing, IsOk());
  EXPECT_FALSE(nothing->has_value());
  auto again = Run(network_->Publish(find));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(Count("POST", "/media"), 1);  // one container for both attempts
  find.remote_state = again->remote_state;
  find.remote_state.erase("media_id");
  auto found = Run(network_->Find(find));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, again->external_id);
  EXPECT_THAT(IgPosts(), SizeIs(1));
}

TEST_F(InstagramPlatformTest, SpentDailyLimitIsAQuotaWaitAndNothingIsSent) {
  emulator().MergeConfig(Json{{"ig_quota_total", 3}});
  emulators::EmulatorClient client(server_->base_url());
  ASSERT_TRUE(client.Send("POST", "/__emulator/meta/ig_usage",
                          {{"Content-Type", "application/json"}}, R"({"count":3})").ok());
  auto r = Run(network_->Publish(IgRequest("later", {Image("a.jpg", JpegBytes("a"))})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted, HasSubstr("limit of 3")));
  EXPECT_TRUE(r.error().quota_wait());
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_EQ(Count("POST", "/media"), 0);
  // The window frees: the same post goes through.
  clock_.Advance(std::chrono::hours(25));
  EXPECT_THAT(Run(network_->Publish(IgRequest("later", {Image("a.jpg", JpegBytes("a"))}))),
              IsOk());
}

TEST_F(InstagramPlatformTest, BadInputNamesTheRule) {
  auto check = [&](Content c, const std::string& needle) {
    ValidationReport report = network_->Validate(c);
    ASSERT_FALSE(report.ok()) << needle;
    std::string all;
    for (const auto& v : report.violations) all += v.field + ": " + v.message + "\n";
    EXPECT_THAT(all, HasSubstr(needle));
  };
  Content one;
  one.parts = {PostPart{"c", {Image("1.jpg", JpegBytes("1"))}}};
  one.options = Json{{"type", "carousel"}};
  check(one, "2 to 10 images or videos; this post has 1 item");
  Content eleven;
  std::vector<MediaItem> items;
  for (int i = 0; i < 11; ++i) items.push_back(Image(std::to_string(i) + ".jpg", JpegBytes("x")));
  eleven.parts = {PostPart{"c", items}};
  check(eleven, "this post has 11 items");
  Content tags;
  std::string caption;
  for (int i = 0; i < 31; ++i) caption += "#t" + std::to_string(i) + " ";
  tags.parts = {PostPart{caption, {Image("1.jpg", JpegBytes("1"))}}};
  check(tags, "31 hashtags, 1 over Instagram's limit of 30");
  Content story;
  story.parts = {PostPart{"just words", {}}};
  story.options = Json{{"type", "story"}};
  check(story, "a story is one image or video");
  Content reel;
  reel.parts = {PostPart{"long", {Video("long.mp4", 16LL * 60 * 1000)}}};
  reel.options = Json{{"type", "reel"}};
  check(reel, "15:00");
  Content tall;
  tall.parts = {PostPart{"tall", {Image("t.jpg", JpegBytes("t"), 1080, 1920)}}};
  check(tall, "4:5 to 1.91:1");
  tall.options = Json{{"type", "story"}};
  tall.parts[0].text.clear();
  EXPECT_TRUE(network_->Validate(tall).ok());
  Content denied;
  denied.parts = {PostPart{"x", {Image("1.jpg", JpegBytes("1"))}}};
  denied.account_settings = Json{{"permissions", Json::array({"instagram_basic"})}};
  check(denied, "instagram_content_publish");
  PublishRequest r = IgRequest("x", {Image("1.jpg", JpegBytes("1"))});
  r.content.account_settings = denied.account_settings;
  EXPECT_THAT(Run(network_->Publish(r)),
              StatusIs(ErrorCode::kPermissionDenied, HasSubstr("instagram_content_publish")));
  EXPECT_EQ(Count("POST", "/media"), 0);
}

TEST_F(InstagramPlatformTest, NoDeleteButMetrics) {
  auto r = Run(network_->Publish(IgRequest("m", {Image("a.jpg", JpegBytes("a"))})));
  ASSERT_THAT(r, IsOk());
  AccountContext account = Account(MetaEmulator::kIgUser, MetaEmulator::kPageAToken);
  EXPECT_THAT(Run(network_->Delete(account, *r)), StatusIs(ErrorCode::kUnimplemented));
  ASSERT_THAT(emulator().posts().Update(r->external_id,
                                        [](emulators::CreatedPost& p) {
                                          p.metrics = Json{{"views", 9}, {"likes", 4},
                                                           {"comments", 1}, {"saved", 2}};
                                        }),
              IsOk());
  auto metrics = Run(network_->FetchPostMetrics(account, *r));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ((*metrics)["views"], 9);
  EXPECT_EQ((*metrics)["replies"], 1);
  EXPECT_EQ((*metrics)["saves"], 2);
  auto followers = Run(network_->FetchAccountMetrics(account));
  ASSERT_THAT(followers, IsOk());
  EXPECT_EQ((*followers)["posts"], 1);
}

}  // namespace
}  // namespace herald::platforms::instagram
