#include "media/ffmpeg_tools.h"

namespace herald::media {

std::string FfmpegPath(const std::string& path) { return "file:" + path; }

ChildLimits FfmpegLimits(std::chrono::seconds timeout, int64_t max_memory_bytes,
                         int64_t max_file_bytes) {
  ChildLimits limits;
  limits.timeout = timeout;
  limits.max_memory_bytes = max_memory_bytes;
  limits.max_file_bytes = max_file_bytes;
  limits.max_cpu_seconds = 4 * timeout.count() + 1;
  return limits;
}

base::Result<ChildResult> RunFfmpeg(std::string_view program, const std::vector<std::string>& args,
                                    const ChildLimits& limits, const LineSink& on_stdout_line) {
  ChildCommand command;
  command.package = std::string(kFfmpegPackage);
  command.argv = {std::string(program), "-hide_banner"};
  if (program == "ffmpeg") command.argv.push_back("-nostdin");  // ffprobe never reads stdin
  command.argv.insert(command.argv.end(), {"-protocol_whitelist", "file"});
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  return RunChild(command, limits, on_stdout_line);
}

std::string FfmpegReason(std::string_view stderr_text, std::string_view fallback) {
  std::string out;
  size_t start = 0;
  while (start < stderr_text.size()) {
    size_t end = stderr_text.find('\n', start);
    if (end == std::string_view::npos) end = stderr_text.size();
    std::string line(stderr_text.substr(start, end - start));
    start = end + 1;
    // "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0c8] moov atom not found"
    if (!line.empty() && line[0] == '[') {
      const size_t close = line.find("] ");
      if (close != std::string::npos) line.erase(0, close + 2);
    }
    // "file:/data/media/x.mp4: Invalid data found when processing input"
    if (line.rfind("file:", 0) == 0) {
      const size_t colon = line.find(": ", 5);
      line.erase(0, colon == std::string::npos ? line.size() : colon + 2);
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '.')) {
      line.pop_back();
    }
    if (line.empty() || out.find(line) != std::string::npos) continue;
    out += (out.empty() ? "" : "; ") + line;
  }
  if (out.size() > 300) out = out.substr(0, 297) + "...";
  return out.empty() ? std::string(fallback) : out;
}

}  // namespace herald::media
