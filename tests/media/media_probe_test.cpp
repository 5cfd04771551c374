// SniffMediaType and ProbeFile (media/media_probe.h) on real small files made in the test.
#include "media/media_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>

#include "tests/media/media_test_files.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::media {
namespace {

using testing::Ffmpeg;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

const std::vector<std::string> kTestsrc = {"-f", "lavfi", "-i",
                                           "testsrc=size=160x120:rate=25:duration=2"};

std::vector<std::string> Mp4Args(const std::string& video_codec) {
  return {"-f",       "lavfi",     "-i",      "testsrc=size=160x120:rate=25:duration=2",
          "-f",       "lavfi",     "-i",      "sine=frequency=440:duration=2",
          "-c:v",     video_codec, "-preset", "ultrafast",
          "-pix_fmt", "yuv420p",   "-c:a",    "aac",
          "-shortest"};
}

int64_t MaxRssKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(SniffMediaTypeTest, MagicNumbersNotNames) {
  EXPECT_EQ(SniffMediaType("\x89PNG\r\n\x1a\n...."), "image/png");
  EXPECT_EQ(SniffMediaType("\xFF\xD8\xFF\xE0"), "image/jpeg");
  EXPECT_EQ(SniffMediaType("GIF89a"), "image/gif");
  EXPECT_EQ(SniffMediaType(std::string_view("RIFF\x10\0\0\0WEBPVP8 ", 16)), "image/webp");
  EXPECT_EQ(SniffMediaType(std::string_view("RIFF\x10\0\0\0WAVEfmt ", 16)), "audio/wav");
  EXPECT_EQ(SniffMediaType(std::string_view("\0\0\0\x18"
                                            "ftypheic\0\0\0\0mif1heic",
                                            24)),
            "image/heic");
  EXPECT_EQ(SniffMediaType(std::string_view("\0\0\0\x1c"
                                            "ftypavif\0\0\0\0avifmif1miaf",
                                            28)),
            "image/avif");
  EXPECT_EQ(SniffMediaType(std::string_view("\0\0\0\x1c"
                                            "ftypmif1\0\0\0\0mif1avifmiaf",
                                            28)),
            "image/avif");
  EXPECT_EQ(SniffMediaType(std::string_view("\0\0\0\x20"
                                            "ftypisom\0\0\x02\0isomiso2avc1",
                                            28)),
            "video/mp4");
  EXPECT_EQ(SniffMediaType(std::string_view("\0\0\0\x14"
                                            "ftypqt  \0\0\0\0qt  ",
                                            20)),
            "video/quicktime");
  EXPECT_EQ(SniffMediaType("\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm"), "video/webm");
  EXPECT_EQ(SniffMediaType("\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x88matroska"),
            "video/x-matroska");
  EXPECT_EQ(SniffMediaType("ID3\x04"), "audio/mpeg");
  EXPECT_EQ(SniffMediaType("\xFF\xFB\x90\x00"), "audio/mpeg");
  EXPECT_EQ(SniffMediaType("\xFF\xF1\x50\x80"), "audio/aac");
  EXPECT_EQ(SniffMediaType("OggS\0"), "audio/ogg");
  EXPECT_EQ(SniffMediaType("just some text, named cat.jpg"), "");
  EXPECT_EQ(SniffMediaType(""), "");
  EXPECT_EQ(SniffMediaType(std::string_view("\0\0\0\x08"
                                            "ftypisom",
                                            12)),
            "");
}

TEST(ProbeFileTest, PngAndJpegWithOrientation) {
  TempDir dir;
  const std::string png = dir.Path("a.png");
  Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=320x200:duration=1", "-frames:v", "1"}, png);
  auto p = ProbeFile(png, "image/png");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->kind, "image");
  EXPECT_EQ(p->format, "png");
  EXPECT_EQ(p->width, 320);
  EXPECT_EQ(p->height, 200);
  EXPECT_EQ(p->frames, 1);
  EXPECT_EQ(p->orientation, 1);

  // Stored 64x32, orientation 6: displayed 32x64.
  auto j = ProbeFile(testing::JpegWithExif(dir), "image/jpeg");
  ASSERT_THAT(j, IsOk());
  EXPECT_EQ(j->format, "jpeg");
  EXPECT_EQ(j->orientation, 6);
  EXPECT_EQ(j->width, 32);
  EXPECT_EQ(j->height, 64);
}

TEST(ProbeFileTest, AnimatedGifCountsFrames) {
  TempDir dir;
  const std::string gif = dir.Path("a.gif");
  Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=1", "-f", "gif"}, gif);
  auto p = ProbeFile(gif, "image/gif");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->format, "gif");
  EXPECT_EQ(p->width, 64);
  EXPECT_EQ(p->height, 48);
  EXPECT_EQ(p->frames, 5);
}

TEST(ProbeFileTest, H264AacMp4) {
  TempDir dir;
  const std::string mp4 = dir.Path("a.mp4");
  Ffmpeg(Mp4Args("libx264"), mp4);
  auto p = ProbeFile(mp4, "video/mp4");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->kind, "video");
  EXPECT_EQ(p->format, "mp4");
  EXPECT_EQ(p->width, 160);
  EXPECT_EQ(p->height, 120);
  EXPECT_NEAR(p->duration_ms, 2000, 100);
  EXPECT_DOUBLE_EQ(p->frame_rate, 25);
  EXPECT_EQ(p->video_codec, "h264");
  EXPECT_EQ(p->audio_codec, "aac");
  EXPECT_GT(p->bit_rate, 0);
}

TEST(ProbeFileTest, HevcSixtyFpsAndVp9WebmWithoutSound) {
  TempDir dir;
  const std::string hevc = dir.Path("hevc.mp4");
  Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=128x96:rate=60:duration=1", "-c:v", "libx265",
          "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p"},
         hevc);
  auto p = ProbeFile(hevc, "video/mp4");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->video_codec, "hevc");
  EXPECT_EQ(p->audio_codec, "");
  EXPECT_DOUBLE_EQ(p->frame_rate, 60);

  const std::string webm = dir.Path("vp9.webm");
  Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=96x64:rate=10:duration=1", "-c:v", "libvpx-vp9",
          "-deadline", "realtime", "-cpu-used", "8"},
         webm);
  p = ProbeFile(webm, "video/webm");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->format, "webm");
  EXPECT_EQ(p->video_codec, "vp9");
  EXPECT_EQ(p->width, 96);
}

TEST(ProbeFileTest, ATextFileNamedJpgIsNotAnImage) {
  TempDir dir;
  const std::string path = dir.Path("cat.jpg");
  WriteFile(path, "this is not a picture of a cat\n");
  EXPECT_EQ(SniffMediaType(ReadFile(path)), "");
  auto p = ProbeFile(path, "image/jpeg");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(p.error().message(), HasSubstr("the file is not JPEG"));
  // A PNG claimed to be a JPEG is refused as well, saying what it is.
  WriteFile(path, testing::PngClaiming(10, 1));
  p = ProbeFile(path, "image/jpeg");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.error().message(), HasSubstr("its bytes are PNG"));
}

TEST(ProbeFileTest, ATruncatedImageIsMalformed) {
  TempDir dir;
  const std::string png = dir.Path("a.png");
  Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=320x200:duration=1", "-frames:v", "1"}, png);
  const std::string bytes = ReadFile(png);
  WriteFile(png, bytes.substr(0, bytes.size() / 2));
  auto p = ProbeFile(png, "image/png");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(p.error().message(), HasSubstr("the PNG image is truncated or malformed"));
}

TEST(ProbeFileTest, ATruncatedMp4IsRefusedWithFfprobesReason) {
  TempDir dir;
  const std::string mp4 = dir.Path("a.mp4");
  Ffmpeg(Mp4Args("libx264"), mp4);
  const std::string bytes = ReadFile(mp4);
  WriteFile(mp4, bytes.substr(0, bytes.size() * 3 / 10));
  auto p = ProbeFile(mp4, "video/mp4");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(p.error().message(), HasSubstr("the video is truncated or malformed: "));
  EXPECT_THAT(p.error().message(), HasSubstr("moov atom not found"));
  EXPECT_THAT(p.error().message(), ::testing::Not(HasSubstr(dir.Path(""))));
}

TEST(ProbeFileTest, AnImage60000PixelsWideIsRefusedBeforeDecoding) {
  TempDir dir;
  const std::string path = dir.Path("bomb.png");
  // 60,000 x 60,000 greyscale would be 3.6 GB decoded.
  WriteFile(path, testing::PngClaiming(60'000, 60'000));
  const int64_t rss_before = MaxRssKiB();
  const auto start = std::chrono::steady_clock::now();
  auto p = ProbeFile(path, "image/png");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(p.error().message(),
              HasSubstr("the image is 60000x60000 pixels, over herald's limit of 16384 pixels "
                        "wide"));
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_LT(MaxRssKiB() - rss_before, 64 * 1024);

  // Within each side but over the pixel count.
  WriteFile(path, testing::PngClaiming(16'000, 16'000));
  ProbeLimits limits;
  limits.max_pixels = 10'000'000;
  p = ProbeFile(path, "image/png", limits);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.error().message(), HasSubstr("over herald's limit of 10000000 pixels"));
}

TEST(ProbeFileTest, ProbingPastTheTimeLimitStops) {
  TempDir dir;
  const std::string mp4 = dir.Path("a.mp4");
  Ffmpeg(Mp4Args("libx264"), mp4);
  ProbeLimits limits;
  limits.timeout = std::chrono::seconds(0);
  auto p = ProbeFile(mp4, "video/mp4", limits);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), base::ErrorCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace herald::media
