#include "media/store_file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace herald::media::file_io {

base::Error IoError(std::string_view what, std::string_view path, int err) {
  return base::Internal(std::string(what) + " " + std::string(path) + ": " + std::strerror(err));
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

base::Result<void> UniqueFd::Close(std::string_view path) {
  int fd = release();
  if (fd >= 0 && ::close(fd) != 0 && errno != EINTR) return IoError("closing", path, errno);
  return base::Ok();
}

base::Result<ReadableFile> OpenRegularFile(const std::string& path, std::string_view what) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return base::NotFound(std::string(what) + " does not exist").set_detail(path);
    }
    return IoError("opening", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("reading the size of", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return base::InvalidArgument(std::string(what) + " is not a regular file").set_detail(path);
  }
  return ReadableFile{std::move(fd), static_cast<int64_t>(st.st_size)};
}

base::Result<void> WriteAll(int fd, std::string_view data, std::string_view path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("writing", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return base::Ok();
}

base::Result<std::string> ReadAt(int fd, int64_t offset, int64_t length, std::string_view path) {
  std::string out(static_cast<size_t>(length), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done,
                        static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("reading", path, errno);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

base::Result<void> CopyAll(int from, int to, std::string_view from_path, std::string_view to_path) {
  constexpr size_t kChunk = 64u << 20;
  bool kernel_copy = true;
  for (;;) {
    ssize_t n = ::copy_file_range(from, nullptr, to, nullptr, kChunk, 0);
    if (n > 0) continue;
    if (n == 0) return base::Ok();
    if (errno == EINTR) continue;
    if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) {
      kernel_copy = false;
      break;
    }
    return IoError("copying to", to_path, errno);
  }
  if (kernel_copy) return base::Ok();
  std::vector<char> buffer(1u << 20);
  for (;;) {
    ssize_t n = ::read(from, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("reading", from_path, errno);
    }
    if (n == 0) return base::Ok();
    HERALD_RETURN_IF_ERROR(WriteAll(to, std::string_view(buffer.data(), static_cast<size_t>(n)),
                                    to_path));
  }
}

base::Result<void> MakeDirectories(const std::string& dir) {
  if (dir.empty()) return base::Ok();
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return base::Ok();
    return IoError("creating directory", dir, ENOTDIR);
  }
  size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    HERALD_RETURN_IF_ERROR(MakeDirectories(dir.substr(0, slash)));
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return IoError("creating directory", dir, errno);
  }
  return base::Ok();
}

base::Result<void> FsyncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return IoError("opening directory", dir, errno);
  if (::fsync(fd.get()) != 0) return IoError("syncing directory", dir, errno);
  return fd.Close(dir);
}

}  // namespace herald::media::file_io
