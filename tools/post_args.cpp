#include "tools/post_args.h"

namespace herald::tools {
namespace {

// The value at `key`, or null when absent.
const Json* Find(const Json& args, std::string_view key) {
  if (!args.is_object()) return nullptr;
  auto it = args.find(key);
  return it == args.end() || it->is_null() ? nullptr : &*it;
}

}  // namespace

std::string StringArg(const Json& args, std::string_view key) {
  return base::GetString(args, key);
}

std::optional<std::string> OptionalStringArg(const Json& args, std::string_view key) {
  const Json* v = Find(args, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<std::vector<std::string>> StringListArg(const Json& args, std::string_view key) {
  const Json* v = Find(args, key);
  if (v == nullptr || !v->is_array()) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(v->size());
  for (const Json& item : *v) out.push_back(item.is_string() ? item.get<std::string>() : "");
  return out;
}

bool BoolArg(const Json& args, std::string_view key, bool fallback) {
  const Json* v = Find(args, key);
  return v != nullptr && v->is_boolean() ? v->get<bool>() : fallback;
}

int IntArg(const Json& args, std::string_view key, int fallback) {
  const Json* v = Find(args, key);
  return v != nullptr && v->is_number_integer() ? v->get<int>() : fallback;
}

std::optional<std::vector<core::ContentPart>> ThreadArg(const Json& args) {
  const Json* thread = Find(args, "thread");
  if (thread == nullptr || !thread->is_array()) return std::nullopt;
  std::vector<core::ContentPart> parts;
  for (const Json& p : *thread) {
    core::ContentPart part;
    part.text = StringArg(p, "text");
    if (auto media = StringListArg(p, "media")) part.media = std::move(*media);
    parts.push_back(std::move(part));
  }
  return parts;
}

std::optional<std::map<std::string, core::ContentOverride, std::less<>>> OverridesArg(
    const Json& args) {
  const Json* overrides = Find(args, "overrides");
  if (overrides == nullptr || !overrides->is_array()) return std::nullopt;
  std::map<std::string, core::ContentOverride, std::less<>> out;
  for (const Json& o : *overrides) {
    core::ContentOverride entry;
    entry.text = OptionalStringArg(o, "text");
    entry.media = StringListArg(o, "media");
    out.insert_or_assign(StringArg(o, "account_id"), std::move(entry));
  }
  return out;
}

Json UpgradeOverridesArgument(Json args) {
  if (!args.is_object()) return args;
  auto it = args.find("overrides");
  if (it == args.end() || !it->is_object()) return args;
  Json list = Json::array();
  for (auto& [account_id, o] : it->items()) {
    if (!o.is_object()) return args;  // not the old form either: validation names the problem
    Json entry = o;
    entry["account_id"] = account_id;
    list.push_back(std::move(entry));
  }
  *it = std::move(list);
  return args;
}

std::optional<std::map<std::string, Json, std::less<>>> PlatformOptionsArg(const Json& args) {
  const Json* options = Find(args, "platform_options");
  if (options == nullptr || !options->is_object()) return std::nullopt;
  std::map<std::string, Json, std::less<>> out;
  for (const auto& [platform, o] : options->items()) out.emplace(platform, o);
  return out;
}

core::PostContent ContentArgs(const Json& args) {
  core::PostContent content;
  content.text = StringArg(args, "text");
  if (auto media = StringListArg(args, "media")) content.media = std::move(*media);
  if (auto thread = ThreadArg(args)) content.thread = std::move(*thread);
  if (auto overrides = OverridesArg(args)) content.overrides = std::move(*overrides);
  // The input schema allows only none|pad|crop; anything else reads as none.
  if (auto fit = core::ParseMediaFit(StringArg(args, "fit")); fit.ok()) content.fit = *fit;
  if (auto options = PlatformOptionsArg(args)) content.platform_options = std::move(*options);
  return content;
}

core::CreatePostRequest CreateArgs(const Json& args, core::CreateMode mode,
                                   std::string_view tool) {
  core::CreatePostRequest request;
  request.mode = mode;
  request.operation = std::string(tool);
  if (auto accounts = StringListArg(args, "accounts")) request.accounts = std::move(*accounts);
  request.content = ContentArgs(args);
  if (mode != core::CreateMode::kPublishNow) request.publish_at = StringArg(args, "publish_at");
  request.time_zone = StringArg(args, "timezone");
  request.idempotency_key = StringArg(args, "idempotency_key");
  return request;
}

ToolOutput Structured(Json structured) {
  ToolOutput out;
  out.structured = std::move(structured);
  return out;
}

}  // namespace herald::tools
