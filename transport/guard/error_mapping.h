// The one mapping from herald's errors (base::Error) to what an HTTP client receives, shared by
// the REST API and the MCP HTTP transports: the HTTP status of each base::ErrorCode, and the two
// shapes of an error body (a JSON-RPC error with id null for the MCP endpoints, and
// {"error":{"code","message"}} for REST and the rest). Pure functions, thread-safe.
#ifndef HERALD_TRANSPORT_GUARD_ERROR_MAPPING_H_
#define HERALD_TRANSPORT_GUARD_ERROR_MAPPING_H_

#include <string>
#include <string_view>

#include "base/error.h"
#include "http/http_message.h"

namespace herald::transport {

// The HTTP status for a base::ErrorCode (400, 401, 403, 404, 409, 429, 503, 500).
int HttpStatusFor(base::ErrorCode code);

// A JSON-RPC error answer with id null: {"jsonrpc":"2.0","id":null,"error":{code,message}}.
http::Response JsonRpcErrorResponse(int status, int rpc_code, std::string message);
// A JSON-RPC error answer for `error` on an MCP endpoint: status from HttpStatusFor, code
// -32000, message "<reason phrase>: <error message>" ("Too Many Requests: ...").
http::Response JsonRpcErrorFor(const base::Error& error);

// A REST error answer: {"error":{"code":"<ErrorCodeName>","message":...}}.
http::Response RestErrorResponse(int status, std::string_view code, std::string message);
// A REST error answer for `error` (status from HttpStatusFor; Retry-After when known; the
// message of kInternal is generic).
http::Response RestErrorFor(const base::Error& error);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_GUARD_ERROR_MAPPING_H_
