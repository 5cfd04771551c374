#include "media/local_media_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <utility>

#include "base/crypto.h"
#include "media/store_file_io.h"

namespace herald::media {
namespace {

using file_io::IoError;
using file_io::UniqueFd;

// A concurrent Remove may delete a directory between MakeDirectories and the rename or open
// into it; the operation is tried again this many times.
constexpr int kAttempts = 3;

std::string ParentOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool IsMissing(int err) { return err == ENOENT || err == ENOTDIR; }

base::Error NoSuchObject(std::string_view key) {
  return base::NotFound("no media object " + std::string(key) + " in the local media store");
}

// The object's file, opened for reading; a missing file or a directory is no such object.
Result<file_io::ReadableFile> OpenObject(std::string_view key, const std::string& path) {
  auto file = file_io::OpenRegularFile(path, "the media object");
  if (!file.ok() && file.error().code() != base::ErrorCode::kInternal) return NoSuchObject(key);
  return file;
}

}  // namespace

LocalMediaStore::LocalMediaStore(std::string root, base::asio::thread_pool* blocking)
    : root_(std::filesystem::absolute(std::filesystem::path(std::move(root)))
                .lexically_normal()
                .string()),
      own_pool_(blocking == nullptr ? std::make_unique<base::asio::thread_pool>(2) : nullptr),
      blocking_(blocking == nullptr ? *own_pool_ : *blocking) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

LocalMediaStore::~LocalMediaStore() {
  if (own_pool_) own_pool_->join();
}

std::string LocalMediaStore::ContentTypeForKey(std::string_view key) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"}, {"png", "image/png"},
      {"gif", "image/gif"},   {"webp", "image/webp"}, {"heic", "image/heic"},
      {"heif", "image/heif"}, {"avif", "image/avif"}, {"tif", "image/tiff"},
      {"tiff", "image/tiff"}, {"bmp", "image/bmp"},   {"mp4", "video/mp4"},
      {"m4v", "video/mp4"},   {"mov", "video/quicktime"}, {"webm", "video/webm"},
      {"mkv", "video/x-matroska"}, {"avi", "video/x-msvideo"}, {"mpg", "video/mpeg"},
      {"mpeg", "video/mpeg"},
  };
  size_t slash = key.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot != std::string_view::npos) {
    std::string ext(name.substr(dot + 1));
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& [e, type] : kTypes) {
      if (ext == e) return std::string(type);
    }
  }
  return "application/octet-stream";
}

std::string LocalMediaStore::LocalPath(std::string_view key) const {
  if (!CheckObjectKey(key).ok()) return "";
  return root_ + "/" + std::string(key);
}

Result<std::string> LocalMediaStore::PresignedUrl(std::string_view, base::Time) const {
  return base::Unimplemented(
      "the local media store has no presigned URLs; herald serves local media at signed "
      "/media/ URLs");
}

// ---- coroutines: the work runs on the blocking pool ----

Task<Result<StoredObject>> LocalMediaStore::PutFile(std::string key, std::string path,
                                                    std::string content_type) {
  (void)content_type;  // derived from the key's extension (see the header)
  co_return co_await base::RunBlocking(blocking_, [&] { return PutFileBlocking(key, path); });
}

Task<Result<StoredObject>> LocalMediaStore::GetToFile(std::string key, std::string path) {
  co_return co_await base::RunBlocking(blocking_, [&] { return GetToFileBlocking(key, path); });
}

Task<Result<std::string>> LocalMediaStore::ReadRange(std::string key, int64_t offset,
                                                     int64_t length) {
  co_return co_await base::RunBlocking(blocking_,
                                       [&] { return ReadRangeBlocking(key, offset, length); });
}

Task<Result<StoredObject>> LocalMediaStore::Stat(std::string key) {
  co_return co_await base::RunBlocking(blocking_, [&] { return StatBlocking(key); });
}

Task<Result<void>> LocalMediaStore::Remove(std::string key) {
  co_return co_await base::RunBlocking(blocking_, [&] { return RemoveBlocking(key); });
}

// ---- blocking work ----

Result<StoredObject> LocalMediaStore::PutFileBlocking(const std::string& key,
                                                      const std::string& path) const {
  HERALD_RETURN_IF_ERROR(CheckObjectKey(key));
  const std::string dest = root_ + "/" + key;
  const std::string dir = ParentOf(dest);
  HERALD_ASSIGN_OR_RETURN(file_io::ReadableFile file,
                          file_io::OpenRegularFile(path, "the file to store"));
  const UniqueFd& source = file.fd;
  StoredObject stored{key, file.size, ContentTypeForKey(key)};

  // Same filesystem: the file's data is made durable, then it is renamed over the key.
  if (::fsync(source.get()) != 0) return IoError("syncing", path, errno);
  bool copy = false;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    HERALD_RETURN_IF_ERROR(file_io::MakeDirectories(dir));
    if (::rename(path.c_str(), dest.c_str()) == 0) {
      HERALD_RETURN_IF_ERROR(file_io::FsyncDirectory(dir));
      return stored;
    }
    if (errno == EXDEV) {
      copy = true;
      break;
    }
    if (errno != ENOENT || ::access(path.c_str(), F_OK) != 0) {
      return IoError("moving into the media store", dest, errno);
    }
  }
  if (!copy) return IoError("moving into the media store", dest, ENOENT);

  // Another filesystem: a copy under a temporary name in the destination directory, synced,
  // then renamed over the key.
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    HERALD_RETURN_IF_ERROR(file_io::MakeDirectories(dir));
    const std::string temp =
        dir + "/.tmp-" + base::HexEncode(base::RandomBytes(8)) + "-" + BaseName(dest);
    UniqueFd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out.valid()) {
      if (errno == ENOENT) continue;  // the directory was removed meanwhile
      return IoError("creating", temp, errno);
    }
    auto written = [&]() -> Result<void> {
      if (::lseek(source.get(), 0, SEEK_SET) != 0) return IoError("rewinding", path, errno);
      HERALD_RETURN_IF_ERROR(file_io::CopyAll(source.get(), out.get(), path, temp));
      if (::fsync(out.get()) != 0) return IoError("syncing", temp, errno);
      HERALD_RETURN_IF_ERROR(out.Close(temp));
      if (::rename(temp.c_str(), dest.c_str()) != 0) return IoError("renaming", temp, errno);
      return file_io::FsyncDirectory(dir);
    }();
    if (!written.ok()) {
      ::unlink(temp.c_str());
      return std::move(written).error();
    }
    return stored;
  }
  return IoError("creating a file in", dir, ENOENT);
}

Result<StoredObject> LocalMediaStore::GetToFileBlocking(const std::string& key,
                                                        const std::string& path) const {
  HERALD_RETURN_IF_ERROR(CheckObjectKey(key));
  const std::string source_path = root_ + "/" + key;
  HERALD_ASSIGN_OR_RETURN(file_io::ReadableFile source, OpenObject(key, source_path));
  UniqueFd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!out.valid()) return IoError("creating", path, errno);
  auto copied = [&]() -> Result<void> {
    HERALD_RETURN_IF_ERROR(file_io::CopyAll(source.fd.get(), out.get(), source_path, path));
    return out.Close(path);
  }();
  if (!copied.ok()) {
    ::unlink(path.c_str());
    return std::move(copied).error();
  }
  return StoredObject{key, source.size, ContentTypeForKey(key)};
}

Result<std::string> LocalMediaStore::ReadRangeBlocking(const std::string& key, int64_t offset,
                                                       int64_t length) const {
  HERALD_RETURN_IF_ERROR(CheckObjectKey(key));
  if (offset < 0 || length < 0) {
    return base::InvalidArgument("a media range needs a non-negative offset and length");
  }
  const std::string path = root_ + "/" + key;
  HERALD_ASSIGN_OR_RETURN(file_io::ReadableFile file, OpenObject(key, path));
  const int64_t size = file.size;
  if (offset > size) {
    return base::InvalidArgument("offset " + std::to_string(offset) + " is past the end of " + key +
                            " (" + std::to_string(size) + " bytes)");
  }
  return file_io::ReadAt(file.fd.get(), offset, std::min(length, size - offset), path);
}

Result<StoredObject> LocalMediaStore::StatBlocking(const std::string& key) const {
  HERALD_RETURN_IF_ERROR(CheckObjectKey(key));
  const std::string path = root_ + "/" + key;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (IsMissing(errno)) return NoSuchObject(key);
    return IoError("reading the size of", path, errno);
  }
  if (!S_ISREG(st.st_mode)) return NoSuchObject(key);
  return StoredObject{key, static_cast<int64_t>(st.st_size), ContentTypeForKey(key)};
}

Result<void> LocalMediaStore::RemoveBlocking(const std::string& key) const {
  HERALD_RETURN_IF_ERROR(CheckObjectKey(key));
  const std::string path = root_ + "/" + key;
  if (::unlink(path.c_str()) != 0) {
    if (IsMissing(errno)) return base::Ok();
    return IoError("removing", path, errno);
  }
  // The directories left empty go too, up to the root (rmdir refuses a non-empty one).
  for (std::string dir = ParentOf(path); dir.size() > root_.size(); dir = ParentOf(dir)) {
    if (::rmdir(dir.c_str()) != 0) break;
  }
  return base::Ok();
}

}  // namespace herald::media
