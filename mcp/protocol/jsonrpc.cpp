#include "mcp/protocol/jsonrpc.h"

namespace herald::mcp {
namespace {

bool HasVersion(const Json& message) {
  auto it = message.find("jsonrpc");
  return it != message.end() && it->is_string() && it->get_ref<const std::string&>() == "2.0";
}

}  // namespace

bool IsValidRequestId(const Json& id) {
  return id.is_string() || id.is_number_integer();  // unsigned counts as integer too
}

std::optional<RpcError> ValidateEnvelope(const Json& message) {
  auto invalid = [](std::string what) {
    return RpcError{kInvalidRequest, "Invalid Request: " + std::move(what), nullptr};
  };
  if (!message.is_object()) return invalid("a message must be a JSON object");
  if (!HasVersion(message)) return invalid("\"jsonrpc\" must be \"2.0\"");
  auto method = message.find("method");
  auto id = message.find("id");
  if (method != message.end()) {
    if (!method->is_string()) return invalid("\"method\" must be a string");
    if (method->get_ref<const std::string&>().empty()) return invalid("\"method\" is empty");
    if (id != message.end() && !IsValidRequestId(*id)) {
      return invalid("\"id\" must be a string or an integer (not null)");
    }
    auto params = message.find("params");
    if (params != message.end() && !params->is_object()) {
      return invalid("\"params\" must be an object");
    }
    if (message.contains("result") || message.contains("error")) {
      return invalid("a request cannot carry \"result\" or \"error\"");
    }
    return std::nullopt;
  }
  bool has_result = message.contains("result");
  bool has_error = message.contains("error");
  if (!has_result && !has_error) return invalid("missing \"method\"");
  if (has_result && has_error) return invalid("a response has either \"result\" or \"error\"");
  if (id == message.end()) return invalid("a response needs an \"id\"");
  if (!IsValidRequestId(*id) && !id->is_null()) {
    return invalid("\"id\" must be a string or an integer");
  }
  if (has_error) {
    const Json& error = message["error"];
    if (!error.is_object() || !error.contains("code") || !error["code"].is_number_integer()) {
      return invalid("\"error\" must be an object with an integer \"code\"");
    }
  }
  return std::nullopt;
}

MessageKind ClassifyMessage(const Json& message) {
  if (ValidateEnvelope(message).has_value()) return MessageKind::kInvalid;
  if (message.contains("method")) {
    return message.contains("id") ? MessageKind::kRequest : MessageKind::kNotification;
  }
  return MessageKind::kResponse;
}

bool IsInitializeRequest(const Json& message) {
  if (ClassifyMessage(message) != MessageKind::kRequest) return false;
  return message["method"].get_ref<const std::string&>() == "initialize";
}

Json ResponseIdFor(const Json& message) {
  if (!message.is_object()) return nullptr;
  auto it = message.find("id");
  if (it == message.end() || !IsValidRequestId(*it)) return nullptr;
  return *it;
}

Json MakeResult(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Json MakeError(const Json& id, const RpcError& error) {
  Json body{{"code", error.code}, {"message", error.message}};
  if (!error.data.is_null()) body["data"] = error.data;
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(body)}};
}

Json MakeError(const Json& id, int code, std::string message, Json data) {
  return MakeError(id, RpcError{code, std::move(message), std::move(data)});
}

Json MakeNotification(std::string_view method, Json params) {
  Json message{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  return message;
}

Json MakeRequest(const Json& id, std::string_view method, Json params) {
  Json message{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  return message;
}

}  // namespace herald::mcp
