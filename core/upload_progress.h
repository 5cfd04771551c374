// UploadProgress: how far a target's long upload (video) has got, as the publish worker records
// it in the target's remote_state (PublishRequest::report_progress). get_post and publish_post's
// progress notifications read it here rather than knowing the storage key. Pure; thread-safe.
#ifndef HERALD_CORE_UPLOAD_PROGRESS_H_
#define HERALD_CORE_UPLOAD_PROGRESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/model.h"

namespace herald::core {

// The remote_state key the worker writes: {"done", "total" (bytes), "at" (RFC 3339)}.
inline constexpr std::string_view kUploadProgressKey = "herald_progress";

struct UploadProgress {
  int64_t done = 0;   // bytes sent
  int64_t total = 0;  // the file's size (0 = unknown)
  std::string at;     // when it was measured, RFC 3339
};

// The target's recorded progress, or nullopt when none was recorded.
std::optional<UploadProgress> UploadProgressOf(const store::PostTarget& target);

}  // namespace herald::core

#endif  // HERALD_CORE_UPLOAD_PROGRESS_H_
