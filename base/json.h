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

// The deepest nesting of arrays/objects ParseJson accepts unless told otherwise (the MCP
// transports, REST, and every parse of network input use it).
inline constexpr size_t kMaxJsonDepth = 128;

// Parses `text` as one JSON document. Nesting deeper than `max_depth` is refused while parsing:
// the parser stops at the first bracket past the limit, so a hostile document (say 2 million
// nested arrays) costs O(max_depth) memory and stops there. Parsing is iterative, and the
// results are safe for recursive consumers (dump, schema validation) at this depth.
// Errors: kInvalidArgument "invalid JSON at line L, column C: <short reason>" (line and column
// count from 1; the reason is at most a short sentence and never quotes the input at length).
Result<Json> ParseJson(std::string_view text, size_t max_depth = kMaxJsonDepth);

// Compact serialization; invalid UTF-8 is replaced rather than throwing.
std::string DumpJson(const Json& value);

// The string at `key` in `object`, or `fallback` when absent or not a string.
std::string GetString(const Json& object, std::string_view key, std::string fallback = {});

// True when `text` nests arrays/objects deeper than `limit` (brackets inside strings do not
// count). A cheap scan; ParseJson already enforces its own limit.
bool JsonTooDeep(std::string_view text, size_t limit);

}  // namespace herald::base

#endif  // HERALD_BASE_JSON_H_
