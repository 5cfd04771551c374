// Decoding helpers shared by the post tools: arguments (already validated against the tool's
// input schema) into core request structs. Defensive anyway: a value of the wrong type is a
// kInvalidArgument naming the field, never an exception.
#ifndef HERALD_TOOLS_POST_ARGS_H_
#define HERALD_TOOLS_POST_ARGS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "core/post_content.h"
#include "core/post_service.h"
#include "tools/tool.h"

namespace herald::tools {

// The string at `key`, or "" when absent. Errors: kInvalidArgument if not a string.
Result<std::string> StringArg(const Json& args, std::string_view key);
// The string at `key`, or nullopt when absent.
Result<std::optional<std::string>> OptionalStringArg(const Json& args, std::string_view key);
// The array of strings at `key`, or nullopt when absent.
Result<std::optional<std::vector<std::string>>> StringListArg(const Json& args,
                                                              std::string_view key);
Result<bool> BoolArg(const Json& args, std::string_view key, bool fallback);
Result<int> IntArg(const Json& args, std::string_view key, int fallback);

// text, media, thread and overrides of a post.
Result<core::PostContent> ContentArgs(const Json& args);
Result<std::optional<std::vector<core::ContentPart>>> ThreadArg(const Json& args);
Result<std::optional<std::map<std::string, core::ContentOverride, std::less<>>>> OverridesArg(
    const Json& args);

// The arguments of schedule_post / publish_post / save_draft.
Result<core::CreatePostRequest> CreateArgs(const Json& args, core::CreateMode mode);

// A successful tool result carrying `structured`.
ToolOutput Structured(Json structured);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_POST_ARGS_H_
