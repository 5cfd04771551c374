// MCP logging levels (RFC 5424 names, as used by logging/setLevel and notifications/message).
#ifndef HERALD_MCP_PROTOCOL_LOG_LEVEL_H_
#define HERALD_MCP_PROTOCOL_LOG_LEVEL_H_

#include <optional>
#include <string_view>

namespace herald::mcp {

// The protocol's levels, least to most severe (the order is what logging/setLevel compares).
// The tools' LogLevel (tools/tool.h) lists the same levels; the server converts at the boundary.
enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError, kCritical, kAlert, kEmergency };

// "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency".
std::string_view LogLevelName(LogLevel level);
// The level named `name` (exact, lowercase), or nullopt.
std::optional<LogLevel> ParseLogLevel(std::string_view name);

}  // namespace herald::mcp

#endif  // HERALD_MCP_PROTOCOL_LOG_LEVEL_H_
