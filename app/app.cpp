#include "app/app.h"

namespace herald::app {

base::Result<std::unique_ptr<store::Store>> OpenStoreForCli(const Config& config, bool migrate) {
  store::StoreOptions options;
  options.url = config.EffectiveDbUrl();
  options.migrate = migrate;
  return store::OpenStore(options);
}

}  // namespace herald::app
