// MediaValidator (platforms/kit/media_validator.h): media checked from MediaRules alone.
#include "platforms/kit/media_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace herald::platforms {
namespace {

using ::testing::HasSubstr;

MediaItem Item(std::string mime, int64_t size = 1000, std::string alt = {}) {
  MediaItem m;
  m.mime_type = std::move(mime);
  m.size = size;
  m.alt_text = std::move(alt);
  return m;
}

MediaRules Rules() {
  MediaRules r;
  r.max_items = 2;
  r.max_image_bytes = 16 * 1024 * 1024;
  r.mime_types = {"image/png", "video/mp4"};
  r.max_alt_text = 5;
  return r;
}

std::vector<Violation> Check(const MediaRules& rules, size_t part, std::vector<MediaItem> media) {
  std::vector<Violation> out;
  MediaValidator("Example", rules).Check(part, media, out);
  return out;
}

TEST(MediaValidatorTest, AcceptsWhatTheRulesAllow) {
  EXPECT_TRUE(Check(Rules(), 0, {Item("image/png", 10, "a cat")}).empty());
  EXPECT_TRUE(Check(Rules(), 0, {}).empty());
}

TEST(MediaValidatorTest, CountTypeSizeAndAltTextNamedAsTheCallerWroteThem) {
  auto v = Check(Rules(), 0, {Item("image/png"), Item("image/png"), Item("image/png")});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "media");
  EXPECT_THAT(v[0].message, HasSubstr("has 3 items, over Example's limit of 2 per post"));

  v = Check(Rules(), 2, {Item("image/bmp"), Item("image/png", 17 * 1024 * 1024, "toolong")});
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].field, "thread[1].media[0]");
  EXPECT_THAT(v[0].message, HasSubstr("\"image/bmp\""));
  EXPECT_THAT(v[0].message, HasSubstr("image/png, video/mp4"));
  EXPECT_EQ(v[1].field, "thread[1].media[1]");
  EXPECT_THAT(v[1].message, HasSubstr("16 MiB"));
  EXPECT_EQ(v[2].field, "thread[1].media[1].alt_text");
  EXPECT_THAT(v[2].message, HasSubstr("7 characters, over Example's limit of 5"));
}

TEST(MediaValidatorTest, VideoLimitTotalAndVideoAlone) {
  MediaRules r = Rules();
  r.max_video_bytes = 99 * 1024 * 1024;
  r.max_total_bytes = 20 * 1024 * 1024;
  r.video_alone = true;
  EXPECT_TRUE(Check(r, 0, {Item("video/mp4", 18 * 1024 * 1024)}).empty());
  auto v = Check(r, 0, {Item("video/mp4", 18 * 1024 * 1024), Item("image/png", 3 * 1024 * 1024)});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_THAT(v[0].message, HasSubstr("adds up to"));
  EXPECT_THAT(v[0].message, HasSubstr("20 MiB"));
  EXPECT_THAT(v[1].message, HasSubstr("accepts one video or audio file alone"));
}

TEST(MediaValidatorTest, AltTextInGraphemesAndNetworksWithoutAltText) {
  MediaRules r = Rules();
  r.alt_text_in_graphemes = true;
  // Five family emoji: five graphemes, many code points.
  std::string family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  EXPECT_TRUE(Check(r, 0, {Item("image/png", 1, family + family + family + family + family)}).empty());
  r.max_alt_text = 0;  // dropped, not refused
  EXPECT_TRUE(Check(r, 0, {Item("image/png", 1, "anything at all")}).empty());
}

TEST(MediaValidatorTest, ANetworkWithoutMedia) {
  auto v = Check(MediaRules{}, 1, {Item("image/png")});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "thread[0].media");
  EXPECT_THAT(v[0].message, HasSubstr("Example takes no media"));
}

TEST(MediaValidatorTest, DescribesByteLimits) {
  EXPECT_EQ(DescribeBytes(16 * 1024 * 1024), "16,777,216 bytes (16 MiB)");
  EXPECT_EQ(DescribeBytes(2'000'000), "2,000,000 bytes (2 MB)");
  EXPECT_EQ(DescribeBytes(999), "999 bytes");
  EXPECT_EQ(DescribeBytes(1234), "1,234 bytes");
}

}  // namespace
}  // namespace herald::platforms
