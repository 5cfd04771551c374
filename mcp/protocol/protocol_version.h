// MCP protocol revisions herald speaks (the legacy, initialize-based era) and how they are
// negotiated. Pure functions; thread-safe.
#ifndef HERALD_MCP_PROTOCOL_PROTOCOL_VERSION_H_
#define HERALD_MCP_PROTOCOL_PROTOCOL_VERSION_H_

#include <span>
#include <string>
#include <string_view>

namespace herald::mcp {

inline constexpr std::string_view kLatestProtocolVersion = "2025-11-25";
// What a Streamable HTTP server assumes when a request has no MCP-Protocol-Version header and
// the version is not otherwise known (spec: SHOULD assume 2025-03-26).
inline constexpr std::string_view kAssumedHttpProtocolVersion = "2025-03-26";

// Every revision herald accepts, newest first: 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05.
std::span<const std::string_view> SupportedProtocolVersions();

bool IsSupportedProtocolVersion(std::string_view version);

// The version to answer an initialize with: `requested` when supported, else the newest.
// Never fails: an unknown version is not an error (the client decides whether to continue).
std::string NegotiateProtocolVersion(std::string_view requested);

// True if revision `version` is `min` or newer (dates compare as strings).
bool ProtocolAtLeast(std::string_view version, std::string_view min);

// JSON-RPC batches exist only in 2025-03-26 (added there, removed in 2025-06-18).
bool ProtocolAllowsBatches(std::string_view version);

}  // namespace herald::mcp

#endif  // HERALD_MCP_PROTOCOL_PROTOCOL_VERSION_H_
