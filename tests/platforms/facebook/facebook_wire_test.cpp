// Facebook wire mapping on recorded answers (tests/platforms/data/facebook/*.json), and the
// Instagram caption and container rules.
#include "platforms/facebook/facebook_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platforms/instagram/instagram_wire.h"
#include "platforms/meta/graph_errors.h"
#include "tests/platforms/support/social_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::facebook {
namespace {

using matchers::IsOk;
using testing::Fixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(FacebookWireTest, ReadsGrantedPermissionsOnly) {
  auto granted = ParseGrantedPermissions(Fixture("facebook/permissions.json"));
  ASSERT_THAT(granted, IsOk());
  EXPECT_THAT(*granted, ElementsAre("pages_show_list", "pages_manage_posts", "public_profile"));
  EXPECT_FALSE(ParseGrantedPermissions("<html>").ok());
}

TEST(FacebookWireTest, ReadsPagesWithTokensTasksAndInstagram) {
  auto pages = ParsePages(Fixture("facebook/accounts.json"));
  ASSERT_THAT(pages, IsOk());
  ASSERT_EQ(pages->size(), 2u);
  EXPECT_EQ((*pages)[0].access_token, "EAAPageAtoken");
  EXPECT_EQ((*pages)[0].instagram_id, "17841400000000001");
  EXPECT_EQ((*pages)[0].instagram_username, "heraldlabs");
  EXPECT_EQ((*pages)[1].instagram_id, "");
  EXPECT_THAT((*pages)[1].tasks, ElementsAre("ANALYZE", "MODERATE"));
  EXPECT_FALSE(ParsePages(R"({"data":[{"id":"1"}]})").ok());  // no token
  auto user = ParseUser(Fixture("facebook/me.json"));
  ASSERT_THAT(user, IsOk());
  EXPECT_EQ(user->id, "10150001");
}

TEST(FacebookWireTest, SettingsNameWhatAPageMayNotDo) {
  auto pages = ParsePages(Fixture("facebook/accounts.json"));
  ASSERT_THAT(pages, IsOk());
  Json a = PageSettings((*pages)[0], {"pages_show_list", "pages_manage_posts"}, "u");
  EXPECT_EQ(a["instagram_id"], "17841400000000001");
  EXPECT_EQ(MissingPublishRight(a, "Herald Labs"), "");
  Json b = PageSettings((*pages)[1], {"pages_show_list", "pages_manage_posts"}, "u");
  EXPECT_THAT(MissingPublishRight(b, "Example Corp"), HasSubstr("CREATE_CONTENT"));
  Json c = PageSettings((*pages)[0], {"pages_show_list"}, "u");
  EXPECT_THAT(MissingPublishRight(c, "Herald Labs"), HasSubstr("pages_manage_posts"));
  EXPECT_EQ(MissingPublishRight(Json::object(), "x"), "");  // nothing recorded: not checked
}

TEST(FacebookWireTest, ReadsPostIdsReelsAndVideoStatus) {
  EXPECT_EQ(*ParsePostId(Fixture("facebook/photo_published.json")), "20250001_9000000000012");
  EXPECT_EQ(*ParsePostId(Fixture("facebook/feed_post.json")), "20250001_9000000000013");
  EXPECT_FALSE(ParsePostId("{}").ok());
  auto reel = ParseReelStart(Fixture("facebook/reel_start.json"));
  ASSERT_THAT(reel, IsOk());
  EXPECT_EQ(reel->video_id, "9000000000020");
  EXPECT_THAT(reel->upload_url, HasSubstr("rupload.facebook.com"));
  auto status = ParseVideoStatus(Fixture("facebook/video_status.json"));
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(status->video_status, "error");
  EXPECT_THAT(status->error, HasSubstr("aspect ratio"));
}

TEST(FacebookWireTest, ReadsThePagesPostsAndInsights) {
  auto posts = ParsePostList(Fixture("facebook/published_posts.json"));
  ASSERT_THAT(posts, IsOk());
  ASSERT_EQ(posts->size(), 2u);
  EXPECT_EQ((*posts)[0].message, "Second");
  EXPECT_EQ((*posts)[1].message, "");  // a photo post without a message
  ASSERT_TRUE((*posts)[0].created_at.has_value());
  auto insights = ParseInsights(Fixture("facebook/post_insights.json"));
  ASSERT_THAT(insights, IsOk());
  EXPECT_EQ((*insights)["post_media_view"], 40);
  EXPECT_EQ((*insights)["post_reactions_by_type_total"], 5);  // reactions by type, summed
}

TEST(FacebookWireTest, LinksAttachedMediaAndUrls) {
  EXPECT_EQ(FirstLink("see https://example.com/a?b=1, now"), "https://example.com/a?b=1");
  EXPECT_EQ(FirstLink("no link here"), "");
  EXPECT_EQ(AttachedMedia({"1", "2"}), R"([{"media_fbid":"1"},{"media_fbid":"2"}])");
  EXPECT_EQ(PostUrl("20250001_42", false), "https://www.facebook.com/20250001/posts/42");
  EXPECT_EQ(PostUrl("42", true), "https://www.facebook.com/reel/42");
}

TEST(FacebookWireTest, DuplicateAnswerIsRecognised) {
  HttpResponse r;
  r.status = 400;
  r.body = Fixture("facebook/error_duplicate.json");
  EXPECT_TRUE(meta::IsDuplicatePost(r));
}

TEST(InstagramWireTest, CaptionRulesNameTheCount) {
  std::string caption;
  for (int i = 0; i < 31; ++i) caption += "#tag" + std::to_string(i) + " ";
  auto v = instagram::CaptionViolations(caption);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "the caption has 31 hashtags, 1 over Instagram's limit of 30");
  EXPECT_THAT(instagram::CaptionViolations("#one #two @ada"), IsEmpty());
}

TEST(InstagramWireTest, ContainerFieldsByKind) {
  MediaItem image;
  image.file_name = "a.jpg";
  image.mime_type = "image/jpeg";
  image.url = "https://h/a.jpg";
  image.alt_text = "a cat";
  MediaItem video;
  video.file_name = "v.mp4";
  video.mime_type = "video/mp4";
  video.probe.kind = "video";
  video.url = "https://h/v.mp4";
  using instagram::PostKind;
  auto img = instagram::BuildPost(PostKind::kImage, "hi", {image});
  ASSERT_THAT(img, IsOk());
  EXPECT_EQ(img->fields, (http::FormFields{{"image_url", "https://h/a.jpg"},
                                           {"alt_text", "a cat"},
                                           {"caption", "hi"}}));
  auto reel = instagram::BuildPost(PostKind::kReel, "r", {video});
  ASSERT_THAT(reel, IsOk());
  EXPECT_EQ(reel->fields[0], (std::pair<std::string, std::string>{"media_type", "REELS"}));
  auto story = instagram::BuildPost(PostKind::kStory, "ignored", {video});
  ASSERT_THAT(story, IsOk());
  EXPECT_EQ(story->text, "");
  EXPECT_EQ(story->fields, (http::FormFields{{"media_type", "STORIES"},
                                             {"video_url", "https://h/v.mp4"}}));
  auto carousel = instagram::BuildPost(PostKind::kCarousel, "c", {image, video});
  ASSERT_THAT(carousel, IsOk());
  ASSERT_EQ(carousel->children.size(), 2u);
  EXPECT_EQ(carousel->children[1],
            (http::FormFields{{"is_carousel_item", "true"}, {"media_type", "VIDEO"},
                              {"video_url", "https://h/v.mp4"}}));
  image.url.clear();
  EXPECT_FALSE(instagram::BuildPost(PostKind::kImage, "x", {image}).ok());
  EXPECT_EQ(instagram::KindOf("feed", {video}), PostKind::kReel);
  EXPECT_EQ(instagram::KindOf("feed", {image, image}), PostKind::kCarousel);
}

}  // namespace
}  // namespace herald::platforms::facebook
