// PgBackend: PostgreSQL behind the portable SQL store.
//
// A pool of up to pool_size connections, opened on demand (the first at Open, so a bad URL or
// an unreachable server fails at start with one clear line). Claims lock candidate rows with
// FOR UPDATE SKIP LOCKED and serialise per account with transaction-scoped advisory locks, so
// many herald processes share one queue. Transactions that enqueue or reschedule jobs NOTIFY
// herald_jobs before COMMIT; a dedicated listener thread (started by the first
// SetJobsChangedCallback) LISTENs on its own connection, reconnects with backoff when it drops,
// and signals after every (re)connect since notifications may have been missed. Migrations run
// under a session advisory lock. Thread-safe.
#ifndef HERALD_STORE_POSTGRES_PG_BACKEND_H_
#define HERALD_STORE_POSTGRES_PG_BACKEND_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_url.h"
#include "store/sql/backend.h"
#include "store/store.h"

namespace herald::store::postgres {

// The channel herald NOTIFYs when jobs are enqueued or rescheduled.
inline constexpr std::string_view kJobsChannel = "herald_jobs";

class PgBackend final : public sql::Backend {
 public:
  // Parses `url` and opens the first connection. Errors: kInvalidArgument for a malformed
  // URL; kUnavailable (unreachable) or kFailedPrecondition (refused) naming host:port.
  static base::Result<std::unique_ptr<PgBackend>> Open(const std::string& url,
                                                      const StoreOptions& options);
  ~PgBackend() override;

  const sql::Dialect& dialect() const override;
  const std::string& description() const override { return description_; }
  base::Result<sql::ConnectionLease> Acquire(sql::Access access) override;
  int max_concurrent_batches() const override { return max_batches_; }
  std::span<const sql::Migration> migrations() const override;
  base::Result<void> BeginMigration(sql::SqlConnection& conn) override;
  void EndMigration(sql::SqlConnection& conn) override;
  void StartJobsListener(std::function<void()> signal) override;

 private:
  PgBackend(PgUrl url, const StoreOptions& options);
  void Release(PgConnection* conn);
  void ListenLoop(std::function<void()> signal);
  // Waits up to `d` or until Stop; returns false when stopping.
  bool WaitOrStop(std::chrono::milliseconds d);

  const PgUrl url_;
  const std::string description_;
  const size_t pool_size_;
  const int max_batches_;
  const std::chrono::milliseconds acquire_timeout_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  size_t open_ = 0;  // connections in use or idle

  std::once_flag listener_once_;
  std::thread listener_;
  std::atomic<bool> stop_{false};
  int wake_fds_[2] = {-1, -1};  // self-pipe that interrupts the listener's poll
};

}  // namespace herald::store::postgres

#endif  // HERALD_STORE_POSTGRES_PG_BACKEND_H_
