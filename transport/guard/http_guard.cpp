#include "transport/guard/http_guard.h"

#include <optional>
#include <vector>

#include "base/json.h"
#include "core/mcp_oauth_server.h"
#include "transport/auth/resource_metadata.h"

namespace herald::transport {
namespace {

// The tus headers let a browser upload resumably (/api/v1/uploads).
constexpr std::string_view kExposedHeaders =
    "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate, Location, Upload-Offset, "
    "Upload-Length, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, Herald-Media-Id";
constexpr std::string_view kAllowedHeaders =
    "Content-Type, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, Accept, "
    "Tus-Resumable, Upload-Length, Upload-Offset, Upload-Metadata";
constexpr std::string_view kAllowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

http::Response ErrorFor(ErrorFlavor flavor, int status, std::string_view code,
                        std::string message) {
  if (flavor == ErrorFlavor::kJsonRpc) {
    return JsonRpcErrorResponse(status, -32000, std::move(message));
  }
  return RestErrorResponse(status, code, std::move(message));
}

}  // namespace

HttpGuard::HttpGuard(const OriginPolicy& policy, Authenticator& auth, std::string public_url,
                     size_t body_bytes_per_key)
    : policy_(policy),
      auth_(auth),
      public_url_(std::move(public_url)),
      budget_(body_bytes_per_key) {}

std::string HttpGuard::BaseUrl(const http::Request& req) const {
  return PublicBaseUrl(public_url_, req.Header("host"));
}

std::optional<http::Response> HttpGuard::CheckOrigin(const http::Request& req,
                                                     ErrorFlavor flavor) const {
  std::vector<std::string_view> hosts = req.headers.GetAll("host");
  if (hosts.size() > 1) {
    return ErrorFor(flavor, 400, "invalid_argument", "Bad Request: more than one Host header");
  }
  if (hosts.empty() && req.version >= 11) {
    return ErrorFor(flavor, 400, "invalid_argument",
                    "Bad Request: an HTTP/1.1 request must have a Host header");
  }
  if (!hosts.empty()) {
    OriginPolicy::Verdict verdict =
        hosts[0].empty() ? OriginPolicy::Verdict::kMalformed : policy_.CheckHost(hosts[0]);
    if (verdict == OriginPolicy::Verdict::kMalformed) {
      return ErrorFor(flavor, 400, "invalid_argument", "Bad Request: malformed Host header");
    }
    if (verdict == OriginPolicy::Verdict::kForbidden) {
      return ErrorFor(flavor, 403, "permission_denied",
                      "Forbidden: Host header not allowed (DNS rebinding protection)");
    }
  }
  if (req.headers.GetAll("origin").size() > 1) {
    return ErrorFor(flavor, 400, "invalid_argument", "Bad Request: more than one Origin header");
  }
  if (!policy_.OriginAllowed(req.Header("origin"), req.Header("host"))) {
    return ErrorFor(flavor, 403, "permission_denied", "Forbidden: Origin not allowed");
  }
  return std::nullopt;
}

void HttpGuard::AddCors(const http::Request& req, http::Response& resp) const {
  std::string_view origin = req.Header("origin");
  if (origin.empty()) return;
  resp.headers.Set("Access-Control-Allow-Origin", origin);
  resp.headers.Set("Vary", "Origin");
  resp.headers.Set("Access-Control-Expose-Headers", kExposedHeaders);
}

http::Response HttpGuard::Unauthorized(const http::Request& req, const base::Error& error,
                                       ErrorFlavor flavor) const {
  http::Response r = ErrorFor(flavor, 401, "unauthenticated", error.message());
  r.headers.Set("WWW-Authenticate", WwwAuthenticateChallenge(BaseUrl(req)));
  return r;
}

namespace {

// True for "Bearer hat_...": one of herald's own OAuth access tokens.
bool IsOAuthAccessToken(std::string_view authorization) {
  const size_t space = authorization.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view token = authorization.substr(space + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return token.starts_with(core::kOAuthAccessPrefix);
}

}  // namespace

http::Handler HttpGuard::Protect(AuthedHandler inner, ErrorFlavor flavor) const {
  return [this, inner = std::move(inner), flavor](http::Request req) -> base::Task<http::Response> {
    if (auto denied = CheckOrigin(req, flavor)) co_return std::move(*denied);
    // herald's OAuth access tokens are bound to its MCP endpoint (RFC 8707): the REST API,
    // media and metrics take API keys only.
    if (flavor == ErrorFlavor::kRest && IsOAuthAccessToken(req.Header("authorization"))) {
      http::Response resp = Unauthorized(
          req,
          base::Unauthenticated("this OAuth access token is for herald's MCP endpoint (/mcp) "
                                "only; the REST API takes an API key"),
          flavor);
      AddCors(req, resp);
      co_return resp;
    }
    // Most requests are answered without a suspension (cached key, auth off).
    std::optional<base::Result<base::Caller>> caller =
        auth_.TryAuthenticate(req.Header("authorization"));
    if (!caller) {
      std::string header(req.Header("authorization"));
      base::Result<base::Caller> verified = co_await auth_.Authenticate(std::move(header));
      caller.emplace(std::move(verified));
    }
    http::Response resp;
    if (!caller->ok()) {
      if (caller->error().code() == base::ErrorCode::kUnauthenticated) {
        resp = Unauthorized(req, caller->error(), flavor);
      } else {
        resp = ErrorFor(flavor, 503, "unavailable",
                        "Service Unavailable: cannot verify the API key right now; retry later");
      }
      AddCors(req, resp);
      co_return resp;
    }
    // The key's request rate (HERALD_REQUEST_RATES, per role).
    if (limits_ != nullptr) {
      if (auto wait = limits_->Take(**caller)) {
        const long long seconds = (wait->count() + 999) / 1000;
        const core::RateBudget budget = limits_->BudgetOf(base::RoleName((*caller)->role));
        resp = ErrorFor(flavor, 429, "resource_exhausted",
                        "Too Many Requests: this API key (role " +
                            std::string(base::RoleName((*caller)->role)) + ") may make " +
                            std::to_string(static_cast<long long>(budget.rate)) +
                            " requests per second (bursts of " +
                            std::to_string(static_cast<long long>(budget.burst)) +
                            "); retry after " + std::to_string(seconds) + " s");
        resp.headers.Set("Retry-After", std::to_string(seconds));
        AddCors(req, resp);
        co_return resp;
      }
    }
    // The body is parsed and handled under the key's budget of bytes in flight.
    std::optional<BodyBudget::Lease> lease =
        budget_.TryAcquire((*caller)->key_id, req.body.size());
    if (!lease) {
      resp = ErrorFor(flavor, 429, "resource_exhausted",
                      "Too Many Requests: this API key's request bodies in flight would exceed " +
                          std::to_string(budget_.per_key_bytes()) +
                          " bytes; retry when its other requests are done");
      resp.headers.Set("Retry-After", "1");
      AddCors(req, resp);
      co_return resp;
    }
    std::string origin(req.Header("origin"));
    resp = co_await inner(std::move(req), std::move(*caller).value());
    lease.reset();
    if (!origin.empty()) {
      resp.headers.Set("Access-Control-Allow-Origin", origin);
      resp.headers.Set("Vary", "Origin");
      resp.headers.Set("Access-Control-Expose-Headers", kExposedHeaders);
    }
    co_return resp;
  };
}

http::Handler HttpGuard::Open(http::Handler inner) const {
  return [this, inner = std::move(inner)](http::Request req) -> base::Task<http::Response> {
    if (auto denied = CheckOrigin(req, ErrorFlavor::kRest)) co_return std::move(*denied);
    std::string origin(req.Header("origin"));
    http::Response resp = co_await inner(std::move(req));
    if (!origin.empty()) {
      resp.headers.Set("Access-Control-Allow-Origin", origin);
      resp.headers.Set("Vary", "Origin");
    }
    co_return resp;
  };
}

http::Handler HttpGuard::Preflight() const {
  return [this](http::Request req) -> base::Task<http::Response> {
    if (auto denied = CheckOrigin(req, ErrorFlavor::kRest)) co_return std::move(*denied);
    http::Response resp = http::Response::Empty(204);
    AddCors(req, resp);
    resp.headers.Set("Access-Control-Allow-Methods", kAllowedMethods);
    resp.headers.Set("Access-Control-Allow-Headers", kAllowedHeaders);
    resp.headers.Set("Access-Control-Max-Age", "600");
    co_return resp;
  };
}

}  // namespace herald::transport
