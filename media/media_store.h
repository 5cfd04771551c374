// MediaStore: where the bytes of media live. The database holds metadata and probes only.
//
// Two backends: LocalMediaStore (files under the data directory, the default) and
// S3MediaStore (S3-compatible object storage, AWS Signature V4, path-style addressing for
// self-hosted servers). Objects are addressed by a key such as "org_1/med_2/original.png"
// (ObjectKey). Memory stays bounded whatever the object size: files move in and out through
// local paths and parts, never whole in memory. Thread-safe.
#ifndef HERALD_MEDIA_MEDIA_STORE_H_
#define HERALD_MEDIA_MEDIA_STORE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/async.h"
#include "base/result.h"
#include "base/clock.h"

namespace herald::media {

using base::Result;
using base::Task;

struct StoredObject {
  std::string key;
  int64_t size = 0;
  std::string content_type;
};

class MediaStore {
 public:
  virtual ~MediaStore() = default;

  // "local" | "s3".
  virtual std::string_view Kind() const = 0;

  // Copies (local: moves when it can) the local file at `path` into the store under `key`,
  // replacing an object of that key. S3: one PUT up to the part size, a multipart upload
  // above it. Errors: kNotFound when `path` does not exist; kUnavailable when the storage
  // cannot be reached (nothing stored); kInternal for an I/O failure.
  virtual Task<Result<StoredObject>> PutFile(std::string key, std::string path,
                                             std::string content_type) = 0;

  // Writes the whole object to a new local file at `path`. kNotFound for a missing key.
  virtual Task<Result<StoredObject>> GetToFile(std::string key, std::string path) = 0;

  // Up to `length` bytes from `offset` (fewer at the end of the object; "" from the very end).
  // kNotFound for a missing key; kInvalidArgument for a negative offset or length and for an
  // offset past the end, the message then giving the object's size (base::ErrorCode has no
  // out-of-range code: a server answering range requests checks the size first, with Stat).
  virtual Task<Result<std::string>> ReadRange(std::string key, int64_t offset,
                                              int64_t length) = 0;

  // Size and type of an object. kNotFound for a missing key.
  virtual Task<Result<StoredObject>> Stat(std::string key) = 0;

  // Removes the object; removing a missing key is Ok.
  virtual Task<Result<void>> Remove(std::string key) = 0;

  // A URL anyone may GET the object at until `expires` (S3: a presigned URL), or
  // kUnimplemented when the store has none (local: herald serves the bytes itself at a
  // signed /media/... URL, see media/url_signer.h).
  virtual Result<std::string> PresignedUrl(std::string_view key, base::Time expires) const = 0;

  // Local: the absolute path of the object's file, so probes and uploads read it in place.
  // "" for remote stores (GetToFile first).
  virtual std::string LocalPath(std::string_view key) const {
    (void)key;
    return "";
  }
};

// "org_1/med_2/original.png": the key of one file of one media item. `file` is a plain name
// ("original.png", "jpeg-1080.jpg", "thumbnail.jpg"): no slash, no "..".
std::string ObjectKey(std::string_view org_id, std::string_view media_id, std::string_view file);

// Ok for a key both backends accept: 1 to 1024 bytes of '/'-separated non-empty segments, not
// starting with '/', with no "..", no "." segment and no NUL or other control character.
// Errors: kInvalidArgument saying which rule the key breaks.
Result<void> CheckObjectKey(std::string_view key);

}  // namespace herald::media

#endif  // HERALD_MEDIA_MEDIA_STORE_H_
