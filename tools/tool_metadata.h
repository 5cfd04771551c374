// Tool metadata from schemas/: each tool's title, description and annotations live in
// schemas/tools/<name>.tool.json (embedded at build time, beside its input and output schemas),
// so a tool's constructor only names itself and the role it needs.
#ifndef HERALD_TOOLS_TOOL_METADATA_H_
#define HERALD_TOOLS_TOOL_METADATA_H_

#include <string_view>

#include "base/result.h"
#include "store/model.h"
#include "tools/tool.h"

namespace herald::tools {

// The spec of tool `name` from schemas/tools/<name>.tool.json:
//   {"title": "...", "description": "...", "annotations": {"readOnlyHint": bool,
//    "destructiveHint": bool, "idempotentHint": bool, "openWorldHint": bool}}
// every key required, nothing else allowed. Errors: kNotFound without the file;
// kInvalidArgument naming what is wrong in it.
base::Result<ToolSpec> LoadToolSpec(std::string_view name, base::Role required_role);

// LoadToolSpec, for constructors: on an error the spec has the name and an empty description,
// which the tool registry refuses at start with the tool's name.
ToolSpec SpecFromSchemas(std::string_view name, base::Role required_role);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_TOOL_METADATA_H_
