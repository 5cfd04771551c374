// Logging setup: spdlog to stderr only (stdout belongs to the stdio transport), as human text
// or as JSON lines. Call InitLogging once at start; then use spdlog::info(...) etc. anywhere.
// Never log a token, an API key, a password or a sealed value.
#ifndef HERALD_BASE_LOG_H_
#define HERALD_BASE_LOG_H_

#include <string_view>

#include "base/result.h"

namespace herald::base {

enum class LogFormat { kText, kJson };

// Parses "text" / "json". Errors: kInvalidArgument.
Result<LogFormat> ParseLogFormat(std::string_view name);

// Installs the default logger writing to stderr in `format` at `level` ("trace", "debug",
// "info", "warn", "error", "off"). Errors: kInvalidArgument for an unknown level.
Result<void> InitLogging(LogFormat format, std::string_view level);

}  // namespace herald::base

#endif  // HERALD_BASE_LOG_H_
