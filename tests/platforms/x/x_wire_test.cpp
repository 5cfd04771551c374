// X wire mapping (platforms/x/x_wire.h) on recorded answers in tests/platforms/data/x/.
#include "platforms/x/x_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "platforms/kit/http_error_mapper.h"
#include "platforms/kit/oauth_scopes.h"
#include "tests/platforms/support/social_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::x {
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
  r.body = Fixture("x/" + fixture);
  return r;
}

TEST(XWire, Scopes) {
  EXPECT_THAT(XScopes(), ElementsAre("tweet.read", "tweet.write", "users.read", "media.write",
                                     "offline.access"));
  EXPECT_TRUE(
      MissingScopes("tweet.read tweet.write users.read media.write offline.access", XScopes())
          .empty());
  EXPECT_THAT(MissingScopes("offline.access users.read tweet.write tweet.read", XScopes()),
              ElementsAre("media.write"));
  EXPECT_EQ(MissingScopes("", XScopes()).size(), 5u);
}

TEST(XWire, TweetRequestBody) {
  EXPECT_EQ(TweetRequestBody("Hello", {}, ""), R"({"text":"Hello"})");
  auto body = base::ParseJson(TweetRequestBody("Part 2", {"11", "12"}, "99"));
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ((*body)["reply"]["in_reply_to_tweet_id"], "99");
  EXPECT_EQ((*body)["media"]["media_ids"], base::Json::array({"11", "12"}));
  // A media-only tweet carries no text field.
  EXPECT_FALSE(base::ParseJson(TweetRequestBody("", {"11"}, ""))->contains("text"));
}

TEST(XWire, ParsesUser) {
  auto user = ParseUser(Fixture("x/users_me.json"));
  ASSERT_THAT(user, IsOk());
  EXPECT_EQ(user->id, "1500000000000000001");
  EXPECT_EQ(user->username, "heraldtester");
  EXPECT_EQ(user->name, "Herald Tester");
  EXPECT_EQ(AccountMetrics(*user),
            (base::Json{{"followers", 1200}, {"following", 80}, {"posts", 314}, {"listed", 3}}));
  EXPECT_THAT(ParseUser(R"({"data":{}})"), StatusIs(ErrorCode::kUnavailable));
}

TEST(XWire, ParsesCreatedTweet) {
  auto tweet = ParseCreatedTweet(Fixture("x/create_tweet_201.json"));
  ASSERT_THAT(tweet, IsOk());
  EXPECT_EQ(tweet->id, "1445880548472328192");
  // A 2xx without an id: the tweet probably exists.
  EXPECT_THAT(ParseCreatedTweet("<html>"), StatusIs(ErrorCode::kUnknown));
  EXPECT_EQ(TweetUrl("heraldtester", "1"), "https://x.com/heraldtester/status/1");
  EXPECT_EQ(TweetUrl("", "1"), "https://x.com/i/status/1");
}

TEST(XWire, ParsesTweetList) {
  auto tweets = ParseTweetList(Fixture("x/user_tweets.json"));
  ASSERT_THAT(tweets, IsOk());
  ASSERT_EQ(tweets->size(), 3u);
  EXPECT_EQ((*tweets)[0].in_reply_to, "1860000000000000002");
  ASSERT_TRUE((*tweets)[1].created_at.has_value());
  EXPECT_EQ(base::FormatRfc3339(*(*tweets)[1].created_at), "2026-12-07T08:00:00Z");
  auto empty = ParseTweetList(Fixture("x/user_tweets_empty.json"));
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(empty->empty());
  EXPECT_THAT(ParseTweetList("nope"), StatusIs(ErrorCode::kUnavailable));
}

TEST(XWire, ReadsTheNextPageToken) {
  EXPECT_EQ(ParseNextToken(R"({"data":[{"id":"1","text":"a"}],"meta":{"result_count":1,)"
                           R"("next_token":"7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"}})"),
            "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i");
  EXPECT_EQ(ParseNextToken(Fixture("x/user_tweets.json")), "");  // the last page
  EXPECT_EQ(ParseNextToken(Fixture("x/user_tweets_empty.json")), "");
  EXPECT_EQ(ParseNextToken("nope"), "");
}

TEST(XWire, FindsTweetsAsXReturnsThem) {
  auto tweets = *ParseTweetList(Fixture("x/user_tweets.json"));
  const auto since = *base::ParseRfc3339("2026-12-07T07:00:00Z");
  // URLs came back as t.co links and <> escaped: still the same post.
  const XTweet* found =
      FindTweet(tweets, "Read https://example.com/article?id=7 <now> example.org/x", "", since);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->id, "1860000000000000002");
  // The reply must reply to the part before it.
  EXPECT_EQ(FindTweet(tweets, "part two", "1860000000000000002", since)->id,
            "1860000000000000003");
  EXPECT_EQ(FindTweet(tweets, "part two", "1", since), nullptr);
  // Too old, or a different text: not it.
  EXPECT_EQ(FindTweet(tweets, "old post", "", since), nullptr);
  EXPECT_EQ(FindTweet(tweets, "part three", "", since), nullptr);
  EXPECT_EQ(MatchableText("  a &amp; b https://t.co/x "), "a & b x");
}

TEST(XWire, ParsesMetrics) {
  auto m = ParseTweetMetrics(Fixture("x/tweets_metrics.json"), "1445880548472328192");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(*m, (base::Json{{"likes", 17},
                            {"reposts", 4},
                            {"replies", 2},
                            {"quotes", 1},
                            {"bookmarks", 3},
                            {"views", 950}}));
  EXPECT_THAT(ParseTweetMetrics(Fixture("x/tweets_metrics.json"), "1445880548472328199"),
              StatusIs(ErrorCode::kNotFound));
}

TEST(XWire, MediaStates) {
  auto init = ParseMediaState(Fixture("x/media_initialize.json"));
  ASSERT_THAT(init, IsOk());
  EXPECT_EQ(init->id, "1880028106020515840");
  EXPECT_TRUE(init->ready());
  auto pending = ParseMediaState(Fixture("x/media_finalize_pending.json"));
  ASSERT_THAT(pending, IsOk());
  EXPECT_EQ(pending->state, "pending");
  EXPECT_EQ(pending->check_after_secs, 5);
  EXPECT_FALSE(pending->ready());
  auto failed = ParseMediaState(Fixture("x/media_status_failed.json"));
  ASSERT_THAT(failed, IsOk());
  EXPECT_EQ(failed->state, "failed");
  EXPECT_THAT(failed->error, HasSubstr("Unsupported"));
  EXPECT_THAT(ParseMediaState("{}"), StatusIs(ErrorCode::kUnavailable));

  MediaItem image;
  image.mime_type = "image/png";
  EXPECT_EQ(MediaCategory(image), "tweet_image");
  MediaItem gif;
  gif.mime_type = "image/gif";
  gif.probe.frames = 12;
  EXPECT_EQ(MediaCategory(gif), "tweet_gif");
  MediaItem still_gif = gif;
  still_gif.probe.frames = 1;
  EXPECT_EQ(MediaCategory(still_gif), "tweet_image");
  MediaItem video;
  video.mime_type = "video/mp4";
  EXPECT_EQ(MediaCategory(video), "tweet_video");
  EXPECT_EQ(MediaInitializeBody("video/mp4", 10, "tweet_video"),
            R"({"media_category":"tweet_video","media_type":"video/mp4","total_bytes":10})");
  EXPECT_EQ(AltTextBody("5", "A cat"), R"({"id":"5","metadata":{"alt_text":{"text":"A cat"}}})");
}

TEST(XWire, ErrorsTellContentFromPermission) {
  const HttpErrorMapper mapper(ErrorOptions());
  const base::Time now = *base::ParseRfc3339("2026-12-07T08:00:00Z");
  HttpResponse duplicate = Answer(403, "error_duplicate_403.json");
  EXPECT_TRUE(IsDuplicateContent(duplicate));
  EXPECT_FALSE(IsDuplicateContent(Answer(403, "error_too_long_403.json")));

  base::Error too_long = mapper.FromResponse(Answer(403, "error_too_long_403.json"), "the post", now);
  EXPECT_EQ(too_long.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(too_long.message(), HasSubstr("too long"));
  EXPECT_EQ(mapper.FromResponse(Answer(403, "error_forbidden_403.json"), "the post", now).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(mapper.FromResponse(Answer(401, "error_unauthorized_401.json"), "the post", now).code(),
            ErrorCode::kUnauthenticated);
  base::Error invalid =
      mapper.FromResponse(Answer(400, "error_invalid_request_400.json"), "the post", now);
  EXPECT_EQ(invalid.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(invalid.message(), HasSubstr("Your media IDs are invalid."));

  // A 429 waits for x-rate-limit-reset.
  HttpResponse limited = Answer(429, "error_429.json");
  limited.headers = {{"x-rate-limit-limit", "100"},
                     {"x-rate-limit-remaining", "0"},
                     {"x-rate-limit-reset", std::to_string(
                                                std::chrono::duration_cast<std::chrono::seconds>(
                                                    now.time_since_epoch())
                                                    .count() +
                                                600)}};
  base::Error rate = mapper.FromResponse(limited, "the post", now);
  EXPECT_EQ(rate.code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(rate.retry_after().has_value());
  EXPECT_EQ(*rate.retry_after(), std::chrono::seconds(600));
}

}  // namespace
}  // namespace herald::platforms::x
