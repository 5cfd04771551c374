#include "mcp/app.h"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace herald::mcp {

base::Result<std::unique_ptr<store::Store>> OpenStoreForCli(const Config& config, bool migrate) {
  store::StoreOptions options;
  options.url = config.EffectiveDbUrl();
  options.migrate = migrate;
  return store::OpenStore(options);
}

int RunServe(const Config& config) {
  auto opened = OpenStoreForCli(config, /*migrate=*/true);
  if (!opened.ok()) {
    std::fprintf(stderr, "herald: %s\n", opened.error().message().c_str());
    return 2;
  }
  std::fprintf(stderr, "herald: serve is not implemented yet\n");
  return 1;
}

int RunStdio(const Config& config) {
  auto opened = OpenStoreForCli(config, /*migrate=*/true);
  if (!opened.ok()) {
    std::fprintf(stderr, "herald: %s\n", opened.error().message().c_str());
    return 2;
  }
  std::fprintf(stderr, "herald: stdio is not implemented yet\n");
  return 1;
}

int RunWorker(const Config& config) {
  auto opened = OpenStoreForCli(config, /*migrate=*/true);
  if (!opened.ok()) {
    std::fprintf(stderr, "herald: %s\n", opened.error().message().c_str());
    return 2;
  }
  std::fprintf(stderr, "herald: worker is not implemented yet\n");
  return 1;
}

}  // namespace herald::mcp
