#include "transport/http_frontend.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "transport/auth/resource_metadata.h"

namespace herald::transport {
namespace {

namespace asio = boost::asio;

// The listener's trust check (HttpServerOptions::trust): the request carries a valid API key.
// Asked only under connection pressure; the guard then finds the key in the authenticator's
// cache.
std::function<base::Task<bool>(const http::Request&)> KeyTrust(Authenticator* auth) {
  return [auth](const http::Request& req) -> base::Task<bool> {
    std::string_view header = req.Header("authorization");
    if (BearerToken(header).empty()) co_return false;
    if (auto quick = auth->TryAuthenticate(header)) co_return quick->ok();
    std::string authorization(header);
    base::Result<base::Caller> verified = co_await auth->Authenticate(std::move(authorization));
    co_return verified.ok();
  };
}

OriginPolicyOptions PolicyOptions(const HttpFrontendOptions& o) {
  OriginPolicyOptions p;
  p.bind_host = o.server.host;
  p.public_url = o.public_url;
  p.allowed_origins = o.allowed_origins;
  return p;
}

}  // namespace

HttpFrontend::HttpFrontend(HttpFrontendOptions options, mcp::Dispatcher& dispatcher,
                           Authenticator& auth, const base::Clock& clock, ReadinessCheck readiness)
    : options_(std::move(options)),
      dispatcher_(dispatcher),
      readiness_(std::move(readiness)),
      policy_(PolicyOptions(options_)),
      guard_(policy_, auth, options_.public_url, options_.body_bytes_per_key),
      request_limits_(options_.request_rates, clock),
      rest_(dispatcher.tools()),
      media_(options_.media, guard_, rest_, clock) {
  guard_.SetRequestLimits(&request_limits_);
  http::HttpServerOptions server_options = options_.server;
  // The metrics see every answer; an observer given in the options still does, after them.
  server_options.on_response = [this, observer = std::move(server_options.on_response)](
                                   const http::AccessRecord& r) {
    metrics_.Observe(r);
    if (observer) observer(r);
  };
  if (!server_options.trust && auth.required()) server_options.trust = KeyTrust(&auth);
  server_ = std::make_unique<http::HttpServer>(std::move(server_options));
  streamable_ = std::make_unique<StreamableHttpTransport>(dispatcher, options_.streamable, clock,
                                                          server_->executor());
  legacy_ = std::make_unique<LegacySseTransport>(dispatcher, options_.legacy, clock,
                                                 server_->executor());
  metrics_.AddGauge("herald_mcp_sessions", "Open MCP sessions (Streamable HTTP and legacy SSE).",
                    [this] {
                      return static_cast<double>(streamable_->session_count() +
                                                 legacy_->session_count());
                    });
  metrics_.AddGauge("herald_tool_calls_in_flight", "Tool calls running now (MCP and REST).",
                    [this] {
                      return static_cast<double>(streamable_->inflight_tool_calls() +
                                                 legacy_->inflight_tool_calls() +
                                                 rest_.inflight());
                    });
  metrics_.AddGauge("herald_http_connections", "Open HTTP connections.",
                    [this] { return static_cast<double>(server_->stats().connections); });
  metrics_.AddGauge("herald_http_event_streams", "Open server-sent event streams.",
                    [this] { return static_cast<double>(server_->stats().streams); });
  AddRoutes();
}

HttpFrontend::~HttpFrontend() {
  Shutdown(std::chrono::milliseconds(0));
  server_.reset();
}

void HttpFrontend::AddRoutes() {
  http::HttpServer& s = *server_;
  auto mcp = [this](auto member) {
    return guard_.Protect(
        [this, member](http::Request req, base::Caller caller) -> base::Task<http::Response> {
          return ((*streamable_).*member)(std::move(req), std::move(caller));
        },
        ErrorFlavor::kJsonRpc);
  };
  s.Route("POST", "/mcp", mcp(&StreamableHttpTransport::Post));
  s.Route("GET", "/mcp", mcp(&StreamableHttpTransport::Get));
  s.Route("DELETE", "/mcp", mcp(&StreamableHttpTransport::Delete));

  s.Route("GET", "/sse",
          guard_.Protect(
              [this](http::Request req, base::Caller caller) -> base::Task<http::Response> {
                return legacy_->Get(std::move(req), std::move(caller));
              },
              ErrorFlavor::kJsonRpc));
  s.Route("POST", "/messages",
          guard_.Protect(
              [this](http::Request req, base::Caller caller) -> base::Task<http::Response> {
                return legacy_->Post(std::move(req), std::move(caller));
              },
              ErrorFlavor::kJsonRpc));

  const RestRoute* upload_media = nullptr;
  for (const RestRoute& route : RestRoutes()) {
    const RestRoute* r = &route;
    if (route.method == "POST" && route.pattern == "/api/v1/media") {
      upload_media = r;
      if (media_.serves_media_post()) continue;  // MediaRoutes serves it (JSON bodies too)
    }
    s.Route(std::string(route.method), std::string(route.pattern),
            guard_.Protect(
                [this, r](http::Request req, base::Caller caller) -> base::Task<http::Response> {
                  return rest_.Serve(*r, std::move(req), std::move(caller));
                },
                ErrorFlavor::kRest),
            http::RouteOptions{.body_limit = route.body_limit});
  }
  media_.AddTo(s, upload_media);
  s.Route("GET", "/api/v1/openapi.json",
          guard_.Protect(
              [this](http::Request req, base::Caller) -> base::Task<http::Response> {
                co_return http::Response::Json(200,
                                               base::DumpJson(rest_.OpenApi(guard_.BaseUrl(req))));
              },
              ErrorFlavor::kRest));

  auto metadata = [this](std::string resource_path) {
    return guard_.Open([this, resource_path](http::Request req) -> base::Task<http::Response> {
      co_return http::Response::Json(
          200, base::DumpJson(ProtectedResourceMetadata(guard_.BaseUrl(req), resource_path,
                                                        options_.authorization_server)));
    });
  };
  s.Route("GET", std::string(kResourceMetadataPath), metadata("/mcp"));
  s.Route("GET", std::string(kResourceMetadataPath) + "/mcp", metadata("/mcp"));

  s.Route("GET", "/healthz", [](http::Request) -> base::Task<http::Response> {
    co_return http::Response::Json(200, R"({"status":"ok"})");
  });
  s.Route("GET", "/readyz", [this](http::Request) -> base::Task<http::Response> {
    if (stopping_.load()) {
      co_return RestErrorResponse(503, "unavailable", "shutting down");
    }
    if (readiness_) {
      base::Result<void> ready = co_await readiness_();
      if (!ready.ok()) {
        co_return RestErrorResponse(503, "unavailable", "store unreachable: " + ready.error().message());
      }
    }
    co_return http::Response::Json(200, R"({"status":"ready"})");
  });
  s.Route("GET", "/metrics",
          guard_.Protect(
              [this](http::Request, base::Caller) -> base::Task<http::Response> {
                co_return http::Response::With(200, "text/plain; version=0.0.4; charset=utf-8",
                                               metrics_.Render());
              },
              ErrorFlavor::kRest));
  // Preflight answers on every path, but does not make a path known: GET /nonexistent is 404.
  s.Route("OPTIONS", "/{path...}", guard_.Preflight(), http::RouteOptions{.any_path = true});
  s.router().SetNotFound([](http::Request req) -> base::Task<http::Response> {
    co_return RestErrorResponse(404, "not_found", "no such path: " + req.path);
  });
}

base::Result<void> HttpFrontend::Start() {
  HERALD_RETURN_IF_ERROR(server_->Start());
  if (!options_.streamable.stateless) {
    asio::co_spawn(server_->executor(), ExpiryLoop(), asio::detached);
  }
  return base::Ok();
}

base::Task<void> HttpFrontend::ExpiryLoop() {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  while (!stopping_.load()) {
    timer.expires_after(options_.expiry_interval);
    auto [ec] = co_await timer.async_wait(base::kNoThrow);
    if (ec || stopping_.load()) break;
    streamable_->ExpireIdle();
  }
}

void HttpFrontend::Shutdown(std::chrono::milliseconds grace) {
  if (stopping_.exchange(true)) return;
  // Running calls see cancelled() and finish; their answers are written as the server drains.
  streamable_->CloseAll();
  legacy_->CloseAll();
  server_->Shutdown(grace);
}

}  // namespace herald::transport
