#include "core/audit.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

namespace herald::core {

void Audit(store::Tx& tx, const base::Caller& caller, std::string_view action,
           std::string_view subject, base::Json detail, base::Time now) {
  store::AuditEntry entry;
  entry.org_id = caller.org_id;
  entry.actor = caller.actor();
  entry.action = std::string(action);
  entry.subject = std::string(subject);
  entry.detail = std::move(detail);
  entry.at = now;
  (void)tx.AppendAudit(entry);
}

void AuditAlone(store::Store& store, const base::Caller& caller, std::string_view action,
                std::string_view subject, base::Json detail, base::Time now) {
  auto written = store.Write([&](store::Tx& tx) -> base::Result<void> {
    Audit(tx, caller, action, subject, std::move(detail), now);
    return base::Ok();
  });
  if (!written.ok()) {
    spdlog::warn("audit entry {} on {} not written: {}", action, subject,
                 written.error().ToLogString());
  }
}

}  // namespace herald::core
