// HttpsClient against loopback servers (plain and TLS with a CA made at test time) and a tiny
// CONNECT proxy: certificate checks, address rules, timeouts, limits, redirects, proxying, the
// kUnavailable / kUnknown split and the keep-alive pool.
#include "platforms/http/https_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "tests/platforms/support/run_task.h"
#include "tests/platforms/support/test_http_server.h"
#include "tests/platforms/support/test_pki.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::http {
namespace {

namespace asio = boost::asio;
using base::ErrorCode;
using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using testing::CertSpec;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ServerRequest;
using testing::ServerResponse;
using testing::TestCert;
using testing::TestConnectProxy;
using testing::TestHttpServer;
using testing::TestPki;

ServerResponse Hello(const ServerRequest&) { return ServerResponse::Text(200, "hello"); }

class HttpsClientTest : public ::testing::Test {
 protected:
  HttpsClientTest() {
    good_cert_ = pki_.Issue(CertSpec{{"good.test", "other.test"}, {"127.0.0.1"}});
    ca_file_ = testing::WriteTempFile("ca", pki_.ca_pem());
  }
  ~HttpsClientTest() override {
    client_.reset();  // pooled connections go before the io_context
    std::filesystem::remove(ca_file_);
  }

  // Options trusting the test CA, resolving the test names to 127.0.0.1 and allowing private
  // networks (everything here is loopback).
  HttpsClientOptions LoopbackOptions() {
    HttpsClientOptions o;
    o.extra_ca_file = ca_file_;
    o.allow_private_networks = true;
    o.resolve = {{"good.test", "127.0.0.1"},
                 {"wrong.test", "127.0.0.1"},
                 {"other.test", "127.0.0.1"},
                 {"direct.test", "127.0.0.1"}};
    return o;
  }

  HttpsClient& Client(HttpsClientOptions o) {
    auto c = HttpsClient::Create(std::move(o));
    EXPECT_THAT(c, IsOk());
    client_ = std::move(*c);
    return *client_;
  }
  HttpsClient& Client() { return Client(LoopbackOptions()); }

  base::Result<HttpResponse> Send(HttpRequest request) {
    return testing::RunTask(io_, client_->Send(std::move(request)));
  }
  base::Result<HttpResponse> Get(const std::string& url) {
    HttpRequest r;
    r.url = url;
    return Send(std::move(r));
  }

  asio::io_context io_;
  TestPki pki_;
  TestCert good_cert_;
  std::string ca_file_;
  std::unique_ptr<HttpsClient> client_;
};

// ---- TLS verification ----

TEST_F(HttpsClientTest, GoodCertificateByName) {
  TestHttpServer server(Hello, &good_cert_);
  Client();
  auto r = Get(server.BaseUrl("good.test") + "/hello?x=1");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->Header("content-type"), "text/plain");
}

TEST_F(HttpsClientTest, SendsHostUserAgentAndBody) {
  ServerRequest seen;
  TestHttpServer server(
      [&](const ServerRequest& req) {
        seen = req;
        return ServerResponse::Json(201, R"({"ok":true})");
      },
      &good_cert_);
  Client();
  HttpRequest req;
  req.method = "POST";
  req.url = server.BaseUrl("good.test") + "/api/v1/statuses?a=b%20c";
  req.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", "k1"}};
  req.body = R"({"status":"hi"})";
  auto r = Send(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/api/v1/statuses?a=b%20c");
  EXPECT_EQ(seen.Header("Host"), "good.test:" + std::to_string(server.port()));
  EXPECT_EQ(seen.Header("Idempotency-Key"), "k1");
  EXPECT_THAT(seen.Header("User-Agent"), HasSubstr("herald"));
  EXPECT_EQ(seen.Header("Content-Length"), std::to_string(req.body.size()));
  EXPECT_EQ(seen.body, req.body);
}

TEST_F(HttpsClientTest, GoodCertificateByIpAddress) {
  TestHttpServer server(Hello, &good_cert_);
  Client();
  auto r = Get(server.BaseUrl("127.0.0.1") + "/");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpsClientTest, WrongHostNameIsRefused) {
  TestHttpServer server(Hello, &good_cert_);
  Client();
  auto r = Get(server.BaseUrl("wrong.test") + "/bot123:SECRET/getMe");
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnavailable, HasSubstr("wrong.test")));
  EXPECT_THAT(r.error().message(), HasSubstr("certificate"));
  EXPECT_THAT(r.error().message(), Not(HasSubstr("SECRET")));
  EXPECT_THAT(r.error().detail(), Not(HasSubstr("SECRET")));
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(HttpsClientTest, ExpiredCertificateIsRefused) {
  TestCert expired =
      pki_.Issue(CertSpec{{"good.test"}, {}, std::chrono::hours(-48), std::chrono::hours(-1)});
  TestHttpServer server(Hello, &expired);
  Client();
  auto r = Get(server.BaseUrl("good.test") + "/");
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnavailable, HasSubstr("expired")));
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(HttpsClientTest, UntrustedCaIsRefused) {
  TestPki stranger("some other CA");
  TestCert cert = stranger.Issue(CertSpec{{"good.test"}, {}});
  TestHttpServer server(Hello, &cert);
  Client();
  auto r = Get(server.BaseUrl("good.test") + "/");
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnavailable, HasSubstr("certificate verify failed")));
}

TEST_F(HttpsClientTest, ExtraCaFileIsWhatMakesTheTestCaTrusted) {
  TestHttpServer server(Hello, &good_cert_);
  HttpsClientOptions o = LoopbackOptions();
  o.extra_ca_file.clear();
  Client(o);
  auto r = Get(server.BaseUrl("good.test") + "/");
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnavailable));
}

TEST_F(HttpsClientTest, MissingCaFileFailsCreationNamingTheVariable) {
  HttpsClientOptions o = LoopbackOptions();
  o.extra_ca_file = "/nonexistent/ca.pem";
  auto c = HttpsClient::Create(o);
  ASSERT_THAT(c, StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("HERALD_CA_FILE")));
}

// ---- address rules ----

TEST_F(HttpsClientTest, PlainHttpToLoopbackIsAllowed) {
  TestHttpServer server(Hello);
  HttpsClientOptions o;
  o.allow_private_networks = false;  // loopback http is allowed regardless
  Client(o);
  auto r = Get(server.BaseUrl("127.0.0.1") + "/x");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body, "hello");
}

TEST_F(HttpsClientTest, PlainHttpToNonLoopbackIsRefused) {
  HttpsClientOptions o = LoopbackOptions();
  o.resolve["public.test"] = "93.184.216.34";
  Client(o);
  for (std::string url : {"http://public.test/", "http://10.0.0.1:8080/", "http://8.8.8.8/"}) {
    auto r = Get(url);
    ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument)) << url;
    EXPECT_THAT(r.error().message(), HasSubstr("loopback")) << url;
  }
}

TEST_F(HttpsClientTest, HttpsToPrivateAddressIsRefusedUnlessAllowed) {
  TestHttpServer server(Hello, &good_cert_);
  HttpsClientOptions o = LoopbackOptions();
  o.allow_private_networks = false;
  o.resolve["lan.test"] = "192.168.1.10";
  Client(o);
  for (std::string url : {server.BaseUrl("127.0.0.1") + "/", server.BaseUrl("good.test") + "/",
                          std::string("https://lan.test/"), std::string("https://[fd00::1]/"),
                          std::string("https://100.64.1.1/"),
                          std::string("https://169.254.169.254/latest/meta-data")}) {
    auto r = Get(url);
    ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument)) << url;
    EXPECT_THAT(r.error().message(), HasSubstr("resolves to a private address")) << url;
  }
  EXPECT_EQ(server.connections(), 0);
}

TEST_F(HttpsClientTest, AnswerFromAPrivateAddressIsNotFromTheNetworkUnlessAllowed) {
  // A loopback service a user-given URL points at is not a network: adapters must not quote
  // its error text. Once the operator allows private networks, such a host is a network.
  TestHttpServer server(Hello);
  HttpsClientOptions strict;
  strict.allow_private_networks = false;
  Client(strict);
  for (int i = 0; i < 2; ++i) {  // a new connection, then the pooled one
    auto r = Get(server.BaseUrl("127.0.0.1") + "/");
    ASSERT_THAT(r, IsOk());
    EXPECT_FALSE(r->from_network) << i;
  }
  EXPECT_EQ(client_->stats().connections_reused, 1u);
  Client(LoopbackOptions());  // allow_private_networks
  auto allowed = Get(server.BaseUrl("127.0.0.1") + "/");
  ASSERT_THAT(allowed, IsOk());
  EXPECT_TRUE(allowed->from_network);
  EXPECT_TRUE(HttpResponse{}.from_network);  // fakes and other clients: the network itself
}

TEST_F(HttpsClientTest, BadUrlsAreInvalidArguments) {
  Client();
  for (std::string url : {"", "not a url", "ftp://good.test/", "https://user:pw@good.test/",
                          "/relative/path", "https://:443/"}) {
    auto r = Get(url);
    ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument)) << url;
  }
}

TEST_F(HttpsClientTest, PortsOutside1To65535AreRefusedBeforeConnecting) {
  // Boost.URL alone reads "99999" as 34463 (mod 65536): such a URL must never reach a port.
  TestHttpServer server(Hello);
  Client();
  for (std::string port : {"0", "65536", "99999", "-1", "+80", "80abc", ""}) {
    for (std::string base : {"http://127.0.0.1:", "https://good.test:"}) {
      const std::string url = base + port + "/";
      auto r = Get(url);
      ASSERT_THAT(r, Not(IsOk())) << url << " was answered with HTTP " << r->status;
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << url << ": "
                                                               << r.error().ToString();
    }
  }
  // A port that wraps to the server's own port is refused too, not connected to.
  auto wrapped = Get("http://127.0.0.1:" + std::to_string(65536 + server.port()) + "/");
  ASSERT_THAT(wrapped, StatusIs(ErrorCode::kInvalidArgument))
      << "answered with HTTP " << wrapped->status;
  EXPECT_EQ(server.connections(), 0);
}

TEST_F(HttpsClientTest, RedirectToABadPortIsNotFollowed) {
  TestHttpServer target(Hello);
  TestHttpServer server([&](const ServerRequest&) {
    ServerResponse r = ServerResponse::Text(302, "");
    r.headers.emplace_back("Location",
                           "http://127.0.0.1:" + std::to_string(65536 + target.port()) + "/");
    return r;
  });
  Client();
  HttpRequest req;
  req.url = server.BaseUrl() + "/";
  req.max_redirects = 3;
  auto r = Send(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 302);  // handed over, not followed
  EXPECT_EQ(target.connections(), 0);
}

TEST_F(HttpsClientTest, HeaderInjectionIsRefused) {
  TestHttpServer server(Hello, &good_cert_);
  Client();
  HttpRequest req;
  req.url = server.BaseUrl("good.test") + "/";
  req.headers = {{"X-Evil", "a\r\nInjected: yes"}};
  auto r = Send(req);
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument, Not(HasSubstr("Injected"))));
  EXPECT_EQ(server.requests(), 0);
}

// ---- failures before and after sending ----

TEST_F(HttpsClientTest, ConnectionRefusedIsUnavailable) {
  uint16_t port;
  {
    asio::ip::tcp::acceptor a(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  Client();
  auto r = Get("http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnavailable));
}

TEST_F(HttpsClientTest, SilentServerHitsTheConnectTimeout) {
  // The kernel completes the TCP handshake for a listening socket nobody accepts on, but no
  // TLS answer ever comes: the handshake is bounded by connect_timeout and nothing was sent.
  asio::ip::tcp::acceptor silent(io_,
                                 asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  Client();
  HttpRequest req;
  req.url = "https://good.test:" + std::to_string(silent.local_endpoint().port()) + "/";
  req.connect_timeout = std::chrono::milliseconds(200);
  auto start = std::chrono::steady_clock::now();
  auto r = Send(req);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_THAT(r, StatusIs(ErrorCode::kDeadlineExceeded));
  EXPECT_GE(took, std::chrono::milliseconds(150));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(HttpsClientTest, NoAnswerAfterSendingIsUnknown) {
  TestHttpServer server(
      [](const ServerRequest&) {
        ServerResponse r;
        r.mode = ServerResponse::Mode::kHang;
        return r;
      },
      &good_cert_);
  Client();
  HttpRequest req;
  req.method = "POST";
  req.url = server.BaseUrl("good.test") + "/post";
  req.body = "x";
  req.total_timeout = std::chrono::milliseconds(300);
  auto r = Send(req);
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnknown, HasSubstr("may have been applied")));
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(HttpsClientTest, DroppedAfterRequestWrittenIsUnknown) {
  TestHttpServer server(
      [](const ServerRequest&) {
        ServerResponse r;
        r.mode = ServerResponse::Mode::kDropBeforeAnswer;
        return r;
      },
      &good_cert_);
  Client();
  HttpRequest req;
  req.method = "POST";
  req.url = server.BaseUrl("good.test") + "/post";
  req.body = "x";
  auto r = Send(req);
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnknown));
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(HttpsClientTest, TruncatedBodyIsUnknown) {
  TestHttpServer server(
      [](const ServerRequest&) {
        ServerResponse r = ServerResponse::Text(200, std::string(1000, 'a'));
        r.mode = ServerResponse::Mode::kTruncate;
        return r;
      },
      &good_cert_);
  Client();
  auto r = Get(server.BaseUrl("good.test") + "/");
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnknown));
}

TEST_F(HttpsClientTest, ResponseOverTheLimitIsResourceExhausted) {
  TestHttpServer server(
      [](const ServerRequest&) { return ServerResponse::Text(200, std::string(5000, 'z')); },
      &good_cert_);
  Client();
  HttpRequest req;
  req.url = server.BaseUrl("good.test") + "/big";
  req.max_response_bytes = 1000;
  auto r = Send(req);
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  req.max_response_bytes = 5000;
  r = Send(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body.size(), 5000u);
}

// ---- redirects ----

TEST_F(HttpsClientTest, RedirectsAreNotFollowedUnlessAsked) {
  std::vector<ServerRequest> seen;
  TestHttpServer server(
      [&](const ServerRequest& req) {
        seen.push_back(req);
        if (req.Path() == "/start") {
          ServerResponse r = ServerResponse::Text(302, "");
          r.headers.emplace_back("Location", "/end");
          return r;
        }
        if (req.Path() == "/cross") {
          ServerResponse r = ServerResponse::Text(307, "");
          r.headers.emplace_back(
              "Location",
              "https://other.test:" + req.Header("Host").substr(req.Header("Host").rfind(':') + 1) +
                  "/end");
          return r;
        }
        return ServerResponse::Text(200, "end");
      },
      &good_cert_);
  Client();
  auto r = Get(server.BaseUrl("good.test") + "/start");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->Header("Location"), "/end");
  EXPECT_EQ(seen.size(), 1u);

  HttpRequest req;
  req.url = server.BaseUrl("good.test") + "/start";
  req.max_redirects = 1;
  r = Send(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "end");
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].Path(), "/end");

  // A redirect to another host keeps the method and body (307) but drops Authorization.
  seen.clear();
  req.url = server.BaseUrl("good.test") + "/cross";
  req.method = "POST";
  req.body = "payload";
  req.headers = {{"Authorization", "Bearer secret"}};
  r = Send(req);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].Header("Authorization"), "Bearer secret");
  EXPECT_EQ(seen[1].method, "POST");
  EXPECT_EQ(seen[1].body, "payload");
  EXPECT_EQ(seen[1].Header("Authorization"), "");
}

// ---- the pool ----

TEST_F(HttpsClientTest, KeepAliveConnectionsAreReused) {
  TestHttpServer server(Hello, &good_cert_);
  HttpsClient& client = Client();
  for (int i = 0; i < 3; ++i) {
    auto r = Get(server.BaseUrl("good.test") + "/" + std::to_string(i));
    ASSERT_THAT(r, IsOk());
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().connections_reused, 2u);
}

// Handlers of herald's HTTP server run on per-connection strands: a connection pooled by one
// strand is reused by another strand of the same io_context, never by another io_context.
TEST_F(HttpsClientTest, PoolIsSharedAcrossStrandsButNotAcrossIoContexts) {
  TestHttpServer server(Hello, &good_cert_);
  HttpsClient& client = Client();
  std::string url = server.BaseUrl("good.test") + "/";
  for (int i = 0; i < 3; ++i) {
    std::optional<base::Result<HttpResponse>> out;
    HttpRequest req;
    req.url = url;
    asio::co_spawn(
        asio::make_strand(io_),
        [&]() -> base::Task<void> { out.emplace(co_await client.Send(req)); }, asio::detached);
    io_.restart();
    io_.run();
    ASSERT_TRUE(out && out->ok());
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(client.stats().connections_reused, 2u);

  asio::io_context other;
  HttpRequest req;
  req.url = url;
  auto r = testing::RunTask(other, client.Send(req));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(server.connections(), 2);
}

// An io_context that dies takes its pooled connections with it: the next io_context, even one
// built at the same address (a loop of short-lived contexts on the stack), opens a fresh
// connection instead of using a socket of the dead one (which crashed: epoll_reactor null).
TEST_F(HttpsClientTest, ConnectionsOfADestroyedIoContextAreNeverReused) {
  TestHttpServer server(Hello, &good_cert_);
  HttpsClient& client = Client();
  HttpRequest req;
  req.url = server.BaseUrl("good.test") + "/";
  for (int i = 0; i < 3; ++i) {
    asio::io_context short_lived;
    auto r = testing::RunTask(short_lived, client.Send(req));
    ASSERT_THAT(r, IsOk());
  }
  EXPECT_EQ(server.connections(), 3);
  EXPECT_EQ(client.stats().connections_reused, 0u);
}

TEST_F(HttpsClientTest, ConnectionCloseIsNotPooled) {
  TestHttpServer server(
      [](const ServerRequest&) {
        ServerResponse r = ServerResponse::Text(200, "bye");
        r.close = true;
        return r;
      },
      &good_cert_);
  HttpsClient& client = Client();
  ASSERT_THAT(Get(server.BaseUrl("good.test") + "/"), IsOk());
  ASSERT_THAT(Get(server.BaseUrl("good.test") + "/"), IsOk());
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(client.stats().connections_reused, 0u);
}

TEST_F(HttpsClientTest, PoolIsPerHostAndBounded) {
  TestHttpServer a(Hello, &good_cert_);
  TestHttpServer b(Hello, &good_cert_);
  HttpsClientOptions o = LoopbackOptions();
  o.max_idle_total = 1;
  HttpsClient& client = Client(o);
  ASSERT_THAT(Get(a.BaseUrl("good.test") + "/"), IsOk());
  ASSERT_THAT(Get(b.BaseUrl("good.test") + "/"), IsOk());  // evicts a's idle connection
  ASSERT_THAT(Get(b.BaseUrl("good.test") + "/"), IsOk());  // reuses b's
  ASSERT_THAT(Get(a.BaseUrl("good.test") + "/"), IsOk());  // a new one for a
  EXPECT_EQ(a.connections(), 2);
  EXPECT_EQ(b.connections(), 1);
  EXPECT_EQ(client.stats().connections_reused, 1u);
}

TEST_F(HttpsClientTest, ServerClosedIdleConnectionIsReplacedBeforeSending) {
  int posts = 0;
  TestHttpServer server(
      [&](const ServerRequest& req) {
        if (req.method == "POST") ++posts;
        return ServerResponse::Text(200, "ok");
      },
      &good_cert_);
  HttpsClient& client = Client();
  ASSERT_THAT(Get(server.BaseUrl("good.test") + "/"), IsOk());
  server.CloseIdleConnections();
  HttpRequest req;
  req.method = "POST";
  req.url = server.BaseUrl("good.test") + "/post";
  req.body = "once";
  auto r = Send(req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(posts, 1);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(client.stats().stale_discarded, 1u);
  EXPECT_EQ(client.stats().retried, 0u);
}

// A reused connection that dies after the request was written: a GET is sent again, a POST is
// reported as kUnknown and never sent twice.
TEST_F(HttpsClientTest, FailureOnReusedConnectionRetriesOnlySafeMethods) {
  int seen_on_second_request = 0;
  TestHttpServer server(
      [&](const ServerRequest& req) {
        if (req.Path() == "/warm") return ServerResponse::Text(200, "warm");
        if (req.connection == 1) {
          ++seen_on_second_request;
          ServerResponse r;
          r.mode = ServerResponse::Mode::kDropBeforeAnswer;
          return r;
        }
        return ServerResponse::Text(200, "fresh");
      },
      &good_cert_);
  HttpsClient& client = Client();
  ASSERT_THAT(Get(server.BaseUrl("good.test") + "/warm"), IsOk());
  auto r = Get(server.BaseUrl("good.test") + "/data");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body, "fresh");
  EXPECT_EQ(client.stats().retried, 1u);
  EXPECT_EQ(seen_on_second_request, 1);

  TestHttpServer server2(
      [&](const ServerRequest& req) {
        if (req.Path() == "/warm") return ServerResponse::Text(200, "warm");
        ++seen_on_second_request;
        ServerResponse resp;
        resp.mode = ServerResponse::Mode::kDropBeforeAnswer;
        return resp;
      },
      &good_cert_);
  seen_on_second_request = 0;
  ASSERT_THAT(Get(server2.BaseUrl("good.test") + "/warm"), IsOk());
  HttpRequest post;
  post.method = "POST";
  post.url = server2.BaseUrl("good.test") + "/statuses";
  post.body = "x";
  r = Send(post);
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnknown));
  EXPECT_EQ(seen_on_second_request, 1);
  EXPECT_EQ(client.stats().retried, 1u);
}

// ---- proxy ----

TEST_F(HttpsClientTest, HttpsThroughConnectProxy) {
  TestHttpServer server(Hello, &good_cert_);
  TestConnectProxy proxy;
  HttpsClientOptions o = LoopbackOptions();
  o.https_proxy = "http://user:p%40ss@127.0.0.1:" + std::to_string(proxy.port());
  HttpsClient& client = Client(o);
  auto r = Get(server.BaseUrl("good.test") + "/via-proxy");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(proxy.tunnels(), 1);
  EXPECT_EQ(proxy.last_authority(), "good.test:" + std::to_string(server.port()));
  EXPECT_EQ(proxy.last_proxy_authorization(), "Basic dXNlcjpwQHNz");  // user:p@ss
  // The tunnel is pooled like any connection.
  ASSERT_THAT(Get(server.BaseUrl("good.test") + "/again"), IsOk());
  EXPECT_EQ(proxy.tunnels(), 1);
  EXPECT_EQ(client.stats().connections_reused, 1u);
}

TEST_F(HttpsClientTest, NoProxyHostsGoDirect) {
  TestHttpServer server(Hello, &good_cert_);
  TestConnectProxy proxy;
  HttpsClientOptions o = LoopbackOptions();
  o.https_proxy = "127.0.0.1:" + std::to_string(proxy.port());
  o.no_proxy = "example.org, .test";
  Client(o);
  auto r = Get(server.BaseUrl("good.test") + "/");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(proxy.tunnels(), 0);
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(HttpsClientTest, ProxyRefusalIsUnavailable) {
  TestHttpServer server(Hello, &good_cert_);
  TestConnectProxy proxy;
  proxy.RefuseWith(403);
  HttpsClientOptions o = LoopbackOptions();
  o.https_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  Client(o);
  auto r = Get(server.BaseUrl("good.test") + "/");
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnavailable, HasSubstr("403")));
  EXPECT_EQ(server.connections(), 0);
}

TEST_F(HttpsClientTest, PrivateAddressRuleHoldsThroughTheProxy) {
  TestHttpServer server(Hello, &good_cert_);
  TestConnectProxy proxy;
  HttpsClientOptions o = LoopbackOptions();
  o.allow_private_networks = false;
  o.https_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  Client(o);
  auto r = Get(server.BaseUrl("good.test") + "/");
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_EQ(proxy.tunnels(), 0);
}

TEST_F(HttpsClientTest, MalformedProxyFailsCreation) {
  HttpsClientOptions o = LoopbackOptions();
  o.https_proxy = "socks5://127.0.0.1:1080";
  auto c = HttpsClient::Create(o);
  ASSERT_THAT(c, StatusIs(ErrorCode::kInvalidArgument, HasSubstr("HTTPS_PROXY")));
}

}  // namespace
}  // namespace herald::platforms::http

// ---- streamed bodies and the public-only rule (media by URL) ----

namespace herald::platforms::http {
namespace {

TEST_F(HttpsClientTest, OnBodyStreamsA2xxBodyInPieces) {
  const std::string big(300'000, 'b');
  TestHttpServer server([&](const ServerRequest&) { return ServerResponse::Text(200, big); },
                        &good_cert_);
  Client();
  std::string got;
  int pieces = 0;
  HttpRequest r;
  r.url = "https://good.test:" + std::to_string(server.port()) + "/big";
  r.on_body = [&](std::string_view chunk) -> base::Result<void> {
    got.append(chunk);
    ++pieces;
    return base::Ok();
  };
  auto res = Send(r);
  ASSERT_THAT(res, IsOk()) << res.error().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
  EXPECT_EQ(got, big);
  EXPECT_GT(pieces, 1);
  // Over the limit: stopped, kResourceExhausted.
  r.max_response_bytes = 1000;
  auto over = Send(r);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code(), ErrorCode::kResourceExhausted);
  // An error body is kept as usual; the sink's own error ends the download.
  server.SetHandler([](const ServerRequest&) { return ServerResponse::Text(404, "gone"); });
  r.max_response_bytes = 1 << 20;
  auto missing = Send(r);
  ASSERT_THAT(missing, IsOk());
  EXPECT_EQ(missing->body, "gone");
  server.SetHandler([&](const ServerRequest&) { return ServerResponse::Text(200, big); });
  r.on_body = [](std::string_view) -> base::Result<void> { return base::Internal("disk full"); };
  auto failed = Send(r);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kInternal);
}

TEST_F(HttpsClientTest, PublicAddressesOnlyRefusesLoopbackEvenWhenPrivateIsAllowed) {
  TestHttpServer server(Hello);
  Client();  // allow_private_networks = true
  HttpRequest r;
  r.url = server.BaseUrl() + "/";
  r.public_addresses_only = true;
  auto res = Send(r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(res.error().message(), HasSubstr("loopback"));
  EXPECT_EQ(server.requests(), 0);
  // The explicit test allowance lets exactly that endpoint through.
  r.test_allowed_endpoints = {"127.0.0.1:" + std::to_string(server.port())};
  auto allowed = Send(r);
  ASSERT_THAT(allowed, IsOk()) << allowed.error().ToString();
  EXPECT_EQ(allowed->body, "hello");
  r.test_allowed_endpoints = {"127.0.0.1:1"};
  EXPECT_FALSE(Send(r).ok());
}

}  // namespace
}  // namespace herald::platforms::http
