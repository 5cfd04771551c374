#include "core/upload_progress.h"

namespace herald::core {

std::optional<UploadProgress> UploadProgressOf(const store::PostTarget& target) {
  auto it = target.remote_state.find(kUploadProgressKey);
  if (it == target.remote_state.end() || !it->is_object()) return std::nullopt;
  UploadProgress p;
  p.done = it->value("done", int64_t{0});
  p.total = it->value("total", int64_t{0});
  if (auto at = it->find("at"); at != it->end() && at->is_string()) p.at = at->get<std::string>();
  return p;
}

}  // namespace herald::core
