// BackupScheduler: the automatic backups `herald serve` takes (HERALD_BACKUP_DIR), one per
// interval (a day), each read back and checked against its manifest before it counts, the
// newest `keep` kept. A failed backup is logged and tried again after a backoff (1 min,
// doubling, at most 1 h), never skipped silently: the age of the last good backup keeps
// growing and /metrics shows it.
//
// Driven step by step: Step(now) does whatever is due and returns when to call it next, so the
// caller owns the waiting (a thread in serve, a FakeClock in tests). Thread-safe.
#ifndef HERALD_CORE_BACKUP_SCHEDULER_H_
#define HERALD_CORE_BACKUP_SCHEDULER_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/backup.h"
#include "store/store.h"

namespace herald::core {

struct BackupSchedulerOptions {
  std::string dir;  // where backups go (created when missing)
  int keep = 7;     // backups kept; older ones are deleted after a good backup
  std::chrono::minutes interval{24 * 60};
  std::chrono::minutes first_retry{1};
  std::chrono::minutes max_retry{60};
  std::string herald_version;
  std::string secret_key_id;  // recorded in each manifest
};

class BackupScheduler {
 public:
  // Looks at `options.dir` for earlier backups: the newest one's time sets when the next is due
  // (a restart does not take an extra backup). `started` is when the age of "no backup yet"
  // counts from.
  BackupScheduler(store::Store& store, BackupSchedulerOptions options, base::Time started);

  // Takes a backup if one is due at `now` (writes, verifies, rotates); returns when the next
  // step is due.
  base::Time Step(base::Time now);

  // Writes one backup now, verifies it and rotates. Returns its path. Errors: the store's or
  // the file system's; a backup that fails verification is deleted and its error returned.
  base::Result<std::string> BackupNow(base::Time now);

  // Seconds since the last good backup (or, before the first one, since `started`).
  double SecondsSinceLastGood(base::Time now) const;
  // The time of the last good backup, if any.
  std::optional<base::Time> last_good() const;
  // Failed attempts since the last good one (0 when the last attempt succeeded).
  int consecutive_failures() const;
  // Every attempt that failed since start.
  int64_t failures_total() const;

  // The backup files in `dir`, oldest first (the names sort by time).
  static std::vector<std::string> ListBackups(const std::string& dir);
  // The file name of a backup taken at `t`: herald-YYYYMMDDTHHMMSSZ.jsonl.
  static std::string FileNameAt(base::Time t);

 private:
  // Deletes the oldest backups beyond `keep`.
  void Rotate();

  store::Store& store_;
  BackupSchedulerOptions options_;
  mutable std::mutex mu_;
  base::Time started_;
  std::optional<base::Time> last_good_;
  base::Time next_due_;
  int consecutive_failures_ = 0;
  int64_t failures_total_ = 0;
};

}  // namespace herald::core

#endif  // HERALD_CORE_BACKUP_SCHEDULER_H_
