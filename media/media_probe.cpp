#include "media/media_probe.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "base/json.h"
#include "media/ffmpeg_tools.h"
#include "media/vips_support.h"

namespace herald::media {
namespace {

using platforms::MediaProbe;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// The ISO base media file types (MP4, MOV, HEIF, AVIF) by their major and compatible brands.
std::string_view SniffFtyp(std::string_view head) {
  const std::string_view major = head.substr(8, 4);
  // The compatible brands, as far as `head` holds the box.
  uint32_t box = (static_cast<uint8_t>(head[0]) << 24) | (static_cast<uint8_t>(head[1]) << 16) |
                 (static_cast<uint8_t>(head[2]) << 8) | static_cast<uint8_t>(head[3]);
  const size_t end = std::min<size_t>(box, head.size());
  const std::string_view brands = end > 16 ? head.substr(16, end - 16) : std::string_view();
  auto has = [&](std::string_view brand) {
    if (major == brand) return true;
    for (size_t i = 0; i + 4 <= brands.size(); i += 4) {
      if (brands.substr(i, 4) == brand) return true;
    }
    return false;
  };
  if (major == "avif" || major == "avis") return "image/avif";
  if (major == "heic" || major == "heix" || major == "hevc" || major == "hevx" || major == "heim" ||
      major == "heis") {
    return "image/heic";
  }
  if (major == "mif1" || major == "msf1") return has("avif") ? "image/avif" : "image/heic";
  if (major == "qt  ") return "video/quicktime";
  if (major == "M4A " || major == "M4B ") return "audio/mp4";
  return "video/mp4";
}

// Types that name the same bytes: the probe accepts either.
std::string_view Canonical(std::string_view mime) {
  if (mime == "image/jpg" || mime == "image/pjpeg") return "image/jpeg";
  if (mime == "image/heif") return "image/heic";
  if (mime == "video/x-m4v") return "video/mp4";
  if (mime == "audio/mp3") return "audio/mpeg";
  if (mime == "audio/x-wav" || mime == "audio/wave") return "audio/wav";
  if (mime == "video/matroska") return "video/x-matroska";
  return mime;
}

std::string FormatOf(std::string_view mime) {
  static const std::pair<std::string_view, std::string_view> kFormats[] = {
      {"image/png", "png"},        {"image/jpeg", "jpeg"},     {"image/gif", "gif"},
      {"image/webp", "webp"},      {"image/heic", "heif"},     {"image/avif", "avif"},
      {"video/mp4", "mp4"},        {"video/quicktime", "mov"}, {"video/webm", "webm"},
      {"video/x-matroska", "mkv"}, {"audio/mpeg", "mp3"},      {"audio/wav", "wav"},
      {"audio/ogg", "ogg"},        {"audio/flac", "flac"},     {"audio/aac", "aac"},
      {"audio/mp4", "m4a"}};
  for (const auto& [type, format] : kFormats) {
    if (type == mime) return std::string(format);
  }
  return "";
}

std::string Describe(std::string_view mime) {
  const std::string format = FormatOf(mime);
  std::string upper;
  for (char c : format) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.empty() ? std::string(mime) : upper;
}

base::Error OverLimit(std::string_view what, int width, int height, const ProbeLimits& limits) {
  std::string message = std::string(what) + " is " + std::to_string(width) + "x" +
                        std::to_string(height) + " pixels, over herald's limit of ";
  if (width > limits.max_width) {
    message += std::to_string(limits.max_width) + " pixels wide";
  } else if (height > limits.max_height) {
    message += std::to_string(limits.max_height) + " pixels high";
  } else {
    message += std::to_string(limits.max_pixels) + " pixels";
  }
  return base::InvalidArgument(message);
}

bool WithinLimits(int width, int height, const ProbeLimits& limits) {
  return width <= limits.max_width && height <= limits.max_height &&
         static_cast<int64_t>(width) * height <= limits.max_pixels;
}

base::Result<MediaProbe> ProbeImage(const std::string& path, std::string_view mime,
                                    const ProbeLimits& limits) {
  if (!EnsureVips()) return base::Internal("libvips did not start");
  const std::string malformed = "the " + Describe(mime) + " image is truncated or malformed: ";
  // Opening reads the header only: the limits are checked before any pixel is decoded.
  VipsRef image(vips_image_new_from_file(path.c_str(), "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                         VIPS_FAIL_ON_ERROR, nullptr));
  if (!image) return base::InvalidArgument(malformed + TakeVipsError());
  MediaProbe probe;
  probe.kind = "image";
  probe.format = FormatOf(mime);
  probe.frames = std::max(1, vips_image_get_n_pages(image.get()));
  probe.orientation = vips_image_get_orientation(image.get());
  const int stored_width = vips_image_get_width(image.get());
  const int stored_height = vips_image_get_page_height(image.get());
  const bool swap = vips_image_get_orientation_swap(image.get());
  probe.width = swap ? stored_height : stored_width;
  probe.height = swap ? stored_width : stored_height;
  if (!WithinLimits(stored_width, stored_height, limits)) {
    return OverLimit("the image", probe.width, probe.height, limits);
  }
  if (static_cast<int64_t>(stored_width) * stored_height * probe.frames > 4 * limits.max_pixels) {
    return base::InvalidArgument("the image has " + std::to_string(probe.frames) + " frames of " +
                                 std::to_string(probe.width) + "x" + std::to_string(probe.height) +
                                 " pixels, over herald's limit of " +
                                 std::to_string(4 * limits.max_pixels) + " pixels in all");
  }
  // Decode the first frame through (streaming, constant memory) to find truncation and damage.
  double mean = 0;
  if (vips_avg(image.get(), &mean, nullptr) != 0) {
    return base::InvalidArgument(malformed + TakeVipsError());
  }
  return probe;
}

double ParseRate(const std::string& rate) {
  const size_t slash = rate.find('/');
  const double num = std::atof(rate.substr(0, slash).c_str());
  const double den = slash == std::string::npos ? 1 : std::atof(rate.substr(slash + 1).c_str());
  return den > 0 ? num / den : 0;
}

int64_t ParseInt(const base::Json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) return std::atoll(value.get<std::string>().c_str());
  return 0;
}

// The display rotation of a video stream in degrees (side data, or the old "rotate" tag).
int Rotation(const base::Json& stream) {
  if (auto it = stream.find("side_data_list"); it != stream.end() && it->is_array()) {
    for (const auto& side : *it) {
      if (auto r = side.find("rotation"); r != side.end()) return static_cast<int>(ParseInt(*r));
    }
  }
  if (auto tags = stream.find("tags"); tags != stream.end() && tags->is_object()) {
    if (auto r = tags->find("rotate"); r != tags->end()) return static_cast<int>(ParseInt(*r));
  }
  return 0;
}

base::Result<MediaProbe> ProbeVideo(const std::string& path, std::string_view mime,
                                    const ProbeLimits& limits) {
  const bool audio = StartsWith(mime, "audio/");
  const std::string what = audio ? "the audio file" : "the video";
  auto run = RunFfmpeg(
      "ffprobe",
      {"-v", "error", "-print_format", "json", "-show_format", "-show_streams", FfmpegPath(path)},
      FfmpegLimits(limits.timeout, limits.max_memory_bytes));
  if (!run.ok()) return run.error();
  const std::string malformed = what + " is truncated or malformed: ";
  if (!run->ok()) {
    return base::InvalidArgument(malformed + FfmpegReason(run->err, run->Describe()));
  }
  auto json = base::ParseJson(run->out);
  if (!json.ok() || !json->is_object()) {
    return base::InvalidArgument(malformed + "ffprobe gave no readable answer");
  }
  MediaProbe probe;
  probe.format = FormatOf(mime);
  const base::Json& format = (*json)["format"];
  const base::Json streams = json->value("streams", base::Json::array());
  const base::Json* video = nullptr;
  const base::Json* sound = nullptr;
  for (const auto& stream : streams) {
    const std::string type = base::GetString(stream, "codec_type");
    const bool cover =
        stream.contains("disposition") && stream["disposition"].value("attached_pic", 0) == 1;
    if (type == "video" && !cover && video == nullptr) video = &stream;
    if (type == "audio" && sound == nullptr) sound = &stream;
  }
  if (video == nullptr && sound == nullptr) {
    return base::InvalidArgument(malformed + "it has no video or audio stream");
  }
  probe.kind = video != nullptr && !audio ? "video" : "audio";
  if (format.is_object()) {
    probe.duration_ms = static_cast<int64_t>(
        std::llround(std::atof(base::GetString(format, "duration").c_str()) * 1000));
    probe.bit_rate = ParseInt(format.value("bit_rate", base::Json()));
  }
  if (sound != nullptr) probe.audio_codec = base::GetString(*sound, "codec_name");
  if (probe.kind == "video") {
    probe.video_codec = base::GetString(*video, "codec_name");
    const int width = static_cast<int>(ParseInt(video->value("width", base::Json())));
    const int height = static_cast<int>(ParseInt(video->value("height", base::Json())));
    const int rotation = ((Rotation(*video) % 360) + 360) % 360;
    const bool swap = rotation == 90 || rotation == 270;
    probe.width = swap ? height : width;
    probe.height = swap ? width : height;
    probe.frame_rate = ParseRate(base::GetString(*video, "avg_frame_rate"));
    if (probe.frame_rate <= 0)
      probe.frame_rate = ParseRate(base::GetString(*video, "r_frame_rate"));
    if (width <= 0 || height <= 0) {
      return base::InvalidArgument(malformed + "its video stream has no dimensions");
    }
    if (!WithinLimits(width, height, limits)) {
      return OverLimit("the video", probe.width, probe.height, limits);
    }
  }
  return probe;
}

}  // namespace

std::string_view SniffMediaType(std::string_view head) {
  if (StartsWith(head, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (StartsWith(head, "\xFF\xD8\xFF")) return "image/jpeg";
  if (StartsWith(head, "GIF87a") || StartsWith(head, "GIF89a")) return "image/gif";
  if (head.size() >= 12 && StartsWith(head, "RIFF")) {
    const std::string_view kind = head.substr(8, 4);
    if (kind == "WEBP") return "image/webp";
    if (kind == "WAVE") return "audio/wav";
    return "";
  }
  if (head.size() >= 16 && head.substr(4, 4) == "ftyp") return SniffFtyp(head);
  if (StartsWith(head, "\x1A\x45\xDF\xA3")) {
    return head.find("webm") != std::string_view::npos ? "video/webm" : "video/x-matroska";
  }
  if (StartsWith(head, "OggS")) return "audio/ogg";
  if (StartsWith(head, "fLaC")) return "audio/flac";
  if (StartsWith(head, "ID3")) return "audio/mpeg";
  if (head.size() >= 2 && static_cast<uint8_t>(head[0]) == 0xFF) {
    const uint8_t second = static_cast<uint8_t>(head[1]);
    if ((second & 0xF6) == 0xF0) return "audio/aac";  // ADTS: sync, MPEG-2/4, layer 0
    if ((second & 0xE0) == 0xE0 && (second & 0x06) != 0) return "audio/mpeg";  // MPEG audio
  }
  return "";
}

base::Result<MediaProbe> ProbeFile(const std::string& path, std::string_view mime_type,
                                   const ProbeLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::InvalidArgument("the file cannot be read");
  char head[64];
  in.read(head, sizeof head);
  const std::string_view sniffed = SniffMediaType(std::string_view(head, in.gcount()));
  const std::string_view wanted = Canonical(mime_type);
  if (sniffed.empty()) {
    return base::InvalidArgument("the file is not " + Describe(wanted) +
                                 ": its bytes are not of any media type herald reads");
  }
  if (sniffed != wanted) {
    return base::InvalidArgument("the file is not " + Describe(wanted) + ": its bytes are " +
                                 Describe(sniffed) + " (" + std::string(sniffed) + ")");
  }
  if (StartsWith(wanted, "image/")) return ProbeImage(path, wanted, limits);
  return ProbeVideo(path, wanted, limits);
}

}  // namespace herald::media
