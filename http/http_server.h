// HttpServer: a small HTTP/1.1 server library (herald_http) on Boost.Beast and Asio C++20
// coroutines, used by herald's MCP/REST transports and by the loopback emulators of the social
// networks in tests/emulators/.
//
//   http::HttpServerOptions options;            // 127.0.0.1, port 0 = OS-chosen
//   http::HttpServer server(options);
//   server.Route("GET", "/api/v1/posts/{id}", [](http::Request req) -> base::Task<http::Response> {
//     co_return http::Response::Json(200, R"({"id":")" + std::string(req.PathParam("id")) + "\"}");
//   });
//   if (auto started = server.Start(); !started.ok()) ...;
//   uint16_t port = server.port();
//   ...
//   server.Shutdown(std::chrono::seconds(5));
//
// What it does for every connection: keep-alive; a bounded header (431) and body (413, decided
// from Content-Length before reading the body; "Expect: 100-continue" honoured); a header
// timeout counted from the request's first byte (a client trickling bytes is cut off), a body
// read timeout, a write timeout and an idle timeout between requests; a connection limit
// (waiting connections are evicted to make room, with a reserve for trusted requests; see
// HttpServerOptions); answers streamed as server-sent events through an
// SseWriter; handlers may drop the connection without answering (Response::Drop()).
//
// Threads: Start() runs `io_threads` threads on one io_context; each connection runs on its own
// strand, so a handler never runs concurrently with itself for one connection, but handlers of
// different connections run in parallel: shared state in handlers needs a lock.
// Ownership: the server owns its sockets and threads; handlers are owned by the router.
#ifndef HERALD_HTTP_HTTP_SERVER_H_
#define HERALD_HTTP_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/async.h"
#include "base/result.h"
#include "http/http_message.h"
#include "http/router.h"
#include "http/sse_writer.h"

namespace herald::http {

// What happened to one request, reported after it was answered (or dropped).
struct AccessRecord {
  std::string_view method;
  std::string_view route;   // the matched pattern, or "" (not found, or rejected before routing)
  std::string_view target;
  std::string_view remote_address;
  int status = 0;           // 0 when dropped without an answer
  std::chrono::microseconds duration{0};  // from the end of the request to the end of the answer
  bool streamed = false;    // the answer was an event stream
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an IP literal (v4 or v6) or "localhost"
  uint16_t port = 0;               // 0 = the OS chooses; read it back with port()
  int io_threads = 1;
  // Connection limits. Nobody who can connect may shut everyone else out:
  //  - At `max_connections` (the soft limit) a new connection takes the place of the
  //    longest-waiting connection with no request in flight (waiting for a request, or for the
  //    rest of its header), preferring connections not marked trusted (see `trust`).
  //  - When none can be evicted (every connection is busy), up to `reserved_connections` more
  //    are accepted; the first request on such a reserve connection is served only if `trust`
  //    says so (else 503 and close; without `trust`, the reserve is plain extra room).
  //  - Beyond both, a trusted idle connection is evicted; with none, the newcomer is closed.
  //  - `max_idle_per_address`: connections from one IP address with no request in flight;
  //    when a new one arrives at the bound, that address's longest-waiting one is closed
  //    (0 = no bound). Behind a reverse proxy every client shares one address, so this is
  //    generous by default.
  //  - Under pressure (open connections >= 3/4 of max_connections) the wait for a request (its
  //    first byte, then the rest of its header) is cut to `pressure_timeout` for connections
  //    not marked trusted, and their requests are classified with `trust`.
  size_t max_connections = 1024;
  size_t reserved_connections = 64;
  size_t max_idle_per_address = 256;
  std::chrono::milliseconds pressure_timeout{2'000};
  size_t body_limit = 4 << 20;     // default largest request body (413 above it)
  size_t header_limit = 16 << 10;  // largest request header block (431 above it)
  // From the first byte of a request to the end of its header.
  std::chrono::milliseconds header_timeout{10'000};
  // To read the body once the header has arrived.
  std::chrono::milliseconds read_timeout{30'000};
  // To write one response, or one batch of stream events.
  std::chrono::milliseconds write_timeout{30'000};
  // Between requests on a keep-alive connection (and for the first byte of a new connection,
  // the header_timeout applies).
  std::chrono::milliseconds idle_timeout{60'000};
  std::string server_name = "herald";  // the Server header; empty = none

  // Called after every answered or dropped request, on an I/O thread. Must be quick and
  // thread-safe (e.g. metrics, access log).
  std::function<void(const AccessRecord&)> on_response;
  // Whether a request comes from a known client (herald: it carries a valid API key), asked
  // once its header is parsed and before its body is read, only under pressure or on a reserve
  // connection; a connection is marked trusted by its first trusted request. Runs on the
  // connection's strand; may suspend (a key lookup) but should be quick. Empty = no
  // classification (reserve connections are served like any other).
  std::function<base::Task<bool>(const Request&)> trust;
  // Builds the answers the server gives by itself (400, 404, 405, 413, 431, 500, 503); the
  // default is JSON {"error":{"code":"<reason>","message":"<message>"}}.
  std::function<Response(int status, std::string message)> error_response;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  // Shuts down (with no grace) if still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The routes; add them before Start().
  Router& router() { return router_; }
  void Route(std::string method, std::string pattern, Handler handler, RouteOptions options = {}) {
    router_.Add(std::move(method), std::move(pattern), std::move(handler), options);
  }

  // Binds host:port and starts the I/O threads. Errors: kInvalidArgument for a host that is
  // not an address, kUnavailable when the address cannot be bound (in use, no permission),
  // kFailedPrecondition if already started.
  base::Result<void> Start();

  // The bound port (valid after a successful Start()).
  uint16_t port() const { return bound_port_; }
  // "host:port" as bound ("127.0.0.1:43521", "[::1]:8080").
  std::string address() const;

  // The executor of the server's io_context, for handlers' background work (co_spawn). Valid
  // from construction; work posted to it runs once Start() has started the I/O threads.
  base::asio::any_io_executor executor();

  // Graceful shutdown: stops accepting, closes idle keep-alive connections, closes event
  // streams (Close(): what is queued is still sent), lets running handlers finish and their
  // answers be written (with Connection: close) for up to `grace`, then closes everything,
  // cancels what still runs and stops the I/O threads. Blocks until done; idempotent. Must not
  // be called from one of the server's I/O threads.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(10));

  struct Stats {
    size_t connections = 0;          // open now
    size_t streams = 0;              // event streams open now
    uint64_t requests = 0;           // answered or dropped since start
    uint64_t rejected_connections = 0;  // closed at once by the connection limit
    uint64_t evicted_connections = 0;   // closed to make room (waiting, not trusted first)
    uint64_t refused_untrusted = 0;     // reserve connections refused (503): request not trusted
  };
  Stats stats() const;

  // Implementation state shared with the connections (defined in http_server.cpp).
  struct Core;

 private:
  HttpServerOptions options_;
  Router router_;
  std::shared_ptr<Core> core_;
  uint16_t bound_port_ = 0;
};

}  // namespace herald::http

#endif  // HERALD_HTTP_HTTP_SERVER_H_
