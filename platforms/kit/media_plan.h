// MediaPlanner: what herald will do with one media item for one network, from the item's probe
// and the network's MediaRules: send it as it is, convert it (and to what), or refuse it (and
// why). Pure; the same answer for validate_post, get_media's per-network acceptance and the
// publish path, so a post validated is a post published.
//
// Herald converts: any image libvips reads into an accepted image type (PNG/WebP/HEIC -> JPEG),
// resizing to the network's maximum dimensions and, when the post asks (fit pad|crop), into its
// aspect-ratio range; any video ffmpeg reads into MP4 H.264/AAC (frame rate capped). It cannot
// shorten a video, enlarge below-minimum dimensions, or turn an image into a video: those are
// refusals, each reason naming the measured value and the network's limit.
#ifndef HERALD_PLATFORMS_KIT_MEDIA_PLAN_H_
#define HERALD_PLATFORMS_KIT_MEDIA_PLAN_H_

#include <string_view>

#include "platforms/platform.h"

namespace herald::platforms {

// `network` names the network in reasons ("Instagram"). `item.probe` must be filled (an item
// without a probe is planned by type and size only).
MediaPlan PlanMedia(std::string_view network, const MediaRules& rules, const MediaItem& item,
                    MediaFit fit);

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_MEDIA_PLAN_H_
