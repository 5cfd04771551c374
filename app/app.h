// The composition root: the only place that sees every layer. Opens the store and the keyring,
// builds the platforms, the core services, the tools and the transports, and runs them.
#ifndef HERALD_APP_APP_H_
#define HERALD_APP_APP_H_

#include <memory>
#include <string>

#include "app/config.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/result.h"
#include "core/backup_scheduler.h"
#include "store/store.h"

namespace herald::app {

// Opens the configured store (applying migrations when `migrate`), with errors worded for the
// command line.
base::Result<std::unique_ptr<store::Store>> OpenStoreForCli(const Config& config, bool migrate);

// Each returns the process exit code (serve_main.cpp, stdio_main.cpp, worker_main.cpp).
int RunServe(const Config& config);
int RunStdio(const Config& config);
int RunWorker(const Config& config);

// ---- backups (app/backup_main.cpp) ----
// Writes a backup to `out` ("" = <HERALD_BACKUP_DIR or <data>/backups>/herald-<time>.jsonl;
// "-" = stdout), verifies it, prints its path. Exit 2 for what the user can fix, 1 otherwise.
int RunBackup(const Config& config, const std::string& out);
// Restores the backup at `path` into the configured database, which must be empty (else exit 2,
// nothing changed). Refuses (exit 2) a backup whose credentials were sealed with a secret key
// this herald lacks unless `ignore_key_mismatch`.
int RunRestore(const Config& config, const std::string& path, bool ignore_key_mismatch);
// Automatic backups running in serve; destroying the handle stops them.
class BackupHandle {
 public:
  virtual ~BackupHandle() = default;
  virtual const core::BackupScheduler& scheduler() const = 0;
};
// Starts daily backups to config.backup_dir (HERALD_BACKUP_DIR) keeping config.backup_keep, on
// a thread of their own; null when no directory is configured.
std::unique_ptr<BackupHandle> StartBackups(store::Store& store, const base::Keyring& keyring,
                                           const Config& config, const base::Clock& clock);

}  // namespace herald::app

#endif  // HERALD_APP_APP_H_
