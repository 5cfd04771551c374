#include "media/media_store.h"

namespace herald::media {

std::string ObjectKey(std::string_view org_id, std::string_view media_id, std::string_view file) {
  std::string key;
  key.reserve(org_id.size() + media_id.size() + file.size() + 2);
  key.append(org_id).append("/").append(media_id).append("/").append(file);
  return key;
}

}  // namespace herald::media
