// The audit log's writing side for the core services: one entry per change, with who made it
// (the caller's key), the organization, the action, the object and a summary of the arguments
// without secrets. Read with TeamService::ListAudit.
#ifndef HERALD_CORE_AUDIT_H_
#define HERALD_CORE_AUDIT_H_

#include <string_view>

#include "base/caller.h"
#include "base/clock.h"
#include "base/json.h"
#include "store/store.h"

namespace herald::core {

// Appends an entry in `tx`, the transaction of the change itself; a failure to do so never
// fails the operation (the store logs it).
void Audit(store::Tx& tx, const base::Caller& caller, std::string_view action,
           std::string_view subject, base::Json detail, base::Time now);

// The same in a transaction of its own, for changes made outside the store (files converted,
// metrics fetched from the networks). Blocking: call it on a blocking thread. A failure is
// logged, never returned.
void AuditAlone(store::Store& store, const base::Caller& caller, std::string_view action,
                std::string_view subject, base::Json detail, base::Time now);

}  // namespace herald::core

#endif  // HERALD_CORE_AUDIT_H_
