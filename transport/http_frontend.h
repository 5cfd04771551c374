// HttpFrontend: everything herald serves over HTTP, on one herald_http server.
//
//   /mcp                     Streamable HTTP (POST, GET, DELETE)       StreamableHttpTransport
//   /sse, /messages          legacy HTTP+SSE                           LegacySseTransport
//   /api/v1/...              REST over the tools, OpenAPI              RestApi
//   /api/v1/uploads, POST /api/v1/media (files), GET /media/... (signed)   MediaRoutes, when
//                            HttpFrontendOptions::media provides what they need
//   /.well-known/oauth-protected-resource[/mcp]   RFC 9728 metadata (public), naming herald
//                            as authorization server when options.authorization_server
//   /healthz                 the process is up (public)
//   /readyz                  the store is reachable (public)
//   /metrics                 Prometheus text
//   OPTIONS *                CORS preflight
// Every other route passes HttpGuard (Host/Origin, API key). The composition root
// (serve_main.cpp) builds one with the dispatcher and an Authenticator; tests build one with
// test tools and a fake authenticator. Start/Shutdown from one thread; the rest is thread-safe.
#ifndef HERALD_TRANSPORT_HTTP_FRONTEND_H_
#define HERALD_TRANSPORT_HTTP_FRONTEND_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/clock.h"
#include "base/result.h"
#include "http/http_server.h"
#include "mcp/server/dispatcher.h"
#include "transport/auth/authenticator.h"
#include "transport/auth/origin_policy.h"
#include "transport/guard/http_guard.h"
#include "transport/mcp_http/legacy_sse.h"
#include "transport/mcp_http/streamable_http.h"
#include "transport/rest/http_metrics.h"
#include "transport/rest/media_routes.h"
#include "transport/rest/rest_api.h"

namespace herald::transport {

struct HttpFrontendOptions {
  // host, port, threads, limits, timeouts; on_response (if set) sees every answer after the
  // metrics do.
  http::HttpServerOptions server;
  std::string public_url;                     // HERALD_PUBLIC_URL ("" = from the Host header)
  // herald's own OAuth authorization server is on (McpOAuthRoutes): the protected-resource
  // metadata names it.
  bool authorization_server = false;
  std::vector<std::string> allowed_origins;   // HERALD_ALLOWED_ORIGINS
  StreamableHttpOptions streamable;           // stateless, session limit and idle expiry
  LegacySseOptions legacy;
  // Request-body bytes one API key may have in flight (parsed or handled) at once; over it,
  // 429 with Retry-After (a single body is bounded by the route's body limit). 0 = unlimited.
  size_t body_bytes_per_key = kDefaultBodyBytesPerKey;
  std::chrono::milliseconds expiry_interval{std::chrono::seconds(60)};
  // Media in and out (tus uploads, file POSTs, signed /media URLs): the composition root
  // passes the upload sessions, the signer, the store and the lookup; none by default (then
  // POST /api/v1/media is the upload_media tool only and there is no /media route).
  MediaRoutesOptions media;
  // ---- request rate limits ----
  // Per-key request budgets by role (HERALD_REQUEST_RATES); the default limits nothing.
  core::RateBudgets request_rates;
};

class HttpFrontend {
 public:
  // Answers /readyz: ok when the store is reachable.
  using ReadinessCheck = std::function<base::Task<base::Result<void>>()>;

  // `dispatcher`, `auth` and `clock` must outlive this object.
  HttpFrontend(HttpFrontendOptions options, mcp::Dispatcher& dispatcher, Authenticator& auth,
               const base::Clock& clock, ReadinessCheck readiness);
  ~HttpFrontend();

  // Binds and starts serving. Errors as HttpServer::Start.
  base::Result<void> Start();
  uint16_t port() const { return server_->port(); }
  std::string address() const { return server_->address(); }

  // Graceful shutdown: MCP sessions are closed (running calls see cancelled(), their answers
  // are still written), streams end, then the server drains for up to `grace` and stops.
  void Shutdown(std::chrono::milliseconds grace);

  HttpMetrics& metrics() { return metrics_; }
  StreamableHttpTransport& streamable() { return *streamable_; }
  LegacySseTransport& legacy() { return *legacy_; }
  http::HttpServer& server() { return *server_; }
  // Host/Origin checks and CORS for routes added from outside (the web console).
  const HttpGuard& guard() const { return guard_; }

 private:
  void AddRoutes();
  base::Task<void> ExpiryLoop();

  HttpFrontendOptions options_;
  mcp::Dispatcher& dispatcher_;
  ReadinessCheck readiness_;
  // Destroyed first (explicitly, in the destructor): its handlers reference what follows.
  std::unique_ptr<http::HttpServer> server_;
  OriginPolicy policy_;
  HttpGuard guard_;
  RequestLimits request_limits_;  // HERALD_REQUEST_RATES; referenced by guard_
  HttpMetrics metrics_;
  RestApi rest_;
  MediaRoutes media_;
  std::unique_ptr<StreamableHttpTransport> streamable_;
  std::unique_ptr<LegacySseTransport> legacy_;
  std::atomic<bool> stopping_{false};
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_HTTP_FRONTEND_H_
