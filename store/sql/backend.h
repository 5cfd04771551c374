// Backend: what the portable SQL store needs from a database engine beyond running statements:
// where connections come from, how transactions begin, the few SQL dialect differences, the
// migration lock, and cross-process wake-ups.
//
// Implemented by sqlite::SqliteBackend and postgres::PgBackend; owned by sql::SqlStore.
// Thread-safe.
#ifndef HERALD_STORE_SQL_BACKEND_H_
#define HERALD_STORE_SQL_BACKEND_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "store/sql/connection.h"

namespace herald::store::sql {

// The few places where SQLite and PostgreSQL SQL differ.
struct Dialect {
  std::string_view backend;      // "sqlite" | "postgres"
  std::string_view begin_read;   // starts a read-only transaction
  std::string_view begin_write;  // starts a read-write transaction
  // Appended to the claim candidate query ("FOR UPDATE SKIP LOCKED" on PostgreSQL).
  std::string_view claim_lock_clause;
  // Appended to a single-row SELECT to lock the row until the transaction ends (" FOR UPDATE";
  // "" where the one writer already excludes everybody else).
  std::string_view row_lock_clause;
  // Serialise claimers per account with transaction-scoped advisory locks (PostgreSQL), where
  // several processes may claim at once. SQLite has one writer, so it needs none.
  bool account_advisory_locks = false;
  // Pass id lists as one array parameter (`= ANY(?::text[])`) instead of `IN (?, ?, ...)`.
  bool array_params = false;
  // Issued inside a transaction that enqueued or rescheduled jobs, just before COMMIT, so other
  // processes wake at commit ("" when the backend has no such signal).
  std::string_view notify_jobs_sql;
  // RELEASE each group-commit savepoint after its unit succeeds (SQLite: cheap and keeps the
  // savepoint stack flat). PostgreSQL leaves them nested to save a round trip per unit.
  bool release_savepoints = true;
};

// An exclusive loan of a connection; returned to its owner when destroyed.
class ConnectionLease {
 public:
  using Releaser = std::function<void(SqlConnection*)>;
  ConnectionLease() = default;
  ConnectionLease(SqlConnection* conn, Releaser release)
      : conn_(conn), release_(std::move(release)) {}
  ConnectionLease(ConnectionLease&& other) noexcept
      : conn_(std::exchange(other.conn_, nullptr)), release_(std::move(other.release_)) {}
  ConnectionLease& operator=(ConnectionLease&& other) noexcept {
    if (this != &other) {
      Reset();
      conn_ = std::exchange(other.conn_, nullptr);
      release_ = std::move(other.release_);
    }
    return *this;
  }
  ConnectionLease(const ConnectionLease&) = delete;
  ConnectionLease& operator=(const ConnectionLease&) = delete;
  ~ConnectionLease() { Reset(); }

  SqlConnection& operator*() const { return *conn_; }
  SqlConnection* operator->() const { return conn_; }

 private:
  void Reset() {
    if (conn_ != nullptr && release_) release_(conn_);
    conn_ = nullptr;
  }
  SqlConnection* conn_ = nullptr;
  Releaser release_;
};

// One numbered migration script.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

enum class Access { kRead, kWrite };

class Backend {
 public:
  virtual ~Backend() = default;

  virtual const Dialect& dialect() const = 0;
  // A display name of the database for messages ("database /path/herald.db", "PostgreSQL at
  // host:port/db"); never a password.
  virtual const std::string& description() const = 0;

  // Blocks until a connection for `access` is free. SQLite serialises writers on one
  // connection; PostgreSQL draws from its pool. Errors: kUnavailable.
  virtual base::Result<ConnectionLease> Acquire(Access access) = 0;

  // How many group-commit batches may run at once (1 for a single-writer engine).
  virtual int max_concurrent_batches() const = 0;

  // Durability after COMMIT. CommitTicket() is called right after a successful COMMIT, while
  // the connection is still held; WaitDurable(ticket) after it was released, before the caller
  // is told the commit succeeded. SQLite commits without syncing and syncs the WAL here, for many
  // commits at once and outside the writer lock; PostgreSQL's COMMIT is already durable.
  // WaitDurable errors: kUnknown when the sync failed (the commit may be lost).
  virtual uint64_t CommitTicket() { return 0; }
  virtual base::Result<void> WaitDurable(uint64_t) { return base::Ok(); }

  // The migration scripts for this backend, in version order.
  virtual std::span<const Migration> migrations() const = 0;
  // Takes the cross-process migration lock on `conn` and begins the migration transaction
  // (SQLite: BEGIN IMMEDIATE; PostgreSQL: pg_advisory_lock, then BEGIN).
  virtual base::Result<void> BeginMigration(SqlConnection& conn) = 0;
  // Releases what BeginMigration took (after COMMIT or ROLLBACK).
  virtual void EndMigration(SqlConnection& conn) = 0;

  // Starts delivering cross-process "jobs changed" signals to `signal` (PostgreSQL LISTEN on a
  // dedicated connection); a no-op where the store's own in-process signal suffices.
  virtual void StartJobsListener(std::function<void()> signal) = 0;
};

}  // namespace herald::store::sql

#endif  // HERALD_STORE_SQL_BACKEND_H_
