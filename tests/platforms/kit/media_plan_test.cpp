// PlanMedia (platforms/kit/media_plan.h): what herald does with one item for one network, and
// MediaValidator reporting it (refusals are violations, conversions are not).
#include "platforms/kit/media_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platforms/kit/media_validator.h"
#include "platforms/kit/post_validator.h"

namespace herald::platforms {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Action = MediaPlan::Action;

MediaItem Image(std::string mime, int w, int h, int64_t size = 100'000) {
  MediaItem item;
  item.mime_type = std::move(mime);
  item.size = size;
  item.probe.kind = "image";
  item.probe.format = item.mime_type.substr(6);
  item.probe.width = w;
  item.probe.height = h;
  return item;
}

MediaItem Video(std::string codec, int64_t duration_ms, double fps = 30, int w = 1280, int h = 720,
                int64_t size = 5'000'000, std::string mime = "video/mp4") {
  MediaItem item;
  item.mime_type = std::move(mime);
  item.size = size;
  item.probe.kind = "video";
  item.probe.format = "mp4";
  item.probe.width = w;
  item.probe.height = h;
  item.probe.duration_ms = duration_ms;
  item.probe.frame_rate = fps;
  item.probe.video_codec = std::move(codec);
  item.probe.audio_codec = "aac";
  return item;
}

// Instagram-like: JPEG only, 1080 wide at most, 4:5 to 1.91:1, 8 MB.
MediaRules JpegOnly() {
  MediaRules r;
  r.max_items = 10;
  r.max_image_bytes = 8'000'000;
  r.mime_types = {"image/jpeg"};
  r.max_width = 1080;
  r.min_aspect_ratio = 0.8;
  r.max_aspect_ratio = 1.91;
  return r;
}

// TikTok-like: MP4 H.264/AAC, 10 minutes, 30 fps.
MediaRules VideoOnly() {
  MediaRules r;
  r.max_items = 1;
  r.max_video_bytes = 1LL << 30;
  r.mime_types = {"video/mp4", "video/quicktime"};
  r.max_video_duration_ms = 10 * 60 * 1000;
  r.min_video_duration_ms = 3000;
  r.max_frame_rate = 30;
  r.video_codecs = {"h264"};
  r.audio_codecs = {"aac"};
  return r;
}

struct Case {
  const char* name;
  MediaRules rules;
  MediaItem item;
  MediaFit fit;
  Action action;
  const char* reason;  // a substring of the first reason
};

TEST(PlanMediaTest, RulesTimesProbes) {
  MediaRules jpeg_png = JpegOnly();
  jpeg_png.mime_types = {"image/jpeg", "image/png"};
  MediaRules images_only = JpegOnly();
  images_only.max_width = 0;
  const Case cases[] = {
      {"a fitting JPEG", JpegOnly(), Image("image/jpeg", 1080, 1080), MediaFit::kNone,
       Action::kAsIs, ""},
      {"PNG to a JPEG-only network", JpegOnly(), Image("image/png", 1000, 1000), MediaFit::kNone,
       Action::kConvert, "Example takes JPEG only; herald converts the PNG to JPEG"},
      {"WebP to a JPEG or PNG network", jpeg_png, Image("image/webp", 1000, 1000), MediaFit::kNone,
       Action::kConvert, "Example takes JPEG but not WEBP"},
      {"5000 px to a 1080-max network", JpegOnly(), Image("image/jpeg", 5000, 4000),
       MediaFit::kNone, Action::kConvert,
       "the image is 5000x4000 pixels, over Example's limit of 1080 pixels wide; herald "
       "resizes it to fit"},
      {"3:1 without fit", JpegOnly(), Image("image/jpeg", 900, 300), MediaFit::kNone,
       Action::kRefuse,
       "the image is 900x300 pixels, an aspect ratio of 3.00 (width / height), outside "
       "Example's range of 0.80 to 1.91; set fit to pad"},
      {"3:1 with pad", JpegOnly(), Image("image/jpeg", 900, 300), MediaFit::kPad, Action::kConvert,
       "herald pads it with white bars to fit"},
      {"3:1 with crop", JpegOnly(), Image("image/jpeg", 900, 300), MediaFit::kCrop,
       Action::kConvert, "herald crops it around the centre to fit"},
      {"oversize JPEG", JpegOnly(), Image("image/jpeg", 1080, 1080, 9'000'000), MediaFit::kNone,
       Action::kConvert,
       "the image is 9,000,000 bytes (9 MB), over Example's limit of 8,000,000 bytes (8 MB) per "
       "image; herald re-encodes it smaller"},
      {"video to an image-only network", images_only, Video("h264", 10'000), MediaFit::kNone,
       Action::kRefuse, "Example takes no video (accepted: image/jpeg)"},
      {"image to a video-only network", VideoOnly(), Image("image/jpeg", 100, 100), MediaFit::kNone,
       Action::kRefuse, "Example takes no images"},
      {"a fitting video", VideoOnly(), Video("h264", 60'000), MediaFit::kNone, Action::kAsIs, ""},
      {"15 minutes to a 10-minute max", VideoOnly(), Video("h264", 15 * 60 * 1000), MediaFit::kNone,
       Action::kRefuse,
       "the video is 15:00 long, over Example's limit of 10:00; herald does not shorten it"},
      {"just over 10 minutes", VideoOnly(), Video("h264", 10 * 60 * 1000 + 400), MediaFit::kNone,
       Action::kRefuse, "the video is 10:00.4 long, over Example's limit of 10:00"},
      {"2 s under a 3 s minimum", VideoOnly(), Video("h264", 2000), MediaFit::kNone,
       Action::kRefuse, "the video is 0:02 long, under Example's minimum of 0:03"},
      {"HEVC to an H.264-only network", VideoOnly(), Video("hevc", 60'000), MediaFit::kNone,
       Action::kConvert,
       "Example takes H.264 video only; herald transcodes the HEVC (H.265) video to H.264"},
      {"60 fps to a 30 fps max", VideoOnly(), Video("h264", 60'000, 60), MediaFit::kNone,
       Action::kConvert,
       "the video runs at 60 frames per second, over Example's limit of 30; herald lowers it "
       "to 30"},
      {"29.97 fps is 30", VideoOnly(), Video("h264", 60'000, 29.97), MediaFit::kNone, Action::kAsIs,
       ""},
      {"WebM VP9 to an MP4 network", VideoOnly(),
       Video("vp9", 60'000, 30, 1280, 720, 5'000'000, "video/webm"), MediaFit::kNone,
       Action::kConvert, "Example takes MP4 but not WEBM; herald converts the video as MP4"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const MediaPlan plan = PlanMedia("Example", c.rules, c.item, c.fit);
    EXPECT_EQ(plan.action, c.action);
    if (c.action == Action::kAsIs) {
      EXPECT_TRUE(plan.reasons.empty());
      continue;
    }
    ASSERT_FALSE(plan.reasons.empty());
    EXPECT_THAT(plan.reasons[0], HasSubstr(c.reason));
  }
}

TEST(PlanMediaTest, TheSpecSaysWhatToProduce) {
  MediaPlan plan = PlanMedia("Example", JpegOnly(), Image("image/png", 5000, 1000), MediaFit::kPad);
  ASSERT_EQ(plan.action, Action::kConvert);
  EXPECT_EQ(plan.reasons.size(), 3u);  // type, size, aspect
  EXPECT_EQ(plan.spec.mime_type, "image/jpeg");
  EXPECT_EQ(plan.spec.max_width, 1080);
  EXPECT_EQ(plan.spec.fit, MediaFit::kPad);
  EXPECT_DOUBLE_EQ(plan.spec.min_aspect_ratio, 0.8);
  EXPECT_DOUBLE_EQ(plan.spec.max_aspect_ratio, 1.91);
  EXPECT_EQ(plan.spec.max_bytes, 8'000'000);
  EXPECT_TRUE(plan.spec.strip_metadata);

  plan = PlanMedia("Example", VideoOnly(), Video("hevc", 60'000, 60), MediaFit::kNone);
  ASSERT_EQ(plan.action, Action::kConvert);
  EXPECT_EQ(plan.spec.mime_type, "video/mp4");
  EXPECT_TRUE(plan.spec.transcode_video);
  EXPECT_DOUBLE_EQ(plan.spec.max_frame_rate, 30);

  // A MOV with accepted codecs is accepted as it is; a refusal carries no spec.
  plan = PlanMedia("Example", VideoOnly(),
                   Video("h264", 60'000, 30, 1280, 720, 1000, "video/quicktime"), MediaFit::kNone);
  EXPECT_EQ(plan.action, Action::kAsIs);
  plan = PlanMedia("Example", VideoOnly(), Video("hevc", 15 * 60 * 1000), MediaFit::kNone);
  EXPECT_EQ(plan.action, Action::kRefuse);
  EXPECT_EQ(plan.reasons.size(), 1u);  // only what cannot be fixed
  EXPECT_EQ(plan.spec.mime_type, "");
}

TEST(PlanMediaTest, WithoutAProbeOnlyTypeAndSize) {
  MediaItem item;
  item.mime_type = "image/png";
  item.size = 9'000'000;
  MediaPlan plan = PlanMedia("Example", JpegOnly(), item, MediaFit::kNone);
  ASSERT_EQ(plan.action, Action::kRefuse);
  EXPECT_THAT(plan.reasons,
              ElementsAre("the file has type \"image/png\", which Example does not accept "
                          "(accepted: image/jpeg)"));
  item.mime_type = "image/jpeg";
  plan = PlanMedia("Example", JpegOnly(), item, MediaFit::kNone);
  ASSERT_EQ(plan.action, Action::kRefuse);
  EXPECT_THAT(plan.reasons, ElementsAre("the image is 9,000,000 bytes (9 MB), over Example's limit of "
                                        "8,000,000 bytes (8 MB) per image"));
  item.size = 1000;
  EXPECT_EQ(PlanMedia("Example", JpegOnly(), item, MediaFit::kNone).action, Action::kAsIs);
}

TEST(MediaValidatorPlanTest, RefusalsAreViolationsConversionsAreReported) {
  const MediaValidator validator("Example", JpegOnly());
  std::vector<Violation> violations;
  std::vector<Violation> conversions;
  validator.Check(0, {Image("image/png", 1000, 1000), Image("image/jpeg", 900, 300)},
                  MediaFit::kNone, violations, &conversions);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "media[1]");
  EXPECT_THAT(violations[0].message, HasSubstr("media[1]: the image is 900x300 pixels"));
  ASSERT_EQ(conversions.size(), 1u);
  EXPECT_EQ(conversions[0].field, "media[0]");
  EXPECT_EQ(conversions[0].message,
            "media[0]: Example takes JPEG only; herald converts the PNG to JPEG");

  // With the post's fit, through PostValidator: the report says both.
  PostRules rules;
  rules.text = {.network = "Example", .limit = 100, .unit = text::LengthUnit::kCodePoints};
  rules.needs = "text or a photo";
  rules.empty_part = "Example needs text or a photo";
  rules.media = JpegOnly();
  Content content;
  content.parts = {{"hello", {Image("image/png", 1000, 1000), Image("image/jpeg", 900, 300)}}};
  content.fit = MediaFit::kCrop;
  const ValidationReport report = PostValidator(rules).Validate(content);
  EXPECT_TRUE(report.ok());
  ASSERT_EQ(report.conversions.size(), 2u);
  EXPECT_EQ(report.conversions[1].field, "media[1]");
  EXPECT_THAT(report.conversions[1].message, HasSubstr("crops it around the centre"));
}

}  // namespace
}  // namespace herald::platforms
