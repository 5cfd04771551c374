#include "media/vips_support.h"

#include <mutex>

namespace herald::media {

bool EnsureVips() {
  static std::once_flag once;
  static bool started = false;
  std::call_once(once, [] {
    started = vips_init("herald") == 0;
    if (!started) return;
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    // Loaders libvips does not consider safe for untrusted input (ImageMagick, MATLAB, ...)
    // are off: every file herald reads came from a user.
    vips_block_untrusted_set(TRUE);
  });
  return started;
}

std::string TakeVipsError() {
  char* raw = vips_error_buffer_copy();
  std::string text = raw != nullptr ? raw : "";
  g_free(raw);
  // Lines "loader: reason"; keep them on one line, short.
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    // A file path in a message names herald's storage: keep only its last component.
    for (size_t slash; (slash = line.find('/')) != std::string::npos;) {
      size_t begin = line.rfind(' ', slash);
      begin = begin == std::string::npos ? 0 : begin + 1;
      size_t last = line.find(' ', slash);
      if (last == std::string::npos) last = line.size();
      const size_t final_slash = line.rfind('/', last - 1);
      line.erase(begin, final_slash + 1 - begin);
    }
    if (line.empty() || out.find(line) != std::string::npos) continue;
    out += (out.empty() ? "" : "; ") + line;
  }
  if (out.size() > 300) out = out.substr(0, 297) + "...";
  return out.empty() ? "libvips could not read it" : out;
}

}  // namespace herald::media
