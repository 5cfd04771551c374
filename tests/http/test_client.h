// A small blocking HTTP/1.1 test client for herald_http tests: whole requests and responses
// (Beast), raw bytes (for malformed or slow clients), and server-sent events read as raw text.
// Every operation has a timeout, so a misbehaving server fails the test instead of hanging it.
// Not thread-safe: one client per thread.
#ifndef HERALD_TESTS_HTTP_TEST_CLIENT_H_
#define HERALD_TESTS_HTTP_TEST_CLIENT_H_

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::testing {

using namespace std::chrono_literals;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  explicit TestClient(uint16_t port, std::string host = "127.0.0.1") : socket_(ioc_) {
    boost::system::error_code ec;
    socket_.connect({boost::asio::ip::make_address(host), port}, ec);
    connected_ = !ec;
  }

  bool connected() const { return connected_; }

  // Sends one request (Host: localhost unless given) and reads its full response.
  std::optional<Reply> Call(std::string method, std::string target, Headers headers = {},
                            std::string body = {}, std::chrono::milliseconds timeout = 5s) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    bool has_host = false;
    for (auto& [k, v] : headers) {
      req.insert(k, v);
      if (k == "Host" || k == "host") has_host = true;
    }
    if (!has_host) req.set(http::field::host, "localhost");
    req.body() = std::move(body);
    if (!req.body().empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.prepare_payload();
    }
    bool wrote = Run(
        [&](auto done) {
          http::async_write(socket_, req,
                            [done](boost::system::error_code ec, size_t) mutable { done(ec); });
        },
        timeout);
    if (!wrote) return std::nullopt;
    return ReadReply(timeout);
  }

  // Reads one response (after SendRaw, say).
  std::optional<Reply> ReadReply(std::chrono::milliseconds timeout = 5s) {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    bool read = Run(
        [&](auto done) {
          http::async_read(socket_, buffer_, parser,
                           [done](boost::system::error_code ec, size_t) mutable { done(ec); });
        },
        timeout);
    if (!read) return std::nullopt;
    Reply reply;
    reply.status = static_cast<int>(parser.get().result_int());
    for (const auto& f : parser.get()) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = std::string(f.value());
    }
    reply.body = parser.get().body();
    return reply;
  }

  bool SendRaw(std::string_view bytes, std::chrono::milliseconds timeout = 5s) {
    return Run(
        [&](auto done) {
          boost::asio::async_write(socket_, boost::asio::buffer(bytes),
                                   [done](boost::system::error_code ec, size_t) mutable { done(ec); });
        },
        timeout);
  }

  // Reads raw bytes until `needle` appears in received() (true), or the timeout or end of
  // stream comes first (false).
  bool ReadUntil(std::string_view needle, std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(needle) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms || !ReadSome(left)) return false;
    }
    return true;
  }

  // True when the server closes the connection (end of stream or reset) within `timeout`;
  // whatever arrives before is appended to received().
  bool WaitForClose(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return false;
      if (!ReadSome(left)) return last_error_ != boost::asio::error::timed_out;
    }
  }

  const std::string& received() const { return received_; }
  void ClearReceived() { received_.clear(); }
  void Close() {
    boost::system::error_code ec;
    socket_.close(ec);
  }
  boost::asio::ip::tcp::socket& socket() { return socket_; }

 private:
  bool ReadSome(std::chrono::milliseconds timeout) {
    if (buffer_.size() > 0) {
      // Bytes already buffered by a Beast read.
      auto data = buffer_.data();
      received_.append(static_cast<const char*>(data.data()), data.size());
      buffer_.consume(buffer_.size());
      return true;
    }
    char chunk[65536];
    size_t got = 0;
    bool ok = Run(
        [&](auto done) {
          socket_.async_read_some(boost::asio::buffer(chunk),
                                  [done, &got](boost::system::error_code ec, size_t n) mutable {
                                    got = n;
                                    done(ec);
                                  });
        },
        timeout);
    received_.append(chunk, got);
    return ok;
  }

  // Starts an operation with a completion `done(ec)` and runs it for at most `timeout`.
  template <class Start>
  bool Run(Start start, std::chrono::milliseconds timeout) {
    if (!connected_) return false;
    bool finished = false;
    boost::system::error_code result;
    ioc_.restart();
    start([&finished, &result](boost::system::error_code ec) {
      finished = true;
      result = ec;
    });
    ioc_.run_for(timeout);
    if (!finished) {
      boost::system::error_code ignored;
      socket_.cancel(ignored);
      ioc_.restart();
      ioc_.run();
      last_error_ = boost::asio::error::timed_out;
      return false;
    }
    last_error_ = result;
    return !result;
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::string received_;
  boost::system::error_code last_error_;
  bool connected_ = false;
};

}  // namespace herald::testing

#endif  // HERALD_TESTS_HTTP_TEST_CLIENT_H_
