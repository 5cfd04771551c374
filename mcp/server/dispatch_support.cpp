#include "mcp/server/dispatch_support.h"

#include <spdlog/spdlog.h>

#include "base/crypto.h"
#include "mcp/protocol/jsonrpc.h"

namespace herald::mcp {

std::string NewCorrelationId() { return "ref_" + base::HexEncode(base::RandomBytes(6)); }

Json InvalidParams(const Json& id, std::string message) {
  return MakeError(id, kInvalidParams, "Invalid params: " + std::move(message));
}

Json InternalError(const Json& id, std::string_view where, std::string_view detail) {
  std::string ref = NewCorrelationId();
  spdlog::error("internal error [{}] in {}: {}", ref, where, detail);
  return MakeError(id, kInternalError, "Internal error (reference " + ref + ")");
}

Json RequestIdInUse(const Json& id, const std::string& key) {
  return MakeError(
      id, kInvalidRequest,
      "Invalid Request: request id " + key + " is already in use by a running request");
}

}  // namespace herald::mcp
