#include <cstdio>

#include "mcp/app.h"
#include "mcp/services.h"

namespace herald::mcp {

int RunStdio(const Config& config) {
  auto services = BuildServices(config);
  if (!services.ok()) {
    std::fprintf(stderr, "herald: %s\n", services.error().message().c_str());
    return 2;
  }
  std::fprintf(stderr, "herald: stdio is not implemented yet\n");
  return 1;
}

}  // namespace herald::mcp
