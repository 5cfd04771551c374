#include "platforms/kit/media_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "platforms/kit/media_validator.h"

namespace herald::platforms {
namespace {

constexpr double kAspectSlack = 0.005;               // 1.91 accepts 1.9108 (1080x565)
constexpr double kFpsSlack = 0.01;                   // 29.97 and 30 are both "30 fps"
constexpr int64_t kMinVideoBitsPerSecond = 300'000;  // below this, a re-encode is not worth it

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsVideoOrAudio(std::string_view mime) {
  return StartsWith(mime, "video/") || StartsWith(mime, "audio/");
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// "PNG", "JPEG", "MOV", "HEIC": a type as people name it.
std::string TypeName(std::string_view mime) {
  if (mime == "video/quicktime") return "MOV";
  if (mime == "audio/mpeg") return "MP3";
  const size_t slash = mime.find('/');
  std::string sub(slash == std::string_view::npos ? mime : mime.substr(slash + 1));
  if (StartsWith(sub, "x-")) sub.erase(0, 2);
  for (char& c : sub) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return sub;
}

std::string CodecName(std::string_view codec) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"h264", "H.264"}, {"hevc", "HEVC (H.265)"}, {"vp8", "VP8"},
      {"vp9", "VP9"},    {"av1", "AV1"},           {"aac", "AAC"},
      {"opus", "Opus"},  {"mp3", "MP3"},           {"vorbis", "Vorbis"}};
  for (const auto& [id, name] : kNames) {
    if (id == codec) return std::string(name);
  }
  return std::string(codec);
}

std::string CodecNames(const std::vector<std::string>& codecs) {
  std::vector<std::string> names;
  for (const std::string& c : codecs) names.push_back(CodecName(c));
  return Join(names);
}

// "m:ss" (or "h:mm:ss"); with tenths when `precise`.
std::string Clock(int64_t ms, bool precise) {
  const int64_t total = ms / 1000;
  char buffer[48];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  }
  std::string out = buffer;
  if (precise) out += "." + std::to_string(ms % 1000 / 100);
  return out;
}

// A measured duration and a limit, told apart even when they round to the same second.
std::pair<std::string, std::string> Durations(int64_t measured, int64_t limit) {
  const bool precise = measured / 1000 == limit / 1000;
  return {Clock(measured, precise), Clock(limit, precise && limit % 1000 != 0)};
}

std::string Ratio(double r) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", r);
  return buffer;
}

std::string Fps(double fps) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", fps);
  return buffer;
}

std::string Pixels(int w, int h) { return std::to_string(w) + "x" + std::to_string(h) + " pixels"; }

// "1080x1350", "1080 pixels wide", "1350 pixels high": a maximum box as a network states it.
std::string Box(int max_w, int max_h) {
  if (max_w > 0 && max_h > 0) return std::to_string(max_w) + "x" + std::to_string(max_h);
  if (max_w > 0) return std::to_string(max_w) + " pixels wide";
  return std::to_string(max_h) + " pixels high";
}

// The image type herald converts to for a network that refuses the item's own.
std::string ImageTarget(const MediaRules& rules) {
  for (std::string_view t : {"image/jpeg", "image/png", "image/webp"}) {
    if (Contains(rules.mime_types, t)) return std::string(t);
  }
  return "";
}

class Planner {
 public:
  Planner(std::string_view network, const MediaRules& rules, const MediaItem& item, MediaFit fit)
      : network_(network), rules_(rules), item_(item), fit_(fit) {
    plan_.spec.fit = MediaFit::kNone;
  }

  MediaPlan Run() {
    if (item_.probe.kind.empty()) {
      ByTypeAndSize();
    } else if (item_.probe.kind == "image") {
      Image();
    } else {
      VideoOrAudio();
    }
    if (!refusals_.empty()) {
      plan_.action = MediaPlan::Action::kRefuse;
      plan_.reasons = std::move(refusals_);
      plan_.spec = {};
    } else if (!conversions_.empty()) {
      plan_.action = MediaPlan::Action::kConvert;
      plan_.reasons = std::move(conversions_);
      if (plan_.spec.mime_type.empty()) plan_.spec.mime_type = item_.mime_type;
    } else {
      plan_.spec = {};
    }
    return std::move(plan_);
  }

 private:
  std::string LimitOf() const { return network_ + "'s limit of "; }

  int64_t SizeLimit(bool video) const {
    return video && rules_.max_video_bytes > 0 ? rules_.max_video_bytes : rules_.max_image_bytes;
  }

  // Items without a probe: type and size, as MediaValidator always judged them.
  void ByTypeAndSize() {
    if (!Contains(rules_.mime_types, item_.mime_type)) {
      refusals_.push_back("the file has type \"" + item_.mime_type + "\", which " + network_ +
                          " does not accept (accepted: " + Join(rules_.mime_types) + ")");
      return;
    }
    const bool video = IsVideoOrAudio(item_.mime_type);
    const int64_t limit = SizeLimit(video);
    if (limit > 0 && item_.size > limit) {
      refusals_.push_back(std::string(video ? "the video or audio file" : "the image") + " is " +
                          DescribeBytes(item_.size) + ", over " + LimitOf() +
                          DescribeBytes(limit) + " per " +
                          (video ? "video or audio file" : "image"));
    }
  }

  void Image() {
    const MediaProbe& p = item_.probe;
    std::vector<std::string> images;
    for (const std::string& t : rules_.mime_types) {
      if (StartsWith(t, "image/")) images.push_back(t);
    }
    if (!Contains(rules_.mime_types, item_.mime_type)) {
      const std::string target = ImageTarget(rules_);
      if (images.empty()) {
        refusals_.push_back(network_ + " takes no images (accepted: " + Join(rules_.mime_types) +
                            "); herald does not turn an image into a video");
        return;
      }
      if (target.empty()) {
        refusals_.push_back("the image is " + TypeName(item_.mime_type) + ", which " + network_ +
                            " does not accept (accepted: " + Join(images) + ")");
        return;
      }
      plan_.spec.mime_type = target;
      std::string reason = network_ + " takes " + TypeName(target) + " " +
                           (images.size() == 1 ? "only" : "but not " + TypeName(item_.mime_type)) +
                           "; herald converts the " + TypeName(item_.mime_type) + " to " +
                           TypeName(target);
      if (p.frames > 1 && target != "image/gif" && target != "image/webp") {
        reason += " (the first of its " + std::to_string(p.frames) + " frames)";
      }
      conversions_.push_back(reason);
    }
    UnderMinimum("the image", "images");
    if (OverBox()) {
      plan_.spec.max_width = rules_.max_width;
      plan_.spec.max_height = rules_.max_height;
      conversions_.push_back("the image is " + Pixels(p.width, p.height) + ", over " + LimitOf() +
                             Box(rules_.max_width, rules_.max_height) +
                             "; herald resizes it to fit");
    }
    Aspect();
    const int64_t limit = SizeLimit(false);
    if (limit > 0 && item_.size > limit) {
      plan_.spec.max_bytes = limit;
      conversions_.push_back("the image is " + DescribeBytes(item_.size) + ", over " +
                             LimitOf() + DescribeBytes(limit) +
                             " per image; herald re-encodes it smaller");
    }
    if (!conversions_.empty()) {
      // Whatever else changes, the result respects the network's size and box.
      plan_.spec.max_bytes = limit;
      plan_.spec.max_width = rules_.max_width;
      plan_.spec.max_height = rules_.max_height;
    }
  }

  // Refuses an item under the network's minimum dimensions: herald does not enlarge `noun`.
  void UnderMinimum(const std::string& what, const std::string& noun) {
    const MediaProbe& p = item_.probe;
    if ((rules_.min_width > 0 && p.width < rules_.min_width) ||
        (rules_.min_height > 0 && p.height < rules_.min_height)) {
      refusals_.push_back(what + " is " + Pixels(p.width, p.height) + ", under " + network_ +
                          "'s minimum of " + MinBox() + "; herald does not enlarge " + noun);
    }
  }

  bool OverBox() const {
    const MediaProbe& p = item_.probe;
    return (rules_.max_width > 0 && p.width > rules_.max_width) ||
           (rules_.max_height > 0 && p.height > rules_.max_height);
  }

  std::string MinBox() const {
    if (rules_.min_width > 0 && rules_.min_height > 0) {
      return std::to_string(rules_.min_width) + "x" + std::to_string(rules_.min_height);
    }
    return Box(rules_.min_width, rules_.min_height);
  }

  std::string Range() const {
    if (rules_.min_aspect_ratio > 0 && rules_.max_aspect_ratio > 0) {
      return "range of " + Ratio(rules_.min_aspect_ratio) + " to " + Ratio(rules_.max_aspect_ratio);
    }
    if (rules_.min_aspect_ratio > 0) return "minimum of " + Ratio(rules_.min_aspect_ratio);
    return "maximum of " + Ratio(rules_.max_aspect_ratio);
  }

  bool AspectOutside() const {
    const MediaProbe& p = item_.probe;
    if (p.width <= 0 || p.height <= 0) return false;
    const double ratio = static_cast<double>(p.width) / p.height;
    return (rules_.min_aspect_ratio > 0 && ratio < rules_.min_aspect_ratio - kAspectSlack) ||
           (rules_.max_aspect_ratio > 0 && ratio > rules_.max_aspect_ratio + kAspectSlack);
  }

  std::string AspectMeasured(std::string_view what) const {
    const MediaProbe& p = item_.probe;
    return std::string(what) + " is " + Pixels(p.width, p.height) + ", an aspect ratio of " +
           Ratio(static_cast<double>(p.width) / p.height) + " (width / height), outside " +
           network_ + "'s " + Range();
  }

  void Aspect() {
    if (!AspectOutside()) return;
    if (fit_ == MediaFit::kNone) {
      refusals_.push_back(AspectMeasured("the image") +
                          "; set fit to pad (white bars) or crop (the centre) and herald will "
                          "fit it");
      return;
    }
    plan_.spec.fit = fit_;
    plan_.spec.min_aspect_ratio = rules_.min_aspect_ratio;
    plan_.spec.max_aspect_ratio = rules_.max_aspect_ratio;
    conversions_.push_back(
        AspectMeasured("the image") + "; herald " +
        (fit_ == MediaFit::kPad ? "pads it with white bars" : "crops it around the centre") +
        " to fit");
  }

  void VideoOrAudio() {
    const MediaProbe& p = item_.probe;
    const bool video = p.kind == "video";
    const std::string what = video ? "the video" : "the audio file";
    bool has_video_type = false;
    for (const std::string& t : rules_.mime_types) has_video_type |= StartsWith(t, "video/");
    const bool type_ok = Contains(rules_.mime_types, item_.mime_type);
    if (video && !has_video_type) {
      refusals_.push_back(network_ + " takes no video (accepted: " + Join(rules_.mime_types) +
                          "); herald does not turn a video into images");
      return;
    }
    if (!video && !type_ok) {
      refusals_.push_back(what + " is " + TypeName(item_.mime_type) + ", which " + network_ +
                          " does not accept (accepted: " + Join(rules_.mime_types) + ")");
      return;
    }
    Duration(what);
    if (!video) {
      const int64_t limit = SizeLimit(true);
      if (limit > 0 && item_.size > limit) {
        refusals_.push_back(what + " is " + DescribeBytes(item_.size) + ", over " +
                            LimitOf() + DescribeBytes(limit) + " per video or audio file");
      }
      return;
    }
    bool transcode = false;
    if (!type_ok) {
      if (!Contains(rules_.mime_types, "video/mp4")) {
        refusals_.push_back(what + " is " + TypeName(item_.mime_type) + ", which " + network_ +
                            " does not accept (accepted: " + Join(rules_.mime_types) +
                            "); herald converts video to MP4 only");
        return;
      }
      const bool mp4_codecs =
          (p.video_codec == "h264" || p.video_codec == "hevc") &&
          (p.audio_codec.empty() || p.audio_codec == "aac" || p.audio_codec == "mp3");
      transcode = !mp4_codecs;
      conversions_.push_back(network_ + " takes MP4 but not " + TypeName(item_.mime_type) +
                             "; herald " + (transcode ? "converts" : "repackages") +
                             " the video as MP4" + (transcode ? " (H.264/AAC)" : ""));
    }
    Codecs(transcode);
    Dimensions(transcode);
    if (rules_.max_frame_rate > 0 && p.frame_rate > rules_.max_frame_rate + kFpsSlack) {
      transcode = true;
      conversions_.push_back("the video runs at " + Fps(p.frame_rate) +
                             " frames per second, over " + LimitOf() + Fps(rules_.max_frame_rate) +
                             "; herald lowers it to " + Fps(rules_.max_frame_rate));
    }
    if (AspectOutside()) refusals_.push_back(AspectMeasured("the video"));
    const int64_t limit = SizeLimit(true);
    if (limit > 0 && item_.size > limit) {
      const int64_t seconds = std::max<int64_t>(1, p.duration_ms / 1000);
      if (limit * 8 / seconds < kMinVideoBitsPerSecond) {
        refusals_.push_back(what + " is " + DescribeBytes(item_.size) + ", over " +
                            LimitOf() + DescribeBytes(limit) + " per video, and at " +
                            Clock(p.duration_ms, false) +
                            " it cannot be re-encoded that small; shorten it");
      } else {
        transcode = true;
        conversions_.push_back(what + " is " + DescribeBytes(item_.size) + ", over " +
                               LimitOf() + DescribeBytes(limit) +
                               " per video; herald re-encodes it smaller");
      }
    }
    if (conversions_.empty()) return;
    // Every conversion produces MP4 (remuxed or re-encoded): the network must take it.
    if (!Contains(rules_.mime_types, "video/mp4")) {
      refusals_.push_back(what + " needs converting, which produces MP4, and " + network_ +
                          " does not accept MP4 (accepted: " + Join(rules_.mime_types) + ")");
      return;
    }
    plan_.spec.mime_type = "video/mp4";
    plan_.spec.transcode_video = transcode;
    plan_.spec.max_width = rules_.max_width;
    plan_.spec.max_height = rules_.max_height;
    plan_.spec.max_frame_rate = rules_.max_frame_rate;
    plan_.spec.max_bytes = limit;
  }

  void Duration(const std::string& what) {
    const int64_t d = item_.probe.duration_ms;
    if (rules_.max_video_duration_ms > 0 && d > rules_.max_video_duration_ms) {
      auto [measured, limit] = Durations(d, rules_.max_video_duration_ms);
      refusals_.push_back(what + " is " + measured + " long, over " + LimitOf() + limit +
                          "; herald does not shorten it");
    }
    if (rules_.min_video_duration_ms > 0 && d < rules_.min_video_duration_ms) {
      auto [measured, limit] = Durations(d, rules_.min_video_duration_ms);
      refusals_.push_back(what + " is " + measured + " long, under " + network_ + "'s minimum of " +
                          limit);
    }
  }

  void Codecs(bool& transcode) {
    const MediaProbe& p = item_.probe;
    if (!rules_.video_codecs.empty() && !Contains(rules_.video_codecs, p.video_codec)) {
      if (!Contains(rules_.video_codecs, "h264")) {
        refusals_.push_back("the video is " + CodecName(p.video_codec) + ", which " + network_ +
                            " does not accept (accepted: " + CodecNames(rules_.video_codecs) +
                            "); herald encodes video as H.264 only");
        return;
      }
      transcode = true;
      conversions_.push_back(network_ + " takes " + CodecNames(rules_.video_codecs) +
                             " video only; herald transcodes the " + CodecName(p.video_codec) +
                             " video to H.264");
    }
    if (!rules_.audio_codecs.empty() && !p.audio_codec.empty() &&
        !Contains(rules_.audio_codecs, p.audio_codec)) {
      if (!Contains(rules_.audio_codecs, "aac")) {
        refusals_.push_back("the video's sound is " + CodecName(p.audio_codec) + ", which " +
                            network_ +
                            " does not accept (accepted: " + CodecNames(rules_.audio_codecs) +
                            "); herald encodes sound as AAC only");
        return;
      }
      transcode = true;
      conversions_.push_back(network_ + " takes " + CodecNames(rules_.audio_codecs) +
                             " sound only; herald transcodes the " + CodecName(p.audio_codec) +
                             " sound to AAC");
    }
  }

  void Dimensions(bool& transcode) {
    const MediaProbe& p = item_.probe;
    UnderMinimum("the video", "video");
    if (OverBox()) {
      transcode = true;
      conversions_.push_back("the video is " + Pixels(p.width, p.height) + ", over " + LimitOf() +
                             Box(rules_.max_width, rules_.max_height) + "; herald scales it down");
    }
  }

  std::string network_;
  const MediaRules& rules_;
  const MediaItem& item_;
  MediaFit fit_;
  MediaPlan plan_;
  std::vector<std::string> refusals_;
  std::vector<std::string> conversions_;
};

}  // namespace

MediaPlan PlanMedia(std::string_view network, const MediaRules& rules, const MediaItem& item,
                    MediaFit fit) {
  return Planner(network, rules, item, fit).Run();
}

}  // namespace herald::platforms
