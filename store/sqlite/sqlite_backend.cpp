#include "store/sqlite/sqlite_backend.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>
#include <thread>

#include "store/sql/migrations.h"
#include "store/sql/sql_store.h"

namespace herald::store::sqlite {
namespace {

constexpr sql::Dialect kDialect{
    .backend = "sqlite",
    .begin_read = "BEGIN",
    .begin_write = "BEGIN IMMEDIATE",
    .claim_lock_clause = "",
    .row_lock_clause = "",
    .account_advisory_locks = false,
    .array_params = false,
    .notify_jobs_sql = "",
    .release_savepoints = true,
};

// SqliteConnection reports SQLITE_BUSY / SQLITE_LOCKED as "<database> is busy (...)".
// WAL size (frames) that triggers a background checkpoint; SQLite's automatic one uses 1000.
constexpr int kCheckpointFrames = 1000;

bool IsBusy(const base::Error& e) {
  return e.code() == base::ErrorCode::kUnavailable &&
         e.message().find(" is busy (") != std::string::npos;
}

}  // namespace

SqliteBackend::SqliteBackend(std::string path, const StoreOptions& options)
    : path_(std::move(path)),
      description_(path_ == ":memory:" ? "in-memory database" : "database " + path_),
      memory_(path_ == ":memory:"),
      busy_timeout_(options.busy_timeout),
      max_readers_(static_cast<size_t>(std::max(1, options.pool_size))) {}

SqliteBackend::~SqliteBackend() {
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  if (writer_) sqlite3_wal_hook(writer_->handle(), nullptr, nullptr);
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

int SqliteBackend::OnWalCommit(void* self, sqlite3*, const char*, int frames) {
  auto* backend = static_cast<SqliteBackend*>(self);
  if (frames >= kCheckpointFrames) {
    {
      std::lock_guard lock(backend->checkpoint_mu_);
      backend->checkpoint_wanted_ = true;
    }
    backend->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteBackend::CheckpointLoop() {
  std::unique_lock lock(checkpoint_mu_);
  while (true) {
    checkpoint_cv_.wait(lock, [this] { return checkpoint_stop_ || checkpoint_wanted_; });
    if (checkpoint_stop_) return;
    checkpoint_wanted_ = false;
    lock.unlock();
    // PASSIVE: copies what it can without waiting for readers or the writer. A failure (busy)
    // is retried at the next trigger; the WAL stays correct either way.
    (void)sqlite3_wal_checkpoint_v2(checkpointer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                    nullptr, nullptr);
    lock.lock();
  }
}

const sql::Dialect& SqliteBackend::dialect() const { return kDialect; }

std::span<const sql::Migration> SqliteBackend::migrations() const {
  return sql::EmbeddedMigrations("sqlite");
}

base::Result<std::unique_ptr<SqliteBackend>> SqliteBackend::Open(const std::string& path,
                                                                 const StoreOptions& options,
                                                                 int known_version) {
  // SQLite answers some lock conflicts at once instead of calling the busy handler (where
  // waiting could deadlock, e.g. two processes opening a new database and switching it to WAL
  // together), so the whole open is retried until busy_timeout.
  const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
  for (;;) {
    auto opened = OpenOnce(path, options, known_version);
    if (opened.ok() || opened.error().code() != base::ErrorCode::kUnavailable ||
        std::chrono::steady_clock::now() >= deadline) {
      return opened;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

base::Result<std::unique_ptr<SqliteBackend>> SqliteBackend::OpenOnce(const std::string& path,
                                                                     const StoreOptions& options,
                                                                     int known_version) {
  std::unique_ptr<SqliteBackend> backend(new SqliteBackend(path, options));
  const std::string& desc = backend->description_;
  if (!backend->memory_) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::exists(parent, ec)) {
      fs::create_directories(parent, ec);
      if (ec) {
        return base::Unavailable("cannot create directory " + parent.string() + " for " + desc +
                                 ": " + ec.message());
      }
    }
    if (fs::is_directory(path, ec)) {
      return base::FailedPrecondition(path + " is a directory, not a herald database");
    }
    // A new database is private to its owner (SQLite gives the -wal and -shm files the same
    // mode). O_EXCL: never truncate a file another process just created.
    if (int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0) {
      ::close(fd);
    }
  }
  HERALD_ASSIGN_OR_RETURN(backend->writer_,
                          SqliteConnection::Open(path, options.busy_timeout, desc));
  SqliteConnection& w = *backend->writer_;

  const std::string not_herald =
      path + " is not a herald database (file is not a database or is corrupt)";
  const std::string locked = desc + " is locked by another process";

  // 1. Read-only probe: is it a SQLite database, is it free, whose is it, how new is it?
  auto tables = w.Exec("SELECT name FROM sqlite_master WHERE type = 'table'", {});
  if (!tables.ok()) {
    base::Error e = std::move(tables).error();
    if (e.code() == base::ErrorCode::kFailedPrecondition) {
      return base::Error(base::ErrorCode::kFailedPrecondition, not_herald, e.detail());
    }
    if (IsBusy(e)) return base::Unavailable(locked, e.detail());
    return e;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < tables->size(); ++i) names.insert(tables->at(i, 0).str());
  if (!names.empty() && names.count("schema_migrations") == 0) {
    return base::FailedPrecondition(path + " is not a herald database (it holds " +
                                    std::to_string(names.size()) +
                                    " tables of another application)");
  }
  if (names.count("schema_migrations") != 0) {
    auto version = w.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
    if (!version.ok()) {
      if (IsBusy(version.error())) return base::Unavailable(locked, version.error().detail());
      return std::move(version).error();
    }
    int found = version->empty() ? 0 : static_cast<int>(version->at(0, 0).int_value());
    if (found > known_version) return sql::NewerSchemaError(found, known_version);
  }

  // 2. Only now change anything: WAL, durable commits, foreign keys.
  if (!backend->memory_) {
    auto mode = w.Exec("PRAGMA journal_mode = WAL", {});
    if (!mode.ok()) {
      if (IsBusy(mode.error())) return base::Unavailable(locked, mode.error().detail());
      return std::move(mode).error();
    }
    if (mode->empty() || mode->at(0, 0).str() != "wal") {
      return base::Unavailable(locked, "journal_mode stayed " +
                                           (mode->empty() ? std::string("?") : mode->at(0, 0).str()));
    }
  }
  // NORMAL: commits append to the WAL without syncing; WaitDurable syncs (see the header).
  HERALD_RETURN_IF_ERROR(
      w.ExecScript(backend->memory_ ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = NORMAL"));
  HERALD_RETURN_IF_ERROR(w.ExecScript("PRAGMA foreign_keys = ON"));
  if (!backend->memory_) {
    HERALD_ASSIGN_OR_RETURN(backend->checkpointer_,
                            SqliteConnection::Open(path, options.busy_timeout, desc));
    HERALD_RETURN_IF_ERROR(backend->checkpointer_->ExecScript("PRAGMA synchronous = NORMAL"));
    // Replaces SQLite's automatic checkpoint on the writer.
    sqlite3_wal_hook(w.handle(), &SqliteBackend::OnWalCommit, backend.get());
    backend->checkpoint_thread_ = std::thread([b = backend.get()] { b->CheckpointLoop(); });
  }
  return backend;
}

base::Result<std::unique_ptr<SqliteConnection>> SqliteBackend::OpenReader() {
  HERALD_ASSIGN_OR_RETURN(auto conn, SqliteConnection::Open(path_, busy_timeout_, description_));
  HERALD_RETURN_IF_ERROR(conn->ExecScript("PRAGMA query_only = 1"));
  return conn;
}

base::Result<sql::ConnectionLease> SqliteBackend::Acquire(sql::Access access) {
  if (access == sql::Access::kWrite || memory_) {
    if (!writer_mu_.try_lock_for(busy_timeout_)) {
      return base::Unavailable(description_ + " is busy (the writer is taken); retry");
    }
    return sql::ConnectionLease(writer_.get(), [this](sql::SqlConnection*) { writer_mu_.unlock(); });
  }
  std::unique_lock lock(readers_mu_);
  if (idle_readers_.empty() && readers_.size() < max_readers_) {
    // Open outside the lock would be nicer, but opening reads nothing and is quick.
    HERALD_ASSIGN_OR_RETURN(auto conn, OpenReader());
    idle_readers_.push_back(conn.get());
    readers_.push_back(std::move(conn));
  }
  if (!readers_cv_.wait_for(lock, busy_timeout_, [this] { return !idle_readers_.empty(); })) {
    return base::Unavailable(description_ + " has no free reader connection; retry");
  }
  SqliteConnection* conn = idle_readers_.back();
  idle_readers_.pop_back();
  return sql::ConnectionLease(conn, [this](sql::SqlConnection* c) {
    {
      std::lock_guard guard(readers_mu_);
      idle_readers_.push_back(static_cast<SqliteConnection*>(c));
    }
    readers_cv_.notify_one();
  });
}

uint64_t SqliteBackend::CommitTicket() {
  if (memory_) return 0;
  std::lock_guard lock(sync_mu_);
  return ++committed_;
}

base::Result<void> SqliteBackend::WaitDurable(uint64_t ticket) {
  if (ticket == 0) return base::Ok();
  std::unique_lock lock(sync_mu_);
  while (true) {
    if (sync_error_) return *sync_error_;
    if (synced_ >= ticket) return base::Ok();
    if (syncing_) {
      // The fsync in flight may have started before our commit: wait, then look again.
      sync_cv_.wait(lock);
      continue;
    }
    // Become the syncer for every commit made so far (all of them have finished writing to the
    // WAL: tickets are handed out after COMMIT returns).
    syncing_ = true;
    const uint64_t target = committed_;
    lock.unlock();
    base::Result<void> r = SyncWal();
    lock.lock();
    syncing_ = false;
    if (r.ok()) {
      synced_ = std::max(synced_, target);
    } else {
      sync_error_ = std::move(r).error();
    }
    sync_cv_.notify_all();
  }
}

base::Result<void> SqliteBackend::SyncWal() {
  const std::string wal = path_ + "-wal";
  if (wal_fd_ < 0) {
    wal_fd_ = ::open(wal.c_str(), O_RDONLY | O_CLOEXEC);
    if (wal_fd_ < 0) {
      return base::Unknown("could not confirm that the commit to " + description_ +
                               " is durable; the outcome is unknown",
                           "open " + wal + ": " + std::strerror(errno));
    }
    // The WAL was created by this process's first commit: make its directory entry durable.
    std::string dir = std::filesystem::path(path_).parent_path().string();
    if (int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  if (::fdatasync(wal_fd_) != 0) {
    return base::Unknown("could not make the commit to " + description_ +
                             " durable (fsync failed); the outcome is unknown",
                         "fdatasync " + wal + ": " + std::strerror(errno));
  }
  return base::Ok();
}

base::Result<void> SqliteBackend::BeginMigration(sql::SqlConnection& conn) {
  return conn.ExecScript("BEGIN IMMEDIATE");
}

}  // namespace herald::store::sqlite
