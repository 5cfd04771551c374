#include "mcp/http/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "base/json.h"
#include "mcp/http/connection.h"
#include "mcp/http/server_core.h"

namespace herald::http {
namespace {

namespace net = boost::asio;
using net::ip::tcp;
using base::kNoThrow;

// A stable snake_case code for the errors the server answers by itself.
std::string ErrorCodeFor(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 431: return "header_too_large";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "error";
  }
}

base::Task<void> AcceptLoop(HttpServer::Core* core) {
  for (;;) {
    net::any_io_executor strand = net::make_strand(core->ioc);
    auto [ec, socket] = co_await core->acceptor->async_accept(strand, kNoThrow);
    if (core->stopping.load()) co_return;
    if (ec) {
      if (ec == net::error::operation_aborted || ec == net::error::bad_descriptor) co_return;
      // Out of file descriptors and the like: back off briefly instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    std::shared_ptr<internal::Connection> conn;
    {
      std::lock_guard<std::mutex> lock(core->mu);
      if (core->connections.size() >= core->options.max_connections) {
        core->rejected.fetch_add(1);
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      conn = std::make_shared<internal::Connection>(*core, std::move(socket));
      core->connections.emplace(conn.get(), conn);
    }
    auto slot = conn->cancel_slot();
    net::co_spawn(conn->executor(), internal::Connection::Run(conn),
                  net::bind_cancellation_slot(slot, net::detached));
  }
}

}  // namespace

Response HttpServer::Core::MakeError(int status, std::string message) const {
  if (options.error_response) return options.error_response(status, std::move(message));
  base::Json body = {{"error", {{"code", ErrorCodeFor(status)}, {"message", std::move(message)}}}};
  return Response::Json(status, base::DumpJson(body));
}

HttpServer::HttpServer(HttpServerOptions options) : options_(std::move(options)) {}

HttpServer::~HttpServer() {
  Shutdown(std::chrono::milliseconds(0));
  core_.reset();
}

base::Result<void> HttpServer::Start() {
  if (core_) return base::FailedPrecondition("the HTTP server is already started");
  std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) {
    return base::InvalidArgument("cannot listen on '" + options_.host +
                                 "': expected an IP address or localhost");
  }
  auto core = std::make_shared<Core>(options_, router_);
  core->acceptor.emplace(net::make_strand(core->ioc));
  tcp::endpoint endpoint(address, options_.port);
  auto& acceptor = *core->acceptor;
  auto fail = [&](const char* what) {
    return base::Unavailable("cannot listen on " + options_.host + ":" +
                                 std::to_string(options_.port) + ": " + ec.message(),
                             what);
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) return fail("reuse");
  if (acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen");
  bound_port_ = acceptor.local_endpoint(ec).port();
  if (ec) return fail("local_endpoint");

  core_ = core;
  core->work.emplace(core->ioc.get_executor());
  net::co_spawn(acceptor.get_executor(), AcceptLoop(core.get()), net::detached);
  int threads = options_.io_threads > 0 ? options_.io_threads : 1;
  for (int i = 0; i < threads; ++i) {
    core->threads.emplace_back([c = core.get()] {
      for (;;) {
        try {
          c->ioc.run();
          return;
        } catch (const std::exception& e) {
          // Handlers catch their own exceptions; this is a last resort that keeps the thread.
          spdlog::error("http: unexpected exception on an I/O thread: {}", e.what());
        }
      }
    });
  }
  return base::Ok();
}

std::string HttpServer::address() const {
  std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return host + ":" + std::to_string(bound_port_);
}

base::asio::any_io_executor HttpServer::executor() {
  return core_ ? core_->ioc.get_executor() : base::asio::any_io_executor{};
}

void HttpServer::Shutdown(std::chrono::milliseconds grace) {
  std::shared_ptr<Core> core = core_;
  if (!core || core->shut_down) return;
  core->shut_down = true;
  core->stopping.store(true);
  net::post(core->acceptor->get_executor(), [c = core.get()] {
    boost::system::error_code ignored;
    c->acceptor->close(ignored);
  });

  auto snapshot = [&core] {
    std::vector<std::shared_ptr<internal::Connection>> out;
    std::lock_guard<std::mutex> lock(core->mu);
    for (auto& [ptr, weak] : core->connections) {
      if (auto c = weak.lock()) out.push_back(std::move(c));
    }
    return out;
  };
  auto wait_empty = [&core](std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(core->mu);
    return core->cv.wait_until(lock, deadline, [&] { return core->connections.empty(); });
  };

  // Graceful: idle connections close, streams end, busy ones finish their request.
  for (auto& conn : snapshot()) conn->RequestClose(/*force=*/false);
  bool drained = wait_empty(std::chrono::steady_clock::now() + grace);
  if (!drained) {
    auto rest = snapshot();
    spdlog::info("http: closing {} connection(s) still busy after the shutdown grace period",
                 rest.size());
    for (auto& conn : rest) conn->RequestClose(/*force=*/true);
    rest.clear();
    wait_empty(std::chrono::steady_clock::now() + std::chrono::seconds(2));
  }
  core->work.reset();
  core->ioc.stop();
  for (auto& t : core->threads) {
    if (t.joinable()) t.join();
  }
}

HttpServer::Stats HttpServer::stats() const {
  Stats s;
  if (!core_) return s;
  {
    std::lock_guard<std::mutex> lock(core_->mu);
    s.connections = core_->connections.size();
  }
  s.streams = core_->streams.load();
  s.requests = core_->requests.load();
  s.rejected_connections = core_->rejected.load();
  return s;
}

}  // namespace herald::http
