// TestHttpServer: a loopback HTTP/1.1 server (plain or TLS) for tests, on 127.0.0.1 port 0, run
// by its own thread. Each request is answered by a handler that can also misbehave on purpose
// (drop the connection, hang, truncate the body). TestConnectProxy is a tiny HTTP CONNECT proxy.
// Both stop and join their thread in the destructor. Handlers run on the server thread.
#ifndef HERALD_TESTS_PLATFORMS_SUPPORT_TEST_HTTP_SERVER_H_
#define HERALD_TESTS_PLATFORMS_SUPPORT_TEST_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/platforms/support/test_pki.h"

namespace herald::testing {

using ServerHeaders = std::vector<std::pair<std::string, std::string>>;

struct ServerRequest {
  std::string method;
  std::string target;  // "/path?query"
  ServerHeaders headers;
  std::string body;
  int connection = 0;  // 1-based index of the connection it arrived on
  // The first header named `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
  std::string Path() const;   // target without the query
  std::string Query() const;  // after '?', or ""
};

struct ServerResponse {
  enum class Mode {
    kRespond,           // send the response
    kDropBeforeAnswer,  // close the connection without answering
    kHang,              // never answer (until the server stops)
    kTruncate,          // send the header and half the body, then close
  };
  int status = 200;
  ServerHeaders headers;
  std::string body;
  bool close = false;  // answer with Connection: close and close afterwards
  Mode mode = Mode::kRespond;
  std::chrono::milliseconds delay{0};  // wait this long before answering

  static ServerResponse Text(int status, std::string body);
  static ServerResponse Json(int status, std::string json_text);
};

using ServerHandler = std::function<ServerResponse(const ServerRequest&)>;

class TestHttpServer {
 public:
  // TLS when `tls` is given (its certificate and key).
  explicit TestHttpServer(ServerHandler handler, const TestCert* tls = nullptr);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  uint16_t port() const;
  // "http(s)://<host>:<port>".
  std::string BaseUrl(std::string_view host = "127.0.0.1") const;
  void SetHandler(ServerHandler handler);

  int connections() const;      // accepted TCP connections
  int requests() const;         // requests read
  int tls_failures() const;     // handshakes that failed
  // Closes (server side) every connection that waits for its next request, and waits until
  // that is done.
  void CloseIdleConnections();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

class TestConnectProxy {
 public:
  // Tunnels every CONNECT to 127.0.0.1:<port of the authority>, whatever the host name.
  TestConnectProxy();
  ~TestConnectProxy();
  TestConnectProxy(const TestConnectProxy&) = delete;
  TestConnectProxy& operator=(const TestConnectProxy&) = delete;

  uint16_t port() const;
  int tunnels() const;
  std::string last_authority() const;            // "host:port" of the last CONNECT
  std::string last_proxy_authorization() const;  // its Proxy-Authorization header
  // Answer CONNECT with this status instead of 200 (e.g. 403).
  void RefuseWith(int status);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace herald::testing

#endif  // HERALD_TESTS_PLATFORMS_SUPPORT_TEST_HTTP_SERVER_H_
