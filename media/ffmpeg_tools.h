// What the probe and the converter share about running ffprobe and ffmpeg: the command line
// guards (read local files only: "file:" paths and a file-only protocol whitelist), the child
// process limits, and turning ffmpeg's stderr into a short reason a user can read. Internal to
// herald_media. Thread-safe.
#ifndef HERALD_MEDIA_FFMPEG_TOOLS_H_
#define HERALD_MEDIA_FFMPEG_TOOLS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "media/child_process.h"

namespace herald::media {

// The Debian package that provides ffprobe and ffmpeg.
inline constexpr std::string_view kFfmpegPackage = "ffmpeg";

// `path` as ffmpeg must read it: "file:<path>", so a name starting with '-' or naming a
// protocol ("concat:", "http:") is only ever a local file.
std::string FfmpegPath(const std::string& path);

// Limits for one ffprobe/ffmpeg run: the timeout, the memory, the size of files it writes
// (0 = none) and a CPU time budget of a few times the timeout (ffmpeg runs several threads).
ChildLimits FfmpegLimits(std::chrono::seconds timeout, int64_t max_memory_bytes,
                         int64_t max_file_bytes = 0);

// Runs `program` (ffprobe or ffmpeg) with `args` after "-hide_banner" ("-nostdin") and the
// protocol whitelist; `on_stdout_line`, when set, gets stdout line by line instead of it being
// captured (see ChildCommand). Errors as RunChild.
base::Result<ChildResult> RunFfmpeg(std::string_view program, const std::vector<std::string>& args,
                                    const ChildLimits& limits, const LineSink& on_stdout_line = {});

// ffmpeg's complaint in a user's words: the lines of `stderr` without "[demuxer @ 0x...]"
// prefixes or file paths, joined by "; ", at most ~300 characters; `fallback` when empty.
std::string FfmpegReason(std::string_view stderr_text, std::string_view fallback);

}  // namespace herald::media

#endif  // HERALD_MEDIA_FFMPEG_TOOLS_H_
