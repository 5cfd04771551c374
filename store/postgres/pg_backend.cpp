#include "store/postgres/pg_backend.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "store/sql/migrations.h"

namespace herald::store::postgres {
namespace {

constexpr sql::Dialect kDialect{
    .backend = "postgres",
    .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    .begin_write = "BEGIN",
    .claim_lock_clause = "FOR UPDATE SKIP LOCKED",
    .row_lock_clause = " FOR UPDATE",
    .account_advisory_locks = true,
    .array_params = true,
    .notify_jobs_sql = "NOTIFY herald_jobs",
    .release_savepoints = false,
};

// Session advisory lock key held while migrating ("herald" in ASCII).
constexpr std::string_view kMigrationLockKey = "114849278225508";

class JobsReceiver final : public pqxx::notification_receiver {
 public:
  JobsReceiver(pqxx::connection_base& c, std::function<void()> signal)
      : pqxx::notification_receiver(c, std::string(kJobsChannel)), signal_(std::move(signal)) {}
  void operator()(const std::string&, int) override { signal_(); }

 private:
  std::function<void()> signal_;
};

}  // namespace

PgBackend::PgBackend(PgUrl url, const StoreOptions& options)
    : url_(std::move(url)),
      description_("PostgreSQL at " + url_.Where()),
      pool_size_(static_cast<size_t>(options.pool_size)),
      max_batches_(std::clamp(options.group_commit_connections, 1, options.pool_size)),
      acquire_timeout_(std::max<std::chrono::milliseconds>(options.busy_timeout,
                                                           options.connect_timeout)) {}

base::Result<std::unique_ptr<PgBackend>> PgBackend::Open(const std::string& url,
                                                         const StoreOptions& options) {
  HERALD_ASSIGN_OR_RETURN(PgUrl parsed, ParsePgUrl(url, options.connect_timeout, "herald"));
  std::unique_ptr<PgBackend> backend(new PgBackend(std::move(parsed), options));
  HERALD_ASSIGN_OR_RETURN(auto first,
                          PgConnection::Connect(backend->url_.conninfo, backend->url_.Where()));
  backend->idle_.push_back(std::move(first));
  backend->open_ = 1;
  return backend;
}

PgBackend::~PgBackend() {
  stop_ = true;
  if (wake_fds_[1] >= 0) {
    char c = 1;
    (void)::write(wake_fds_[1], &c, 1);
  }
  if (listener_.joinable()) listener_.join();
  for (int fd : wake_fds_) {
    if (fd >= 0) ::close(fd);
  }
}

const sql::Dialect& PgBackend::dialect() const { return kDialect; }

std::span<const sql::Migration> PgBackend::migrations() const {
  return sql::EmbeddedMigrations("postgres");
}

base::Result<sql::ConnectionLease> PgBackend::Acquire(sql::Access) {
  std::unique_lock lock(mu_);
  while (idle_.empty()) {
    if (open_ < pool_size_) {
      ++open_;
      lock.unlock();
      auto conn = PgConnection::Connect(url_.conninfo, url_.Where());
      if (!conn.ok()) {
        lock.lock();
        --open_;
        cv_.notify_one();
        return std::move(conn).error();
      }
      PgConnection* raw = conn->release();
      return sql::ConnectionLease(raw, [this](sql::SqlConnection* c) {
        Release(static_cast<PgConnection*>(c));
      });
    }
    if (!cv_.wait_for(lock, acquire_timeout_, [this] { return !idle_.empty() || open_ < pool_size_; })) {
      return base::Unavailable("all " + std::to_string(pool_size_) + " connections to " +
                               description_ + " are busy; retry");
    }
  }
  PgConnection* raw = idle_.back().release();
  idle_.pop_back();
  return sql::ConnectionLease(raw, [this](sql::SqlConnection* c) {
    Release(static_cast<PgConnection*>(c));
  });
}

void PgBackend::Release(PgConnection* conn) {
  std::unique_ptr<PgConnection> owned(conn);
  {
    std::lock_guard lock(mu_);
    if (owned->broken()) {
      --open_;
    } else {
      idle_.push_back(std::move(owned));
    }
  }
  cv_.notify_one();
  // A broken connection is closed here, outside the lock.
}

base::Result<void> PgBackend::BeginMigration(sql::SqlConnection& conn) {
  // Bounded: another process migrating holds the lock for milliseconds, not a minute.
  HERALD_RETURN_IF_ERROR(conn.ExecScript(
      "SET statement_timeout = '60s'; SELECT pg_advisory_lock(" + std::string(kMigrationLockKey) +
      "); RESET statement_timeout"));
  auto begun = conn.ExecScript("BEGIN");
  if (!begun.ok()) EndMigration(conn);
  return begun;
}

void PgBackend::EndMigration(sql::SqlConnection& conn) {
  (void)conn.ExecScript("SELECT pg_advisory_unlock(" + std::string(kMigrationLockKey) + ")");
}

void PgBackend::StartJobsListener(std::function<void()> signal) {
  std::call_once(listener_once_, [&] {
    if (::pipe2(wake_fds_, O_CLOEXEC | O_NONBLOCK) != 0) return;
    listener_ = std::thread([this, signal = std::move(signal)] { ListenLoop(signal); });
  });
}

bool PgBackend::WaitOrStop(std::chrono::milliseconds d) {
  if (stop_) return false;
  pollfd p{wake_fds_[0], POLLIN, 0};
  ::poll(&p, 1, static_cast<int>(d.count()));
  return !stop_;
}

void PgBackend::ListenLoop(std::function<void()> signal) {
  const std::string conninfo =
      WithApplicationName(url_, "herald-listener") +
      " keepalives=1 keepalives_idle=30 keepalives_interval=10 keepalives_count=3";
  std::chrono::milliseconds backoff{100};
  while (!stop_) {
    try {
      pqxx::connection conn(conninfo);
      JobsReceiver receiver(conn, signal);  // issues LISTEN herald_jobs
      backoff = std::chrono::milliseconds{100};
      // Connected (again): anything may have changed while we were not listening.
      signal();
      while (!stop_) {
        pollfd fds[2] = {{conn.sock(), POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
        if (stop_) return;
        if (fds[0].revents != 0) conn.get_notifs();  // throws when the connection dropped
        if (!conn.is_open()) break;                  // closed without throwing: reconnect
      }
    } catch (const std::exception&) {
      // Dropped or unreachable: retry with backoff (up to 5 s) until stopped.
    }
    if (!WaitOrStop(backoff)) return;
    backoff = std::min(backoff * 2, std::chrono::milliseconds{5000});
  }
}

}  // namespace herald::store::postgres
