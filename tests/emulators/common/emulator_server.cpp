#include "tests/emulators/common/emulator_server.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <utility>

#include "base/async.h"
#include "http/http_server.h"

namespace herald::emulators {
namespace {

namespace asio = boost::asio;

http::Response JsonReply(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

http::Response ErrorReply(int status, const std::string& message) {
  return JsonReply(status, Json{{"error", message}});
}

http::Response ErrorReply(const base::Error& error) {
  int status = 400;
  if (error.code() == base::ErrorCode::kNotFound) status = 404;
  if (error.code() == base::ErrorCode::kResourceExhausted) status = 507;
  return ErrorReply(status, error.message());
}

// Parses a control-plane body: empty means {}. Errors name the problem.
base::Result<Json> BodyJson(const http::Request& req) {
  if (req.body.empty()) return Json::object();
  auto parsed = base::ParseJson(req.body);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->is_object()) return base::InvalidArgument("body must be a JSON object");
  return *parsed;
}

// One API request: log it, fire the first matching fault, run the network's handler.
base::Task<http::Response> Serve(EmulatorContext* ctx, NetworkEmulator* network,
                                 const http::Handler* handler, http::Request req) {
  LoggedRequest entry;
  entry.method = req.method;
  entry.path = req.path;
  entry.query = req.query;
  req.headers.ForEach([&entry](std::string_view name, std::string_view value) {
    entry.headers.emplace_back(std::string(name), std::string(value));
  });
  entry.body_size = req.body.size();
  entry.body = req.body.substr(0, RequestLog::kBodyPrefix);
  const int64_t seq = ctx->requests().Add(std::move(entry));

  std::optional<Fault> fault = ctx->faults().Take(req.method, req.path);
  http::Response response;
  if (!fault) {
    response = co_await (*handler)(std::move(req));
  } else {
    switch (fault->kind) {
      case FaultKind::kSlow: {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_after(fault->delay);
        co_await timer.async_wait(base::kNoThrow);
        response = co_await (*handler)(std::move(req));
        break;
      }
      case FaultKind::kDropBefore:
        response = http::Response::Drop();
        break;
      case FaultKind::kDropAfterAccept:
        co_await (*handler)(std::move(req));
        response = http::Response::Drop();
        break;
      case FaultKind::kRateLimit:
        response = network->RateLimited(req, fault->retry_after);
        break;
      case FaultKind::kServerError:
        response = network->ServerError(req, fault->status);
        break;
      case FaultKind::kExpiredToken:
        response = network->ExpireToken(req);
        break;
    }
  }
  ctx->requests().Finish(seq, response.drop ? 0 : response.status,
                         fault ? std::string(FaultKindName(fault->kind)) : std::string());
  co_return response;
}

}  // namespace

base::Result<Json> NetworkEmulator::Control(std::string_view action, const Json&) {
  return base::NotFound("no control action \"" + std::string(action) + "\" for " +
                        std::string(Name()));
}

Json EmulatorContext::config() const {
  std::lock_guard lock(config_mu_);
  return config_;
}

void EmulatorContext::MergeConfig(const Json& patch) {
  std::lock_guard lock(config_mu_);
  config_.merge_patch(patch);
}

void EmulatorContext::ResetConfig(Json defaults) {
  std::lock_guard lock(config_mu_);
  config_ = defaults.is_object() ? std::move(defaults) : Json::object();
}

int64_t EmulatorContext::ConfigInt(std::string_view key, int64_t fallback) const {
  std::lock_guard lock(config_mu_);
  auto it = config_.find(key);
  if (it == config_.end() || !it->is_number_integer()) return fallback;
  return it->get<int64_t>();
}

class EmulatorServer::Routes final : public ApiRoutes {
 public:
  Routes(http::HttpServer& server, EmulatorContext& ctx, NetworkEmulator& network,
         size_t default_body_limit)
      : server_(server), ctx_(ctx), network_(network), default_body_limit_(default_body_limit) {}

  void Add(std::string method, std::string pattern, http::Handler handler,
           size_t body_limit) override {
    // The router keeps the handler for the server's lifetime; the wrapper points at it.
    auto owned = std::make_shared<http::Handler>(std::move(handler));
    EmulatorContext* ctx = &ctx_;
    NetworkEmulator* network = &network_;
    http::RouteOptions options;
    options.body_limit = body_limit > 0 ? body_limit : default_body_limit_;
    server_.Route(
        std::move(method), std::move(pattern),
        [ctx, network, owned](http::Request req) {
          return Serve(ctx, network, owned.get(), std::move(req));
        },
        options);
  }

 private:
  http::HttpServer& server_;
  EmulatorContext& ctx_;
  NetworkEmulator& network_;
  size_t default_body_limit_;
};

EmulatorServer::EmulatorServer(const NetworkFactory& factory, EmulatorOptions options)
    : options_(std::move(options)) {
  const base::Clock* clock =
      options_.clock != nullptr ? options_.clock : &base::SystemClock::Instance();
  context_ = std::make_unique<EmulatorContext>(clock);
  network_ = factory(*context_);
  context_->ResetConfig(network_->DefaultConfig());

  http::HttpServerOptions http_options;
  http_options.host = options_.host;
  http_options.port = options_.port;
  http_options.io_threads = options_.io_threads;
  http_options.body_limit = options_.body_limit;
  http_options.server_name = std::string(network_->Name()) + "-emulator";
  server_ = std::make_unique<http::HttpServer>(std::move(http_options));

  Routes routes(*server_, *context_, *network_, options_.body_limit);
  network_->AddRoutes(routes);
  AddControlPlane();
}

EmulatorServer::~EmulatorServer() { Stop(); }

base::Result<void> EmulatorServer::Start() { return server_->Start(); }

void EmulatorServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  server_->Shutdown(std::chrono::milliseconds(500));
}

uint16_t EmulatorServer::port() const { return server_->port(); }

std::string EmulatorServer::base_url() const {
  return "http://" + options_.host + ":" + std::to_string(server_->port());
}

void EmulatorServer::Reset() {
  context_->posts().Clear();
  context_->faults().Clear();
  context_->requests().Clear();
  context_->rate_limiter().Clear();
  context_->ResetConfig(network_->DefaultConfig());
  network_->Reset();
}

void EmulatorServer::AddControlPlane() {
  EmulatorContext* ctx = context_.get();
  NetworkEmulator* net = network_.get();
  // Control handlers are synchronous; this wraps one into a route handler.
  auto route = [this](const char* method, const char* pattern,
                      std::function<http::Response(const http::Request&)> fn) {
    server_->Route(method, pattern,
                   [fn = std::move(fn)](http::Request req) -> base::Task<http::Response> {
                     co_return fn(req);
                   });
  };

  route("GET", "/__emulator/info", [ctx, net](const http::Request&) {
    Json info = net->Info();
    info["network"] = std::string(net->Name());
    info["config"] = ctx->config();
    return JsonReply(200, info);
  });
  route("GET", "/__emulator/posts", [ctx](const http::Request&) {
    Json posts = Json::array();
    for (const CreatedPost& p : ctx->posts().List()) posts.push_back(p.ToJson());
    return JsonReply(200, Json{{"posts", posts}});
  });
  // How many posts are live, without copying the ledger (load drivers poll this).
  route("GET", "/__emulator/posts/count", [ctx](const http::Request&) {
    return JsonReply(200, Json{{"live", ctx->posts().LiveCount()}});
  });
  route("POST", "/__emulator/posts/{id}/metrics", [ctx](const http::Request& req) {
    auto body = BodyJson(req);
    if (!body.ok()) return ErrorReply(body.error());
    auto updated = ctx->posts().Update(req.PathParam("id"),
                                       [&](CreatedPost& p) { p.metrics.merge_patch(*body); });
    if (!updated.ok()) return ErrorReply(updated.error());
    return JsonReply(200, ctx->posts().Find(req.PathParam("id"))->ToJson());
  });
  route("GET", "/__emulator/requests", [ctx](const http::Request&) {
    Json list = Json::array();
    for (const LoggedRequest& r : ctx->requests().List()) list.push_back(r.ToJson());
    return JsonReply(200, Json{{"requests", list}});
  });
  route("GET", "/__emulator/faults", [ctx](const http::Request&) {
    Json list = Json::array();
    for (const Fault& f : ctx->faults().List()) list.push_back(f.ToJson());
    return JsonReply(200, Json{{"faults", list}});
  });
  route("POST", "/__emulator/faults", [ctx](const http::Request& req) {
    auto body = BodyJson(req);
    if (!body.ok()) return ErrorReply(body.error());
    auto fault = Fault::FromJson(*body);
    if (!fault.ok()) return ErrorReply(fault.error());
    auto id = ctx->faults().Add(*fault);
    if (!id.ok()) return ErrorReply(id.error());
    return JsonReply(200, Json{{"id", *id}});
  });
  route("DELETE", "/__emulator/faults", [ctx](const http::Request&) {
    ctx->faults().Clear();
    return JsonReply(200, Json::object());
  });
  route("DELETE", "/__emulator/faults/{id}", [ctx](const http::Request& req) {
    auto removed = ctx->faults().Remove(req.PathParam("id"));
    if (!removed.ok()) return ErrorReply(removed.error());
    return JsonReply(200, Json::object());
  });
  route("POST", "/__emulator/reset", [this](const http::Request&) {
    Reset();
    return JsonReply(200, Json::object());
  });
  route("POST", "/__emulator/tokens", [net](const http::Request& req) {
    auto body = BodyJson(req);
    if (!body.ok()) return ErrorReply(body.error());
    auto token = net->CreateToken(*body);
    if (!token.ok()) return ErrorReply(token.error());
    return JsonReply(200, *token);
  });
  route("POST", "/__emulator/tokens/expire", [net](const http::Request& req) {
    auto body = BodyJson(req);
    if (!body.ok()) return ErrorReply(body.error());
    auto expired = net->ExpireTokens(base::GetString(*body, "token"));
    if (!expired.ok()) return ErrorReply(expired.error());
    return JsonReply(200, Json::object());
  });
  route("DELETE", "/__emulator/tokens/{token}", [net](const http::Request& req) {
    auto revoked = net->RevokeToken(req.PathParam("token"));
    if (!revoked.ok()) return ErrorReply(revoked.error());
    return JsonReply(200, Json::object());
  });
  route("GET", "/__emulator/config",
        [ctx](const http::Request&) { return JsonReply(200, ctx->config()); });
  route("POST", "/__emulator/config", [ctx](const http::Request& req) {
    auto body = BodyJson(req);
    if (!body.ok()) return ErrorReply(body.error());
    ctx->MergeConfig(*body);
    return JsonReply(200, ctx->config());
  });
  route("POST", "/__emulator/{network}/{action}", [net](const http::Request& req) {
    if (req.PathParam("network") != net->Name()) {
      return ErrorReply(404, "this emulator is " + std::string(net->Name()));
    }
    auto body = BodyJson(req);
    if (!body.ok()) return ErrorReply(body.error());
    auto result = net->Control(req.PathParam("action"), *body);
    if (!result.ok()) return ErrorReply(result.error());
    return JsonReply(200, *result);
  });
}

}  // namespace herald::emulators
