// MCP 2026-07-28 (the stateless "modern" era) vocabulary: its protocol version, the reserved
// `_meta` keys every request carries, its error codes, how a message is recognised as a modern
// request, and which request field the Mcp-Name header mirrors.
//
// herald serves this era beside the initialize-based revisions (protocol_version.h) on the same
// endpoint: a request whose params._meta names a protocol version (or whose method only exists
// in this era) is served statelessly; anything else follows the legacy lifecycle. Pure
// functions; thread-safe.
#ifndef HERALD_MCP_PROTOCOL_MODERN_PROTOCOL_H_
#define HERALD_MCP_PROTOCOL_MODERN_PROTOCOL_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/json.h"
#include "mcp/protocol/jsonrpc.h"

namespace herald::mcp {

using base::Json;

inline constexpr std::string_view kModernProtocolVersion = "2026-07-28";

// params._meta keys (requests) and result _meta keys.
inline constexpr std::string_view kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kMetaClientCapabilities =
    "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view kMetaLogLevel = "io.modelcontextprotocol/logLevel";
inline constexpr std::string_view kMetaServerInfo = "io.modelcontextprotocol/serverInfo";
inline constexpr std::string_view kMetaSubscriptionId = "io.modelcontextprotocol/subscriptionId";

// Error codes of 2026-07-28 (-32020..-32099 is reserved to the spec).
inline constexpr int kHeaderMismatch = -32020;
inline constexpr int kMissingRequiredClientCapability = -32021;
inline constexpr int kUnsupportedProtocolVersion = -32022;

// Every modern revision herald serves, newest first (today only 2026-07-28).
std::span<const std::string_view> SupportedModernVersions();
bool IsSupportedModernVersion(std::string_view version);

// True if `message` is a request to be served in the modern era: its params._meta carries
// kMetaProtocolVersion, or its method exists only there (server/discover,
// subscriptions/listen). Batches and non-requests are never modern.
bool IsModernRequest(const Json& message);

// The protocol version a request's params._meta names; "" when absent or not a string.
std::string ModernMetaVersion(const Json& params);

// Checks a modern request's params._meta: -32602 when _meta, its protocol version or its client
// capabilities are missing or mistyped; -32022 (data {supported, requested}) when the version is
// not one herald serves. nullopt when valid. clientInfo is optional (SHOULD).
std::optional<RpcError> ValidateModernMeta(const Json& params);

// The value the Mcp-Name header must mirror for `method`: params.name (tools/call,
// prompts/get), params.uri (resources/read), params.taskId (tasks/*); nullopt for other
// methods (no Mcp-Name expected) and "" when the field is missing.
std::optional<std::string> McpNameFor(std::string_view method, const Json& params);

// Decodes a header value that may be written "=?base64?<base64>?=" (for non-ASCII values);
// other values are returned unchanged. nullopt when the base64 is invalid.
std::optional<std::string> DecodeMcpHeaderValue(std::string_view value);

}  // namespace herald::mcp

#endif  // HERALD_MCP_PROTOCOL_MODERN_PROTOCOL_H_
