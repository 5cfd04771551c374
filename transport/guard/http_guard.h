// HttpGuard: what every herald HTTP route goes through before its handler: Host and Origin
// validation (400 for a missing Host on HTTP/1.1, a repeated Host or Origin, or a malformed
// Host; OriginPolicy: 403), authentication (Authenticator: 401 with a WWW-Authenticate
// challenge pointing at the protected-resource metadata), the per-key budget of request-body
// bytes in flight (BodyBudget: 429 with Retry-After), and CORS headers for allowed browser
// origins (exposing Mcp-Session-Id). Also answers CORS preflight (OPTIONS) requests.
//
// Error bodies come in two flavours: JSON-RPC (id null) for the MCP endpoints, and
// {"error":{"code","message"}} for REST and the rest. The guard and the objects it references
// must outlive the HTTP server's handlers. Thread-safe.
#ifndef HERALD_TRANSPORT_GUARD_HTTP_GUARD_H_
#define HERALD_TRANSPORT_GUARD_HTTP_GUARD_H_

#include <functional>
#include <string>
#include <string_view>

#include "base/async.h"
#include "base/caller.h"
#include "base/error.h"
#include "http/router.h"
#include "transport/auth/authenticator.h"
#include "transport/auth/origin_policy.h"
#include "transport/guard/body_budget.h"
#include "transport/guard/error_mapping.h"
#include "transport/guard/request_limits.h"

namespace herald::transport {

enum class ErrorFlavor { kJsonRpc, kRest };

// The default per-key budget of request-body bytes in flight (see BodyBudget).
inline constexpr size_t kDefaultBodyBytesPerKey = 16u << 20;

class HttpGuard {
 public:
  // A handler that runs after the guard let the request in, with the authenticated caller.
  using AuthedHandler = std::function<base::Task<http::Response>(http::Request, base::Caller)>;

  // `public_url` may be empty (the Host header is used for the metadata URL).
  // `body_bytes_per_key`: the BodyBudget of each API key (0 = unlimited).
  HttpGuard(const OriginPolicy& policy, Authenticator& auth, std::string public_url,
            size_t body_bytes_per_key = kDefaultBodyBytesPerKey);

  // Host/Origin checks, authentication, the body budget, CORS.
  http::Handler Protect(AuthedHandler inner, ErrorFlavor flavor) const;
  // Host/Origin checks and CORS only (metadata, OpenAPI).
  http::Handler Open(http::Handler inner) const;
  // The OPTIONS handler for CORS preflight.
  http::Handler Preflight() const;

  // The 401 answer for `error` (kUnauthenticated) with its WWW-Authenticate challenge.
  http::Response Unauthorized(const http::Request& req, const base::Error& error,
                              ErrorFlavor flavor) const;
  // The base URL clients use for this request.
  std::string BaseUrl(const http::Request& req) const;

  // ---- request rate limits ----
  // Protect() also takes one request from the caller's key in `limits` (429 with Retry-After
  // beyond it); null = no request rate limits. `limits` must outlive the guard.
  void SetRequestLimits(RequestLimits* limits) { limits_ = limits; }

 private:
  // nullopt when the request passes the Host/Origin checks, else the 400 or 403 answer.
  std::optional<http::Response> CheckOrigin(const http::Request& req, ErrorFlavor flavor) const;
  void AddCors(const http::Request& req, http::Response& resp) const;

  const OriginPolicy& policy_;
  Authenticator& auth_;
  const std::string public_url_;
  mutable BodyBudget budget_;  // thread-safe
  RequestLimits* limits_ = nullptr;
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_GUARD_HTTP_GUARD_H_
