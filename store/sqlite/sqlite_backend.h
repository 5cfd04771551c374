// SqliteBackend: SQLite behind the portable SQL store.
//
// A file database runs in WAL mode with foreign_keys=ON: one writer connection (writes
// serialised in process by a timed mutex, across processes by SQLite's lock with busy_timeout)
// plus up to pool_size reader connections (query_only) for Read(), so readers never wait for the
// writer. An in-memory database ("sqlite::memory:") is one connection shared by all.
//
// Durability (group fsync): the writer commits with synchronous=NORMAL, which appends the commit
// to the WAL without syncing, and releases the writer at once; the committer then waits in
// WaitDurable() until an fdatasync of the WAL that started after its commit has finished. One
// fsync covers every commit made before it, and the next transactions run while it is in
// flight, so the fsync leaves the writer's critical path. Every commit is durable before its
// caller is told it succeeded (as with synchronous=FULL); a reader may see a commit up to one
// fsync before that. A failed fsync poisons the store: every later commit reports kUnknown.
//
// Checkpoints run on a background connection (PASSIVE, so they never block the writer), started
// by a WAL hook on the writer once the WAL holds kCheckpointFrames frames, instead of SQLite's
// automatic checkpoint, which would run (with two fsyncs) inside the committing writer.
// Thread-safe.
#ifndef HERALD_STORE_SQLITE_SQLITE_BACKEND_H_
#define HERALD_STORE_SQLITE_SQLITE_BACKEND_H_

#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/sql/backend.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/store.h"

namespace herald::store::sqlite {

class SqliteBackend final : public sql::Backend {
 public:
  // Opens the database at `path` (":memory:" for in-memory). Before changing anything it checks
  // that the file is a SQLite database (kFailedPrecondition "<path> is not a herald database
  // ..."), not held by another process (kUnavailable "database <path> is locked by another
  // process"), and not migrated by a newer herald (kFailedPrecondition); only then does it
  // switch the file to WAL. Creates the file (and its directory) when missing. A lock held
  // by another process is waited for up to options.busy_timeout.
  static base::Result<std::unique_ptr<SqliteBackend>> Open(const std::string& path,
                                                          const StoreOptions& options,
                                                          int known_version);
  ~SqliteBackend() override;

 private:
  // One attempt of Open.
  static base::Result<std::unique_ptr<SqliteBackend>> OpenOnce(const std::string& path,
                                                              const StoreOptions& options,
                                                              int known_version);

 public:

  const sql::Dialect& dialect() const override;
  const std::string& description() const override { return description_; }
  base::Result<sql::ConnectionLease> Acquire(sql::Access access) override;
  int max_concurrent_batches() const override { return 1; }
  uint64_t CommitTicket() override;
  base::Result<void> WaitDurable(uint64_t ticket) override;
  std::span<const sql::Migration> migrations() const override;
  base::Result<void> BeginMigration(sql::SqlConnection& conn) override;
  void EndMigration(sql::SqlConnection&) override {}
  void StartJobsListener(std::function<void()>) override {}

 private:
  SqliteBackend(std::string path, const StoreOptions& options);
  base::Result<std::unique_ptr<SqliteConnection>> OpenReader();
  // fdatasync of the WAL (opened on first use). Called by one thread at a time.
  base::Result<void> SyncWal();
  // The writer's WAL hook: wakes the checkpointer when the WAL has grown.
  static int OnWalCommit(void* self, struct sqlite3* db, const char* name, int frames);
  void CheckpointLoop();

  const std::string path_;
  const std::string description_;
  const bool memory_;
  const std::chrono::milliseconds busy_timeout_;
  const size_t max_readers_;

  std::timed_mutex writer_mu_;
  std::unique_ptr<SqliteConnection> writer_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;  // all reader connections
  std::vector<SqliteConnection*> idle_readers_;

  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  uint64_t committed_ = 0;  // commits made (ticket numbers handed out)
  uint64_t synced_ = 0;     // every commit up to this one is durable
  bool syncing_ = false;    // an fsync is in flight
  std::optional<base::Error> sync_error_;  // sticky once an fsync failed
  int wal_fd_ = -1;         // used only by the thread that set syncing_

  std::unique_ptr<SqliteConnection> checkpointer_;  // used only by checkpoint_thread_
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_stop_ = false;
  std::thread checkpoint_thread_;
};

}  // namespace herald::store::sqlite

#endif  // HERALD_STORE_SQLITE_SQLITE_BACKEND_H_
