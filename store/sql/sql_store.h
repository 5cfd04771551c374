// SqlStore: the one portable implementation of store::Store, over a Backend (SQLite or
// PostgreSQL). Owns the backend, the group-commit queue and the jobs-changed signal.
//
// Transactions: Read() runs in a read-only transaction on a reader connection; Write() in one
// read-write transaction; WriteBatched() queues the unit, and whichever caller finds no batch
// running (up to Backend::max_concurrent_batches() at once) becomes the committer: it runs up
// to kMaxBatchUnits queued units in one transaction, each inside its own savepoint, commits
// once, and hands every caller its own result. Thread-safe.
#ifndef HERALD_STORE_SQL_SQL_STORE_H_
#define HERALD_STORE_SQL_SQL_STORE_H_

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sql/backend.h"
#include "store/sql/jobs_signal.h"
#include "store/store.h"

namespace herald::store::sql {

// The most units one group-commit transaction holds. PostgreSQL keeps up to 64 subtransaction
// ids per backend in shared memory before overflowing to pg_subtrans; stay under that.
inline constexpr size_t kMaxBatchUnits = 48;

// The error for a database migrated by a newer herald.
base::Error NewerSchemaError(int found, int known);

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::unique_ptr<Backend> backend);
  ~SqlStore() override;

  // Checks the schema version (kFailedPrecondition when newer than this herald) and, when
  // `migrate`, applies pending migrations. Called once by OpenStore.
  Result<void> Init(bool migrate);

  std::string_view backend() const override { return backend_->dialect().backend; }
  Result<void> Read(const TxFn& fn) override;
  Result<void> Write(const TxFn& fn) override;
  Result<void> WriteBatched(TxFn fn) override;
  void SetJobsChangedCallback(std::function<void()> callback) override;
  int KnownSchemaVersion() const override;
  Result<int> SchemaVersion() override;
  Result<int> Migrate() override;

 private:
  struct BatchUnit {
    const TxFn* fn = nullptr;
    Result<void> result;             // Ok unless the unit or its transaction failed
    bool done = false;               // guarded by batch_mu_
    std::condition_variable cv;      // wakes this unit's caller
  };

  // Runs `fn` in one read-only or read-write transaction.
  Result<void> RunTransaction(Access access, const TxFn& fn);
  struct BatchCommit {
    bool committed = false;
    uint64_t ticket = 0;
    bool jobs_changed = false;
  };
  // Runs the units of `batch` in one transaction and commits it (units that fail get their
  // error; if the transaction fails, every unit gets its error). Does not wait for durability.
  BatchCommit RunBatch(std::vector<BatchUnit*>& batch);
  // COMMIT (with the jobs notification first when `jobs_changed`); returns the backend's
  // durability ticket, or the error (after rolling back).
  Result<uint64_t> Commit(SqlConnection& conn, bool jobs_changed);
  // Waits until the commit with `ticket` is durable, then signals jobs waiters.
  Result<void> Durable(uint64_t ticket, bool jobs_changed);
  static void Rollback(SqlConnection& conn);
  Result<int> SchemaVersionOn(SqlConnection& conn);

  std::unique_ptr<Backend> backend_;
  JobsSignal signal_;

  std::mutex batch_mu_;
  std::deque<BatchUnit*> queue_;
  int active_batches_ = 0;
};

}  // namespace herald::store::sql

#endif  // HERALD_STORE_SQL_SQL_STORE_H_
