#include "mcp/server/tool_registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "base/crypto.h"
#include "schemas/schemas.h"
#include "store/model.h"

namespace herald::mcp {
namespace {

bool IsValidToolName(std::string_view name, std::size_t max_length) {
  if (name.empty() || name.size() > max_length) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<Json> LoadSchemaFile(std::string_view tool, const std::string& path) {
  auto text = schemas::Find(path);
  if (!text.has_value()) {
    return base::InvalidArgument("tool " + std::string(tool) + ": schema file schemas/" + path +
                                 " is missing");
  }
  auto parsed = base::ParseJson(*text);
  if (!parsed.ok()) {
    return base::InvalidArgument("tool " + std::string(tool) + ": schemas/" + path +
                                 " is not valid JSON: " + parsed.error().message());
  }
  return std::move(parsed).value();
}

}  // namespace

RegisteredTool::RegisteredTool(std::unique_ptr<tools::Tool> tool, SchemaValidator input,
                               std::optional<SchemaValidator> output)
    : tool_(std::move(tool)), input_(std::move(input)), output_(std::move(output)) {}

const Json& RegisteredTool::output_schema() const {
  static const Json kNull;
  return output_ ? output_->schema() : kNull;
}

Json RegisteredTool::Describe() const {
  const tools::ToolSpec& s = spec();
  Json entry{{"name", s.name}};
  if (!s.title.empty()) entry["title"] = s.title;
  entry["description"] = s.description;
  entry["inputSchema"] = input_schema();
  if (output_) entry["outputSchema"] = output_->schema();
  Json annotations{{"readOnlyHint", s.annotations.read_only},
                   {"destructiveHint", s.annotations.destructive},
                   {"idempotentHint", s.annotations.idempotent},
                   {"openWorldHint", s.annotations.open_world}};
  if (!s.title.empty()) annotations["title"] = s.title;
  entry["annotations"] = std::move(annotations);
  return entry;
}

Result<void> ToolRegistry::Register(std::unique_ptr<tools::Tool> tool) {
  if (tool == nullptr) return base::InvalidArgument("null tool");
  const std::string name = tool->spec().name;
  if (!IsValidToolName(name, kMaxToolNameLength)) {
    return base::InvalidArgument("tool name \"" + name + "\" must be 1-" +
                                 std::to_string(kMaxToolNameLength) +
                                 " characters of [A-Za-z0-9_.-]");
  }
  HERALD_ASSIGN_OR_RETURN(Json input, LoadSchemaFile(name, "tools/" + name + ".input.json"));
  HERALD_ASSIGN_OR_RETURN(Json output, LoadSchemaFile(name, "tools/" + name + ".output.json"));
  return Add(std::move(tool), std::move(input), std::move(output), "schemas/tools/" + name);
}

Result<void> ToolRegistry::RegisterAll(std::vector<std::unique_ptr<tools::Tool>> tools) {
  for (auto& tool : tools) HERALD_RETURN_IF_ERROR(Register(std::move(tool)));
  return base::Ok();
}

Result<void> ToolRegistry::RegisterWithSchemas(std::unique_ptr<tools::Tool> tool, Json input_schema,
                                               Json output_schema, std::size_t max_name_length) {
  if (tool == nullptr) return base::InvalidArgument("null tool");
  return Add(std::move(tool), std::move(input_schema), std::move(output_schema), "inline",
             std::min(max_name_length, kMaxSpecToolNameLength));
}

Result<void> ToolRegistry::Add(std::unique_ptr<tools::Tool> tool, Json input_schema,
                               Json output_schema, std::string_view origin,
                               std::size_t max_name_length) {
  const std::string name = tool->spec().name;
  auto fail = [&](const std::string& why) {
    return base::InvalidArgument("tool " + name + " (" + std::string(origin) + "): " + why);
  };
  if (!IsValidToolName(name, max_name_length)) {
    return fail("the name must be 1-" + std::to_string(max_name_length) +
                " characters of [A-Za-z0-9_.-]");
  }
  if (by_name_.count(name) != 0) return fail("a tool with this name is already registered");
  if (tool->spec().description.empty()) return fail("the description is empty");
  if (!input_schema.is_object() || base::GetString(input_schema, "type") != "object") {
    return fail("the input schema's root must be {\"type\": \"object\", ...}");
  }
  auto input = SchemaValidator::Compile(std::move(input_schema));
  if (!input.ok()) return fail("input schema: " + input.error().message());
  std::optional<SchemaValidator> output;
  if (!output_schema.is_null()) {
    if (!output_schema.is_object() || base::GetString(output_schema, "type") != "object") {
      return fail("the output schema's root must be {\"type\": \"object\", ...}");
    }
    auto compiled = SchemaValidator::Compile(std::move(output_schema));
    if (!compiled.ok()) return fail("output schema: " + compiled.error().message());
    output.emplace(std::move(compiled).value());
  }
  auto registered = std::make_unique<RegisteredTool>(std::move(tool), std::move(input).value(),
                                                     std::move(output));
  by_name_.emplace(name, registered.get());
  tools_.push_back(std::move(registered));
  return base::Ok();
}

const RegisteredTool* ToolRegistry::Find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

Task<Result<tools::ToolOutput>> ToolRegistry::Invoke(const RegisteredTool& tool, Json arguments,
                                                     tools::ToolContext& ctx) const {
  const tools::ToolSpec& spec = tool.spec();
  const base::Caller& caller = ctx.caller();
  if (!base::RoleAllows(caller.role, spec.required_role)) {
    co_return base::PermissionDenied(
        "this API key's role (" + std::string(base::RoleName(caller.role)) + ") cannot call " +
        spec.name + "; it needs " + std::string(base::RoleName(spec.required_role)));
  }
  if (arguments.is_null()) arguments = Json::object();
  if (!arguments.is_object()) {
    co_return base::InvalidArgument("Invalid arguments for " + spec.name +
                                    ": the arguments must be a JSON object of named arguments, "
                                    "not " +
                                    std::string(arguments.type_name()));
  }
  if (spec.upgrade_arguments) arguments = spec.upgrade_arguments(std::move(arguments));
  auto problems = tool.input_validator().Validate(arguments);
  if (!problems.empty()) {
    co_return base::InvalidArgument(FormatArgumentProblems(spec.name, problems));
  }
  std::optional<Result<tools::ToolOutput>> result;
  try {
    result.emplace(co_await tool.tool().Call(std::move(arguments), ctx));
  } catch (const std::exception& e) {
    result.emplace(base::Internal("tool " + spec.name + " threw: " + e.what()));
  } catch (...) {
    result.emplace(base::Internal("tool " + spec.name + " threw a non-standard exception"));
  }
  if (result->ok() && check_output_ && tool.output_validator() != nullptr && !(*result)->is_error) {
    const Json& structured = (*result)->structured;
    auto output_problems =
        tool.output_validator()->Validate(structured, 8, SchemaSubject::kDocument);
    if (!output_problems.empty()) {
      std::string detail = "tool " + spec.name + " returned output that breaks its schema:";
      for (const auto& p : output_problems) {
        detail += " " + (p.path.empty() ? std::string("(root)") : p.path) + ": " + p.message + ";";
      }
      co_return base::Internal(detail);
    }
  }
  co_return std::move(*result);
}

Json ToolOutputToCallResult(const tools::ToolOutput& output) {
  Json result = Json::object();
  Json content = output.content.is_array() ? output.content : Json::array();
  if (content.empty() && !output.structured.is_null()) {
    content.push_back({{"type", "text"}, {"text", base::DumpJson(output.structured)}});
  }
  result["content"] = std::move(content);
  if (!output.structured.is_null()) result["structuredContent"] = output.structured;
  if (output.is_error) result["isError"] = true;
  return result;
}

Json ToolErrorResult(std::string_view message) {
  return Json{{"content", Json::array({{{"type", "text"}, {"text", message}}})}, {"isError", true}};
}

std::string ClientErrorText(const base::Error& error, std::string_view correlation_id) {
  if (error.code() == base::ErrorCode::kInternal) {
    return "herald hit an internal error while running this tool (reference " +
           std::string(correlation_id) +
           "). This is not a problem with the arguments; try again later, and if it keeps "
           "happening, give the reference to herald's operator.";
  }
  return error.message();
}

}  // namespace herald::mcp
