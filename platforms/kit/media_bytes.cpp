#include "platforms/kit/media_bytes.h"

#include <fstream>

namespace herald::platforms {
namespace {

std::string ItemName(const MediaItem& item) {
  return item.file_name.empty() ? "a media file" : item.file_name;
}

}  // namespace

bool IsVideoItem(const MediaItem& item) {
  return item.probe.kind == "video" || item.mime_type.rfind("video/", 0) == 0;
}

bool IsImageItem(const MediaItem& item) {
  return item.probe.kind == "image" ||
         (item.probe.kind.empty() && item.mime_type.rfind("image/", 0) == 0);
}

base::Result<int64_t> MediaByteCount(const MediaItem& item, std::string_view network) {
  if (!item.data.empty()) return static_cast<int64_t>(item.data.size());
  if (item.path.empty()) {
    return base::Internal("herald has no bytes of " + ItemName(item) + " to upload to " +
                          std::string(network));
  }
  std::ifstream in(item.path, std::ios::binary | std::ios::ate);
  if (!in) return base::Internal("could not open the media file of " + ItemName(item));
  return static_cast<int64_t>(in.tellg());
}

base::Result<std::string> ReadMediaRange(const MediaItem& item, int64_t first, int64_t length,
                                         std::string_view network) {
  if (!item.data.empty()) {
    if (first < 0 || first + length > static_cast<int64_t>(item.data.size())) {
      return base::Internal("the bytes of " + ItemName(item) + " are shorter than " +
                            std::string(network) + " expects");
    }
    return item.data.substr(static_cast<size_t>(first), static_cast<size_t>(length));
  }
  if (item.path.empty()) {
    return base::Internal("herald has no bytes of " + ItemName(item) + " to upload to " +
                          std::string(network));
  }
  std::ifstream in(item.path, std::ios::binary);
  if (!in) return base::Internal("could not open the media file of " + ItemName(item));
  in.seekg(first);
  std::string out(static_cast<size_t>(length), '\0');
  in.read(out.data(), length);
  if (in.gcount() != length) {
    return base::Internal("the media file of " + ItemName(item) + " is shorter than its size");
  }
  return out;
}

}  // namespace herald::platforms
