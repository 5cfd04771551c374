// JSON-RPC 2.0 vocabulary for MCP: error codes, message classification, envelope validation and
// the constructors of responses, errors, requests and notifications.
//
// MCP narrows JSON-RPC: ids are strings or integers (never null), params are objects. Pure
// functions over base::Json; thread-safe; nothing here throws.
#ifndef HERALD_MCP_PROTOCOL_JSONRPC_H_
#define HERALD_MCP_PROTOCOL_JSONRPC_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"

namespace herald::mcp {

using base::Json;

// Standard JSON-RPC error codes, and MCP's (legacy era) resource-not-found.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kResourceNotFound = -32002;

// What a single (non-batch) message is, judged by shape:
//   kRequest       {"jsonrpc":"2.0","id":<string|integer>,"method":<string>,"params"?:<object>}
//   kNotification  the same without "id"
//   kResponse      {"jsonrpc":"2.0","id":<string|integer|null>,"result"|"error":...} (no method)
//   kInvalid       anything else (wrong version, null or fractional id, params not an object,
//                  both result and error, ...)
enum class MessageKind { kRequest, kNotification, kResponse, kInvalid };

MessageKind ClassifyMessage(const Json& message);

// True for a JSON-RPC id MCP allows: a string or an integer.
bool IsValidRequestId(const Json& id);

// True if `message` is a request (not a batch) whose method is "initialize".
bool IsInitializeRequest(const Json& message);

// A JSON-RPC error object's content.
struct RpcError {
  int code = kInternalError;
  std::string message;
  Json data;  // null = absent
};

// For a message ClassifyMessage calls kInvalid: the error to answer with (-32600, naming what is
// wrong). nullopt when the message is valid.
std::optional<RpcError> ValidateEnvelope(const Json& message);

// The id to echo in an error for `message`: its id when that is a valid request id, else null.
Json ResponseIdFor(const Json& message);

// {"jsonrpc":"2.0","id":id,"result":result}
Json MakeResult(const Json& id, Json result);
// {"jsonrpc":"2.0","id":id,"error":{"code","message","data"?}}; id may be null.
Json MakeError(const Json& id, const RpcError& error);
Json MakeError(const Json& id, int code, std::string message, Json data = nullptr);
// {"jsonrpc":"2.0","method":method,"params":params} (params omitted when null).
Json MakeNotification(std::string_view method, Json params = nullptr);
// {"jsonrpc":"2.0","id":id,"method":method,"params":params} (params omitted when null).
Json MakeRequest(const Json& id, std::string_view method, Json params = nullptr);

}  // namespace herald::mcp

#endif  // HERALD_MCP_PROTOCOL_JSONRPC_H_
