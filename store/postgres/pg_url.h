// PgUrl: a postgresql:// URL checked and turned into a libpq connection string, plus a
// password-free description of where it points for messages.
#ifndef HERALD_STORE_POSTGRES_PG_URL_H_
#define HERALD_STORE_POSTGRES_PG_URL_H_

#include <chrono>
#include <string>

#include "base/result.h"

namespace herald::store::postgres {

struct PgUrl {
  std::string conninfo;  // key='value' pairs for libpq (holds the password; never log it)
  std::string host;      // host name or address ("localhost" when unset)
  std::string port;      // "5432" when unset
  std::string dbname;
  // "host:port/dbname", for messages.
  std::string Where() const { return host + ":" + port + "/" + dbname; }
};

// Parses `url` (postgresql:// or postgres://). Adds connect_timeout (unless the URL sets one),
// application_name and quiet notices. Errors: kInvalidArgument naming what is wrong, never
// echoing the password.
base::Result<PgUrl> ParsePgUrl(const std::string& url, std::chrono::seconds connect_timeout,
                               const std::string& application_name);

// The conninfo of `url` with application_name replaced (for the listener connection).
std::string WithApplicationName(const PgUrl& url, const std::string& application_name);

}  // namespace herald::store::postgres

#endif  // HERALD_STORE_POSTGRES_PG_URL_H_
