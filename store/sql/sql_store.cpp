#include "store/sql/sql_store.h"

#include <cstdint>
#include <exception>
#include <utility>

#include "base/clock.h"
#include "store/sql/sql_tx.h"

namespace herald::store::sql {
namespace {

// Runs a callback, turning a stray exception into kInternal (callbacks return errors as values;
// this is the last line of defence so a batch never leaves its other callers hanging).
Result<void> Invoke(const TxFn& fn, Tx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return base::Internal(std::string("exception in a store transaction: ") + e.what());
  } catch (...) {
    return base::Internal("unknown exception in a store transaction");
  }
}

constexpr std::string_view kSchemaTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

}  // namespace

base::Error NewerSchemaError(int found, int known) {
  return base::FailedPrecondition("database schema version " + std::to_string(found) +
                                  " is newer than this herald (knows up to " +
                                  std::to_string(known) + "); upgrade herald");
}

SqlStore::SqlStore(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}

SqlStore::~SqlStore() {
  // The backend's listener thread signals signal_: stop it first.
  backend_.reset();
}

Result<void> SqlStore::Init(bool migrate) {
  HERALD_ASSIGN_OR_RETURN(int version, SchemaVersion());
  if (version > KnownSchemaVersion()) return NewerSchemaError(version, KnownSchemaVersion());
  if (migrate) HERALD_RETURN_IF_ERROR(Migrate());
  return base::Ok();
}

void SqlStore::Rollback(SqlConnection& conn) { (void)conn.ExecScript("ROLLBACK"); }

Result<uint64_t> SqlStore::Commit(SqlConnection& conn, bool jobs_changed) {
  const Dialect& d = backend_->dialect();
  Result<void> r = (jobs_changed && !d.notify_jobs_sql.empty())
                       ? conn.ExecScript(std::string(d.notify_jobs_sql) + "; COMMIT")
                       : conn.ExecScript("COMMIT");
  if (!r.ok()) {
    Rollback(conn);
    const base::Error& e = r.error();
    if (e.code() == base::ErrorCode::kUnavailable || e.code() == base::ErrorCode::kInternal) {
      return base::Unavailable("the database did not commit the transaction; retry",
                               e.detail().empty() ? e.message() : e.detail());
    }
    return std::move(r).error();
  }
  return backend_->CommitTicket();
}

Result<void> SqlStore::Durable(uint64_t ticket, bool jobs_changed) {
  HERALD_RETURN_IF_ERROR(backend_->WaitDurable(ticket));
  if (jobs_changed) signal_.Notify();
  return base::Ok();
}

Result<void> SqlStore::RunTransaction(Access access, const TxFn& fn) {
  uint64_t ticket = 0;
  bool jobs_changed = false;
  {
    HERALD_ASSIGN_OR_RETURN(ConnectionLease conn, backend_->Acquire(access));
    const Dialect& d = backend_->dialect();
    HERALD_RETURN_IF_ERROR(
        conn->ExecScript(access == Access::kRead ? d.begin_read : d.begin_write));
    SqlTx tx(*conn, d);
    Result<void> r = Invoke(fn, tx);
    if (r.ok() && tx.first_error()) {
      // The callback swallowed a statement error. PostgreSQL has aborted the transaction by now
      // and would turn COMMIT into a silent ROLLBACK; refuse rather than report a false success.
      r = *tx.first_error();
    }
    if (!r.ok()) {
      Rollback(*conn);
      return r;
    }
    if (access == Access::kRead) {
      (void)conn->ExecScript("COMMIT");
      return base::Ok();
    }
    jobs_changed = tx.jobs_changed();
    HERALD_ASSIGN_OR_RETURN(ticket, Commit(*conn, jobs_changed));
  }  // the connection (SQLite: the writer) is free again before we wait for durability
  return Durable(ticket, jobs_changed);
}

Result<void> SqlStore::Read(const TxFn& fn) { return RunTransaction(Access::kRead, fn); }

Result<void> SqlStore::Write(const TxFn& fn) { return RunTransaction(Access::kWrite, fn); }

Result<void> SqlStore::WriteBatched(TxFn fn) {
  BatchUnit unit;
  unit.fn = &fn;
  std::unique_lock lock(batch_mu_);
  queue_.push_back(&unit);
  // Each caller sleeps on its own condition variable and is woken only when its unit is done
  // or when it is at the front of the queue and a batch slot is free (then it commits the
  // queue's front, its own unit included). No thundering herd.
  auto wake_next_leader = [this] {
    if (!queue_.empty() && active_batches_ < backend_->max_concurrent_batches()) {
      queue_.front()->cv.notify_one();
    }
  };
  while (!unit.done) {
    if (active_batches_ < backend_->max_concurrent_batches() && !queue_.empty()) {
      std::vector<BatchUnit*> batch;
      while (!queue_.empty() && batch.size() < kMaxBatchUnits) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      ++active_batches_;
      lock.unlock();
      BatchCommit commit = RunBatch(batch);
      lock.lock();
      // Committed: the next batch may run while this one waits to become durable.
      --active_batches_;
      wake_next_leader();
      if (commit.committed) {
        lock.unlock();
        if (auto r = Durable(commit.ticket, commit.jobs_changed); !r.ok()) {
          for (BatchUnit* u : batch) {
            if (u->result.ok()) u->result = r.error();
          }
        }
        lock.lock();
      }
      for (BatchUnit* u : batch) {
        u->done = true;
        if (u != &unit) u->cv.notify_one();
      }
    } else {
      unit.cv.wait(lock);
    }
  }
  return std::move(unit.result);
}

SqlStore::BatchCommit SqlStore::RunBatch(std::vector<BatchUnit*>& batch) {
  BatchCommit out;
  auto fail_all = [&](const base::Error& e) {
    for (BatchUnit* u : batch) {
      if (u->result.ok()) u->result = e;
    }
    return out;
  };
  auto conn = backend_->Acquire(Access::kWrite);
  if (!conn.ok()) return fail_all(conn.error());
  SqlConnection& c = **conn;
  const Dialect& d = backend_->dialect();
  if (auto r = c.ExecScript(d.begin_write); !r.ok()) return fail_all(r.error());

  bool any_ok = false;
  bool jobs_changed = false;
  for (BatchUnit* u : batch) {
    if (auto r = c.ExecScript("SAVEPOINT herald_unit"); !r.ok()) {
      Rollback(c);
      return fail_all(r.error());
    }
    SqlTx tx(c, d);
    Result<void> r = Invoke(*u->fn, tx);
    if (r.ok() && tx.first_error()) r = *tx.first_error();
    if (r.ok()) {
      any_ok = true;
      jobs_changed = jobs_changed || tx.jobs_changed();
      if (d.release_savepoints) {
        if (auto rel = c.ExecScript("RELEASE SAVEPOINT herald_unit"); !rel.ok()) {
          Rollback(c);
          return fail_all(rel.error());
        }
      }
      continue;
    }
    u->result = std::move(r);
    // Undo this unit only. The savepoint survives ROLLBACK TO; release it (SQLite) or leave it
    // nested (PostgreSQL: one round trip less per unit).
    std::string undo = d.release_savepoints
                           ? "ROLLBACK TO SAVEPOINT herald_unit; RELEASE SAVEPOINT herald_unit"
                           : "ROLLBACK TO SAVEPOINT herald_unit";
    if (auto rb = c.ExecScript(undo); !rb.ok()) {
      Rollback(c);
      return fail_all(rb.error());
    }
  }
  if (!any_ok) {
    Rollback(c);
    return out;
  }
  auto committed = Commit(c, jobs_changed);
  if (!committed.ok()) return fail_all(committed.error());
  out.committed = true;
  out.ticket = *committed;
  out.jobs_changed = jobs_changed;
  return out;
}

void SqlStore::SetJobsChangedCallback(std::function<void()> callback) {
  signal_.SetCallback(std::move(callback));
  backend_->StartJobsListener([this] { signal_.Notify(); });
}

int SqlStore::KnownSchemaVersion() const {
  auto migrations = backend_->migrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<int> SqlStore::SchemaVersionOn(SqlConnection& conn) {
  HERALD_ASSIGN_OR_RETURN(Rows exists, conn.Exec(backend_->dialect().backend == "sqlite"
                                                     ? "SELECT 1 FROM sqlite_master WHERE "
                                                       "type = 'table' AND name = ?"
                                                     : "SELECT 1 FROM information_schema.tables "
                                                       "WHERE table_schema = current_schema() "
                                                       "AND table_name = ?",
                                                 {Value::Text("schema_migrations")}));
  if (exists.empty()) return 0;
  HERALD_ASSIGN_OR_RETURN(Rows rows,
                          conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}));
  if (rows.empty()) return 0;
  const Value& v = rows.at(0, 0);
  if (v.type() == Value::Type::kInt) return static_cast<int>(v.int_value());
  return v.str().empty() ? 0 : std::stoi(v.str());
}

Result<int> SqlStore::SchemaVersion() {
  HERALD_ASSIGN_OR_RETURN(ConnectionLease conn, backend_->Acquire(Access::kRead));
  HERALD_RETURN_IF_ERROR(conn->ExecScript(backend_->dialect().begin_read));
  auto version = SchemaVersionOn(*conn);
  (void)conn->ExecScript(version.ok() ? "COMMIT" : "ROLLBACK");
  return version;
}

Result<int> SqlStore::Migrate() {
  HERALD_ASSIGN_OR_RETURN(ConnectionLease conn, backend_->Acquire(Access::kWrite));
  HERALD_RETURN_IF_ERROR(backend_->BeginMigration(*conn));
  auto finish = [&](Result<int> r) -> Result<int> {
    if (!r.ok()) Rollback(*conn);
    backend_->EndMigration(*conn);
    return r;
  };
  auto current = SchemaVersionOn(*conn);
  if (!current.ok()) return finish(std::move(current).error());
  const int known = KnownSchemaVersion();
  if (*current > known) return finish(NewerSchemaError(*current, known));
  int applied = 0;
  if (*current < known) {
    if (auto r = conn->ExecScript(kSchemaTable); !r.ok()) return finish(std::move(r).error());
    for (const Migration& m : backend_->migrations()) {
      if (m.version <= *current) continue;
      if (auto r = conn->ExecScript(m.sql); !r.ok()) {
        base::Error e = std::move(r).error();
        return finish(base::Error(e.code(), "migration " + std::to_string(m.version) + " (" +
                                                std::string(m.name) + ") failed: " + e.message(),
                                  e.detail()));
      }
      auto r = conn->Exec(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
          {Value::Int(m.version), Value::Text(std::string(m.name)),
           Value::Int(base::ToUnixMicros(base::SystemClock::Instance().Now()))});
      if (!r.ok()) return finish(std::move(r).error());
      ++applied;
    }
  }
  if (auto r = conn->ExecScript("COMMIT"); !r.ok()) return finish(std::move(r).error());
  const uint64_t ticket = backend_->CommitTicket();
  backend_->EndMigration(*conn);
  conn = ConnectionLease();
  HERALD_RETURN_IF_ERROR(backend_->WaitDurable(ticket));
  return applied;
}

}  // namespace herald::store::sql
