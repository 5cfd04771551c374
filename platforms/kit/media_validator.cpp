#include "platforms/kit/media_validator.h"

#include <algorithm>
#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/text/graphemes.h"
#include "platforms/text/utf8.h"

namespace herald::platforms {
namespace {

constexpr int64_t kMiB = 1024 * 1024;
constexpr int64_t kMB = 1'000'000;

bool IsVideoOrAudio(const std::string& mime) {
  return mime.rfind("video/", 0) == 0 || mime.rfind("audio/", 0) == 0;
}

std::string WithCommas(int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Accepted(const std::vector<std::string>& types) {
  std::string out;
  for (const std::string& t : types) out += (out.empty() ? "" : ", ") + t;
  return out;
}

}  // namespace

std::string DescribeBytes(int64_t bytes) {
  std::string out = WithCommas(bytes) + " bytes";
  if (bytes > 0 && bytes % kMiB == 0) return out + " (" + std::to_string(bytes / kMiB) + " MiB)";
  if (bytes > 0 && bytes % kMB == 0) return out + " (" + std::to_string(bytes / kMB) + " MB)";
  return out;
}

MediaValidator::MediaValidator(std::string network, MediaRules rules)
    : network_(std::move(network)), rules_(std::move(rules)) {}

void MediaValidator::Check(size_t part, const std::vector<MediaItem>& media,
                           std::vector<Violation>& violations) const {
  if (media.empty()) return;
  const std::string media_field = PartField(part, "media");
  const std::string limit_of = "over " + network_ + "'s limit of ";
  if (rules_.max_items == 0) {
    violations.push_back({media_field, network_ + " takes no media; remove " + media_field});
    return;
  }
  if (static_cast<int>(media.size()) > rules_.max_items) {
    violations.push_back({media_field, media_field + " has " + std::to_string(media.size()) +
                                           " items, " + limit_of +
                                           std::to_string(rules_.max_items) + " per post"});
  }
  int64_t total = 0;
  bool has_video = false;
  for (size_t m = 0; m < media.size(); ++m) {
    const MediaItem& item = media[m];
    const std::string field = PartField(part, "media[" + std::to_string(m) + "]");
    total += item.size;
    const auto& types = rules_.mime_types;
    if (std::find(types.begin(), types.end(), item.mime_type) == types.end()) {
      violations.push_back({field, field + " has type \"" + item.mime_type + "\", which " +
                                       network_ + " does not accept (accepted: " +
                                       Accepted(types) + ")"});
      continue;
    }
    const bool video = IsVideoOrAudio(item.mime_type);
    has_video = has_video || video;
    const int64_t limit =
        video && rules_.max_video_bytes > 0 ? rules_.max_video_bytes : rules_.max_image_bytes;
    if (limit > 0 && item.size > limit) {
      violations.push_back({field, field + " is " + WithCommas(item.size) + " bytes, " + limit_of +
                                       DescribeBytes(limit) + " per " +
                                       (video ? "video or audio file" : "image")});
    }
    // A network without alt text (max_alt_text 0) simply does not send it.
    if (!item.alt_text.empty() && rules_.max_alt_text > 0) {
      const std::string alt_field = field + ".alt_text";
      const bool valid = text::IsValidUtf8(item.alt_text);
      const int length = !valid                        ? 0
                         : rules_.alt_text_in_graphemes ? text::CountGraphemes(item.alt_text)
                                                        : text::CountCodePoints(item.alt_text);
      if (!valid) {
        violations.push_back({alt_field, alt_field + " is not valid UTF-8"});
      } else if (length > rules_.max_alt_text) {
        violations.push_back({alt_field, alt_field + " is " + std::to_string(length) +
                                             " characters, " + limit_of +
                                             std::to_string(rules_.max_alt_text)});
      }
    }
  }
  if (rules_.max_total_bytes > 0 && total > rules_.max_total_bytes) {
    violations.push_back({media_field, media_field + " adds up to " + WithCommas(total) +
                                           " bytes, " + limit_of +
                                           DescribeBytes(rules_.max_total_bytes) + " per post"});
  }
  if (rules_.video_alone && has_video && media.size() > 1) {
    violations.push_back({media_field, media_field +
                                           " mixes a video or audio file with other media: " +
                                           network_ + " accepts one video or audio file alone"});
  }
}

void MediaValidator::CheckAll(const Content& content, std::vector<Violation>& violations) const {
  for (size_t i = 0; i < content.parts.size(); ++i) Check(i, content.parts[i].media, violations);
}

}  // namespace herald::platforms
