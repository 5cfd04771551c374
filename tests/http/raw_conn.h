// RawConn: a blocking TCP client on a plain POSIX socket to 127.0.0.1, for tests that hold
// thousands of connections (no io_context each). Every wait is bounded (poll).
#ifndef HERALD_TESTS_HTTP_RAW_CONN_H_
#define HERALD_TESTS_HTTP_RAW_CONN_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::testing {

class RawConn {
 public:
  explicit RawConn(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConn(RawConn&& o) noexcept : fd_(std::exchange(o.fd_, -1)), received_(std::move(o.received_)) {}
  RawConn& operator=(RawConn&&) = delete;
  RawConn(const RawConn&) = delete;

  bool ok() const { return fd_ >= 0; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads until `needle` is in received(); false on timeout, end of stream or error.
  bool ReadUntil(std::string_view needle, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(needle) == std::string::npos) {
      if (ReadSome(deadline) <= 0) return false;
    }
    return true;
  }

  // True when the peer closes (or resets) the connection within `timeout`.
  bool WaitForClose(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int r = ReadSome(deadline);
      if (r == 0) return true;    // end of stream or reset
      if (r < 0) return false;    // timed out
    }
  }

  const std::string& received() const { return received_; }

 private:
  // >0 bytes read, 0 closed, -1 timed out.
  int ReadSome(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready <= 0) return -1;
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return 0;
    received_.append(buf, static_cast<size_t>(n));
    return 1;
  }

  int fd_ = -1;
  std::string received_;
};

// Raises this process's soft RLIMIT_NOFILE to its hard limit (a flood test holds both ends of
// thousands of connections); returns the soft limit afterwards.
inline uint64_t RaiseTestFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

// Opens `n` connections that never send anything.
inline std::vector<RawConn> OpenIdleConnections(uint16_t port, size_t n) {
  std::vector<RawConn> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    RawConn c(port);
    if (!c.ok()) break;
    out.push_back(std::move(c));
  }
  return out;
}

template <class Duration>
double MedianMs(std::vector<Duration> d) {
  std::sort(d.begin(), d.end());
  return std::chrono::duration<double, std::milli>(d[d.size() / 2]).count();
}

}  // namespace herald::testing

#endif  // HERALD_TESTS_HTTP_RAW_CONN_H_
