// LinkedIn wire mapping on recorded answers (tests/platforms/data/linkedin/*.json).
#include "platforms/linkedin/linkedin_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/platforms/support/social_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::linkedin {
namespace {

using base::ErrorCode;
using matchers::IsOk;
using testing::Fixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

HttpResponse Answer(int status, const std::string& fixture) {
  HttpResponse r;
  r.status = status;
  r.body = Fixture("linkedin/" + fixture);
  return r;
}

TEST(LinkedInWireTest, EscapesEveryReservedCharacterOfLittleText) {
  EXPECT_EQ(EscapeLittleText("plain text, 100% ok!"), "plain text, 100% ok!");
  EXPECT_EQ(EscapeLittleText("a|b{c}d@e[f]g(h)i<j>k#l\\m*n_o~p"),
            "a\\|b\\{c\\}d\\@e\\[f\\]g\\(h\\)i\\<j\\>k\\#l\\\\m\\*n\\_o\\~p");
  EXPECT_EQ(EscapeLittleText("caf\xC3\xA9 #1"), "caf\xC3\xA9 \\#1");
}

TEST(LinkedInWireTest, BuildsPostBodies) {
  Json text = PostBody("urn:li:person:abc", "Hello", {});
  EXPECT_EQ(text["author"], "urn:li:person:abc");
  EXPECT_EQ(text["commentary"], "Hello");
  EXPECT_EQ(text["visibility"], "PUBLIC");
  EXPECT_EQ(text["lifecycleState"], "PUBLISHED");
  EXPECT_EQ(text["distribution"]["feedDistribution"], "MAIN_FEED");
  EXPECT_FALSE(text.contains("content"));
  Json one = PostBody("urn:li:person:abc", "x", {{"urn:li:image:1", "a cat"}});
  EXPECT_EQ(one["content"]["media"]["id"], "urn:li:image:1");
  EXPECT_EQ(one["content"]["media"]["altText"], "a cat");
  Json many = PostBody("urn:li:organization:5", "x", {{"urn:li:image:1", ""}, {"urn:li:image:2", "b"}});
  ASSERT_EQ(many["content"]["multiImage"]["images"].size(), 2u);
  EXPECT_FALSE(many["content"]["multiImage"]["images"][0].contains("altText"));
  EXPECT_EQ(many["content"]["multiImage"]["images"][1]["altText"], "b");
  EXPECT_EQ(PostUrl("urn:li:share:1"), "https://www.linkedin.com/feed/update/urn:li:share:1/");
}

TEST(LinkedInWireTest, ParsesUserInfoAclsAndOrganizations) {
  auto me = ParseUserInfo(Fixture("linkedin/userinfo.json"));
  ASSERT_THAT(me, IsOk());
  EXPECT_EQ(me->sub, "782bbtaQ");
  EXPECT_EQ(me->name, "John Doe");
  EXPECT_THAT(ParseUserInfo(R"({"name":"x"})"), Not(IsOk()));
  auto orgs = ParseAdministeredOrganizations(Fixture("linkedin/organization_acls.json"));
  ASSERT_THAT(orgs, IsOk());
  EXPECT_THAT(*orgs, ElementsAre("5515715", "2414183"));  // not REQUESTED, not ANALYST
  auto org = ParseOrganization(Fixture("linkedin/organization.json"));
  ASSERT_THAT(org, IsOk());
  EXPECT_EQ(org->id, "1337");
  EXPECT_EQ(org->name, "LinkedIn");
  EXPECT_EQ(org->vanity_name, "linkedin");
}

TEST(LinkedInWireTest, ParsesImageAndVideoUploads) {
  auto image = ParseImageUpload(Fixture("linkedin/images_initialize.json"));
  ASSERT_THAT(image, IsOk());
  EXPECT_EQ(image->image, "urn:li:image:C4E10AQFoyyAjHPMQuQ");
  EXPECT_THAT(image->upload_url, HasSubstr("https://www.linkedin.com/dms-uploads/"));
  auto video = ParseVideoUpload(Fixture("linkedin/videos_initialize.json"), 9000001);
  ASSERT_THAT(video, IsOk());
  EXPECT_EQ(video->video, "urn:li:video:C5F10AQGKQg_6y2a4sQ");
  ASSERT_EQ(video->parts.size(), 3u);
  EXPECT_EQ(video->parts[1].first_byte, 4194304);
  EXPECT_EQ(video->parts[2].last_byte, 9000000);
  // Instructions that do not cover the file are refused.
  EXPECT_THAT(ParseVideoUpload(Fixture("linkedin/videos_initialize.json"), 9500000), Not(IsOk()));
  Json fin = FinalizeVideoBody("urn:li:video:1", "", {"e1", "e2"});
  EXPECT_EQ(fin["finalizeUploadRequest"]["uploadedPartIds"], Json::array({"e1", "e2"}));
  auto failed = ParseMediaStatus(Fixture("linkedin/video_failed.json"));
  ASSERT_THAT(failed, IsOk());
  EXPECT_EQ(failed->status, "PROCESSING_FAILED");
  EXPECT_EQ(failed->failure_reason, "Video format is not supported");
}

TEST(LinkedInWireTest, ParsesTheAuthorsPosts) {
  auto posts = ParsePostList(Fixture("linkedin/posts_by_author.json"));
  ASSERT_THAT(posts, IsOk());
  ASSERT_EQ(posts->size(), 2u);
  EXPECT_EQ((*posts)[0].urn, "urn:li:share:7100000000000000002");
  EXPECT_EQ((*posts)[0].commentary, EscapeLittleText("Launch day (finally) #herald"));
  EXPECT_EQ((*posts)[0].created_at_ms, 1700000300000);
  EXPECT_TRUE((*posts)[0].media.empty());
  EXPECT_EQ((*posts)[1].urn, "urn:li:ugcPost:7100000000000000001");
  EXPECT_THAT((*posts)[1].media, ElementsAre("urn:li:image:C4E10AQ1"));
}

TEST(LinkedInWireTest, ReadsErrorBodies) {
  const base::Time noon = base::FromUnixMicros(1'700'000'000'000'000);  // 22:13:20 UTC
  auto duplicate = DuplicateOf(Answer(422, "error_duplicate.json"));
  ASSERT_TRUE(duplicate.has_value());
  EXPECT_EQ(*duplicate, "urn:li:share:7100000000000000002");
  EXPECT_FALSE(DuplicateOf(Answer(401, "error_expired.json")).has_value());
  ErrorBody expired = ReadError(Answer(401, "error_expired.json"), noon);
  EXPECT_EQ(expired.reason, "The token used in the request has expired (EXPIRED_ACCESS_TOKEN)");
  ErrorBody daily = ReadError(Answer(429, "error_throttle.json"), noon);
  EXPECT_THAT(daily.reason, HasSubstr("DAY limit"));
  ASSERT_TRUE(daily.retry_after.has_value());
  EXPECT_EQ(*daily.retry_after, std::chrono::seconds(86'400 - 80'000));  // to midnight UTC
  ErrorBody version = ReadError(Answer(426, "error_version.json"), noon);
  EXPECT_THAT(version.reason, HasSubstr("is not active"));
  ErrorBody dup = ReadError(Answer(422, "error_duplicate.json"), noon);
  EXPECT_THAT(dup.reason, HasSubstr("Duplicate post is detected"));
}

TEST(LinkedInWireTest, ParsesAnalytics) {
  auto impressions = ParseMemberMetric(Fixture("linkedin/member_post_analytics.json"));
  ASSERT_THAT(impressions, IsOk());
  EXPECT_EQ(*impressions, 1234);
  auto followers = ParseMemberFollowers(Fixture("linkedin/member_followers.json"));
  ASSERT_THAT(followers, IsOk());
  EXPECT_EQ(*followers, 3021);
  auto stats = ParseShareStatistics(Fixture("linkedin/share_statistics.json"));
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ((*stats)["views"], 768);
  EXPECT_EQ((*stats)["reach"], 420);
  EXPECT_EQ((*stats)["likes"], 21);
  EXPECT_EQ((*stats)["replies"], 4);
  EXPECT_EQ((*stats)["reposts"], 3);
  EXPECT_EQ((*stats)["clicks"], 17);
  auto size = ParseNetworkSize(Fixture("linkedin/network_size.json"));
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, 85029);
  EXPECT_THAT(SplitScopes("openid,profile w_member_social"),
              ElementsAre("openid", "profile", "w_member_social"));
}

}  // namespace
}  // namespace herald::platforms::linkedin
