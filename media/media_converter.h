// Converting media to what a network accepts (a ConversionSpec from platforms/kit/media_plan).
//
// Images through libvips: auto-rotate by EXIF orientation, strip metadata (GPS, camera), resize
// to fit inside max_width x max_height, bring the aspect ratio into range by padding (white
// bars) or cropping (centre) when fit asks, encode as the spec's type (JPEG quality lowered
// step by step when max_bytes needs it). Video through ffmpeg as a child process under the
// limits: remux to MP4 when the codecs are already accepted, else transcode to H.264/AAC,
// scaled and frame-rate capped per the spec, `+faststart`. Thumbnails: one JPEG frame.
// Output goes to a new local file; nothing is written on failure. Thread-safe.
#ifndef HERALD_MEDIA_MEDIA_CONVERTER_H_
#define HERALD_MEDIA_MEDIA_CONVERTER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"
#include "platforms/platform.h"

namespace herald::media {

struct ConvertLimits {
  std::chrono::seconds timeout{600};     // per child process (video)
  int64_t max_memory_bytes = 2LL << 30;  // address space of a child process
  int64_t max_output_bytes = 4LL << 30;  // file size limit of a child process
};

struct ConvertedFile {
  std::string path;
  std::string mime_type;
  int64_t size = 0;
  platforms::MediaProbe probe;  // of the output
};

// Told how far a conversion is, from 0 to 1, as it goes (from the converting thread; calls are
// increasing; a video transcode reports about twice a second, other conversions at the end).
using ConvertProgress = std::function<void(double fraction)>;

// Converts `input` (probed as `probe`) per `spec` into the new file `output`. Errors:
// kInvalidArgument when the input cannot be converted (malformed, or the spec cannot be met,
// e.g. max_bytes: the message says why); kDeadlineExceeded past the time limit; kInternal for a
// missing tool or an I/O failure.
base::Result<ConvertedFile> ConvertMedia(const std::string& input,
                                         const platforms::MediaProbe& probe,
                                         const platforms::ConversionSpec& spec,
                                         const std::string& output,
                                         const ConvertLimits& limits = {},
                                         const ConvertProgress& progress = {});

// A JPEG preview at most `max_side` pixels on its longer side: the image itself, or a frame
// one second into a video (the first frame of a shorter one).
base::Result<ConvertedFile> MakeThumbnail(const std::string& input,
                                          const platforms::MediaProbe& probe,
                                          const std::string& output, int max_side = 640,
                                          const ConvertLimits& limits = {});

}  // namespace herald::media

#endif  // HERALD_MEDIA_MEDIA_CONVERTER_H_
