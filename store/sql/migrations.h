// The migration scripts embedded into the binary at build time (store/embed_migrations.cmake
// turns store/<backend>/migrations/NNNN_name.sql into a generated .cpp).
#ifndef HERALD_STORE_SQL_MIGRATIONS_H_
#define HERALD_STORE_SQL_MIGRATIONS_H_

#include <span>
#include <string_view>

#include "store/sql/backend.h"

namespace herald::store::sql {

// The migrations of `backend` ("sqlite" or "postgres"), in version order; empty if unknown.
std::span<const Migration> EmbeddedMigrations(std::string_view backend);

}  // namespace herald::store::sql

#endif  // HERALD_STORE_SQL_MIGRATIONS_H_
