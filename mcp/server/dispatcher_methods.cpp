// The Dispatcher's method tables: the list methods (cursor pagination), prompts/get,
// completion/complete, resources/read, resources/subscribe and logging/setLevel. The same
// handlers serve both eras; modern_era.cpp decorates their results.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "base/crypto.h"
#include "mcp/protocol/log_level.h"
#include "mcp/server/dispatch_support.h"
#include "mcp/server/dispatcher.h"

namespace herald::mcp {
namespace {

constexpr std::size_t kMaxCompletionValues = 100;

// Cursors are opaque to clients: base64url("<list>:<offset>").
std::string EncodeCursor(std::string_view list, std::size_t offset) {
  return base::Base64UrlEncode(std::string(list) + ":" + std::to_string(offset));
}

// The offset a request's cursor points at (0 without a cursor); nullopt when it is not one of
// ours for `list` or points past `size`.
std::optional<std::size_t> DecodeCursor(const Json& params, std::string_view list,
                                        std::size_t size) {
  auto it = params.find("cursor");
  if (it == params.end() || it->is_null()) return 0;
  if (!it->is_string()) return std::nullopt;
  auto decoded = base::Base64UrlDecode(it->get<std::string>());
  if (!decoded.ok()) return std::nullopt;
  std::string_view text = *decoded;
  if (text.size() <= list.size() + 1 || text.substr(0, list.size()) != list ||
      text[list.size()] != ':') {
    return std::nullopt;
  }
  std::string_view digits = text.substr(list.size() + 1);
  std::size_t offset = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
  if (ec != std::errc() || end != digits.data() + digits.size() || offset > size) {
    return std::nullopt;
  }
  return offset;
}

}  // namespace

Json Dispatcher::ListTools(const Json& id, const Json& params) const {
  const auto& all = tools_.all();
  auto offset = DecodeCursor(params, "tools", all.size());
  if (!offset.has_value()) return InvalidParams(id, "invalid cursor");
  Json list = Json::array();
  std::size_t end = std::min(all.size(), *offset + options_.page_size);
  for (std::size_t i = *offset; i < end; ++i) list.push_back(all[i]->Describe());
  Json result{{"tools", std::move(list)}};
  if (end < all.size()) result["nextCursor"] = EncodeCursor("tools", end);
  return MakeResult(id, std::move(result));
}

Json Dispatcher::ListResources(const Json& id, const Json& params) const {
  std::size_t size = resources_.resource_count();
  auto offset = DecodeCursor(params, "resources", size);
  if (!offset.has_value()) return InvalidParams(id, "invalid cursor");
  Json list = Json::array();
  std::size_t end = std::min(size, *offset + options_.page_size);
  for (std::size_t i = *offset; i < end; ++i) list.push_back(resources_.DescribeResource(i));
  Json result{{"resources", std::move(list)}};
  if (end < size) result["nextCursor"] = EncodeCursor("resources", end);
  return MakeResult(id, std::move(result));
}

Json Dispatcher::ListResourceTemplates(const Json& id, const Json& params) const {
  std::size_t size = resources_.template_count();
  auto offset = DecodeCursor(params, "templates", size);
  if (!offset.has_value()) return InvalidParams(id, "invalid cursor");
  Json list = Json::array();
  std::size_t end = std::min(size, *offset + options_.page_size);
  for (std::size_t i = *offset; i < end; ++i) list.push_back(resources_.DescribeTemplate(i));
  Json result{{"resourceTemplates", std::move(list)}};
  if (end < size) result["nextCursor"] = EncodeCursor("templates", end);
  return MakeResult(id, std::move(result));
}

Json Dispatcher::ListPrompts(const Json& id, const Json& params) const {
  std::size_t size = prompts_.size();
  auto offset = DecodeCursor(params, "prompts", size);
  if (!offset.has_value()) return InvalidParams(id, "invalid cursor");
  Json list = Json::array();
  std::size_t end = std::min(size, *offset + options_.page_size);
  for (std::size_t i = *offset; i < end; ++i) list.push_back(prompts_.Describe(i));
  Json result{{"prompts", std::move(list)}};
  if (end < size) result["nextCursor"] = EncodeCursor("prompts", end);
  return MakeResult(id, std::move(result));
}

Json Dispatcher::GetPrompt(const Json& id, const Json& params, InputRound* input) const {
  auto name = params.find("name");
  if (name == params.end() || !name->is_string()) {
    return InvalidParams(id, "prompts/get needs a string \"name\"");
  }
  auto result = prompts_.Get(name->get<std::string>(), params.value("arguments", Json()), input);
  if (!result.ok()) {
    if (result.error().code() == base::ErrorCode::kInternal) {
      return InternalError(id, "prompts/get", result.error().detail());
    }
    return InvalidParams(id, result.error().message());
  }
  return MakeResult(id, std::move(result).value());
}

Json Dispatcher::Complete(const Json& id, const Json& params) const {
  auto ref = params.find("ref");
  auto argument = params.find("argument");
  if (ref == params.end() || !ref->is_object()) {
    return InvalidParams(id, "completion/complete needs a \"ref\" object");
  }
  // (No operator[] on a const Json: a missing key would be undefined behaviour.)
  const Json* arg_name = nullptr;
  if (argument != params.end() && argument->is_object()) {
    auto it = argument->find("name");
    if (it != argument->end() && it->is_string()) arg_name = &*it;
  }
  if (arg_name == nullptr) {
    return InvalidParams(id, "completion/complete needs an \"argument\" object with a \"name\"");
  }
  std::string name = arg_name->get<std::string>();
  std::string value = base::GetString(*argument, "value");
  Json context = Json::object();
  if (auto c = params.find("context"); c != params.end() && c->is_object()) {
    context = c->value("arguments", Json::object());
    if (!context.is_object()) context = Json::object();
  }
  std::string type = base::GetString(*ref, "type");
  std::optional<std::vector<std::string>> values;
  if (type == "ref/prompt") {
    std::string prompt = base::GetString(*ref, "name");
    values = prompts_.Complete(prompt, name, value, context);
    if (!values.has_value()) return InvalidParams(id, "unknown prompt \"" + prompt + "\"");
  } else if (type == "ref/resource") {
    std::string uri = base::GetString(*ref, "uri");
    values = resources_.Complete(uri, name, value, context);
    if (!values.has_value()) {
      return InvalidParams(id, "unknown resource template \"" + uri + "\"");
    }
  } else {
    return InvalidParams(id, "ref.type must be \"ref/prompt\" or \"ref/resource\"");
  }
  std::size_t total = values->size();
  if (values->size() > kMaxCompletionValues) values->resize(kMaxCompletionValues);
  return MakeResult(
      id,
      Json{{"completion",
            {{"values", *values}, {"total", total}, {"hasMore", total > kMaxCompletionValues}}}});
}

Json Dispatcher::Subscribe(Session& session, const Json& id, const Json& params, bool subscribe) {
  auto uri = params.find("uri");
  if (uri == params.end() || !uri->is_string()) {
    return InvalidParams(id, "a string \"uri\" is required");
  }
  std::string u = uri->get<std::string>();
  if (subscribe) {
    if (!resources_.Knows(u)) {
      return MakeError(id, kResourceNotFound, "Resource not found", Json{{"uri", u}});
    }
    session.Subscribe(u);
  } else {
    session.Unsubscribe(u);
  }
  return MakeResult(id, Json::object());
}

Json Dispatcher::SetLevel(Session& session, const Json& id, const Json& params) {
  std::string name = base::GetString(params, "level");
  auto level = ParseLogLevel(name);
  if (!level.has_value()) {
    return InvalidParams(id,
                         "level must be one of debug, info, notice, warning, error, critical, "
                         "alert, emergency");
  }
  session.SetLogLevel(*level);
  return MakeResult(id, Json::object());
}

Task<Json> Dispatcher::ReadResource(std::shared_ptr<Session> session, Json id, Json params) {
  auto uri = params.find("uri");
  if (uri == params.end() || !uri->is_string()) {
    co_return InvalidParams(id, "resources/read needs a string \"uri\"");
  }
  std::string u = uri->get<std::string>();
  auto contents = co_await resources_.Read(u, session->caller());
  if (contents.ok()) co_return MakeResult(id, Json{{"contents", std::move(contents).value()}});
  const base::Error& e = contents.error();
  switch (e.code()) {
    case base::ErrorCode::kNotFound:
      co_return MakeError(id, kResourceNotFound, "Resource not found: " + u, Json{{"uri", u}});
    case base::ErrorCode::kInvalidArgument:
      co_return InvalidParams(id, e.message());
    case base::ErrorCode::kInternal:
      co_return InternalError(id, "resources/read " + u, e.detail());
    default:
      co_return MakeError(id, kInternalError, e.message());
  }
}

}  // namespace herald::mcp
