// Config: everything herald is told at start, from flags and HERALD_* environment variables.
// Flags win over the environment; the environment wins over defaults.
#ifndef HERALD_APP_CONFIG_H_
#define HERALD_APP_CONFIG_H_

#include <string>

namespace herald::mcp {

struct Config {
  std::string data_dir = "./var";  // --data, HERALD_DATA
  std::string db_url;              // --db, HERALD_DB; default sqlite:<data_dir>/herald.db
  std::string log_format = "text";  // --log-format, HERALD_LOG_FORMAT: text | json
  std::string log_level = "info";   // --log-level, HERALD_LOG_LEVEL

  // serve
  std::string listen = "127.0.0.1:8080";  // --listen, HERALD_LISTEN
  std::string public_url;                 // HERALD_PUBLIC_URL: how clients reach this server
  std::string auth = "apikey";            // --auth: apikey | none (loopback only)
  bool stateless = false;                 // --stateless
  bool workers = true;                    // --no-workers turns off
  bool conformance_fixtures = false;      // --conformance-fixtures (loopback only, no auth)

  // The database URL after defaults: db_url, or sqlite:<data_dir>/herald.db.
  std::string EffectiveDbUrl() const {
    return db_url.empty() ? "sqlite:" + data_dir + "/herald.db" : db_url;
  }
};

}  // namespace herald::mcp

#endif  // HERALD_APP_CONFIG_H_
