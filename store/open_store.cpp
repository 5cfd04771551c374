#include <memory>
#include <string>
#include <string_view>

#include "store/postgres/pg_backend.h"
#include "store/sql/migrations.h"
#include "store/sql/sql_store.h"
#include "store/sqlite/sqlite_backend.h"
#include "store/store.h"

namespace herald::store {
namespace {

int KnownVersion(std::string_view backend) {
  auto migrations = sql::EmbeddedMigrations(backend);
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<std::unique_ptr<Store>> Finish(std::unique_ptr<sql::Backend> backend, bool migrate) {
  auto store = std::make_unique<sql::SqlStore>(std::move(backend));
  HERALD_RETURN_IF_ERROR(store->Init(migrate));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  const std::string& url = options.url;
  constexpr std::string_view kUsage = "use sqlite:PATH, sqlite::memory: or postgresql://...";
  if (url.empty()) return base::InvalidArgument(std::string("no database URL; ") + std::string(kUsage));
  if (options.pool_size < 1 || options.pool_size > 1000) {
    return base::InvalidArgument("database pool size must be 1 to 1000, got " +
                                 std::to_string(options.pool_size));
  }

  if (url.starts_with("sqlite:")) {
    std::string path = url.substr(7);
    if (path.starts_with("//")) path = path.substr(2);  // sqlite:///abs/path
    if (path == ":memory:") {
      HERALD_ASSIGN_OR_RETURN(auto backend,
                              sqlite::SqliteBackend::Open(":memory:", options, KnownVersion("sqlite")));
      return Finish(std::move(backend), options.migrate);
    }
    if (path.empty()) {
      return base::InvalidArgument("malformed database URL: sqlite: needs a file path, as in "
                                   "sqlite:/var/lib/herald/herald.db");
    }
    HERALD_ASSIGN_OR_RETURN(auto backend,
                            sqlite::SqliteBackend::Open(path, options, KnownVersion("sqlite")));
    return Finish(std::move(backend), options.migrate);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    HERALD_ASSIGN_OR_RETURN(auto backend, postgres::PgBackend::Open(url, options));
    return Finish(std::move(backend), options.migrate);
  }
  size_t colon = url.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 20) {
    return base::InvalidArgument(std::string("malformed database URL (no scheme); ") +
                                 std::string(kUsage));
  }
  return base::InvalidArgument("unknown database URL scheme '" + url.substr(0, colon) + "'; " +
                               std::string(kUsage));
}

}  // namespace herald::store
