// Small POSIX file helpers shared by the media stores (local and S3): an owning descriptor,
// full reads and writes that survive short counts and EINTR, a kernel-side copy, directory
// creation and directory fsync. Errors are kInternal with the operation, path and errno text in
// the detail (for the log), never in the client message. Thread-compatible.
#ifndef HERALD_MEDIA_STORE_FILE_IO_H_
#define HERALD_MEDIA_STORE_FILE_IO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace herald::media::file_io {

// kInternal; detail "<what> <path>: <strerror(err)>".
base::Error IoError(std::string_view what, std::string_view path, int err);

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd();
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes now and reports a failure (a late write error surfaces here).
  base::Result<void> Close(std::string_view path);

 private:
  int fd_ = -1;
};

// A regular file opened for reading, and its size.
struct ReadableFile {
  UniqueFd fd;
  int64_t size = 0;
};

// Opens the regular file at `path` for reading. Errors: kNotFound "<what> does not exist",
// kInvalidArgument "<what> is not a regular file" (the path in the detail only), kInternal.
base::Result<ReadableFile> OpenRegularFile(const std::string& path, std::string_view what);

// Writes all of `data` at the current position.
base::Result<void> WriteAll(int fd, std::string_view data, std::string_view path);

// Up to `length` bytes from `offset` (fewer only at the end of the file).
base::Result<std::string> ReadAt(int fd, int64_t offset, int64_t length, std::string_view path);

// Copies everything from the current position of `from` to `to` (copy_file_range, falling back
// to read/write where the kernel cannot).
base::Result<void> CopyAll(int from, int to, std::string_view from_path, std::string_view to_path);

// mkdir -p with mode 0700 for the directories it creates.
base::Result<void> MakeDirectories(const std::string& dir);

// fsync of a directory, so a rename or unlink in it is durable.
base::Result<void> FsyncDirectory(const std::string& dir);

}  // namespace herald::media::file_io

#endif  // HERALD_MEDIA_STORE_FILE_IO_H_
