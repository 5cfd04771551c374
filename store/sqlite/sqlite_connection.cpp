#include "store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <utility>
#include <vector>

namespace herald::store::sqlite {
namespace {

// Prepared statements kept per connection; beyond this the cache is flushed (dynamic IN lists
// are the only source of many distinct statements).
constexpr size_t kMaxCachedStatements = 512;

}  // namespace

base::Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, std::chrono::milliseconds busy_timeout, std::string description) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return base::Unavailable("cannot open " + description + ": " + sqlite3_errstr(rc), detail);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db, std::move(description)));
}

SqliteConnection::SqliteConnection(sqlite3* db, std::string description)
    : db_(db), description_(std::move(description)) {}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

base::Error SqliteConnection::MapError(int rc, std::string_view context) const {
  std::string detail = "sqlite " + std::string(context) + ": " + sqlite3_errmsg(db_) + " (code " +
                       std::to_string(rc) + ")";
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return base::Error(base::ErrorCode::kAlreadyExists, "already exists", detail);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return base::Error(base::ErrorCode::kFailedPrecondition,
                         "refers to a row that does not exist", detail);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return base::Unavailable(description_ + " is busy (locked by another connection); retry",
                               detail);
    case SQLITE_FULL:
      return base::Unavailable("the disk holding " + description_ + " is full", detail);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return base::Error(base::ErrorCode::kFailedPrecondition,
                         description_ + " is corrupt or not a herald database", detail);
    case SQLITE_READONLY:
      return base::Error(base::ErrorCode::kFailedPrecondition, description_ + " is read-only",
                         detail);
    case SQLITE_CANTOPEN:
      return base::Unavailable("cannot open " + description_, detail);
    case SQLITE_IOERR:
      return base::Unavailable("I/O error on " + description_, detail);
    default:
      return base::Internal(detail);
  }
}

base::Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxCachedStatements) {
    for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return MapError(rc, "prepare");
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

base::Result<sql::Rows> SqliteConnection::Exec(std::string_view sql, const sql::Params& params) {
  HERALD_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  } reset{stmt};

  if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(params.size())) {
    return base::Internal("statement expects " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                          " parameters, got " + std::to_string(params.size()));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const sql::Value& v = params[i];
    const int index = static_cast<int>(i) + 1;
    int rc = SQLITE_OK;
    switch (v.type()) {
      case sql::Value::Type::kNull:
        rc = sqlite3_bind_null(stmt, index);
        break;
      case sql::Value::Type::kInt:
        rc = sqlite3_bind_int64(stmt, index, v.int_value());
        break;
      case sql::Value::Type::kText:
        rc = sqlite3_bind_text64(stmt, index, v.str().data(), v.str().size(), SQLITE_STATIC,
                                 SQLITE_UTF8);
        break;
      case sql::Value::Type::kBlob:
        rc = sqlite3_bind_blob64(stmt, index, v.str().data(), v.str().size(), SQLITE_STATIC);
        break;
    }
    if (rc != SQLITE_OK) return MapError(rc, "bind");
  }

  const int columns = sqlite3_column_count(stmt);
  std::vector<sql::Value> cells;
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return MapError(rc, "step");
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          cells.emplace_back();
          break;
        case SQLITE_INTEGER:
        case SQLITE_FLOAT:
          cells.push_back(sql::Value::Int(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_TEXT: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          cells.push_back(sql::Value::Text(
              std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c)))));
          break;
        }
        default: {  // SQLITE_BLOB
          const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, c));
          const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
          cells.push_back(sql::Value::Blob(blob == nullptr ? std::string() : std::string(blob, size)));
          break;
        }
      }
    }
  }
  const int64_t affected = sqlite3_stmt_readonly(stmt) ? 0 : sqlite3_changes64(db_);
  return sql::Rows(columns, std::move(cells), affected);
}

base::Result<void> SqliteConnection::ExecScript(std::string_view sql) {
  // Single statements (BEGIN, COMMIT, SAVEPOINT ...) go through the statement cache.
  if (sql.find(';') == std::string_view::npos) {
    HERALD_RETURN_IF_ERROR(Exec(sql, {}));
    return base::Ok();
  }
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return MapError(rc, "exec");
  return base::Ok();
}

}  // namespace herald::store::sqlite
