// SqlConnection: the tiny driver interface the portable SQL store is written against.
//
// One open database connection (a sqlite3 handle, a libpq connection). Statements use `?`
// placeholders; drivers translate them as their server needs ($1, $2, ... on PostgreSQL) and
// cache prepared statements by SQL text. Errors are already mapped to base::Error:
// kAlreadyExists for unique violations, kFailedPrecondition for foreign-key violations,
// kUnavailable for busy/locked/serialization failures and lost connections, kInternal otherwise
// (the driver's text only in detail(); never SQL or parameter values in message()).
// Not thread-safe: one thread at a time (the store hands connections out exclusively).
#ifndef HERALD_STORE_SQL_CONNECTION_H_
#define HERALD_STORE_SQL_CONNECTION_H_

#include <string_view>

#include "base/result.h"
#include "store/sql/value.h"

namespace herald::store::sql {

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  // Runs one statement with `params` bound to its `?` placeholders; returns its rows (if any)
  // and the number of rows it changed.
  virtual base::Result<Rows> Exec(std::string_view sql, const Params& params) = 0;
  // Runs a script of one or more statements without parameters (migrations, BEGIN/COMMIT).
  virtual base::Result<void> ExecScript(std::string_view sql) = 0;
  // True once the connection is known to be unusable (lost, or failed mid-transaction in a way
  // that left it in an unknown state); the owner then discards it.
  virtual bool broken() const = 0;
};

}  // namespace herald::store::sql

#endif  // HERALD_STORE_SQL_CONNECTION_H_
