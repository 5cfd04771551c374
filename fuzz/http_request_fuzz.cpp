// libFuzzer target: herald's HTTP/1.1 request reading, in memory (no sockets).
//
// Mirrors Connection::Loop / Connection::Parse (http/connection.cpp) step by step with the
// same Beast parser configuration: the header parser with the header limit and an unbounded
// body limit, the Content-Length check against the route's body limit, the move into a
// string_body parser (eager, body limit) that reads the body (Content-Length or chunked), then
// the conversion to http::Request: SplitTarget, PercentDecode of the path, ParseQuery, the header
// copy, and Router::Find against herald's own route table. Pipelined requests on one connection
// are read in turn until the input ends or a request is refused.
//
// Input: byte 0 picks the read size (how the bytes arrive: 1..256 per read, so requests and
// chunk boundaries are split at every place) and small or default header/body limits; the rest
// is what the client sends, then EOF.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "http/http_message.h"
#include "http/request_target.h"
#include "http/router.h"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using error_code = boost::system::error_code;
using herald::http::Request;
using herald::http::Response;
using herald::http::Router;

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) __builtin_trap(); \
  } while (0)

// The client side of the connection: the input, handed out `read_size` bytes per read.
struct Wire {
  std::string_view rest;
  size_t read_size;
};

// Connection::Parse with the socket replaced by `wire`.
template <class Parser>
error_code Parse(Parser& parser, bool whole, beast::flat_buffer& buffer, Wire& wire) {
  for (;;) {
    if (buffer.size() > 0) {
      error_code ec;
      size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec && ec != bhttp::error::need_more) return ec;
      if (whole ? parser.is_done() : parser.is_header_done()) return error_code{};
      if (!ec && used > 0 && buffer.size() > 0) continue;
    }
    if (wire.rest.empty()) {
      if (!parser.got_some()) return bhttp::error::end_of_stream;
      error_code eof_ec;
      parser.put_eof(eof_ec);
      if (!eof_ec && (whole ? parser.is_done() : parser.is_header_done())) return error_code{};
      return bhttp::error::partial_message;
    }
    size_t n = std::min(wire.read_size, wire.rest.size());
    auto space = buffer.prepare(16 * 1024);
    n = std::min(n, space.size());
    std::memcpy(space.data(), wire.rest.data(), n);
    buffer.commit(n);
    wire.rest.remove_prefix(n);
  }
}

Router* MakeRouter() {
  auto* router = new Router();
  auto handler = [](Request) -> herald::base::Task<Response> { co_return Response::Empty(204); };
  // herald's routes (transport/http_frontend.cpp) and the emulators' kinds of pattern.
  const char* routes[][2] = {
      {"POST", "/mcp"},
      {"GET", "/mcp"},
      {"DELETE", "/mcp"},
      {"GET", "/sse"},
      {"POST", "/messages"},
      {"POST", "/api/v1/tools/{name}"},
      {"POST", "/api/v1/posts"},
      {"GET", "/api/v1/posts"},
      {"POST", "/api/v1/posts/validate"},
      {"GET", "/api/v1/posts/{id}"},
      {"PATCH", "/api/v1/posts/{id}"},
      {"DELETE", "/api/v1/posts/{id}"},
      {"POST", "/api/v1/posts/{id}/retry"},
      {"GET", "/api/v1/accounts"},
      {"GET", "/api/v1/accounts/{id}"},
      {"POST", "/api/v1/media"},
      {"GET", "/api/v1/openapi.json"},
      {"GET", "/.well-known/oauth-protected-resource"},
      {"GET", "/.well-known/oauth-protected-resource/mcp"},
      {"GET", "/healthz"},
      {"*", "/files/{path...}"},
      {"GET", "/"},
      {"OPTIONS", "/{path...}"},
  };
  for (const auto& [method, pattern] : routes) {
    herald::http::RouteOptions options;
    if (std::string_view(pattern) == "/api/v1/media") options.body_limit = 64;
    router->Add(method, pattern, handler, options);
  }
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Router* router = MakeRouter();
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  Wire wire{std::string_view(reinterpret_cast<const char*>(data + 1), size - 1),
            static_cast<size_t>(mode & 0x3f) * 4 + 1};
  // Small limits make the 413/431 paths reachable with small inputs.
  const size_t header_limit = (mode & 0x40) ? 256 : 16 << 10;
  const size_t default_body_limit = (mode & 0x80) ? 16 : 4 << 20;

  beast::flat_buffer buffer;
  for (int requests = 0; requests < 64; ++requests) {
    if (buffer.size() == 0 && wire.rest.empty()) return 0;  // the client closed between requests

    bhttp::request_parser<bhttp::empty_body> header_parser;
    header_parser.header_limit(static_cast<std::uint32_t>(header_limit));
    header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (error_code ec = Parse(header_parser, /*whole=*/false, buffer, wire); ec) return 0;
    const auto& head = header_parser.get();

    Request req;
    req.method = std::string(head.method_string());
    req.target = std::string(head.target());
    req.version = static_cast<int>(head.version());
    std::string_view raw_path, raw_query;
    if (!herald::http::internal::SplitTarget(req.target, &raw_path, &raw_query)) return 0;
    FUZZ_CHECK(!raw_path.empty() && raw_path.front() == '/');
    req.path = herald::http::PercentDecode(raw_path);
    req.query = std::string(raw_query);
    req.query_params = herald::http::ParseQuery(raw_query);
    {
      size_t count = 0, bytes = 0;
      for (const auto& field : head) {
        ++count;
        bytes += field.name_string().size() + field.value().size();
      }
      req.headers.Reserve(count, bytes);
      for (const auto& field : head) req.headers.Add(field.name_string(), field.value());
      FUZZ_CHECK(req.headers.size() == count);
      size_t i = 0;
      for (const auto& field : head) {
        FUZZ_CHECK(req.headers.name(i) == field.name_string());
        FUZZ_CHECK(req.headers.value(i) == field.value());
        FUZZ_CHECK(req.headers.Get(field.name_string()).has_value());
        ++i;
      }
    }

    Router::Match match = router->Find(req.method, raw_path);
    size_t body_limit = default_body_limit;
    if (match.route != nullptr && match.route->options.body_limit != 0) {
      body_limit = match.route->options.body_limit;
    }
    if (match.route != nullptr) {
      req.route = match.route->pattern;
      req.path_params = std::move(match.params);
      for (const auto& [name, value] : req.path_params) (void)req.PathParam(name);
    } else {
      FUZZ_CHECK(match.params.empty());
    }
    if (auto length = header_parser.content_length(); length && *length > body_limit) return 0;

    bhttp::request_parser<bhttp::string_body> parser{std::move(header_parser)};
    parser.body_limit(body_limit);
    parser.eager(true);
    if (!parser.is_done()) {
      if (error_code ec = Parse(parser, /*whole=*/true, buffer, wire); ec) return 0;
    }
    const bool keep_alive = parser.get().keep_alive();
    req.body = std::move(parser.get().body());
    FUZZ_CHECK(req.body.size() <= body_limit);
    for (const auto& [name, value] : req.query_params) (void)req.Query(name);
    (void)req.Header("Content-Type");
    if (!keep_alive) return 0;
  }
  return 0;
}
