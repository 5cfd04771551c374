#include "platforms/kit/media_validator.h"

#include <algorithm>
#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/kit/media_plan.h"
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

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string JoinReasons(const std::vector<std::string>& reasons) {
  std::string out;
  for (const std::string& r : reasons) out += (out.empty() ? "" : "; ") + r;
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

void MediaValidator::Check(size_t part, const std::vector<MediaItem>& media, MediaFit fit,
                           std::vector<Violation>& violations,
                           std::vector<Violation>* conversions) const {
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
    const MediaPlan plan = PlanMedia(network_, rules_, item, fit);
    if (plan.action == MediaPlan::Action::kRefuse) {
      violations.push_back({field, field + ": " + JoinReasons(plan.reasons)});
      // A type the network refuses says nothing more about the item.
      if (!Contains(rules_.mime_types, item.mime_type) && item.probe.kind.empty()) continue;
    } else if (plan.action == MediaPlan::Action::kConvert && conversions != nullptr) {
      conversions->push_back({field, field + ": " + JoinReasons(plan.reasons)});
    }
    has_video = has_video || IsVideoOrAudio(item.mime_type) || item.probe.kind == "video" ||
                item.probe.kind == "audio";
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

void MediaValidator::CheckAll(const Content& content, std::vector<Violation>& violations,
                              std::vector<Violation>* conversions) const {
  for (size_t i = 0; i < content.parts.size(); ++i) {
    Check(i, content.parts[i].media, content.fit, violations, conversions);
  }
}

}  // namespace herald::platforms
