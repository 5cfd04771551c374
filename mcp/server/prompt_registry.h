// PromptRegistry: the MCP prompts a server offers (prompts/list, prompts/get) and completion of
// their arguments (completion/complete with ref/prompt).
//
// A prompt's builder receives its arguments (all strings, required ones present) and returns
// the messages array ([{role, content}]). Register before serving; read-only and thread-safe
// after.
#ifndef HERALD_MCP_SERVER_PROMPT_REGISTRY_H_
#define HERALD_MCP_SERVER_PROMPT_REGISTRY_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "mcp/server/input_round.h"
#include "mcp/server/resource_registry.h"

namespace herald::mcp {

using base::Json;
using base::Result;

struct PromptArgumentInfo {
  std::string name;
  std::string title;
  std::string description;
  bool required = false;
};

struct PromptInfo {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgumentInfo> arguments;
};

// Builds the messages for validated arguments. Errors: kInvalidArgument (e.g. a bad value).
using PromptBuilder =
    std::function<Result<Json>(const std::map<std::string, std::string>& arguments)>;

// A builder that may need the client's input (MCP 2026-07-28 multi-round trips): `input` is the
// request's InputRound (null in the initialize-based revisions, which cannot ask from a prompt).
// It asks with input->Ask and returns any messages; the dispatcher then answers with an
// InputRequiredResult instead.
using InteractivePromptBuilder = std::function<Result<Json>(
    const std::map<std::string, std::string>& arguments, InputRound* input)>;

class PromptRegistry {
 public:
  // Errors: kInvalidArgument for an empty or duplicate name or argument name.
  Result<void> Add(PromptInfo info, PromptBuilder builder, Completer completer = {});
  Result<void> AddInteractive(PromptInfo info, InteractivePromptBuilder builder);

  std::size_t size() const { return prompts_.size(); }
  // The prompts/list entry: name, title, description, arguments
  // [{name,title,description,required}].
  Json Describe(std::size_t index) const;
  bool Has(std::string_view name) const;

  // The prompts/get result {description, messages}. `arguments` is the request's object (or
  // null). Errors (all kInvalidArgument, answered as -32602): unknown prompt, an argument that
  // is not a string, a missing required argument, and the builder's.
  // `input`: the request's InputRound (2026-07-28), else null.
  Result<Json> Get(std::string_view name, const Json& arguments, InputRound* input = nullptr) const;

  // Completion for an argument of prompt `name`; nullopt for an unknown prompt, empty values
  // when it has no completer or no such argument.
  std::optional<std::vector<std::string>> Complete(std::string_view name, std::string_view argument,
                                                   std::string_view value,
                                                   const Json& context) const;

 private:
  struct Prompt {
    PromptInfo info;
    InteractivePromptBuilder builder;
    Completer completer;
  };
  const Prompt* Find(std::string_view name) const;

  std::vector<Prompt> prompts_;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_PROMPT_REGISTRY_H_
