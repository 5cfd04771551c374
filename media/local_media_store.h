// LocalMediaStore: media objects as files under a root directory (production:
// <data_dir>/media), the key being the relative path ("org_1/med_2/original.png").
//
// - Keys are checked by CheckObjectKey (media_store.h): an absolute key, "..", an empty segment
//   or a NUL is kInvalidArgument, so no key reaches outside the root.
// - PutFile renames the file into place when it is on the same filesystem; otherwise it copies
//   it to a temporary name in the destination directory, fsyncs it and renames it over the key,
//   so a crash never leaves a half-written object under a key (a stray ".tmp-*" file at worst).
//   The directory is fsynced after the rename.
// - Content type: no metadata is kept beside the bytes. The type is derived from the key's
//   extension (media keys always carry one, see ObjectKey): .jpg/.jpeg, .png, .gif, .webp,
//   .heic, .heif, .avif, .tif/.tiff, .bmp, .mp4/.m4v, .mov, .webm, .mkv, .avi, .mpg/.mpeg;
//   anything else is application/octet-stream. PutFile's content_type argument is therefore
//   not stored; the type of the stored object is what Stat returns.
// - Remove deletes the file, then the directories it leaves empty up to (not including) the
//   root.
//
// Blocking file work runs on a thread pool (the one given, or two threads of its own), never
// on the awaiting coroutine's executor. Thread-safe.
#ifndef HERALD_MEDIA_LOCAL_MEDIA_STORE_H_
#define HERALD_MEDIA_LOCAL_MEDIA_STORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "base/async.h"
#include "media/media_store.h"

namespace herald::media {

class LocalMediaStore final : public MediaStore {
 public:
  // `root`: made absolute; created on the first PutFile. `blocking`: the pool for file work, or
  // nullptr for a pool of two threads owned by the store. REQUIRES: `blocking` outlives the
  // store.
  explicit LocalMediaStore(std::string root, base::asio::thread_pool* blocking = nullptr);
  ~LocalMediaStore() override;

  std::string_view Kind() const override { return "local"; }
  Task<Result<StoredObject>> PutFile(std::string key, std::string path,
                                     std::string content_type) override;
  Task<Result<StoredObject>> GetToFile(std::string key, std::string path) override;
  Task<Result<std::string>> ReadRange(std::string key, int64_t offset, int64_t length) override;
  Task<Result<StoredObject>> Stat(std::string key) override;
  Task<Result<void>> Remove(std::string key) override;
  // kUnimplemented: herald serves local media itself at signed URLs (media/url_signer.h).
  Result<std::string> PresignedUrl(std::string_view key, base::Time expires) const override;
  // The absolute path of the key's file (whether or not it exists), "" for an invalid key.
  std::string LocalPath(std::string_view key) const override;

  const std::string& root() const { return root_; }

  // The type LocalMediaStore gives a key: from its extension (see above).
  static std::string ContentTypeForKey(std::string_view key);

 private:
  Result<StoredObject> PutFileBlocking(const std::string& key, const std::string& path) const;
  Result<StoredObject> GetToFileBlocking(const std::string& key, const std::string& path) const;
  Result<std::string> ReadRangeBlocking(const std::string& key, int64_t offset,
                                        int64_t length) const;
  Result<StoredObject> StatBlocking(const std::string& key) const;
  Result<void> RemoveBlocking(const std::string& key) const;

  std::string root_;
  std::unique_ptr<base::asio::thread_pool> own_pool_;
  base::asio::thread_pool& blocking_;
};

}  // namespace herald::media

#endif  // HERALD_MEDIA_LOCAL_MEDIA_STORE_H_
