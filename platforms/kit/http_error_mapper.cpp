#include "platforms/kit/http_error_mapper.h"

#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/kit/retry_after.h"

namespace herald::platforms {

HttpErrorMapper::HttpErrorMapper(Options options) : options_(std::move(options)) {
  if (options_.transport_name.empty()) options_.transport_name = options_.network;
}

HttpErrorMapper HttpErrorMapper::ForFixedHost(std::string network) {
  Options o;
  o.network = std::move(network);
  o.fixed_base_url = true;
  return HttpErrorMapper(std::move(o));
}

HttpErrorMapper::Options HttpErrorMapper::ForOAuthApi(std::string network,
                                                      ErrorBodyReader read_body,
                                                      std::string permission_reason,
                                                      std::string limiter) {
  Options o;
  o.network = std::move(network);
  o.read_body = std::move(read_body);
  o.fixed_base_url = true;
  o.fallback_reasons = {
      {base::ErrorCode::kUnauthenticated, "the access token is invalid or expired"},
      {base::ErrorCode::kPermissionDenied, std::move(permission_reason)},
      {base::ErrorCode::kResourceExhausted,
       "too many requests; " + (limiter.empty() ? o.network : limiter) + " asks to wait"}};
  return o;
}

base::ErrorCode HttpErrorMapper::CodeForStatus(int status) {
  using base::ErrorCode;
  if (status == 401) return ErrorCode::kUnauthenticated;
  if (status == 403) return ErrorCode::kPermissionDenied;
  if (status == 404 || status == 410) return ErrorCode::kNotFound;
  if (status == 429) return ErrorCode::kResourceExhausted;
  if (status >= 400 && status < 500) return ErrorCode::kInvalidArgument;
  return ErrorCode::kUnavailable;
}

std::string HttpErrorMapper::FallbackReason(base::ErrorCode code) const {
  if (auto it = options_.fallback_reasons.find(code); it != options_.fallback_reasons.end()) {
    return it->second;
  }
  switch (code) {
    case base::ErrorCode::kUnauthenticated:
      return "the credentials are invalid or were revoked";
    case base::ErrorCode::kPermissionDenied:
      return "not allowed";
    case base::ErrorCode::kNotFound:
      return "not found";
    case base::ErrorCode::kResourceExhausted:
      return "rate limited";
    case base::ErrorCode::kUnavailable:
      return "the server had a temporary problem";
    default:
      return "the request was rejected";
  }
}

base::Error HttpErrorMapper::FromResponse(const HttpResponse& response, std::string_view action,
                                          base::Time now, std::string_view secret) const {
  const int status = response.status;
  ErrorBody body;
  if (options_.read_body) body = options_.read_body(response);
  const base::ErrorCode code = body.code.value_or(CodeForStatus(status));
  // The network's own words only when the answer came from the network (see HttpResponse).
  const bool quotable = response.from_network || options_.fixed_base_url;
  const std::string reason = quotable && !body.reason.empty() ? body.reason : FallbackReason(code);
  std::string message = options_.network + " refused " + std::string(action) + " (HTTP " +
                        std::to_string(status) + "): " + reason;
  std::string detail = "HTTP " + std::to_string(status) + " " + response.body.substr(0, 512);
  base::Error e(code, Redact(std::move(message), secret), Redact(std::move(detail), secret));
  if (code == base::ErrorCode::kResourceExhausted) {
    std::optional<std::chrono::milliseconds> wait = body.retry_after;
    if (!wait) wait = RetryAfter(response.headers, now);
    if (wait) e.set_retry_after(*wait);
  }
  return e;
}

base::Error HttpErrorMapper::FromTransport(base::Error e, CallKind kind,
                                           std::string_view secret) const {
  if (options_.fixed_base_url && e.code() == base::ErrorCode::kInvalidArgument) {
    return base::Internal(Redact(options_.network + " API URL refused by the HTTP client: " +
                                     e.ToLogString(),
                                 secret));
  }
  return TransportError(std::move(e), kind, options_.transport_name, secret);
}

}  // namespace herald::platforms
