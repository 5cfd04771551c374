// TikTok wire mapping (platforms/tiktok/tiktok_wire.h) on recorded answers in
// tests/platforms/data/tiktok/.
#include "platforms/tiktok/tiktok_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platforms/kit/http_error_mapper.h"
#include "platforms/kit/oauth_scopes.h"
#include "tests/platforms/support/social_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::tiktok {
namespace {

using base::ErrorCode;
using matchers::IsOk;
using matchers::StatusIs;
using testing::Fixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

HttpResponse Answer(int status, const std::string& fixture) {
  HttpResponse r;
  r.status = status;
  r.body = Fixture("tiktok/" + fixture);
  return r;
}

TEST(TikTokWire, Scopes) {
  EXPECT_TRUE(MissingScopes("user.info.basic,user.info.profile,user.info.stats,video.publish,"
                            "video.list",
                            TikTokScopes())
                  .empty());
  EXPECT_THAT(MissingScopes("user.info.basic,video.publish,user.info.profile,user.info.stats",
                            TikTokScopes()),
              ElementsAre("video.list"));
}

TEST(TikTokWire, UserAndCreatorInfo) {
  auto user = ParseUserInfo(Fixture("tiktok/user_info.json"));
  ASSERT_THAT(user, IsOk());
  EXPECT_EQ(user->open_id, "-000tiktokheraldopenid");
  EXPECT_EQ(user->username, "heraldtok");
  EXPECT_EQ(AccountMetrics(*user),
            (Json{{"followers", 2500}, {"following", 12}, {"likes", 340}, {"posts", 7}}));
  EXPECT_THAT(ParseUserInfo("{\"data\":{}}"), StatusIs(ErrorCode::kUnavailable));

  auto creator = ParseCreatorInfo(Fixture("tiktok/creator_info.json"));
  ASSERT_THAT(creator, IsOk());
  EXPECT_THAT(creator->privacy_level_options,
              ElementsAre("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"));
  EXPECT_TRUE(creator->duet_disabled);
  EXPECT_EQ(creator->max_video_post_duration_sec, 300);
  // Through the account's settings and back.
  auto back = CreatorFromSettings(
      Json{{"username", "heraldtok"}, {"creator", CreatorSettings(*creator)}});
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->privacy_level_options, creator->privacy_level_options);
  EXPECT_TRUE(back->duet_disabled);
  EXPECT_EQ(back->max_video_post_duration_sec, 300);
  EXPECT_FALSE(CreatorFromSettings(Json::object()).has_value());
}

TEST(TikTokWire, PostIsCheckedAgainstTheCreator) {
  CreatorInfo creator = *ParseCreatorInfo(Fixture("tiktok/creator_info.json"));
  PostOptions post = ParsePostOptions(Json{{"privacy_level", "SELF_ONLY"}});
  EXPECT_TRUE(CheckAgainstCreator(post, creator, 60'000).empty());
  post.privacy_level = "FOLLOWER_OF_CREATOR";
  post.disable_duet = false;
  auto broken = CheckAgainstCreator(post, creator, 301'000);
  ASSERT_EQ(broken.size(), 3u);
  EXPECT_EQ(broken[0].field, "platform_options.tiktok.privacy_level");
  EXPECT_THAT(broken[0].message, HasSubstr("not offered by the TikTok account @heraldtok"));
  EXPECT_EQ(broken[1].field, "platform_options.tiktok.disable_duet");
  EXPECT_THAT(broken[1].message, HasSubstr("turned duets off"));
  EXPECT_EQ(broken[2].field, "media");
  EXPECT_THAT(broken[2].message, HasSubstr("5:01 long, over the 5:00"));
}

TEST(TikTokWire, ChunkPlanFollowsTikToksRules) {
  constexpr int64_t kMb = 1024 * 1024;
  ChunkPlan small = PlanChunks(3 * kMb, 10 * kMb, 5 * kMb, 64 * kMb);
  EXPECT_EQ(small.chunk_size, 3 * kMb);
  EXPECT_EQ(small.chunk_count, 1);
  ChunkPlan p = PlanChunks(25 * kMb + 7, 10 * kMb, 5 * kMb, 64 * kMb);
  EXPECT_EQ(p.chunk_size, 10 * kMb);
  EXPECT_EQ(p.chunk_count, 2);  // rounded down: the last chunk takes the rest
  EXPECT_EQ(p.First(1), 10 * kMb);
  EXPECT_EQ(p.Last(1), 25 * kMb + 6);
  ChunkPlan huge = PlanChunks(20'000 * kMb, 10 * kMb, 5 * kMb, 64 * kMb);
  EXPECT_LE(huge.chunk_count, 1000);
  EXPECT_EQ(PlanChunks(7 * kMb, 1 * kMb, 5 * kMb, 64 * kMb).chunk_size, 5 * kMb);
}

TEST(TikTokWire, InitBodiesFollowTheCreatorWhereTheUserDidNotChoose) {
  CreatorInfo creator = *ParseCreatorInfo(Fixture("tiktok/creator_info.json"));
  PostOptions post = ParsePostOptions(
      Json{{"privacy_level", "PUBLIC_TO_EVERYONE"}, {"disable_comment", true}});
  Json body = *base::ParseJson(VideoInitFileBody("hi #tag", post, creator, {100, 100, 1}));
  EXPECT_EQ(body["post_info"]["privacy_level"], "PUBLIC_TO_EVERYONE");
  EXPECT_EQ(body["post_info"]["disable_comment"], true);
  EXPECT_EQ(body["post_info"]["disable_duet"], true);  // the creator turned duets off
  EXPECT_EQ(body["post_info"]["disable_stitch"], false);
  EXPECT_EQ(body["source_info"],
            (Json{{"source", "FILE_UPLOAD"}, {"video_size", 100}, {"chunk_size", 100},
                  {"total_chunk_count", 1}}));
  body = *base::ParseJson(VideoInitPullBody("t", post, creator, "https://m.example/v.mp4"));
  EXPECT_EQ(body["source_info"]["video_url"], "https://m.example/v.mp4");
}

TEST(TikTokWire, PhotoInitBodyAndUrl) {
  CreatorInfo creator = *ParseCreatorInfo(Fixture("tiktok/creator_info.json"));
  PostOptions post = ParsePostOptions(Json{{"privacy_level", "SELF_ONLY"}});
  Json body = *base::ParseJson(PhotoInitBody(
      "a description", post, creator, {"https://m.example/a.jpg", "https://m.example/b.webp"}));
  EXPECT_EQ(body["media_type"], "PHOTO");
  EXPECT_EQ(body["post_mode"], "DIRECT_POST");
  EXPECT_EQ(body["post_info"]["description"], "a description");
  EXPECT_FALSE(body["post_info"].contains("title"));
  EXPECT_FALSE(body["post_info"].contains("auto_add_music"));
  EXPECT_FALSE(body["post_info"].contains("disable_duet"));
  EXPECT_EQ(body["source_info"],
            (Json{{"source", "PULL_FROM_URL"},
                  {"photo_cover_index", 0},
                  {"photo_images",
                   Json::array({"https://m.example/a.jpg", "https://m.example/b.webp"})}}));
  post = ParsePostOptions(
      Json{{"privacy_level", "SELF_ONLY"}, {"title", "T"}, {"auto_add_music", false}});
  body = *base::ParseJson(PhotoInitBody("d", post, creator, {"https://m.example/a.jpg"}));
  EXPECT_EQ(body["post_info"]["title"], "T");
  EXPECT_EQ(body["post_info"]["auto_add_music"], false);
  EXPECT_EQ(PhotoUrl("heraldtok", "7"), "https://www.tiktok.com/@heraldtok/photo/7");
  EXPECT_EQ(PhotoUrl("heraldtok", ""), "https://www.tiktok.com/@heraldtok");
  // Photos have no duets or duration: only privacy and comments are checked.
  creator.duet_disabled = true;
  creator.max_video_post_duration_sec = 10;
  post = ParsePostOptions(Json{{"privacy_level", "SELF_ONLY"}, {"disable_duet", false}});
  EXPECT_TRUE(CheckAgainstCreator(post, creator, 0, true).empty());
  EXPECT_EQ(CheckAgainstCreator(post, creator, 20'000).size(), 2u);
}

TEST(TikTokWire, InitAndStatus) {
  auto init = ParseInit(Fixture("tiktok/video_init.json"));
  ASSERT_THAT(init, IsOk());
  EXPECT_EQ(init->publish_id, "v_pub_file~v2-1.7300000000000000001");
  EXPECT_THAT(init->upload_url, HasSubstr("upload_id=67890"));
  auto s = ParseStatus(Fixture("tiktok/status_uploading.json"));
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->status, "PROCESSING_UPLOAD");
  EXPECT_EQ(s->uploaded_bytes, 10485760);
  s = ParseStatus(Fixture("tiktok/status_complete.json"));
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(s->post_ids, ElementsAre("7400000000000000123"));
  s = ParseStatus(Fixture("tiktok/status_failed.json"));
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(FailReasonText(s->fail_reason),
            "the video is longer than the creator may post (duration_check_failed)");
  EXPECT_EQ(VideoUrl("heraldtok", "74"), "https://www.tiktok.com/@heraldtok/video/74");
  EXPECT_EQ(VideoUrl("heraldtok", ""), "https://www.tiktok.com/@heraldtok");
  auto m = ParseVideoMetrics(Fixture("tiktok/video_query.json"), "7400000000000000123");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(*m, (Json{{"views", 1200}, {"likes", 87}, {"replies", 9}, {"reposts", 4}}));
  EXPECT_THAT(ParseVideoMetrics(Fixture("tiktok/video_query.json"), "1"),
              StatusIs(ErrorCode::kNotFound));
}

TEST(TikTokWire, ErrorsMapTikToksCodes) {
  HttpErrorMapper mapper(ErrorOptions());
  const base::Time now{};
  base::Error e = mapper.FromResponse(Answer(401, "error_access_token_invalid_401.json"),
                                      "the post", now);
  EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(e.message(), HasSubstr("access_token_invalid"));
  EXPECT_EQ(mapper.FromResponse(Answer(401, "error_scope_401.json"), "x", now).code(),
            ErrorCode::kPermissionDenied);
  e = mapper.FromResponse(Answer(429, "error_rate_limit_429.json"), "the post", now);
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(e.retry_after().has_value());
  EXPECT_EQ(*e.retry_after(), std::chrono::seconds(60));
  e = mapper.FromResponse(Answer(400, "error_privacy_mismatch_400.json"), "the post", now);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(e.message(), HasSubstr("privacy_level_option_mismatch"));
  const HttpResponse spam = Answer(403, "error_spam_risk_403.json");
  EXPECT_TRUE(IsPostingCap(ErrorCodeOf(spam)));
  EXPECT_EQ(mapper.FromResponse(spam, "the post", now).code(), ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace herald::platforms::tiktok
