#include "store/store.h"

namespace herald::store {

// Placeholder until the SQLite and PostgreSQL backends land.
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  return base::Unimplemented("no store backend for '" + options.url + "' yet");
}

}  // namespace herald::store
