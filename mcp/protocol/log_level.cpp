#include "mcp/protocol/log_level.h"

#include <array>
#include <utility>

namespace herald::mcp {
namespace {

constexpr std::array<std::pair<LogLevel, std::string_view>, 8> kLevels{{
    {LogLevel::kDebug, "debug"},
    {LogLevel::kInfo, "info"},
    {LogLevel::kNotice, "notice"},
    {LogLevel::kWarning, "warning"},
    {LogLevel::kError, "error"},
    {LogLevel::kCritical, "critical"},
    {LogLevel::kAlert, "alert"},
    {LogLevel::kEmergency, "emergency"},
}};

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  for (const auto& [l, name] : kLevels) {
    if (l == level) return name;
  }
  return "info";
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  for (const auto& [l, n] : kLevels) {
    if (n == name) return l;
  }
  return std::nullopt;
}

}  // namespace herald::mcp
