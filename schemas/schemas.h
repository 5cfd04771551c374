// The JSON Schema files under schemas/, embedded in the binary at build time. They are the
// single source for MCP tool schemas, REST validation and the OpenAPI document.
#ifndef HERALD_SCHEMAS_SCHEMAS_H_
#define HERALD_SCHEMAS_SCHEMAS_H_

#include <optional>
#include <span>
#include <string_view>

namespace herald::schemas {

struct EmbeddedFile {
  std::string_view path;  // relative to schemas/, e.g. "tools/schedule_post.input.json"
  std::string_view text;
};

// Every embedded file, ordered by path.
std::span<const EmbeddedFile> All();

// The file at `path`, or nullopt.
std::optional<std::string_view> Find(std::string_view path);

}  // namespace herald::schemas

#endif  // HERALD_SCHEMAS_SCHEMAS_H_
