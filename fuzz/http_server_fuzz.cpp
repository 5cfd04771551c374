// libFuzzer target: a real HttpServer (http/) on 127.0.0.1, fed the input as the bytes of
// one client connection. Slower than http_request_fuzz (a loopback connection per input), but
// it runs the connection loop itself: keep-alive and pipelining, 100-continue, the 413/431/400
// refusals and their linger, per-route body limits, 404/405, handler exceptions, dropped
// connections and event streams.
//
// Input: the bytes the client sends; then the client half-closes and reads until the server
// closes. What comes back must be a sequence of well-formed HTTP/1.x responses (a response may
// be cut short only by a reset). A server that never closes shows up as a libFuzzer timeout.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "base/log.h"
#include "http/http_server.h"

namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using herald::http::Request;
using herald::http::Response;
using Task = herald::base::Task<Response>;

#define FUZZ_CHECK(cond)           \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

herald::http::HttpServer* StartServer() {
  herald::http::HttpServerOptions options;
  options.body_limit = 4096;
  options.header_limit = 2048;
  auto* server = new herald::http::HttpServer(options);
  server->Route("POST", "/echo", [](Request req) -> Task {
    std::string out = req.method + " " + req.path + " " + std::to_string(req.headers.size()) +
                      " " + req.body;
    for (const auto& [k, v] : req.query_params) out += "\n" + k + "=" + v;
    co_return Response::Text(200, std::move(out));
  });
  server->Route("GET", "/items/{id}", [](Request req) -> Task {
    co_return Response::Json(200, "{\"id\":" + std::to_string(req.PathParam("id").size()) + "}");
  });
  server->Route("*", "/files/{path...}", [](Request req) -> Task {
    Response r = Response::Text(200, std::string(req.PathParam("path")));
    r.headers.Set("X-Echo", req.Header("X-Echo"));  // CR/LF must not reach the wire
    co_return r;
  });
  server->Route(
      "PUT", "/small", [](Request req) -> Task { co_return Response::Text(201, req.body); },
      herald::http::RouteOptions{.body_limit = 64});
  server->Route("GET", "/throw", [](Request) -> Task {
    throw std::runtime_error("handler failure");
    co_return Response::Empty(204);
  });
  server->Route("GET", "/drop", [](Request) -> Task { co_return Response::Drop(); });
  server->Route("POST", "/close", [](Request) -> Task {
    Response r = Response::Empty(204);
    r.close = true;
    co_return r;
  });
  server->Route("GET", "/events", [](Request req) -> Task {
    auto writer = herald::http::SseWriter::Create();
    writer->Event(req.body.empty() ? std::string("x") : req.body, "message", "1");
    writer->Close();
    co_return Response::Stream(writer);
  });
  if (!server->Start().ok()) __builtin_trap();
  return server;
}

// Checks that `bytes` is a sequence of complete HTTP responses, except possibly the last one
// when the connection was reset.
void CheckResponses(std::string_view bytes, bool reset) {
  while (!bytes.empty()) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1 << 20);
    parser.eager(true);
    boost::system::error_code ec;
    size_t used = parser.put(net::buffer(bytes.data(), bytes.size()), ec);
    if (ec == bhttp::error::need_more || (!ec && !parser.is_done())) {
      // The rest of the bytes end before the response does: only when the body runs to EOF
      // (an event stream on HTTP/1.0) or the connection was cut.
      if (!ec && parser.is_header_done()) {
        parser.put_eof(ec);
        if (!ec) return;
      }
      FUZZ_CHECK(reset);
      return;
    }
    FUZZ_CHECK(!ec);
    FUZZ_CHECK(used > 0);
    const int status = parser.get().result_int();
    FUZZ_CHECK(status >= 100 && status < 600);
    bytes.remove_prefix(used);
    if (status == 100) continue;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)herald::base::InitLogging(herald::base::LogFormat::kText, "off");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static herald::http::HttpServer* server = StartServer();
  static net::io_context io;
  net::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  // Hundreds of connections a second: a transient failure (e.g. no free ephemeral port) is
  // retried; one that persists is reported.
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (socket.is_open()) socket.close(ec);
    socket.connect({net::ip::make_address_v4("127.0.0.1"), server->port()}, ec);
    if (!ec) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));  // < 1 s in all
  }
  if (ec) {
    std::fprintf(stderr, "connect to the server failed: %s\n", ec.message().c_str());
    __builtin_trap();
  }
  net::write(socket, net::buffer(data, size), ec);  // the server may close early: ignore
  socket.shutdown(net::ip::tcp::socket::shutdown_send, ec);
  std::string answer;
  bool reset = false;
  for (;;) {
    char buf[16 * 1024];
    size_t n = socket.read_some(net::buffer(buf), ec);
    answer.append(buf, n);
    if (ec) {
      reset = ec != net::error::eof;
      break;
    }
  }
  // Close with a reset: no TIME_WAIT is left behind, so the ephemeral ports do not run out.
  socket.set_option(net::socket_base::linger(true, 0), ec);
  socket.close(ec);
  // A response to HEAD has no body whatever its Content-Length says: the framing of the answers
  // cannot be checked without pairing them with the requests, so such inputs only run.
  std::string_view sent(reinterpret_cast<const char*>(data), size);
  if (sent.find("HEAD") == std::string_view::npos) CheckResponses(answer, reset);
  return 0;
}
