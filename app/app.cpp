#include "app/app.h"

namespace herald::mcp {

base::Result<std::unique_ptr<store::Store>> OpenStoreForCli(const Config& config, bool migrate) {
  store::StoreOptions options;
  options.url = config.EffectiveDbUrl();
  options.migrate = migrate;
  return store::OpenStore(options);
}

}  // namespace herald::mcp
