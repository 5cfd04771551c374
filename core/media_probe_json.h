// The stored JSON form of a platforms::MediaProbe (store::Media::probe, MediaVariant::probe,
// and get_media's "probe"): {"kind", "format", "width", "height", "orientation", "frames",
// "duration_ms", "frame_rate", "video_codec", "audio_codec", "bit_rate"}, zero and empty values
// left out. Pure.
#ifndef HERALD_CORE_MEDIA_PROBE_JSON_H_
#define HERALD_CORE_MEDIA_PROBE_JSON_H_

#include "base/json.h"
#include "platforms/platform.h"
#include "store/model.h"

namespace herald::core {

base::Json ProbeToJson(const platforms::MediaProbe& probe);
// Missing or mistyped keys read as zero / empty.
platforms::MediaProbe ProbeFromJson(const base::Json& json);

// The adapter's view of a stored media item (metadata and probe; no bytes).
platforms::MediaItem MediaItemFromRow(const store::Media& media);

}  // namespace herald::core

#endif  // HERALD_CORE_MEDIA_PROBE_JSON_H_
