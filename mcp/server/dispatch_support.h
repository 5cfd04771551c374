// Helpers shared by the Dispatcher's translation units (dispatcher.cpp: lifecycle and routing;
// dispatcher_methods.cpp: the method tables; modern_era.cpp: 2026-07-28). Internal to
// mcp/server. Thread-safe.
#ifndef HERALD_MCP_SERVER_DISPATCH_SUPPORT_H_
#define HERALD_MCP_SERVER_DISPATCH_SUPPORT_H_

#include <string>
#include <string_view>
#include <utility>

#include "base/json.h"

namespace herald::mcp {

using base::Json;

// A short random reference that ties a generic client message to a log line.
std::string NewCorrelationId();

// -32602 "Invalid params: <message>".
Json InvalidParams(const Json& id, std::string message);

// -32603 naming only a reference; `detail` goes to the log under that reference.
Json InternalError(const Json& id, std::string_view where, std::string_view detail);

// -32600 for a request whose id (JSON text `key`) is already used by a running request.
Json RequestIdInUse(const Json& id, const std::string& key);

// Runs a callable when the scope ends, however it ends.
template <class F>
class ScopeExit {
 public:
  explicit ScopeExit(F f) : f_(std::move(f)) {}
  ~ScopeExit() { f_(); }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  F f_;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_DISPATCH_SUPPORT_H_
