// Caller: who is asking. The definition lives in base/caller.h (shared with the transports,
// which authenticate a caller without depending on the core); this name stays for the core.
#ifndef HERALD_CORE_CALLER_H_
#define HERALD_CORE_CALLER_H_

#include "base/caller.h"

namespace herald::core {

using base::Caller;

}  // namespace herald::core

#endif  // HERALD_CORE_CALLER_H_
