#include "tests/platforms/support/test_http_server.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "base/async.h"

namespace herald::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using base::kNoThrow;
using base::Task;
using boost::system::error_code;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string ServerRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

std::string ServerRequest::Path() const { return target.substr(0, target.find('?')); }

std::string ServerRequest::Query() const {
  size_t q = target.find('?');
  return q == std::string::npos ? "" : target.substr(q + 1);
}

ServerResponse ServerResponse::Text(int status, std::string body) {
  ServerResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", "text/plain");
  return r;
}

ServerResponse ServerResponse::Json(int status, std::string json_text) {
  ServerResponse r;
  r.status = status;
  r.body = std::move(json_text);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

// ---- TestHttpServer ----

struct TestHttpServer::Impl : std::enable_shared_from_this<Impl> {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::unique_ptr<ssl::context> tls;
  std::mutex mu;
  ServerHandler handler;
  std::set<tcp::socket*> idle;  // sockets waiting for their next request (io thread only)
  std::atomic<int> connections{0};
  std::atomic<int> requests{0};
  std::atomic<int> tls_failures{0};
  asio::steady_timer forever{io, asio::steady_timer::time_point::max()};
  std::thread thread;

  ServerHandler GetHandler() {
    std::lock_guard<std::mutex> lock(mu);
    return handler;
  }

  Task<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
      if (ec) co_return;
      int index = ++connections;
      if (tls) {
        asio::co_spawn(io, TlsSession(std::move(socket), index), asio::detached);
      } else {
        asio::co_spawn(io, PlainSession(std::move(socket), index), asio::detached);
      }
    }
  }

  Task<void> PlainSession(tcp::socket socket, int index) {
    beast::tcp_stream stream(std::move(socket));
    co_await Serve(stream, index);
  }

  Task<void> TlsSession(tcp::socket socket, int index) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kNoThrow);
    if (ec) {
      ++tls_failures;
      co_return;
    }
    beast::get_lowest_layer(stream).expires_never();
    co_await Serve(stream, index);
  }

  template <class Stream>
  Task<void> Serve(Stream& stream, int index) {
    beast::flat_buffer buffer;
    tcp::socket* raw = &beast::get_lowest_layer(stream).socket();
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(256 * 1024 * 1024);
      idle.insert(raw);
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
      idle.erase(raw);
      if (ec) co_return;
      ++requests;
      auto& msg = parser.get();
      ServerRequest req;
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      for (const auto& f : msg) {
        req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      }
      req.body = msg.body();
      req.connection = index;
      ServerHandler h = GetHandler();
      ServerResponse resp = h ? h(req) : ServerResponse::Text(404, "no handler");
      if (resp.delay.count() > 0) {
        asio::steady_timer t(io, resp.delay);
        co_await t.async_wait(kNoThrow);
      }
      using Mode = ServerResponse::Mode;
      if (resp.mode == Mode::kDropBeforeAnswer) {
        beast::get_lowest_layer(stream).close();
        co_return;
      }
      if (resp.mode == Mode::kHang) {
        co_await forever.async_wait(kNoThrow);
        co_return;
      }
      bhttp::response<bhttp::string_body> out;
      out.version(11);
      out.result(static_cast<unsigned>(resp.status));
      for (const auto& [k, v] : resp.headers) out.insert(k, v);
      bool close = resp.close || !msg.keep_alive();
      out.keep_alive(!close);
      if (resp.mode == Mode::kTruncate) {
        std::string head = "HTTP/1.1 " + std::to_string(resp.status) +
                           " OK\r\nContent-Length: " + std::to_string(resp.body.size()) +
                           "\r\n\r\n" + resp.body.substr(0, resp.body.size() / 2);
        co_await asio::async_write(stream, asio::buffer(head), kNoThrow);
        beast::get_lowest_layer(stream).close();
        co_return;
      }
      out.body() = resp.body;
      out.prepare_payload();
      // Idle from the moment the answer is handed over: the client may have read it before this
      // coroutine resumes, and a test's CloseIdleConnections must find the socket then.
      if (!close) idle.insert(raw);
      auto [wec, wn] = co_await bhttp::async_write(stream, out, kNoThrow);
      if (wec || close) {
        idle.erase(raw);
        beast::get_lowest_layer(stream).close();
        co_return;
      }
    }
  }
};

TestHttpServer::TestHttpServer(ServerHandler handler, const TestCert* tls)
    : impl_(std::make_shared<Impl>()) {
  impl_->handler = std::move(handler);
  if (tls != nullptr) {
    impl_->tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    impl_->tls->use_certificate_chain(asio::buffer(tls->cert_pem));
    impl_->tls->use_private_key(asio::buffer(tls->key_pem), ssl::context::pem);
  }
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

TestHttpServer::~TestHttpServer() {
  impl_->io.stop();
  impl_->thread.join();
}

uint16_t TestHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string TestHttpServer::BaseUrl(std::string_view host) const {
  return std::string(impl_->tls ? "https://" : "http://") + std::string(host) + ":" +
         std::to_string(port());
}

void TestHttpServer::SetHandler(ServerHandler handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->handler = std::move(handler);
}

int TestHttpServer::connections() const { return impl_->connections.load(); }
int TestHttpServer::requests() const { return impl_->requests.load(); }
int TestHttpServer::tls_failures() const { return impl_->tls_failures.load(); }

void TestHttpServer::CloseIdleConnections() {
  std::promise<void> done;
  asio::post(impl_->io, [this, &done] {
    for (tcp::socket* s : impl_->idle) {
      error_code ignored;
      s->shutdown(tcp::socket::shutdown_both, ignored);
      s->close(ignored);
    }
    done.set_value();
  });
  done.get_future().wait();
}

// ---- TestConnectProxy ----

struct TestConnectProxy::Impl : std::enable_shared_from_this<Impl> {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::mutex mu;
  std::string last_authority;
  std::string last_authorization;
  std::atomic<int> tunnels{0};
  std::atomic<int> refuse_status{0};
  std::thread thread;

  Task<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
      if (ec) co_return;
      asio::co_spawn(io, Session(std::move(socket)), asio::detached);
    }
  }

  static Task<void> Pipe(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
    char data[16384];
    for (;;) {
      auto [ec, n] = co_await from->async_read_some(asio::buffer(data), kNoThrow);
      if (ec) break;
      auto [wec, wn] = co_await asio::async_write(*to, asio::buffer(data, n), kNoThrow);
      if (wec) break;
    }
    error_code ignored;
    to->shutdown(tcp::socket::shutdown_send, ignored);
  }

  Task<void> Session(tcp::socket socket) {
    beast::flat_buffer buffer;
    bhttp::request_parser<bhttp::empty_body> parser;
    auto [ec, n] = co_await bhttp::async_read_header(socket, buffer, parser, kNoThrow);
    if (ec) co_return;
    auto& req = parser.get();
    std::string authority(req.target());
    {
      std::lock_guard<std::mutex> lock(mu);
      last_authority = authority;
      last_authorization = std::string(req[bhttp::field::proxy_authorization]);
    }
    if (req.method() != bhttp::verb::connect) co_return;
    if (int status = refuse_status.load(); status != 0) {
      std::string answer = "HTTP/1.1 " + std::to_string(status) + " Refused\r\n\r\n";
      co_await asio::async_write(socket, asio::buffer(answer), kNoThrow);
      co_return;
    }
    uint16_t port = static_cast<uint16_t>(std::stoi(authority.substr(authority.rfind(':') + 1)));
    auto upstream = std::make_shared<tcp::socket>(io);
    auto [cec] = co_await upstream->async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kNoThrow);
    if (cec) {
      std::string answer = "HTTP/1.1 502 Bad Gateway\r\n\r\n";
      co_await asio::async_write(socket, asio::buffer(answer), kNoThrow);
      co_return;
    }
    ++tunnels;
    std::string answer = "HTTP/1.1 200 Connection established\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(answer), kNoThrow);
    auto client = std::make_shared<tcp::socket>(std::move(socket));
    asio::co_spawn(io, Pipe(client, upstream), asio::detached);
    asio::co_spawn(io, Pipe(upstream, client), asio::detached);
  }
};

TestConnectProxy::TestConnectProxy() : impl_(std::make_shared<Impl>()) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

TestConnectProxy::~TestConnectProxy() {
  impl_->io.stop();
  impl_->thread.join();
}

uint16_t TestConnectProxy::port() const { return impl_->acceptor.local_endpoint().port(); }
int TestConnectProxy::tunnels() const { return impl_->tunnels.load(); }
std::string TestConnectProxy::last_authority() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->last_authority;
}
std::string TestConnectProxy::last_proxy_authorization() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->last_authorization;
}
void TestConnectProxy::RefuseWith(int status) { impl_->refuse_status = status; }

}  // namespace herald::testing
