// Services: everything the transports share, built once at start by the composition root.
// Owns the store, the keyring, the HTTPS client, the platforms and the core services, in the
// order they must be destroyed (reverse of construction).
#ifndef HERALD_MCP_SERVICES_H_
#define HERALD_MCP_SERVICES_H_

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/result.h"
#include "base/async.h"
#include "core/key_service.h"
#include "core/media_service.h"
#include "core/post_service.h"
#include "mcp/config.h"
#include "platforms/platform_registry.h"
#include "store/store.h"
#include "tools/tool_set.h"

namespace herald::mcp {

struct Services {
  const base::Clock* clock = &base::SystemClock::Instance();
  std::unique_ptr<store::Store> store;
  base::Keyring keyring;
  std::unique_ptr<core::KeyService> keys;
  store::Organization default_org;
  std::unique_ptr<platforms::PlatformRegistry> platforms;
  // ---- platforms (HTTPS client) ----
  // ---- core services ----
  std::unique_ptr<base::asio::thread_pool> core_pool;  // blocking store work of the services
  std::unique_ptr<core::MediaService> media;
  std::unique_ptr<core::PostService> posts;

  // What the tools need, pointing into this object.
  tools::ToolDeps ToolDependencies();
};

// Opens the store (migrating), loads the keyring, ensures the default organization, and builds
// platforms and core services. Errors are worded for the command line (one line, exit 2).
base::Result<std::unique_ptr<Services>> BuildServices(const Config& config);

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVICES_H_
