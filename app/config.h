// Config: everything herald is told at start, read in ONE place: the HERALD_* environment
// variables (and the standard proxy variables) are parsed and validated here, then the command
// line flags override them (app/cli.cpp). Nothing below the app reads the environment: every
// layer gets its values from this struct. Every variable is documented in README.md
// ("Configuration"); kConfigDocs names that place in error messages.
//
// A malformed value (a number that is not one, a URL that does not parse, a boolean that is
// neither on nor off) or an unknown HERALD_* name (a typo: the nearest known name is suggested)
// is an error naming the variable and what was expected; herald then stops (exit 2).
#ifndef HERALD_APP_CONFIG_H_
#define HERALD_APP_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "core/account_pacing.h"
#include "media/s3_options.h"
#include "platforms/oauth/oauth_provider.h"

namespace herald::app {

// Where the list of variables is documented (quoted by the errors).
inline constexpr const char* kConfigDocs = "README.md, section Configuration";

// The process environment, or a made-up one in tests: variable name -> value.
using Environment = std::map<std::string, std::string>;

struct Config {
  // ---- every command ----
  std::string data_dir = "./var";   // --data, HERALD_DATA
  std::string db_url;               // --db, HERALD_DB; default sqlite:<data_dir>/herald.db
  std::string log_format = "text";  // --log-format, HERALD_LOG_FORMAT: text | json
  std::string log_level = "info";   // --log-level, HERALD_LOG_LEVEL

  // ---- serve ----
  std::string listen = "127.0.0.1:8080";  // --listen, HERALD_LISTEN
  std::string public_url;                 // HERALD_PUBLIC_URL: how clients reach this server
  std::string auth = "apikey";            // --auth: apikey | none (loopback only)
  bool stateless = false;                 // --stateless
  bool workers = true;                    // --no-workers turns off
  bool conformance_fixtures = false;      // --conformance-fixtures (loopback only, no auth)
  std::vector<std::string> allowed_origins;  // HERALD_ALLOWED_ORIGINS (comma-separated)
  std::optional<int> http_threads;           // HERALD_HTTP_THREADS (1-64); default per core
  long http_max_connections = 1024;          // HERALD_HTTP_MAX_CONNECTIONS (clamped 16..1e6)
  long http_reserved_connections = 64;       // HERALD_HTTP_RESERVED_CONNECTIONS (clamped 1..1e6)
  long http_max_idle_per_address = 256;      // HERALD_HTTP_MAX_IDLE_PER_ADDRESS
  std::chrono::milliseconds http_pressure_timeout{2'000};  // HERALD_HTTP_PRESSURE_TIMEOUT_MS
  long mcp_max_sessions = 1000;              // HERALD_MCP_MAX_SESSIONS
  long mcp_max_sessions_per_key = 100;       // HERALD_MCP_MAX_SESSIONS_PER_KEY
  long mcp_max_sessions_per_org = 300;       // HERALD_MCP_MAX_SESSIONS_PER_ORG

  // ---- stdio ----
  std::string api_key;  // HERALD_API_KEY: act as this key (empty: the local operator)

  // ---- core and workers ----
  long core_threads = 32;                 // HERALD_CORE_THREADS (clamped 1..256)
  long worker_concurrency = 32;           // HERALD_WORKER_CONCURRENCY
  long worker_threads = 2;                // HERALD_WORKER_THREADS
  std::chrono::milliseconds worker_lease{60'000};           // HERALD_WORKER_LEASE_MS
  std::optional<std::chrono::milliseconds> publish_timeout;  // HERALD_PUBLISH_TIMEOUT_MS
  long retry_max_attempts = 8;                               // HERALD_RETRY_MAX_ATTEMPTS
  std::chrono::milliseconds retry_initial{2'000};            // HERALD_RETRY_INITIAL_MS
  std::string publish_rates = "*=50/100";  // HERALD_PUBLISH_RATES (checked by RateBudgets::Parse)
  // HERALD_ACCOUNT_PACING: how fast one account may post ("spacing=2m,hour=15,day=100", or
  // "off"); checked by core::PacingRules::Parse.
  std::string account_pacing = std::string(core::kDefaultPacing);

  // ---- secrets (store/secret_key.h) ----
  std::string secret_key;                    // HERALD_SECRET_KEY (base64); empty: <data>/secret.key
  std::vector<std::string> secret_keys_old;  // HERALD_SECRET_KEYS_OLD (comma-separated base64)

  // ---- media storage (media/open_media_store.h) ----
  // S3-compatible storage when s3.endpoint is set, else <data_dir>/media:
  // HERALD_S3_ENDPOINT, HERALD_S3_BUCKET, HERALD_S3_REGION (default us-east-1),
  // HERALD_S3_ACCESS_KEY_ID, HERALD_S3_SECRET_ACCESS_KEY.
  media::S3Options s3;

  // ---- platforms ----
  // Network id -> API base URL: HERALD_TELEGRAM_API_URL, HERALD_DISCORD_API_URL,
  // HERALD_SLACK_API_URL, HERALD_X_API_URL, HERALD_LINKEDIN_API_URL, and
  // HERALD_OAUTH_TEST_PROVIDER as "oauthtest".
  std::map<std::string, std::string> api_urls;
  // Network id -> the browser authorization host: HERALD_X_AUTH_URL, HERALD_LINKEDIN_AUTH_URL.
  std::map<std::string, std::string> auth_urls;
  // Network id -> its OAuth app: HERALD_<P>_CLIENT_ID / HERALD_<P>_CLIENT_SECRET.
  std::map<std::string, platforms::oauth::OAuthClientCredentials> oauth_clients;
  // Networks that download media from herald's public URLs: HERALD_TIKTOK_PULL_FROM_URL.
  std::set<std::string> pull_from_url;
  std::string ca_file;                  // HERALD_CA_FILE: extra PEM CAs
  bool allow_private_networks = false;  // HERALD_ALLOW_PRIVATE_NETWORKS
  std::string https_proxy;              // HTTPS_PROXY, else https_proxy
  std::string no_proxy;                 // NO_PROXY, else no_proxy

  // ---- teams ----
  long audit_retention_days = 365;  // HERALD_AUDIT_RETENTION_DAYS: audit entries kept this long
  // ---- backups (core/backup_scheduler.h) ----
  std::string backup_dir;  // HERALD_BACKUP_DIR: serve takes a daily backup here; "" = off
  long backup_keep = 7;    // HERALD_BACKUP_KEEP: backups kept in backup_dir

  // ---- analytics ----
  // HERALD_ANALYTICS_CACHE_POSTS: measured posts analytics_report keeps in memory over all
  // organizations (about 180 bytes each; core/analytics_fact_cache.h).
  long analytics_cache_posts = 500'000;

  // ---- guardrails ----
  // HERALD_REQUEST_RATES: per-key request budgets by role, ROLE=RATE[/BURST],... ("*" = the
  // other roles; 0 = unlimited); checked by core::RateBudgets::Parse and the role names.
  std::string request_rates = "*=20/100,admin=0";

  // The database URL after defaults: db_url, or sqlite:<data_dir>/herald.db.
  std::string EffectiveDbUrl() const {
    return db_url.empty() ? "sqlite:" + data_dir + "/herald.db" : db_url;
  }
};

// Where `herald serve` binds.
struct ListenAddress {
  std::string host;  // "127.0.0.1" when the text names none
  uint16_t port = 0;  // 0 = any free port
};
// Parses HOST:PORT (port 1-65535, or 0 for any free port). Errors: kInvalidArgument naming
// `what` ("--listen" or "HERALD_LISTEN").
base::Result<ListenAddress> ParseListenAddress(std::string_view what, const std::string& listen);

// A snapshot of this process's environment. The only place herald reads it.
Environment ProcessEnvironment();

// The configuration `env` describes (defaults for what it leaves out; an empty value counts as
// unset). Errors (kInvalidArgument, one line naming the variable): a malformed value, a
// variable herald no longer reads (with why), or an unknown HERALD_* name (with the nearest
// known one and kConfigDocs). Names reserved for herald's scripts and test tools (HERALD_URL,
// HERALD_BIN, HERALD_TEST_*, HERALD_BENCH_*, ...: see README) are left alone.
base::Result<Config> ConfigFromEnvironment(const Environment& env);

}  // namespace herald::app

#endif  // HERALD_APP_CONFIG_H_
