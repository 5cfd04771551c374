#include "tools/post_args.h"

namespace herald::tools {
namespace {

base::Error TypeError(std::string_view key, std::string_view expected) {
  return base::InvalidArgument(std::string(key) + ": expected " + std::string(expected));
}

}  // namespace

Result<std::string> StringArg(const Json& args, std::string_view key) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return std::string();
  if (!it->is_string()) return TypeError(key, "a string");
  return it->get<std::string>();
}

Result<std::optional<std::string>> OptionalStringArg(const Json& args, std::string_view key) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return TypeError(key, "a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<std::vector<std::string>>> StringListArg(const Json& args,
                                                              std::string_view key) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return std::optional<std::vector<std::string>>();
  if (!it->is_array()) return TypeError(key, "an array of strings");
  std::vector<std::string> out;
  out.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& v = (*it)[i];
    if (!v.is_string()) {
      return TypeError(std::string(key) + "[" + std::to_string(i) + "]", "a string");
    }
    out.push_back(v.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<bool> BoolArg(const Json& args, std::string_view key, bool fallback) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return TypeError(key, "true or false");
  return it->get<bool>();
}

Result<int> IntArg(const Json& args, std::string_view key, int fallback) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) return TypeError(key, "an integer");
  auto v = it->get<int64_t>();
  if (v < -1'000'000'000 || v > 1'000'000'000) return TypeError(key, "a smaller integer");
  return static_cast<int>(v);
}

Result<std::optional<std::vector<core::ContentPart>>> ThreadArg(const Json& args) {
  auto it = args.find("thread");
  if (it == args.end() || it->is_null()) return std::optional<std::vector<core::ContentPart>>();
  if (!it->is_array()) return TypeError("thread", "an array of {text, media}");
  std::vector<core::ContentPart> parts;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& p = (*it)[i];
    std::string field = "thread[" + std::to_string(i) + "]";
    if (!p.is_object()) return TypeError(field, "an object {text, media}");
    core::ContentPart part;
    HERALD_ASSIGN_OR_RETURN(part.text, StringArg(p, "text"));
    HERALD_ASSIGN_OR_RETURN(auto media, StringListArg(p, "media"));
    if (media) part.media = std::move(*media);
    parts.push_back(std::move(part));
  }
  return std::optional<std::vector<core::ContentPart>>(std::move(parts));
}

Result<std::optional<std::map<std::string, core::ContentOverride, std::less<>>>> OverridesArg(
    const Json& args) {
  using Map = std::map<std::string, core::ContentOverride, std::less<>>;
  auto it = args.find("overrides");
  if (it == args.end() || it->is_null()) return std::optional<Map>();
  if (!it->is_object()) return TypeError("overrides", "an object keyed by account id");
  Map out;
  for (const auto& [account_id, o] : it->items()) {
    std::string field = "overrides." + account_id;
    if (!o.is_object()) return TypeError(field, "an object {text?, media?}");
    core::ContentOverride entry;
    HERALD_ASSIGN_OR_RETURN(entry.text, OptionalStringArg(o, "text"));
    HERALD_ASSIGN_OR_RETURN(entry.media, StringListArg(o, "media"));
    out.emplace(account_id, std::move(entry));
  }
  return std::optional<Map>(std::move(out));
}

Result<core::PostContent> ContentArgs(const Json& args) {
  core::PostContent content;
  HERALD_ASSIGN_OR_RETURN(content.text, StringArg(args, "text"));
  HERALD_ASSIGN_OR_RETURN(auto media, StringListArg(args, "media"));
  if (media) content.media = std::move(*media);
  HERALD_ASSIGN_OR_RETURN(auto thread, ThreadArg(args));
  if (thread) content.thread = std::move(*thread);
  HERALD_ASSIGN_OR_RETURN(auto overrides, OverridesArg(args));
  if (overrides) content.overrides = std::move(*overrides);
  return content;
}

Result<core::CreatePostRequest> CreateArgs(const Json& args, core::CreateMode mode) {
  core::CreatePostRequest request;
  request.mode = mode;
  HERALD_ASSIGN_OR_RETURN(auto accounts, StringListArg(args, "accounts"));
  if (accounts) request.accounts = std::move(*accounts);
  HERALD_ASSIGN_OR_RETURN(request.content, ContentArgs(args));
  if (mode != core::CreateMode::kPublishNow) {
    HERALD_ASSIGN_OR_RETURN(request.publish_at, StringArg(args, "publish_at"));
  }
  HERALD_ASSIGN_OR_RETURN(request.time_zone, StringArg(args, "timezone"));
  HERALD_ASSIGN_OR_RETURN(request.idempotency_key, StringArg(args, "idempotency_key"));
  return request;
}

ToolOutput Structured(Json structured) {
  ToolOutput out;
  out.structured = std::move(structured);
  return out;
}

}  // namespace herald::tools
