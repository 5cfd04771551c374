// MediaValidator: checks the media of every part of a post against a network's MediaRules, so
// no adapter checks media by hand. Each violation names the item as the caller wrote it
// (PartField: "media[1]", "thread[0].media[0].alt_text") and says the network's limit:
//
//   count       "<media> has 5 items, over <Network>'s limit of 4 per post" ("<Network> takes
//               no media; remove <media>" when max_items is 0)
//   per item    "<item>: " + the reasons of PlanMedia (platforms/kit/media_plan.h) when it
//               refuses the item, e.g. "media[0]: the file has type \"image/bmp\", which
//               <Network> does not accept (accepted: ...)", "media[0]: the image is N bytes,
//               over <Network>'s limit of 16,777,216 bytes (16 MiB) per image", "media[0]: the
//               video is 15:00 long, over <Network>'s limit of 10:00; ..."
//   alt text    "<item>.alt_text is N characters, over <Network>'s limit of 1500"
//   total       "<media> adds up to N bytes, over <Network>'s limit of ... per post"
//   video alone "<media> mixes a video or audio file with other media: <Network> accepts one
//                video or audio file alone"
//
// An item PlanMedia converts is no violation: it is reported in `conversions` (same field,
// message "<item>: " + the reasons), so validate_post and publishing agree. Items without a
// probe are judged by type and size only. Pure and immutable once built; thread-safe.
#ifndef HERALD_PLATFORMS_KIT_MEDIA_VALIDATOR_H_
#define HERALD_PLATFORMS_KIT_MEDIA_VALIDATOR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "platforms/platform.h"

namespace herald::platforms {

class MediaValidator {
 public:
  // `network` names the network in messages ("Mastodon").
  MediaValidator(std::string network, MediaRules rules);

  // Appends to `violations` what is wrong with `media`, the items of Content part `part`, and
  // to `conversions` (when not null) the items herald will convert, with the post's `fit`.
  void Check(size_t part, const std::vector<MediaItem>& media, MediaFit fit,
             std::vector<Violation>& violations, std::vector<Violation>* conversions) const;
  // The same without fit, conversions not reported.
  void Check(size_t part, const std::vector<MediaItem>& media,
             std::vector<Violation>& violations) const {
    Check(part, media, MediaFit::kNone, violations, nullptr);
  }

  // Check for every part of `content`, with content.fit.
  void CheckAll(const Content& content, std::vector<Violation>& violations,
                std::vector<Violation>* conversions = nullptr) const;

  const MediaRules& rules() const { return rules_; }

 private:
  std::string network_;
  MediaRules rules_;
};

// "16,777,216 bytes (16 MiB)", "2,000,000 bytes (2 MB)", "1,234 bytes": a byte limit as a
// message states it.
std::string DescribeBytes(int64_t bytes);

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_MEDIA_VALIDATOR_H_
