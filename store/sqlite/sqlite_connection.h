// SqliteConnection: the SQLite driver for the portable SQL store: one sqlite3 handle with a
// cache of prepared statements keyed by SQL text.
//
// Errors are mapped to base::Error (see sql::SqlConnection); the sqlite message goes to
// detail() only. Opened in SQLite's multi-thread mode: not thread-safe, one thread at a time.
#ifndef HERALD_STORE_SQLITE_SQLITE_CONNECTION_H_
#define HERALD_STORE_SQLITE_SQLITE_CONNECTION_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "store/sql/connection.h"

struct sqlite3;
struct sqlite3_stmt;

namespace herald::store::sqlite {

class SqliteConnection final : public sql::SqlConnection {
 public:
  // Opens `path` (":memory:" for a private in-memory database), creating the file if missing.
  // Opening reads nothing; the first statement does. `description` names the database in
  // messages ("database /var/herald.db").
  static base::Result<std::unique_ptr<SqliteConnection>> Open(
      const std::string& path, std::chrono::milliseconds busy_timeout, std::string description);

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() override;

  base::Result<sql::Rows> Exec(std::string_view sql, const sql::Params& params) override;
  base::Result<void> ExecScript(std::string_view sql) override;
  bool broken() const override { return false; }

  // Maps a SQLite result code (extended) to a base::Error; `context` says what was being done.
  base::Error MapError(int rc, std::string_view context) const;

  // The raw handle, for connection-level settings (WAL hook, checkpoints).
  sqlite3* handle() const { return db_; }

 private:
  SqliteConnection(sqlite3* db, std::string description);
  base::Result<sqlite3_stmt*> Prepare(std::string_view sql);

  sqlite3* db_;
  std::string description_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace herald::store::sqlite

#endif  // HERALD_STORE_SQLITE_SQLITE_CONNECTION_H_
