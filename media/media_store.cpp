#include "media/media_store.h"

namespace herald::media {

std::string ObjectKey(std::string_view org_id, std::string_view media_id, std::string_view file) {
  std::string key;
  key.reserve(org_id.size() + media_id.size() + file.size() + 2);
  key.append(org_id).append("/").append(media_id).append("/").append(file);
  return key;
}

Result<void> CheckObjectKey(std::string_view key) {
  auto bad = [&](std::string_view why) {
    return base::InvalidArgument("invalid media object key: " + std::string(why));
  };
  if (key.empty()) return bad("empty");
  if (key.size() > 1024) return bad("longer than 1024 bytes");
  if (key.front() == '/') return bad("it must be relative (no leading '/')");
  if (key.find("..") != std::string_view::npos) return bad("it must not contain \"..\"");
  for (char c : key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return bad("it must not contain NUL or control characters");
    }
  }
  size_t start = 0;
  for (;;) {
    size_t slash = key.find('/', start);
    std::string_view segment =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) return bad("it has an empty path segment");
    if (segment == ".") return bad("it has a \".\" path segment");
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return base::Ok();
}

}  // namespace herald::media
