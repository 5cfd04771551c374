// The bytes of a MediaItem an adapter uploads: from `data` (small items held in memory) or read
// from `path` a range at a time (large files are never held whole), so chunked uploads need no
// file handling of their own. Thread-safe (each call opens the file).
#ifndef HERALD_PLATFORMS_KIT_MEDIA_BYTES_H_
#define HERALD_PLATFORMS_KIT_MEDIA_BYTES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "platforms/platform.h"

namespace herald::platforms {

// True for a video: the probe says so, or the MIME type is video/*.
bool IsVideoItem(const MediaItem& item);
// True for an image: the probe says so, or (not probed) the MIME type is image/*.
bool IsImageItem(const MediaItem& item);

// The item's size in bytes: of `data`, else of the file at `path`. Errors: kInternal when the
// item has neither, or its file cannot be opened (messages name the item and `network`).
base::Result<int64_t> MediaByteCount(const MediaItem& item, std::string_view network);

// Bytes [first, first + length) of the item. Errors: kInternal when they cannot be read (the
// file is gone or shorter).
base::Result<std::string> ReadMediaRange(const MediaItem& item, int64_t first, int64_t length,
                                         std::string_view network);

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_MEDIA_BYTES_H_
