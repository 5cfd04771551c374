// PgConnection: the PostgreSQL driver for the portable SQL store, over libpqxx 6.
//
// `?` placeholders become $1, $2, ...; each distinct statement is prepared once per connection
// (server-side) and reused. Parameters travel in text format (blobs as bytea hex); integer,
// boolean and bytea result columns come back as sql::Value kInt / kBlob. libpqxx exceptions
// are caught here and mapped to base::Error (see sql::SqlConnection); a lost connection marks
// the connection broken so its pool drops it. Notices are silenced. Not thread-safe.
#ifndef HERALD_STORE_POSTGRES_PG_CONNECTION_H_
#define HERALD_STORE_POSTGRES_PG_CONNECTION_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <pqxx/connection>

#include "base/result.h"
#include "store/sql/connection.h"

namespace herald::store::postgres {

class PgConnection final : public sql::SqlConnection {
 public:
  // Connects with libpq `conninfo`. `where` ("host:port/db") names the server in messages.
  // Errors: kUnavailable "cannot connect to PostgreSQL at host:port/db: <reason>" (never the
  // password); kFailedPrecondition when the server refused us (authentication, no database).
  static base::Result<std::unique_ptr<PgConnection>> Connect(const std::string& conninfo,
                                                            const std::string& where);
  ~PgConnection() override;

  base::Result<sql::Rows> Exec(std::string_view sql, const sql::Params& params) override;
  base::Result<void> ExecScript(std::string_view sql) override;
  bool broken() const override { return broken_; }

  pqxx::connection& raw() { return *conn_; }

  // `?` -> `$n` outside quoted literals and identifiers.
  static std::string TranslatePlaceholders(std::string_view sql);

 private:
  PgConnection(std::unique_ptr<pqxx::connection> conn, std::string where);
  // Maps the exception being handled (call from a catch block only).
  base::Error MapCurrentException(std::string_view context);

  class QuietNotices;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<QuietNotices> quiet_;
  std::string where_;
  std::unordered_map<std::string, std::string> statements_;  // SQL text -> statement name
  bool broken_ = false;
};

}  // namespace herald::store::postgres

#endif  // HERALD_STORE_POSTGRES_PG_CONNECTION_H_
