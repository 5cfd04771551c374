#include "media/media_converter.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <charconv>
#include <cstring>
#include <string_view>
#include <vector>

#include "media/ffmpeg_tools.h"
#include "media/media_probe.h"
#include "media/vips_support.h"

namespace herald::media {
namespace {

using platforms::ConversionSpec;
using platforms::MediaFit;
using platforms::MediaProbe;

constexpr double kAspectSlack = 0.005;

std::string Bytes(int64_t n) { return std::to_string(n) + " bytes"; }

// A new empty file next to `output` ("<output>.partXXXXXX"), removed unless Commit()ed, which
// renames it to `output`.
class TempFile {
 public:
  explicit TempFile(const std::string& output) : output_(output) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty() && !committed_) unlink(path_.c_str());
  }

  base::Result<void> Create() {
    std::string pattern = output_ + ".partXXXXXX";
    const int fd = mkstemp(pattern.data());
    if (fd < 0) {
      return base::Internal("cannot create a file next to " + output_ + ": " +
                            std::strerror(errno));
    }
    close(fd);
    path_ = pattern;
    return {};
  }

  base::Result<void> Write(const void* data, size_t size) {
    FILE* f = std::fopen(path_.c_str(), "wb");
    if (f == nullptr) return base::Internal("cannot open " + path_ + ": " + std::strerror(errno));
    const bool written = std::fwrite(data, 1, size, f) == size;
    const bool closed = std::fclose(f) == 0;
    if (!written || !closed) return base::Internal("cannot write " + path_);
    return {};
  }

  base::Result<void> Commit() {
    if (std::rename(path_.c_str(), output_.c_str()) != 0) {
      return base::Internal("cannot rename " + path_ + " to " + output_ + ": " +
                            std::strerror(errno));
    }
    committed_ = true;
    return {};
  }

  const std::string& path() const { return path_; }

 private:
  std::string output_;
  std::string path_;
  bool committed_ = false;
};

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

// Probes the finished temporary file, then gives it its name.
base::Result<ConvertedFile> Finish(TempFile& temp, const std::string& output,
                                   const std::string& mime) {
  auto probe = ProbeFile(temp.path(), mime);
  if (!probe.ok()) {
    return base::Internal("the converted file does not probe: " + probe.error().message());
  }
  ConvertedFile file;
  file.size = FileSize(temp.path());
  auto committed = temp.Commit();
  if (!committed.ok()) return committed.error();
  file.path = output;
  file.mime_type = mime;
  file.probe = std::move(*probe);
  return file;
}

// ---- Images (libvips) ----------------------------------------------------------------------

bool IsImageOutput(const std::string& mime) {
  return mime == "image/jpeg" || mime == "image/png" || mime == "image/webp" ||
         mime == "image/gif" || mime == "image/heic" || mime == "image/heif" ||
         mime == "image/avif";
}

bool HasQuality(const std::string& mime) { return mime != "image/png" && mime != "image/gif"; }

// Encodes `image` as `mime` into `out`.
bool Encode(VipsImage* image, const std::string& mime, int quality, bool strip,
            std::vector<char>& out) {
  void* buffer = nullptr;
  size_t size = 0;
  const gboolean s = strip ? TRUE : FALSE;
  int rc;
  if (mime == "image/jpeg") {
    rc = vips_jpegsave_buffer(image, &buffer, &size, "Q", quality, "strip", s, "optimize_coding",
                              TRUE, nullptr);
  } else if (mime == "image/png") {
    rc = vips_pngsave_buffer(image, &buffer, &size, "compression", 6, "strip", s, nullptr);
  } else if (mime == "image/webp") {
    rc = vips_webpsave_buffer(image, &buffer, &size, "Q", quality, "strip", s, nullptr);
  } else if (mime == "image/gif") {
    rc = vips_gifsave_buffer(image, &buffer, &size, "strip", s, nullptr);
  } else {
    rc = vips_heifsave_buffer(image, &buffer, &size, "Q", quality, "strip", s, "compression",
                              mime == "image/avif" ? VIPS_FOREIGN_HEIF_COMPRESSION_AV1
                                                   : VIPS_FOREIGN_HEIF_COMPRESSION_HEVC,
                              nullptr);
  }
  if (rc != 0) return false;
  out.assign(static_cast<char*>(buffer), static_cast<char*>(buffer) + size);
  g_free(buffer);
  return true;
}

double White(VipsImage* image) { return image->BandFmt == VIPS_FORMAT_USHORT ? 65535.0 : 255.0; }

// Pads (white, centred) or crops (centre) `image` into the spec's aspect-ratio range.
bool FitAspect(VipsRef& image, const ConversionSpec& spec) {
  if (spec.fit == MediaFit::kNone) return true;
  const int w = vips_image_get_width(image.get());
  const int h = vips_image_get_height(image.get());
  const double ratio = static_cast<double>(w) / h;
  const bool too_wide = spec.max_aspect_ratio > 0 && ratio > spec.max_aspect_ratio + kAspectSlack;
  const bool too_tall = spec.min_aspect_ratio > 0 && ratio < spec.min_aspect_ratio - kAspectSlack;
  if (!too_wide && !too_tall) return true;
  VipsRef fitted;
  if (spec.fit == MediaFit::kPad) {
    const int new_w = too_tall ? static_cast<int>(std::ceil(h * spec.min_aspect_ratio)) : w;
    const int new_h = too_wide ? static_cast<int>(std::ceil(w / spec.max_aspect_ratio)) : h;
    std::vector<double> white(vips_image_get_bands(image.get()), White(image.get()));
    VipsArrayDouble* background =
        vips_array_double_new(white.data(), static_cast<int>(white.size()));
    const int rc =
        vips_gravity(image.get(), fitted.out(), VIPS_COMPASS_DIRECTION_CENTRE, new_w, new_h,
                     "extend", VIPS_EXTEND_BACKGROUND, "background", background, nullptr);
    vips_area_unref(VIPS_AREA(background));
    if (rc != 0) return false;
  } else {
    const int new_w = too_wide ? std::max(1, static_cast<int>(h * spec.max_aspect_ratio)) : w;
    const int new_h = too_tall ? std::max(1, static_cast<int>(w / spec.min_aspect_ratio)) : h;
    if (vips_extract_area(image.get(), fitted.out(), (w - new_w) / 2, (h - new_h) / 2, new_w, new_h,
                          nullptr) != 0) {
      return false;
    }
  }
  image = std::move(fitted);
  return true;
}

// Scales `image` down by `scale` (< 1), or to fit the spec's box when it overflows it.
bool Shrink(VipsRef& image, const ConversionSpec& spec, double scale) {
  const int w = vips_image_get_width(image.get());
  const int h = vips_image_get_height(image.get());
  if (spec.max_width > 0 && w > spec.max_width) {
    scale = std::min(scale, static_cast<double>(spec.max_width) / w);
  }
  if (spec.max_height > 0 && h > spec.max_height) {
    scale = std::min(scale, static_cast<double>(spec.max_height) / h);
  }
  if (scale >= 1) return true;
  VipsRef smaller;
  if (vips_resize(image.get(), smaller.out(), scale, nullptr) != 0) return false;
  image = std::move(smaller);
  return true;
}

base::Result<ConvertedFile> ConvertImage(const std::string& input, const MediaProbe& probe,
                                         const ConversionSpec& spec, const std::string& output) {
  if (!IsImageOutput(spec.mime_type)) {
    return base::InvalidArgument("herald cannot convert an image to " + spec.mime_type);
  }
  if (!EnsureVips()) return base::Internal("libvips did not start");
  const std::string failed = "the image could not be converted: ";
  const bool keep_frames = probe.frames > 1 && spec.fit == MediaFit::kNone &&
                           (spec.mime_type == "image/gif" || spec.mime_type == "image/webp");
  // Load, turn upright by the EXIF orientation and shrink into the box in one pass (JPEG
  // shrink-on-load keeps memory low for large photos).
  VipsRef image;
  const int box_w = spec.max_width > 0 ? spec.max_width : VIPS_MAX_COORD;
  const int box_h = spec.max_height > 0 ? spec.max_height : VIPS_MAX_COORD;
  int rc;
  if (keep_frames) {
    VipsRef all(vips_image_new_from_file(input.c_str(), "n", -1, nullptr));
    rc = !all ? -1
              : vips_thumbnail_image(all.get(), image.out(), box_w, "height", box_h, "size",
                                     VIPS_SIZE_DOWN, nullptr);
  } else {
    rc = vips_thumbnail(input.c_str(), image.out(), box_w, "height", box_h, "size", VIPS_SIZE_DOWN,
                        nullptr);
  }
  if (rc != 0) return base::InvalidArgument(failed + TakeVipsError());
  if (!FitAspect(image, spec) || !Shrink(image, spec, 1.0)) {
    return base::InvalidArgument(failed + TakeVipsError());
  }
  if (spec.mime_type == "image/jpeg" && vips_image_hasalpha(image.get())) {
    double white[3] = {255, 255, 255};
    VipsArrayDouble* background = vips_array_double_new(white, 3);
    VipsRef flat;
    const int flattened = vips_flatten(image.get(), flat.out(), "background", background, nullptr);
    vips_area_unref(VIPS_AREA(background));
    if (flattened != 0) return base::InvalidArgument(failed + TakeVipsError());
    image = std::move(flat);
  }
  // Lower the quality step by step, then the dimensions, until the result fits max_bytes. The
  // pipeline reads its file once, in order: keep the (already shrunk) pixels for the retries.
  if (spec.max_bytes > 0) {
    VipsImage* pixels = vips_image_copy_memory(image.get());
    if (pixels == nullptr) return base::InvalidArgument(failed + TakeVipsError());
    image.Reset(pixels);
  }
  const std::vector<int> qualities =
      HasQuality(spec.mime_type) ? std::vector<int>{85, 75, 65, 55, 45} : std::vector<int>{0};
  std::vector<char> encoded;
  size_t smallest = 0;
  for (int step = 0; step < 6; ++step) {
    VipsRef scaled;
    if (step > 0) {
      if (vips_copy(image.get(), scaled.out(), nullptr) != 0 ||
          !Shrink(scaled, spec, std::pow(0.8, step))) {
        return base::InvalidArgument(failed + TakeVipsError());
      }
    }
    VipsImage* current = step > 0 ? scaled.get() : image.get();
    for (int quality : qualities) {
      if (!Encode(current, spec.mime_type, quality, spec.strip_metadata, encoded)) {
        return base::InvalidArgument(failed + TakeVipsError());
      }
      smallest = smallest == 0 ? encoded.size() : std::min(smallest, encoded.size());
      if (spec.max_bytes <= 0 || static_cast<int64_t>(encoded.size()) <= spec.max_bytes) {
        TempFile temp(output);
        if (auto r = temp.Create(); !r.ok()) return r.error();
        if (auto r = temp.Write(encoded.data(), encoded.size()); !r.ok()) return r.error();
        return Finish(temp, output, spec.mime_type);
      }
    }
  }
  return base::InvalidArgument("the image could not be made small enough: at best " +
                               Bytes(static_cast<int64_t>(smallest)) + ", over the limit of " +
                               Bytes(spec.max_bytes));
}

// ---- Video (ffmpeg) ------------------------------------------------------------------------

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// ffmpeg's -progress output ("out_time_us=1234567", ..., "progress=continue|end") as a
// fraction of `duration_ms`, handed to `progress` (which drops values that did not grow).
LineSink ProgressLines(int64_t duration_ms, const ConvertProgress& progress) {
  if (!progress || duration_ms <= 0) return {};
  return [duration_ms, &progress](std::string_view line) {
    double fraction = -1;
    constexpr std::string_view kTime = "out_time_us=";
    if (line == "progress=end") {
      fraction = 1;
    } else if (line.substr(0, kTime.size()) == kTime) {
      int64_t us = 0;
      auto digits = line.substr(kTime.size());
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), us);
      if (ec != std::errc() || us < 0) return;  // "N/A" before the first frame
      fraction = std::min(1.0, static_cast<double>(us) / 1000.0 / static_cast<double>(duration_ms));
    }
    if (fraction >= 0) progress(fraction);
  };
}

base::Result<ConvertedFile> ConvertVideo(const std::string& input, const MediaProbe& probe,
                                         const ConversionSpec& spec, const std::string& output,
                                         const ConvertLimits& limits,
                                         const ConvertProgress& progress) {
  if (spec.mime_type != "video/mp4") {
    return base::InvalidArgument("herald converts video to MP4 (video/mp4) only, not " +
                                 spec.mime_type);
  }
  if (probe.kind != "video") {
    return base::InvalidArgument("herald converts video only; this is " +
                                 (probe.kind.empty() ? std::string("not probed") : probe.kind));
  }
  // Fit inside the box, even sizes (H.264 4:2:0 needs them).
  double scale = 1;
  if (spec.max_width > 0 && probe.width > spec.max_width) {
    scale = std::min(scale, static_cast<double>(spec.max_width) / probe.width);
  }
  if (spec.max_height > 0 && probe.height > spec.max_height) {
    scale = std::min(scale, static_cast<double>(spec.max_height) / probe.height);
  }
  const int width = std::max(2, static_cast<int>(probe.width * scale) / 2 * 2);
  const int height = std::max(2, static_cast<int>(probe.height * scale) / 2 * 2);
  const bool cap_fps = spec.max_frame_rate > 0 && probe.frame_rate > spec.max_frame_rate + 0.01;
  const bool transcode = spec.transcode_video || scale < 1 || cap_fps;

  TempFile temp(output);
  if (auto r = temp.Create(); !r.ok()) return r.error();
  std::vector<std::string> args = {"-v",   "error", "-y",   "-i",     FfmpegPath(input),
                                   "-map", "0:v:0", "-map", "0:a:0?", "-sn",
                                   "-dn"};
  if (spec.strip_metadata) args.insert(args.end(), {"-map_metadata", "-1"});
  if (transcode) {
    std::string filters = "scale=" + std::to_string(width) + ":" + std::to_string(height);
    if (cap_fps) filters += ",fps=" + Number(spec.max_frame_rate);
    args.insert(args.end(), {"-vf", filters, "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                             "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k"});
    if (spec.max_bytes > 0 && probe.duration_ms > 0) {
      // Cap the bit rate so the file fits: 8% for the container, 128 kb/s for the sound.
      const double seconds = probe.duration_ms / 1000.0;
      const int64_t video_bps = static_cast<int64_t>(spec.max_bytes * 8 * 0.92 / seconds) - 128'000;
      if (video_bps < 100'000) {
        return base::InvalidArgument("the video is too long to fit in " + Bytes(spec.max_bytes) +
                                     " at any watchable quality");
      }
      args.insert(args.end(), {"-maxrate", std::to_string(video_bps), "-bufsize",
                               std::to_string(2 * video_bps)});
    }
  } else {
    args.insert(args.end(), {"-c", "copy"});
  }
  auto on_line = ProgressLines(probe.duration_ms, progress);
  if (on_line) args.insert(args.end(), {"-progress", "pipe:1", "-nostats"});
  args.insert(args.end(), {"-movflags", "+faststart", "-f", "mp4", FfmpegPath(temp.path())});
  auto run =
      RunFfmpeg("ffmpeg", args,
                FfmpegLimits(limits.timeout, limits.max_memory_bytes, limits.max_output_bytes),
                on_line);
  if (!run.ok()) return run.error();
  if (run->signal == SIGXFSZ) {
    return base::InvalidArgument("the converted video grew past herald's limit of " +
                                 Bytes(limits.max_output_bytes));
  }
  if (!run->ok()) {
    return base::InvalidArgument("the video could not be converted: " +
                                 FfmpegReason(run->err, run->Describe()));
  }
  const int64_t size = FileSize(temp.path());
  if (spec.max_bytes > 0 && size > spec.max_bytes) {
    return base::InvalidArgument("the converted video is " + Bytes(size) +
                                 ", still over the limit of " + Bytes(spec.max_bytes));
  }
  return Finish(temp, output, "video/mp4");
}

}  // namespace

base::Result<ConvertedFile> ConvertMedia(const std::string& input, const MediaProbe& probe,
                                         const ConversionSpec& spec, const std::string& output,
                                         const ConvertLimits& limits,
                                         const ConvertProgress& progress) {
  double reported = -1;
  ConvertProgress increasing;
  if (progress) {
    increasing = [&](double fraction) {
      if (fraction <= reported) return;
      reported = fraction;
      progress(fraction);
    };
  }
  auto converted = probe.kind == "image"
                       ? ConvertImage(input, probe, spec, output)
                       : ConvertVideo(input, probe, spec, output, limits, increasing);
  if (converted.ok() && increasing) increasing(1);
  return converted;
}

base::Result<ConvertedFile> MakeThumbnail(const std::string& input, const MediaProbe& probe,
                                          const std::string& output, int max_side,
                                          const ConvertLimits& limits) {
  if (probe.kind == "image") {
    ConversionSpec spec;
    spec.mime_type = "image/jpeg";
    spec.max_width = max_side;
    spec.max_height = max_side;
    return ConvertImage(input, probe, spec, output);
  }
  if (probe.kind != "video") {
    return base::InvalidArgument("an audio file has no picture to make a thumbnail of");
  }
  const std::string side = std::to_string(max_side);
  TempFile temp(output);
  if (auto r = temp.Create(); !r.ok()) return r.error();
  auto run =
      RunFfmpeg("ffmpeg",
                {"-v",
                 "error",
                 "-y",
                 "-ss",
                 probe.duration_ms > 1000 ? "1" : "0",
                 "-i",
                 FfmpegPath(input),
                 "-frames:v",
                 "1",
                 "-map_metadata",
                 "-1",
                 "-vf",
                 "scale=w='min(" + side + ",iw)':h='min(" + side +
                     ",ih)':force_original_aspect_ratio=decrease",
                 "-q:v",
                 "4",
                 "-f",
                 "image2",
                 "-c:v",
                 "mjpeg",
                 FfmpegPath(temp.path())},
                FfmpegLimits(limits.timeout, limits.max_memory_bytes, limits.max_output_bytes));
  if (!run.ok()) return run.error();
  if (!run->ok() || FileSize(temp.path()) <= 0) {
    return base::InvalidArgument("no thumbnail could be made of the video: " +
                                 FfmpegReason(run->err, run->Describe()));
  }
  return Finish(temp, output, "image/jpeg");
}

}  // namespace herald::media
