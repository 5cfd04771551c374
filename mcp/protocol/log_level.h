// MCP logging levels (RFC 5424 names, as used by logging/setLevel and notifications/message).
#ifndef HERALD_MCP_PROTOCOL_LOG_LEVEL_H_
#define HERALD_MCP_PROTOCOL_LOG_LEVEL_H_

#include <optional>
#include <string_view>

#include "tools/tool.h"

namespace herald::mcp {

using tools::LogLevel;

// "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency".
std::string_view LogLevelName(LogLevel level);
// The level named `name` (exact, lowercase), or nullopt.
std::optional<LogLevel> ParseLogLevel(std::string_view name);

}  // namespace herald::mcp

#endif  // HERALD_MCP_PROTOCOL_LOG_LEVEL_H_
