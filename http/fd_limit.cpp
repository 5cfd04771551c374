#include "http/fd_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace herald::http {

base::Result<uint64_t> RaiseOpenFileLimit() {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return base::Unavailable(std::string("cannot read the open file limit: ") +
                             std::strerror(errno));
  }
  if (limit.rlim_cur != RLIM_INFINITY &&
      (limit.rlim_max == RLIM_INFINITY || limit.rlim_cur < limit.rlim_max)) {
    struct rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      // Some systems refuse RLIM_INFINITY for descriptors: settle for what the kernel takes.
      raised.rlim_cur = 1 << 20;
      if (limit.rlim_max != RLIM_INFINITY || setrlimit(RLIMIT_NOFILE, &raised) != 0) {
        return base::Unavailable(std::string("cannot raise the open file limit: ") +
                                 std::strerror(errno));
      }
    }
    limit.rlim_cur = raised.rlim_cur;
  }
  return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<uint64_t>(limit.rlim_cur);
}

}  // namespace herald::http
