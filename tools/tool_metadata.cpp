#include "tools/tool_metadata.h"

#include <string>

#include "schemas/schemas.h"

namespace herald::tools {
namespace {

constexpr std::string_view kHints[] = {"readOnlyHint", "destructiveHint", "idempotentHint",
                                       "openWorldHint"};

}  // namespace

base::Result<ToolSpec> LoadToolSpec(std::string_view name, base::Role required_role) {
  const std::string path = "tools/" + std::string(name) + ".tool.json";
  auto text = schemas::Find(path);
  if (!text) return base::NotFound("no schemas/" + path);
  auto bad = [&](const std::string& why) { return base::InvalidArgument("schemas/" + path + ": " + why); };
  Json json = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return bad("not a JSON object");
  for (const auto& [key, value] : json.items()) {
    if (key != "title" && key != "description" && key != "annotations") {
      return bad("unknown key \"" + key + "\"");
    }
  }
  if (!json.contains("title") || !json["title"].is_string()) return bad("title: a string");
  if (!json.contains("description") || !json["description"].is_string() ||
      json["description"].get<std::string>().empty()) {
    return bad("description: a non-empty string");
  }
  const Json& hints = json.contains("annotations") ? json["annotations"] : Json();
  if (!hints.is_object() || hints.size() != std::size(kHints)) {
    return bad("annotations: an object with readOnlyHint, destructiveHint, idempotentHint and "
               "openWorldHint");
  }
  for (std::string_view hint : kHints) {
    auto it = hints.find(hint);
    if (it == hints.end() || !it->is_boolean()) {
      return bad("annotations." + std::string(hint) + ": true or false");
    }
  }
  ToolSpec spec;
  spec.name = std::string(name);
  spec.title = json["title"].get<std::string>();
  spec.description = json["description"].get<std::string>();
  spec.annotations.read_only = hints["readOnlyHint"].get<bool>();
  spec.annotations.destructive = hints["destructiveHint"].get<bool>();
  spec.annotations.idempotent = hints["idempotentHint"].get<bool>();
  spec.annotations.open_world = hints["openWorldHint"].get<bool>();
  spec.required_role = required_role;
  return spec;
}

ToolSpec SpecFromSchemas(std::string_view name, base::Role required_role) {
  auto spec = LoadToolSpec(name, required_role);
  if (spec.ok()) return *std::move(spec);
  ToolSpec empty;
  empty.name = std::string(name);
  empty.required_role = required_role;
  return empty;
}

}  // namespace herald::tools
