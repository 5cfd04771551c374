// JSON vocabulary: nlohmann::json under a short name, and small helpers that never throw.
#ifndef HERALD_BASE_JSON_H_
#define HERALD_BASE_JSON_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace herald::base {

using Json = nlohmann::json;

// Parses `text`. Errors: kInvalidArgument with the parser's position message.
Result<Json> ParseJson(std::string_view text);

// Compact serialization; invalid UTF-8 is replaced rather than throwing.
std::string DumpJson(const Json& value);

// The string at `key` in `object`, or `fallback` when absent or not a string.
std::string GetString(const Json& object, std::string_view key, std::string fallback = {});

// True when `text` nests arrays/objects deeper than `limit` (brackets inside strings do not
// count). A cheap guard before parsing, so hostile input cannot exhaust the stack of recursive
// consumers.
bool JsonTooDeep(std::string_view text, size_t limit);

}  // namespace herald::base

#endif  // HERALD_BASE_JSON_H_
