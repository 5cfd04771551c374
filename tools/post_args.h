// Decoding helpers shared by the post tools: arguments into core request structs. The registry
// has validated the arguments against the tool's input schema before Call, so types are not
// checked again here; an absent (or null) argument decodes as empty / nullopt.
#ifndef HERALD_TOOLS_POST_ARGS_H_
#define HERALD_TOOLS_POST_ARGS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "core/post_content.h"
#include "core/post_service.h"
#include "tools/tool.h"

namespace herald::tools {

// The string at `key`, or "" when absent.
std::string StringArg(const Json& args, std::string_view key);
// The string at `key`, or nullopt when absent.
std::optional<std::string> OptionalStringArg(const Json& args, std::string_view key);
// The array of strings at `key`, or nullopt when absent.
std::optional<std::vector<std::string>> StringListArg(const Json& args, std::string_view key);
bool BoolArg(const Json& args, std::string_view key, bool fallback);
int IntArg(const Json& args, std::string_view key, int fallback);

// `platform_options` ({platform_id: {...}}), or nullopt when absent.
std::optional<std::map<std::string, Json, std::less<>>> PlatformOptionsArg(const Json& args);

// text, media, thread and overrides of a post.
core::PostContent ContentArgs(const Json& args);
std::optional<std::vector<core::ContentPart>> ThreadArg(const Json& args);
std::optional<std::map<std::string, core::ContentOverride, std::less<>>> OverridesArg(
    const Json& args);
// The overrides argument's older form, an object keyed by account id
// ({"acc_1": {"text": ...}}), rewritten as today's list ([{"account_id": "acc_1", "text": ...}]);
// other arguments unchanged. For ToolSpec::upgrade_arguments of the tools that take overrides.
Json UpgradeOverridesArgument(Json args);

// The arguments of schedule_post / publish_post / save_draft; `tool` names the operation for
// idempotency keys.
core::CreatePostRequest CreateArgs(const Json& args, core::CreateMode mode, std::string_view tool);

// A successful tool result carrying `structured`.
ToolOutput Structured(Json structured);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_POST_ARGS_H_
