#include "mcp/server/prompt_registry.h"

#include <set>

namespace herald::mcp {

Result<void> PromptRegistry::Add(PromptInfo info, PromptBuilder builder, Completer completer) {
  if (!builder) return base::InvalidArgument("a prompt needs a name and a builder");
  InteractivePromptBuilder wrapped = [builder = std::move(builder)](
                                         const std::map<std::string, std::string>& arguments,
                                         InputRound*) { return builder(arguments); };
  HERALD_RETURN_IF_ERROR(AddInteractive(std::move(info), std::move(wrapped)));
  prompts_.back().completer = std::move(completer);
  return base::Ok();
}

Result<void> PromptRegistry::AddInteractive(PromptInfo info, InteractivePromptBuilder builder) {
  if (info.name.empty() || !builder) {
    return base::InvalidArgument("a prompt needs a name and a builder");
  }
  if (Find(info.name) != nullptr) return base::InvalidArgument("duplicate prompt " + info.name);
  std::set<std::string> names;
  for (const auto& a : info.arguments) {
    if (a.name.empty() || !names.insert(a.name).second) {
      return base::InvalidArgument("prompt " + info.name + ": empty or duplicate argument name");
    }
  }
  prompts_.push_back({std::move(info), std::move(builder), {}});
  return base::Ok();
}

Json PromptRegistry::Describe(std::size_t index) const {
  const PromptInfo& info = prompts_.at(index).info;
  Json entry{{"name", info.name}};
  if (!info.title.empty()) entry["title"] = info.title;
  entry["description"] = info.description;
  Json arguments = Json::array();
  for (const auto& a : info.arguments) {
    Json arg{{"name", a.name}};
    if (!a.title.empty()) arg["title"] = a.title;
    if (!a.description.empty()) arg["description"] = a.description;
    arg["required"] = a.required;
    arguments.push_back(std::move(arg));
  }
  entry["arguments"] = std::move(arguments);
  return entry;
}

bool PromptRegistry::Has(std::string_view name) const { return Find(name) != nullptr; }

const PromptRegistry::Prompt* PromptRegistry::Find(std::string_view name) const {
  for (const auto& p : prompts_) {
    if (p.info.name == name) return &p;
  }
  return nullptr;
}

Result<Json> PromptRegistry::Get(std::string_view name, const Json& arguments,
                                 InputRound* input) const {
  const Prompt* prompt = Find(name);
  if (prompt == nullptr) {
    return base::InvalidArgument("unknown prompt \"" + std::string(name) + "\"");
  }
  if (!arguments.is_null() && !arguments.is_object()) {
    return base::InvalidArgument("prompt arguments must be an object of strings");
  }
  std::map<std::string, std::string> values;
  if (arguments.is_object()) {
    for (const auto& [key, value] : arguments.items()) {
      if (!value.is_string()) {
        return base::InvalidArgument("argument \"" + key + "\" of prompt \"" + prompt->info.name +
                                     "\" must be a string");
      }
      values[key] = value.get<std::string>();
    }
  }
  for (const auto& a : prompt->info.arguments) {
    if (a.required && values.count(a.name) == 0) {
      return base::InvalidArgument("prompt \"" + prompt->info.name +
                                   "\" is missing its required argument \"" + a.name + "\"" +
                                   (a.description.empty() ? "" : " (" + a.description + ")"));
    }
  }
  HERALD_ASSIGN_OR_RETURN(Json messages, prompt->builder(values, input));
  Json result{{"messages", std::move(messages)}};
  if (!prompt->info.description.empty()) result["description"] = prompt->info.description;
  return result;
}

std::optional<std::vector<std::string>> PromptRegistry::Complete(std::string_view name,
                                                                 std::string_view argument,
                                                                 std::string_view value,
                                                                 const Json& context) const {
  const Prompt* prompt = Find(name);
  if (prompt == nullptr) return std::nullopt;
  if (!prompt->completer) return std::vector<std::string>{};
  return prompt->completer(argument, value, context);
}

}  // namespace herald::mcp
