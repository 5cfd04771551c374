// Probing media files: what a file is, measured from its bytes, never its name.
//
// SniffMediaType looks at the first bytes only (magic numbers). ProbeFile then measures the
// file: images through libvips (format, dimensions after EXIF orientation, frames of animated
// GIF/WebP), video and audio through ffprobe run as a child process under ProbeLimits. A file
// that is not what it claims, is truncated or malformed, or exceeds the limits (a
// decompression bomb: an image 60,000 pixels wide) is refused with kInvalidArgument saying
// what is wrong, within the limits of time and memory. Thread-safe.
#ifndef HERALD_MEDIA_MEDIA_PROBE_H_
#define HERALD_MEDIA_MEDIA_PROBE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "platforms/platform.h"

namespace herald::media {

struct ProbeLimits {
  int max_width = 16'384;     // pixels per side
  int max_height = 16'384;
  int64_t max_pixels = 100'000'000;  // width * height (per frame)
  std::chrono::seconds timeout{30};  // per child process
  int64_t max_memory_bytes = 1LL << 30;  // address space of a child process
};

// "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/avif",
// "video/mp4", "video/quicktime", "video/webm", "audio/mpeg", ... by magic number, or "" when
// the bytes are none of the supported types. `head` is the first bytes of the file (64 is
// enough).
std::string_view SniffMediaType(std::string_view head);

// Measures the file at `path` whose sniffed type is `mime_type`. Errors: kInvalidArgument
// (not a readable file of that type, malformed, over a limit: the message says which);
// kDeadlineExceeded when probing took longer than the limit; kInternal when a tool is
// missing (the message names the Debian package).
base::Result<platforms::MediaProbe> ProbeFile(const std::string& path, std::string_view mime_type,
                                              const ProbeLimits& limits = {});

}  // namespace herald::media

#endif  // HERALD_MEDIA_MEDIA_PROBE_H_
