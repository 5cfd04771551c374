// ConvertMedia and MakeThumbnail (media/media_converter.h) on real small files made in the test.
#include "media/media_converter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "media/media_probe.h"
#include "tests/media/media_test_files.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::media {
namespace {

using platforms::ConversionSpec;
using platforms::MediaFit;
using platforms::MediaProbe;
using testing::Ffmpeg;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TempDir;

MediaProbe Probe(const std::string& path, std::string_view mime) {
  auto p = ProbeFile(path, mime);
  EXPECT_THAT(p, IsOk());
  return p.ok() ? *p : MediaProbe{};
}

std::string Png(const TempDir& dir, int w, int h) {
  const std::string path = dir.Path("in-" + std::to_string(w) + "x" + std::to_string(h) + ".png");
  Ffmpeg({"-f", "lavfi", "-i",
          "testsrc=size=" + std::to_string(w) + "x" + std::to_string(h) + ":duration=1",
          "-frames:v", "1"},
         path);
  return path;
}

// Nothing but `output` is left in the directory of `output` (no temporary file).
size_t FilesIn(const TempDir& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(dir.Path("x")).parent_path())) {
    ++n;
  }
  return n;
}

TEST(ConvertImageTest, PngToJpegResizedToFit) {
  TempDir dir;
  const std::string png = Png(dir, 400, 300);
  ConversionSpec spec;
  spec.mime_type = "image/jpeg";
  spec.max_width = 200;
  spec.max_height = 200;
  const std::string out = dir.Path("out.jpg");
  auto r = ConvertMedia(png, Probe(png, "image/png"), spec, out);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->path, out);
  EXPECT_EQ(r->mime_type, "image/jpeg");
  EXPECT_EQ(r->size, static_cast<int64_t>(std::filesystem::file_size(out)));
  EXPECT_EQ(r->probe.format, "jpeg");
  EXPECT_EQ(r->probe.width, 200);
  EXPECT_EQ(r->probe.height, 150);
  EXPECT_EQ(SniffMediaType(ReadFile(out)), "image/jpeg");
  EXPECT_EQ(FilesIn(dir), 2u);
}

TEST(ConvertImageTest, AutorotatesAndStripsGps) {
  TempDir dir;
  const std::string jpeg = testing::JpegWithExif(dir);
  const std::string input = ReadFile(jpeg);
  ASSERT_NE(input.find(std::string(testing::kGpsMarker, 8)), std::string::npos);
  ConversionSpec spec;
  spec.mime_type = "image/jpeg";
  const std::string out = dir.Path("out.jpg");
  auto r = ConvertMedia(jpeg, Probe(jpeg, "image/jpeg"), spec, out);
  ASSERT_THAT(r, IsOk());
  // Upright pixels, no orientation left to apply.
  EXPECT_EQ(r->probe.width, 32);
  EXPECT_EQ(r->probe.height, 64);
  EXPECT_EQ(r->probe.orientation, 1);
  const std::string bytes = ReadFile(out);
  EXPECT_EQ(bytes.find(std::string("Exif\0\0", 6)), std::string::npos);
  EXPECT_EQ(bytes.find(std::string(testing::kGpsMarker, 8)), std::string::npos);
}

TEST(ConvertImageTest, PadAndCropIntoTheAspectRange) {
  TempDir dir;
  const std::string wide = Png(dir, 300, 100);  // 3:1
  const MediaProbe probe = Probe(wide, "image/png");
  ConversionSpec spec;
  spec.mime_type = "image/png";
  spec.min_aspect_ratio = 0.8;
  spec.max_aspect_ratio = 1.91;
  spec.fit = MediaFit::kPad;
  auto padded = ConvertMedia(wide, probe, spec, dir.Path("pad.png"));
  ASSERT_THAT(padded, IsOk());
  EXPECT_EQ(padded->probe.width, 300);
  EXPECT_EQ(padded->probe.height, 158);  // ceil(300 / 1.91)
  spec.fit = MediaFit::kCrop;
  auto cropped = ConvertMedia(wide, probe, spec, dir.Path("crop.png"));
  ASSERT_THAT(cropped, IsOk());
  EXPECT_EQ(cropped->probe.width, 191);
  EXPECT_EQ(cropped->probe.height, 100);

  const std::string tall = Png(dir, 100, 300);
  spec.fit = MediaFit::kPad;
  padded = ConvertMedia(tall, Probe(tall, "image/png"), spec, dir.Path("pad-tall.png"));
  ASSERT_THAT(padded, IsOk());
  EXPECT_EQ(padded->probe.width, 240);
  EXPECT_EQ(padded->probe.height, 300);
}

TEST(ConvertImageTest, LowersQualityThenSizeToMeetMaxBytes) {
  TempDir dir;
  const std::string png = Png(dir, 640, 480);
  const MediaProbe probe = Probe(png, "image/png");
  ConversionSpec spec;
  spec.mime_type = "image/jpeg";
  auto full = ConvertMedia(png, probe, spec, dir.Path("full.jpg"));
  ASSERT_THAT(full, IsOk());
  spec.max_bytes = full->size / 2;
  auto small = ConvertMedia(png, probe, spec, dir.Path("small.jpg"));
  ASSERT_THAT(small, IsOk());
  EXPECT_LE(small->size, spec.max_bytes);

  spec.max_bytes = 200;  // impossible: refused, nothing written
  auto none = ConvertMedia(png, probe, spec, dir.Path("none.jpg"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(none.error().message(), HasSubstr("could not be made small enough"));
  EXPECT_FALSE(std::filesystem::exists(dir.Path("none.jpg")));
  EXPECT_EQ(FilesIn(dir), 3u);
}

TEST(ConvertImageTest, AnimatedGifToJpegKeepsTheFirstFrame) {
  TempDir dir;
  const std::string gif = dir.Path("a.gif");
  Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=1", "-f", "gif"}, gif);
  ConversionSpec spec;
  spec.mime_type = "image/jpeg";
  auto r = ConvertMedia(gif, Probe(gif, "image/gif"), spec, dir.Path("a.jpg"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->probe.frames, 1);
  EXPECT_EQ(r->probe.width, 64);
  EXPECT_EQ(r->probe.height, 48);
}

std::string Mp4(const TempDir& dir, const std::string& name, const std::string& codec, int w, int h,
                int fps) {
  const std::string path = dir.Path(name);
  std::vector<std::string> args = {"-f",
                                   "lavfi",
                                   "-i",
                                   "testsrc=size=" + std::to_string(w) + "x" + std::to_string(h) +
                                       ":rate=" + std::to_string(fps) + ":duration=2",
                                   "-f",
                                   "lavfi",
                                   "-i",
                                   "sine=frequency=440:duration=2",
                                   "-c:v",
                                   codec,
                                   "-preset",
                                   "ultrafast",
                                   "-pix_fmt",
                                   "yuv420p",
                                   "-c:a",
                                   "aac",
                                   "-shortest"};
  if (codec == "libx265") args.insert(args.end(), {"-x265-params", "log-level=error"});
  Ffmpeg(args, path);
  return path;
}

TEST(ConvertVideoTest, RemuxesWhenNothingNeedsEncoding) {
  TempDir dir;
  const std::string mp4 = Mp4(dir, "a.mp4", "libx264", 160, 120, 25);
  ConversionSpec spec;
  spec.mime_type = "video/mp4";
  auto r = ConvertMedia(mp4, Probe(mp4, "video/mp4"), spec, dir.Path("out.mp4"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->probe.video_codec, "h264");
  EXPECT_EQ(r->probe.audio_codec, "aac");
  EXPECT_EQ(r->probe.width, 160);
  // +faststart: the index (moov) comes before the media data (mdat).
  const std::string bytes = ReadFile(r->path);
  EXPECT_LT(bytes.find("moov"), bytes.find("mdat"));
}

TEST(ConvertVideoTest, TranscodesHevcToH264ScaledToEvenSizes) {
  TempDir dir;
  const std::string hevc = Mp4(dir, "hevc.mp4", "libx265", 320, 240, 25);
  const MediaProbe probe = Probe(hevc, "video/mp4");
  ASSERT_EQ(probe.video_codec, "hevc");
  ConversionSpec spec;
  spec.mime_type = "video/mp4";
  spec.transcode_video = true;
  spec.max_width = 150;
  spec.max_height = 150;
  auto r = ConvertMedia(hevc, probe, spec, dir.Path("out.mp4"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->probe.video_codec, "h264");
  EXPECT_EQ(r->probe.audio_codec, "aac");
  EXPECT_EQ(r->probe.width, 150);
  EXPECT_EQ(r->probe.height, 112);
  EXPECT_NEAR(r->probe.duration_ms, 2000, 150);
}

TEST(ConvertVideoTest, ReportsProgressUpToOneWhileTranscoding) {
  TempDir dir;
  const std::string hevc = Mp4(dir, "p.mp4", "libx265", 320, 240, 25);
  ConversionSpec spec;
  spec.mime_type = "video/mp4";
  spec.transcode_video = true;
  std::vector<double> seen;
  auto r = ConvertMedia(hevc, Probe(hevc, "video/mp4"), spec, dir.Path("out.mp4"), {},
                        [&](double fraction) { seen.push_back(fraction); });
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), 1.0);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_GE(seen[i], 0.0);
    if (i > 0) {
      EXPECT_GT(seen[i], seen[i - 1]) << "progress must only grow";
    }
  }
  // A failed conversion never reaches 1.
  std::vector<double> failed;
  const std::string broken = dir.Path("broken.mp4");
  testing::WriteFile(broken, ReadFile(hevc).substr(0, 2000));
  auto bad = ConvertMedia(broken, Probe(hevc, "video/mp4"), spec, dir.Path("out2.mp4"), {},
                          [&](double fraction) { failed.push_back(fraction); });
  EXPECT_FALSE(bad.ok());
  for (double f : failed) EXPECT_LT(f, 1.0);
}

TEST(ConvertVideoTest, CapsTheFrameRate) {
  TempDir dir;
  const std::string mp4 = Mp4(dir, "60.mp4", "libx264", 128, 96, 60);
  ConversionSpec spec;
  spec.mime_type = "video/mp4";
  spec.max_frame_rate = 30;
  auto r = ConvertMedia(mp4, Probe(mp4, "video/mp4"), spec, dir.Path("30.mp4"));
  ASSERT_THAT(r, IsOk());
  EXPECT_DOUBLE_EQ(r->probe.frame_rate, 30);
}

TEST(ConvertVideoTest, AFailedConversionLeavesNothing) {
  TempDir dir;
  const std::string mp4 = Mp4(dir, "a.mp4", "libx264", 160, 120, 25);
  MediaProbe probe = Probe(mp4, "video/mp4");
  const std::string bytes = ReadFile(mp4);
  testing::WriteFile(mp4, bytes.substr(0, bytes.size() * 3 / 10));
  ConversionSpec spec;
  spec.mime_type = "video/mp4";
  spec.transcode_video = true;
  auto r = ConvertMedia(mp4, probe, spec, dir.Path("out.mp4"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message(), HasSubstr("the video could not be converted"));
  EXPECT_EQ(FilesIn(dir), 1u);

  spec.mime_type = "video/webm";
  r = ConvertMedia(mp4, probe, spec, dir.Path("out.webm"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("MP4 (video/mp4) only"));
}

TEST(ConvertVideoTest, PastTheTimeLimit) {
  TempDir dir;
  const std::string mp4 = Mp4(dir, "a.mp4", "libx264", 160, 120, 25);
  ConversionSpec spec;
  spec.mime_type = "video/mp4";
  spec.transcode_video = true;
  ConvertLimits limits;
  limits.timeout = std::chrono::seconds(0);
  auto r = ConvertMedia(mp4, Probe(mp4, "video/mp4"), spec, dir.Path("out.mp4"), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(FilesIn(dir), 1u);
}

TEST(MakeThumbnailTest, OfAnImageAndOfAVideo) {
  TempDir dir;
  const std::string png = Png(dir, 800, 400);
  auto t = MakeThumbnail(png, Probe(png, "image/png"), dir.Path("png-thumb.jpg"), 100);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->mime_type, "image/jpeg");
  EXPECT_EQ(t->probe.width, 100);
  EXPECT_EQ(t->probe.height, 50);

  const std::string mp4 = Mp4(dir, "a.mp4", "libx264", 160, 120, 25);
  t = MakeThumbnail(mp4, Probe(mp4, "video/mp4"), dir.Path("mp4-thumb.jpg"), 80);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->probe.format, "jpeg");
  EXPECT_EQ(t->probe.width, 80);
  EXPECT_EQ(t->probe.height, 60);
  // Never enlarged.
  t = MakeThumbnail(mp4, Probe(mp4, "video/mp4"), dir.Path("mp4-big.jpg"), 1000);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->probe.width, 160);
}

}  // namespace
}  // namespace herald::media
