// Caller: who is asking. Every core operation takes one and is scoped to its organization; the
// role decides what it may do (viewer reads, editor manages posts and accounts, admin also
// manages keys).
#ifndef HERALD_CORE_CALLER_H_
#define HERALD_CORE_CALLER_H_

#include <string>

#include "store/model.h"

namespace herald::core {

struct Caller {
  std::string org_id;
  std::string key_id;  // key_... or "" for the local operator (stdio without HERALD_API_KEY)
  store::Role role = store::Role::kViewer;
  // For the audit log: the key id, or "local".
  std::string actor() const { return key_id.empty() ? "local" : key_id; }
};

}  // namespace herald::core

#endif  // HERALD_CORE_CALLER_H_
