// Threads wire mapping (platforms/threads/threads_wire.h) on recorded answers in
// tests/platforms/data/threads/.
#include "platforms/threads/threads_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platforms/kit/http_error_mapper.h"
#include "platforms/meta/graph_errors.h"
#include "tests/platforms/support/social_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::threads {
namespace {

using base::ErrorCode;
using matchers::IsOk;
using matchers::StatusIs;
using testing::Fixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ThreadsWire, ScopesAndLength) {
  EXPECT_THAT(ThreadsScopes(), ElementsAre("threads_basic", "threads_content_publish",
                                           "threads_read_replies", "threads_manage_insights",
                                           "threads_delete"));
  EXPECT_EQ(ThreadsTextLength("hello"), 5);
  EXPECT_EQ(ThreadsTextLength("\xC3\xA9t\xC3\xA9"), 3);       // été: code points
  EXPECT_EQ(ThreadsTextLength("\xF0\x9F\x91\x8B"), 4);        // 👋: its UTF-8 bytes
  EXPECT_EQ(ThreadsTextLength("\xE2\x9D\xA4\xEF\xB8\x8F"), 6);  // ❤️ (U+2764 U+FE0F)
  EXPECT_EQ(ThreadsTextLength("\xE6\x97\xA5"), 1);            // 日
}

TEST(ThreadsWire, PartContainers) {
  PostPart text{"Just words", {}};
  meta::ContainerPost t = PartContainer(text, "");
  EXPECT_EQ(http::FormValue(t.fields, "media_type"), "TEXT");
  EXPECT_EQ(http::FormValue(t.fields, "text"), "Just words");
  EXPECT_EQ(http::FormValue(t.fields, "reply_to_id"), "");
  MediaItem image;
  image.mime_type = "image/jpeg";
  image.url = "https://herald.example/m/1.jpg";
  image.alt_text = "a cat";
  MediaItem video;
  video.mime_type = "video/mp4";
  video.url = "https://herald.example/m/2.mp4";
  meta::ContainerPost one = PartContainer({"Caption", {image}}, "179");
  EXPECT_EQ(http::FormValue(one.fields, "media_type"), "IMAGE");
  EXPECT_EQ(http::FormValue(one.fields, "image_url"), image.url);
  EXPECT_EQ(http::FormValue(one.fields, "alt_text"), "a cat");
  EXPECT_EQ(http::FormValue(one.fields, "reply_to_id"), "179");
  EXPECT_EQ(one.reply_to, "179");
  meta::ContainerPost carousel = PartContainer({"Both", {image, video}}, "");
  EXPECT_EQ(http::FormValue(carousel.fields, "media_type"), "CAROUSEL");
  ASSERT_EQ(carousel.children.size(), 2u);
  EXPECT_EQ(http::FormValue(carousel.children[1], "media_type"), "VIDEO");
  EXPECT_EQ(http::FormValue(carousel.children[1], "video_url"), video.url);
  EXPECT_EQ(http::FormValue(carousel.children[0], "is_carousel_item"), "true");
}

TEST(ThreadsWire, ParsesAnswers) {
  auto user = ParseUser(Fixture("threads/me.json"));
  ASSERT_THAT(user, IsOk());
  EXPECT_EQ(user->id, "17841400000000001");
  EXPECT_EQ(user->username, "herald_tester");
  EXPECT_THAT(ParseUser("{}"), StatusIs(ErrorCode::kUnavailable));
  EXPECT_EQ(ParsePermalink(Fixture("threads/media_permalink.json")),
            "https://www.threads.net/@herald_tester/post/C2aaaBBBccc");
  auto metrics = ParseInsights(Fixture("threads/insights.json"));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ(*metrics, (base::Json{{"views", 40}, {"likes", 3}, {"replies", 1}, {"reposts", 0},
                                  {"quotes", 0}}));
  auto account = ParseAccountInsights(Fixture("threads/account_insights.json"));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(*account, (base::Json{{"followers", 321}}));
  EXPECT_THAT(ParseInsights("nope"), StatusIs(ErrorCode::kUnavailable));
}

TEST(ThreadsWire, TooLongTextIsInvalidWithMetasWords) {
  HttpResponse r;
  r.status = 400;
  r.body = Fixture("threads/error_text_too_long.json");
  base::Error e = HttpErrorMapper(meta::GraphErrorOptions("Threads"))
                      .FromResponse(r, "preparing the post", base::Time{});
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(e.message(), HasSubstr("text must be at most 500 characters"));
}

}  // namespace
}  // namespace herald::platforms::threads
