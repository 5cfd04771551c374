#include "transport/guard/error_mapping.h"

#include <chrono>
#include <string>
#include <utility>

#include "base/json.h"
#include "mcp/protocol/jsonrpc.h"

namespace herald::transport {

http::Response JsonRpcErrorResponse(int status, int rpc_code, std::string message) {
  return http::Response::Json(
      status, base::DumpJson(mcp::MakeError(nullptr, rpc_code, std::move(message))));
}

http::Response RestErrorResponse(int status, std::string_view code, std::string message) {
  base::Json body = {{"error", {{"code", std::string(code)}, {"message", std::move(message)}}}};
  return http::Response::Json(status, base::DumpJson(body));
}

int HttpStatusFor(base::ErrorCode code) {
  using base::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnimplemented: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kAborted: return 409;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kDeadlineExceeded: return 503;
    case ErrorCode::kCancelled: return 503;
    case ErrorCode::kUnknown: return 500;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

http::Response RestErrorFor(const base::Error& error) {
  std::string message = error.code() == base::ErrorCode::kInternal ? "internal error"
                                                                   : error.message();
  http::Response r = RestErrorResponse(HttpStatusFor(error.code()), base::ErrorCodeName(error.code()),
                                       std::move(message));
  if (auto after = error.retry_after()) {
    auto seconds = std::chrono::ceil<std::chrono::seconds>(*after).count();
    r.headers.Set("Retry-After", std::to_string(seconds < 1 ? 1 : seconds));
  }
  return r;
}

http::Response JsonRpcErrorFor(const base::Error& error) {
  const int status = HttpStatusFor(error.code());
  return JsonRpcErrorResponse(status, -32000,
                              std::string(http::StatusReason(status)) + ": " + error.message());
}

}  // namespace herald::transport
