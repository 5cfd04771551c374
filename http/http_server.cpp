#include "http/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "base/json.h"
#include "http/connection.h"
#include "http/server_core.h"

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

// Where a new connection goes (see HttpServerOptions: the connection limits).
enum class Admission { kNormal, kReserve, kRefuse };

// The longest-waiting connection (no request in flight, not already being evicted) that
// `pick` accepts, or nullptr. Under core->mu.
template <class Pick>
std::shared_ptr<internal::Connection> OldestWaiting(HttpServer::Core* core, Pick pick) {
  const std::weak_ptr<internal::Connection>* oldest = nullptr;
  int64_t oldest_since = internal::Connection::kNoDeadline;
  for (auto& [ptr, weak] : core->connections) {
    int64_t since = ptr->waiting_since();
    if (since < oldest_since && !ptr->evicting() && pick(*ptr) && !weak.expired()) {
      oldest = &weak;
      oldest_since = since;
    }
  }
  return oldest != nullptr ? oldest->lock() : nullptr;
}

// Makes room for a new connection from `ip` (evicting waiting connections) and says how to
// admit it. Under core->mu. The evicted connections are handed to `victims`, which the caller
// must release only after unlocking core->mu: a victim whose coroutine ended meanwhile on
// another I/O thread is destroyed with the last reference, and ~Connection locks core->mu.
Admission Admit(HttpServer::Core* core, const net::ip::address& ip,
                std::vector<std::shared_ptr<internal::Connection>>& victims) {
  auto evict = [&victims](std::shared_ptr<internal::Connection> victim) {
    victim->Evict();
    victims.push_back(std::move(victim));
  };
  const HttpServerOptions& o = core->options;
  if (o.max_idle_per_address > 0) {
    size_t waiting_here = 0;
    for (auto& [ptr, weak] : core->connections) {
      if (ptr->waiting_since() != internal::Connection::kNoDeadline && !ptr->evicting() &&
          ptr->remote_ip() == ip) {
        ++waiting_here;
      }
    }
    if (waiting_here >= o.max_idle_per_address) {
      auto victim = OldestWaiting(core, [&](const internal::Connection& c) {
        return c.remote_ip() == ip;
      });
      if (victim != nullptr) evict(std::move(victim));
    }
  }
  const size_t open = core->connections.size() - core->evicting.load();
  if (open < o.max_connections) return Admission::kNormal;
  if (auto victim = OldestWaiting(core, [](const auto& c) { return !c.trusted(); })) {
    evict(std::move(victim));
    return Admission::kNormal;
  }
  if (open < o.max_connections + o.reserved_connections) return Admission::kReserve;
  if (auto victim = OldestWaiting(core, [](const auto&) { return true; })) {
    evict(std::move(victim));
    return Admission::kReserve;
  }
  return Admission::kRefuse;
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
      auto executor = co_await net::this_coro::executor;
      net::steady_timer pause(executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    std::shared_ptr<internal::Connection> conn;
    // Declared before the lock: released after it (see Admit).
    std::vector<std::shared_ptr<internal::Connection>> victims;
    {
      boost::system::error_code peer_ec;
      const net::ip::address ip = socket.remote_endpoint(peer_ec).address();
      std::lock_guard<std::mutex> lock(core->mu);
      const Admission admission = Admit(core, ip, victims);
      if (admission == Admission::kRefuse) {
        core->rejected.fetch_add(1);
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      conn = std::make_shared<internal::Connection>(*core, std::move(socket));
      if (admission == Admission::kReserve) conn->MarkReserve();
      core->connections.emplace(conn.get(), conn);
      core->open.fetch_add(1, std::memory_order_relaxed);
    }
    auto slot = conn->cancel_slot();
    net::co_spawn(conn->executor(), internal::Connection::Run(conn),
                  net::bind_cancellation_slot(slot, net::detached));
  }
}

// Closes connections whose current step (reading, writing, idling) is past its deadline. One
// loop per server replaces a timer per I/O operation; deadlines are checked every `tick`.
base::Task<void> ReaperLoop(HttpServer::Core* core) {
  const auto& o = core->options;
  auto shortest = std::min(
      {o.header_timeout, o.read_timeout, o.write_timeout, o.idle_timeout, o.pressure_timeout});
  auto tick = std::clamp(shortest / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
  auto executor = co_await net::this_coro::executor;
  net::steady_timer timer(executor);
  std::vector<std::shared_ptr<internal::Connection>> due;
  for (;;) {
    timer.expires_after(tick);
    auto [ec] = co_await timer.async_wait(kNoThrow);
    if (ec) co_return;
    const int64_t now = internal::Connection::Clock::now().time_since_epoch().count();
    // Under pressure, untrusted connections may wait for a request only pressure_timeout.
    const int64_t waiting_cutoff =
        core->UnderPressure()
            ? now - std::chrono::duration_cast<internal::Connection::Clock::duration>(
                        o.pressure_timeout)
                        .count()
            : INT64_MIN;
    {
      std::lock_guard<std::mutex> lock(core->mu);
      for (auto& [ptr, weak] : core->connections) {
        if (ptr->deadline() <= now || (!ptr->trusted() && ptr->waiting_since() <= waiting_cutoff)) {
          if (auto c = weak.lock()) due.push_back(std::move(c));
        }
      }
    }
    for (auto& c : due) c->ExpireIfDue(now, waiting_cutoff);
    due.clear();
  }
}

}  // namespace

Response HttpServer::Core::MakeError(int status, std::string message) const {
  if (options.error_response) return options.error_response(status, std::move(message));
  base::Json body = {{"error", {{"code", ErrorCodeFor(status)}, {"message", std::move(message)}}}};
  return Response::Json(status, base::DumpJson(body));
}

HttpServer::HttpServer(HttpServerOptions options)
    : options_(std::move(options)), core_(std::make_shared<Core>(options_, router_)) {}

HttpServer::~HttpServer() {
  Shutdown(std::chrono::milliseconds(0));
  core_.reset();
}

base::Result<void> HttpServer::Start() {
  if (core_->started) return base::FailedPrecondition("the HTTP server is already started");
  std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) {
    return base::InvalidArgument("cannot listen on '" + options_.host +
                                 "': expected an IP address or localhost");
  }
  Core* core = core_.get();
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

  core->started = true;
  core->work.emplace(core->ioc.get_executor());
  net::co_spawn(acceptor.get_executor(), AcceptLoop(core), net::detached);
  net::co_spawn(net::make_strand(core->ioc), ReaperLoop(core), net::detached);
  int threads = options_.io_threads > 0 ? options_.io_threads : 1;
  for (int i = 0; i < threads; ++i) {
    core->threads.emplace_back([c = core] {
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

base::asio::any_io_executor HttpServer::executor() { return core_->ioc.get_executor(); }

void HttpServer::Shutdown(std::chrono::milliseconds grace) {
  std::shared_ptr<Core> core = core_;
  if (!core->started || core->shut_down) return;
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
  {
    std::lock_guard<std::mutex> lock(core_->mu);
    s.connections = core_->connections.size();
  }
  s.streams = core_->streams.load();
  s.requests = core_->requests.load();
  s.rejected_connections = core_->rejected.load();
  s.evicted_connections = core_->evicted.load();
  s.refused_untrusted = core_->refused_untrusted.load();
  return s;
}

}  // namespace herald::http
