// The process's limit on open file descriptors (RLIMIT_NOFILE). Every HTTP connection holds
// one; the soft limit is often 1,024, below what a server with HttpServerOptions'
// max_connections + reserved_connections needs next to its other files.
#ifndef HERALD_HTTP_FD_LIMIT_H_
#define HERALD_HTTP_FD_LIMIT_H_

#include <cstdint>

#include "base/result.h"

namespace herald::http {

// Raises the soft RLIMIT_NOFILE to the hard limit (never lowers it) and returns the soft
// limit in force afterwards. Errors: kUnavailable when the limit cannot be read or set.
base::Result<uint64_t> RaiseOpenFileLimit();

}  // namespace herald::http

#endif  // HERALD_HTTP_FD_LIMIT_H_
