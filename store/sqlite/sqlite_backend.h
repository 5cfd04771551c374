// SqliteBackend: SQLite behind the portable SQL store.
//
// A file database runs in WAL mode with synchronous=FULL (every commit is durable) and
// foreign_keys=ON: one writer connection (writes serialised in process by a timed mutex, across
// processes by SQLite's lock with busy_timeout) plus up to pool_size reader connections
// (query_only) for Read(), so readers never wait for the writer. An in-memory database
// ("sqlite::memory:") is one connection shared by readers and the writer.
// Thread-safe.
#ifndef HERALD_STORE_SQLITE_SQLITE_BACKEND_H_
#define HERALD_STORE_SQLITE_SQLITE_BACKEND_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
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
  // switch the file to WAL. Creates the file (and its directory) when missing.
  static base::Result<std::unique_ptr<SqliteBackend>> Open(const std::string& path,
                                                          const StoreOptions& options,
                                                          int known_version);
  ~SqliteBackend() override;

  const sql::Dialect& dialect() const override;
  const std::string& description() const override { return description_; }
  base::Result<sql::ConnectionLease> Acquire(sql::Access access) override;
  int max_concurrent_batches() const override { return 1; }
  std::span<const sql::Migration> migrations() const override;
  base::Result<void> BeginMigration(sql::SqlConnection& conn) override;
  void EndMigration(sql::SqlConnection&) override {}
  void StartJobsListener(std::function<void()>) override {}

 private:
  SqliteBackend(std::string path, const StoreOptions& options);
  base::Result<std::unique_ptr<SqliteConnection>> OpenReader();

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
};

}  // namespace herald::store::sqlite

#endif  // HERALD_STORE_SQLITE_SQLITE_BACKEND_H_
