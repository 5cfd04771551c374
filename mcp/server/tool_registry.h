// ToolRegistry: the tools an MCP server (and the REST surface) offers, each with its compiled
// input and output JSON Schemas.
//
// Production tools get their schemas from the embedded files schemas/tools/<name>.input.json and
// .output.json; registration fails with a clear error when a file is missing or is not a valid
// schema, so a broken build cannot start. Conformance fixtures and tests pass schemas inline.
// Invoke enforces the tool's required role, validates arguments (valijson) with messages that
// name the field and what was expected, runs the tool, and turns exceptions into kInternal.
//
// Register everything before serving; after that the registry is read-only and thread-safe.
#ifndef HERALD_MCP_SERVER_TOOL_REGISTRY_H_
#define HERALD_MCP_SERVER_TOOL_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/async.h"
#include "base/json.h"
#include "base/result.h"
#include "base/schema_validator.h"
#include "tools/tool.h"

namespace herald::mcp {

using base::FormatArgumentProblems;
using base::SchemaProblem;
using base::SchemaSubject;
using base::SchemaValidator;

using base::Json;
using base::Result;
using base::Task;

// herald's own tools (Register): short enough for every host's server+tool name limit.
inline constexpr std::size_t kMaxToolNameLength = 40;
// The spec's limit, for the conformance fixtures (RegisterWithSchemas with this maximum).
inline constexpr std::size_t kMaxSpecToolNameLength = 128;

// One registered tool: the tool and its compiled schemas.
class RegisteredTool {
 public:
  RegisteredTool(std::unique_ptr<tools::Tool> tool, SchemaValidator input,
                 std::optional<SchemaValidator> output);

  const tools::ToolSpec& spec() const { return tool_->spec(); }
  tools::Tool& tool() const { return *tool_; }
  const Json& input_schema() const { return input_.schema(); }
  // Null when the tool declares no output schema.
  const Json& output_schema() const;
  const SchemaValidator& input_validator() const { return input_; }
  const SchemaValidator* output_validator() const { return output_ ? &*output_ : nullptr; }

  // The tools/list entry: name, title, description, inputSchema, outputSchema (when set),
  // annotations {title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint}.
  Json Describe() const;

 private:
  std::unique_ptr<tools::Tool> tool_;
  SchemaValidator input_;
  std::optional<SchemaValidator> output_;
};

class ToolRegistry {
 public:
  ToolRegistry() = default;
  ToolRegistry(const ToolRegistry&) = delete;
  ToolRegistry& operator=(const ToolRegistry&) = delete;

  // Registers a production tool; its schemas come from schemas/tools/<name>.input.json and
  // .output.json. Errors (kInvalidArgument, message names the tool and the file): a name that
  // is empty, longer than kMaxToolNameLength or not [A-Za-z0-9_.-]; a duplicate name; a missing
  // schema file; a file that is not JSON or not a valid schema; an input schema whose root is
  // not {"type":"object"}.
  Result<void> Register(std::unique_ptr<tools::Tool> tool);
  // Register for each tool, stopping at the first error.
  Result<void> RegisterAll(std::vector<std::unique_ptr<tools::Tool>> tools);
  // Registers with inline schemas (conformance fixtures, tests). `output_schema` may be null.
  // Same errors as Register; names may be up to `max_name_length` (at most
  // kMaxSpecToolNameLength) long.
  Result<void> RegisterWithSchemas(std::unique_ptr<tools::Tool> tool, Json input_schema,
                                   Json output_schema,
                                   std::size_t max_name_length = kMaxToolNameLength);

  // The tool named `name`, or nullptr.
  const RegisteredTool* Find(std::string_view name) const;
  // Every tool, in registration order.
  const std::vector<std::unique_ptr<RegisteredTool>>& all() const { return tools_; }
  std::size_t size() const { return tools_.size(); }

  // When on, Invoke checks a successful tool's structured output against its output schema and
  // returns kInternal (logging the problems) when it does not conform. On in debug builds.
  void set_check_output(bool on) { check_output_ = on; }
  bool check_output() const { return check_output_; }

  // Runs `tool` for ctx.caller() with `arguments` (null is taken as {}). Errors:
  // kPermissionDenied when the caller's role is below the tool's ("this API key's role (viewer)
  // cannot call schedule_post; it needs editor"); kInvalidArgument when the arguments do not
  // match the input schema (the message lists each problem with its JSON path); the tool's own
  // errors; kInternal for an exception (logged) or a non-conforming output (see check_output).
  Task<Result<tools::ToolOutput>> Invoke(const RegisteredTool& tool, Json arguments,
                                         tools::ToolContext& ctx) const;

 private:
  Result<void> Add(std::unique_ptr<tools::Tool> tool, Json input_schema, Json output_schema,
                   std::string_view origin, std::size_t max_name_length = kMaxToolNameLength);

  std::vector<std::unique_ptr<RegisteredTool>> tools_;
  std::unordered_map<std::string, RegisteredTool*> by_name_;
#ifdef NDEBUG
  bool check_output_ = false;
#else
  bool check_output_ = true;
#endif
};

// The MCP CallToolResult for a tool's output: `content` (the tool's blocks, or the structured
// output as one text block), `structuredContent` when set, and `isError` when set.
Json ToolOutputToCallResult(const tools::ToolOutput& output);
// A CallToolResult {content:[{type:text, text:message}], isError:true}.
Json ToolErrorResult(std::string_view message);

// The text a client sees for a failed tool call: the error's message, except for kInternal,
// which becomes a generic text with a reference (`correlation_id`) that also appears in the log.
std::string ClientErrorText(const base::Error& error, std::string_view correlation_id);

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_TOOL_REGISTRY_H_
