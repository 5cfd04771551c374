// MediaService: images uploaded for posts (upload_media), stored in the database.
//
// The bytes are sniffed (PNG, JPEG, GIF, WebP magic numbers) and must match the declared MIME
// type; anything else is refused, as is anything over max_bytes. Each upload gets a med_... id
// scoped to the caller's organization. Thread-safe; Upload is blocking (store I/O) with a
// coroutine form that runs it on the pool given at construction.
#ifndef HERALD_CORE_MEDIA_SERVICE_H_
#define HERALD_CORE_MEDIA_SERVICE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/async.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "core/caller.h"
#include "core/limits.h"
#include "store/store.h"

namespace herald::core {

struct MediaServiceOptions {
  int64_t max_bytes = limits::kMaxMediaBytes;
  size_t max_alt_text = limits::kMaxAltTextLength;    // code points
  size_t max_file_name = limits::kMaxFileNameLength;  // code points
};

struct UploadMediaRequest {
  std::string data_base64;
  std::string mime_type;
  std::string file_name;
  std::string alt_text;
};

// The MIME type the bytes are, by magic number ("image/png", ...), or "" if none of the
// supported types.
std::string_view SniffImageType(std::string_view bytes);

class MediaService {
 public:
  MediaService(store::Store& store, const base::Clock& clock, base::asio::thread_pool& blocking,
               MediaServiceOptions options = {});

  // Stores the image and returns its row without the bytes (id, mime_type, size, sha256,
  // file_name, alt_text).
  // Errors (kInvalidArgument naming the field): data_base64 not base64 or empty, too large,
  // bytes that are not the declared type or not a supported type; alt_text or file_name too
  // long. kPermissionDenied for a viewer.
  base::Result<store::Media> UploadSync(const Caller& caller, const UploadMediaRequest& request);
  base::Task<base::Result<store::Media>> Upload(Caller caller, UploadMediaRequest request);

 private:
  store::Store& store_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  MediaServiceOptions options_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_MEDIA_SERVICE_H_
