#include "http/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "base/json.h"
#include "tests/http/raw_conn.h"
#include "tests/http/test_client.h"
#include "tests/support/result_matchers.h"

namespace herald::http {
namespace {

using ::herald::matchers::IsOk;
using ::testing::Not;

using namespace std::chrono_literals;
using testing::TestClient;
namespace asio = boost::asio;

// Suspends the calling handler for `d` without blocking its thread.
base::Task<void> Sleep(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(base::kNoThrow);
}

// A one-shot event a test thread can wait on with a bound.
class Latch {
 public:
  void Set() {
    std::lock_guard<std::mutex> lock(mu_);
    set_ = true;
    cv_.notify_all();
  }
  bool WaitFor(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, d, [this] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

// Polls `pred` until it holds or `timeout` passes (for state with no event to wait on).
template <class Pred>
bool WaitUntil(Pred pred, std::chrono::milliseconds timeout = 3s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

HttpServerOptions FastOptions() {
  HttpServerOptions o;
  o.header_timeout = 2s;
  o.read_timeout = 2s;
  o.write_timeout = 2s;
  o.idle_timeout = 5s;
  return o;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = FastOptions()) {
    server_ = std::make_unique<HttpServer>(std::move(options));
    AddRoutes(*server_);
    auto started = server_->Start();
    ASSERT_THAT(started, IsOk()) << started.error().ToString();
    ASSERT_NE(server_->port(), 0);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(1s);
  }

  virtual void AddRoutes(HttpServer& server) {
    server.Route("GET", "/hello", [](Request) -> base::Task<Response> {
      co_return Response::Text(200, "hello");
    });
    server.Route("GET", "/api/v1/posts/{id}", [](Request req) -> base::Task<Response> {
      base::Json j = {{"id", req.PathParam("id")},
                      {"route", req.route},
                      {"path", req.path},
                      {"q", std::string(req.Query("q").value_or("-"))},
                      {"agent", req.Header("x-TEST-agent")},
                      {"remote", req.remote_address}};
      co_return Response::Json(200, j.dump());
    });
    server.Route("POST", "/api/v1/posts/validate", [](Request) -> base::Task<Response> {
      co_return Response::Text(200, "validate");
    });
    server.Route("POST", "/api/v1/posts/{id}", [](Request req) -> base::Task<Response> {
      co_return Response::Text(200, "post " + std::string(req.PathParam("id")));
    });
    server.Route("GET", "/files/{rest...}", [](Request req) -> base::Task<Response> {
      co_return Response::Text(200, std::string(req.PathParam("rest")));
    });
    server.Route("POST", "/echo", [](Request req) -> base::Task<Response> {
      Response r = Response::Text(200, req.body);
      r.headers.Set("X-Length", std::to_string(req.body.size()));
      co_return r;
    });
    server.Route("POST", "/small", [](Request req) -> base::Task<Response> {
      co_return Response::Text(200, std::to_string(req.body.size()));
    }, RouteOptions{.body_limit = 10});
    server.Route("GET", "/slow", [this](Request req) -> base::Task<Response> {
      slow_entered_.fetch_add(1);
      int ms = std::stoi(std::string(req.Query("ms").value_or("100")));
      co_await Sleep(std::chrono::milliseconds(ms));
      co_return Response::Text(200, "slow");
    });
    server.Route("GET", "/drop", [](Request) -> base::Task<Response> { co_return Response::Drop(); });
    server.Route("GET", "/throw", [](Request) -> base::Task<Response> {
      throw std::runtime_error("boom");
      co_return Response::Empty(200);
    });
    server.Route("DELETE", "/nothing", [](Request) -> base::Task<Response> {
      co_return Response::Empty(204);
    });
  }

  std::unique_ptr<HttpServer> server_;
  std::atomic<int> slow_entered_{0};
};

TEST_F(HttpServerTest, RoutesPathParamsQueryAndHeaders) {
  StartServer();
  TestClient c(server_->port());
  auto r = c.Call("GET", "/api/v1/posts/post%2F1?q=a%20b+c&x=1", {{"X-Test-Agent", "gtest"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-type"), "application/json");
  auto j = base::Json::parse(r->body);
  EXPECT_EQ(j["id"], "post/1");
  EXPECT_EQ(j["route"], "/api/v1/posts/{id}");
  EXPECT_EQ(j["path"], "/api/v1/posts/post/1");
  EXPECT_EQ(j["q"], "a b c");
  EXPECT_EQ(j["agent"], "gtest");
  EXPECT_TRUE(j["remote"].get<std::string>().starts_with("127.0.0.1:"));
  EXPECT_EQ(r->Header("server"), "herald");
}

TEST_F(HttpServerTest, LiteralSegmentsWinOverParameters) {
  StartServer();
  TestClient c(server_->port());
  auto a = c.Call("POST", "/api/v1/posts/validate", {}, "{}");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body, "validate");
  auto b = c.Call("POST", "/api/v1/posts/p1", {}, "{}");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->body, "post p1");
  auto rest = c.Call("GET", "/files/a/b%20c.txt");
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->body, "a/b c.txt");
}

TEST_F(HttpServerTest, NotFoundAndMethodNotAllowed) {
  StartServer();
  TestClient c(server_->port());
  auto nf = c.Call("GET", "/nope");
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->status, 404);
  EXPECT_EQ(base::Json::parse(nf->body)["error"]["code"], "not_found");
  auto na = c.Call("DELETE", "/api/v1/posts/p1");
  ASSERT_TRUE(na);
  EXPECT_EQ(na->status, 405);
  EXPECT_EQ(na->Header("allow"), "GET, POST");
}

// A catch-all route marked any_path (a CORS preflight on every path) does not make unknown
// paths known: they are 404, not 405 with "Allow: OPTIONS". Known paths still get 405 + Allow.
TEST_F(HttpServerTest, AnyPathRouteLeavesUnknownPaths404) {
  server_ = std::make_unique<HttpServer>(FastOptions());
  server_->Route("GET", "/a", [](Request) -> base::Task<Response> {
    co_return Response::Text(200, "a");
  });
  server_->Route("OPTIONS", "/{path...}", [](Request) -> base::Task<Response> {
    co_return Response::Empty(204);
  }, RouteOptions{.any_path = true});
  ASSERT_THAT(server_->Start(), IsOk());
  TestClient c(server_->port());
  auto unknown = c.Call("GET", "/b");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->Header("allow"), "");
  auto unknown_post = c.Call("POST", "/b/c", {}, "x");
  ASSERT_TRUE(unknown_post);
  EXPECT_EQ(unknown_post->status, 404);
  auto wrong_method = c.Call("POST", "/a", {}, "x");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->Header("allow"), "GET, OPTIONS");
  auto preflight = c.Call("OPTIONS", "/b");
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
}

TEST_F(HttpServerTest, CustomNotFoundHandler) {
  server_ = std::make_unique<HttpServer>(FastOptions());
  server_->router().SetNotFound([](Request req) -> base::Task<Response> {
    co_return Response::Text(404, "custom " + req.path);
  });
  ASSERT_THAT(server_->Start(), IsOk());
  TestClient c(server_->port());
  auto r = c.Call("GET", "/x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "custom /x");
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  TestClient c(server_->port());
  for (int i = 0; i < 20; ++i) {
    auto r = c.Call("POST", "/echo", {}, "n" + std::to_string(i));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "n" + std::to_string(i));
  }
  EXPECT_EQ(server_->stats().connections, 1u);
  // Counted once the answer is written, which may be just after the client has read it.
  EXPECT_TRUE(WaitUntil([&] { return server_->stats().requests == 20u; }));
}

TEST_F(HttpServerTest, NoContentHasNoBody) {
  StartServer();
  TestClient c(server_->port());
  auto r = c.Call("DELETE", "/nothing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_TRUE(r->body.empty());
  auto again = c.Call("GET", "/hello");  // the connection is still usable
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "hello");
}

// No route serves HEAD: it gets 405 + Allow (or 404), and never content, which a keep-alive
// client would otherwise read as the start of the next answer.
TEST_F(HttpServerTest, HeadIsAnsweredWithoutContentAndTheConnectionStaysInStep) {
  StartServer();
  herald::testing::RawConn c(server_->port());
  ASSERT_TRUE(c.ok());  // a raw connection, not a Result
  ASSERT_TRUE(c.Send("HEAD /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     "HEAD /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  ASSERT_TRUE(c.ReadUntil("\r\n\r\nhello", std::chrono::seconds(10))) << c.received();
  const std::string& got = c.received();
  // Three answers, each head directly followed by the next status line.
  size_t first_end = got.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 405 ")) << got;
  EXPECT_NE(got.substr(0, first_end).find("Allow: GET"), std::string::npos) << got;
  size_t second = first_end + 4;
  ASSERT_TRUE(got.substr(second).starts_with("HTTP/1.1 404 ")) << got;
  size_t second_end = got.find("\r\n\r\n", second);
  ASSERT_NE(second_end, std::string::npos);
  EXPECT_TRUE(got.substr(second_end + 4).starts_with("HTTP/1.1 200 ")) << got;
}

TEST_F(HttpServerTest, OversizedBodyIsRefusedFromContentLengthBeforeReading) {
  HttpServerOptions o = FastOptions();
  o.body_limit = 1 << 20;
  StartServer(o);
  TestClient c(server_->port());
  // Announce 100 MiB, send only 64 KiB of it: the answer must come without the rest.
  ASSERT_TRUE(c.SendRaw("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 104857600\r\n"
                        "Content-Type: application/octet-stream\r\n\r\n"));
  ASSERT_TRUE(c.SendRaw(std::string(64 * 1024, 'x')));
  auto r = c.ReadReply(3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(base::Json::parse(r->body)["error"]["code"], "payload_too_large");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitForClose(3s));
  // Others are still served.
  TestClient other(server_->port());
  auto ok = other.Call("GET", "/hello");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpServerTest, ExpectContinueIsRefusedWithoutAskingForTheBody) {
  StartServer();
  TestClient c(server_->port());
  ASSERT_TRUE(c.SendRaw("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 104857600\r\n"
                        "Expect: 100-continue\r\n\r\n"));
  ASSERT_TRUE(c.ReadUntil("\r\n\r\n", 3s));
  EXPECT_TRUE(c.received().starts_with("HTTP/1.1 413")) << c.received();
}

TEST_F(HttpServerTest, ExpectContinueAcceptedBody) {
  StartServer();
  TestClient c(server_->port());
  ASSERT_TRUE(c.SendRaw("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                        "Expect: 100-continue\r\n\r\n"));
  ASSERT_TRUE(c.ReadUntil("100 Continue\r\n\r\n", 3s)) << c.received();
  ASSERT_TRUE(c.SendRaw("hello"));
  ASSERT_TRUE(c.ReadUntil("hello", 3s)) << c.received();
}

TEST_F(HttpServerTest, ChunkedBodyOverTheRouteLimitIs413) {
  StartServer();
  TestClient c(server_->port());
  auto ok = c.Call("POST", "/small", {}, "0123456789");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->body, "10");
  TestClient d(server_->port());
  ASSERT_TRUE(d.SendRaw("POST /small HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n"));
  auto r = d.ReadReply(3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  HttpServerOptions o = FastOptions();
  o.header_limit = 4096;
  StartServer(o);
  TestClient c(server_->port());
  auto r = c.Call("GET", "/hello", {{"X-Big", std::string(8000, 'a')}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
}

TEST_F(HttpServerTest, MalformedRequestIs400AndServerKeepsServing) {
  StartServer();
  for (std::string garbage : {"GARBAGE\r\n\r\n", "GET /x HTTP/9.9\r\n\r\n",
                              "GET nopath HTTP/1.1\r\nHost: x\r\n\r\n",
                              "POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    TestClient c(server_->port());
    ASSERT_TRUE(c.SendRaw(garbage));
    auto r = c.ReadReply(3s);
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->status, 400) << garbage;
  }
  TestClient ok(server_->port());
  auto r = ok.Call("GET", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, SlowlorisIsCutOffByTheHeaderTimeoutAndOthersAreServed) {
  HttpServerOptions o = FastOptions();
  o.header_timeout = 400ms;
  StartServer(o);
  TestClient slow(server_->port());
  std::string request = "GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
  request += std::string(100, 'a');
  auto begin = std::chrono::steady_clock::now();
  bool cut_off = false;
  for (char ch : request) {
    if (!slow.SendRaw(std::string(1, ch), 1s)) {
      cut_off = true;
      break;
    }
    // Meanwhile another client is served promptly.
    if (ch == 'X') {
      TestClient other(server_->port());
      auto r = other.Call("GET", "/hello", {}, {}, 1s);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200);
    }
    if (slow.WaitForClose(50ms)) {
      cut_off = true;
      break;
    }
  }
  EXPECT_TRUE(cut_off);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
}

TEST_F(HttpServerTest, SilentConnectionIsClosed) {
  HttpServerOptions o = FastOptions();
  o.header_timeout = 200ms;
  StartServer(o);
  TestClient c(server_->port());
  EXPECT_TRUE(c.WaitForClose(3s));
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  HttpServerOptions o = FastOptions();
  o.idle_timeout = 200ms;
  StartServer(o);
  TestClient c(server_->port());
  ASSERT_TRUE(c.Call("GET", "/hello"));
  EXPECT_TRUE(c.WaitForClose(3s));
}

TEST_F(HttpServerTest, SlowHandlerDoesNotBlockOthersOnOneThread) {
  StartServer();  // one I/O thread
  auto slow = std::async(std::launch::async, [port = server_->port()] {
    TestClient c(port);
    return c.Call("GET", "/slow?ms=500");
  });
  TestClient fast(server_->port());
  auto begin = std::chrono::steady_clock::now();
  auto r = fast.Call("GET", "/hello");
  ASSERT_TRUE(r);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 400ms);
  auto s = slow.get();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->body, "slow");
}

TEST_F(HttpServerTest, DropClosesWithoutAnswer) {
  std::atomic<int> dropped_status{-1};
  HttpServerOptions o = FastOptions();
  o.on_response = [&](const AccessRecord& r) {
    if (r.route == "/drop") dropped_status = r.status;
  };
  StartServer(o);
  TestClient c(server_->port());
  auto r = c.Call("GET", "/drop");
  EXPECT_FALSE(r);
  EXPECT_TRUE(c.received().empty());
  EXPECT_EQ(dropped_status.load(), 0);
}

TEST_F(HttpServerTest, HandlerExceptionIs500) {
  StartServer();
  TestClient c(server_->port());
  auto r = c.Call("GET", "/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(base::Json::parse(r->body)["error"]["message"], "internal error");
}

TEST_F(HttpServerTest, AccessRecordsCarryRouteAndStatus) {
  std::mutex mu;
  std::vector<std::pair<std::string, int>> seen;
  HttpServerOptions o = FastOptions();
  o.on_response = [&](const AccessRecord& r) {
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace_back(std::string(r.route), r.status);
  };
  StartServer(o);
  TestClient c(server_->port());
  ASSERT_TRUE(c.Call("GET", "/api/v1/posts/x"));
  ASSERT_TRUE(c.Call("GET", "/missing"));
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size() == 2u;
  }));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], (std::pair<std::string, int>{"/api/v1/posts/{id}", 200}));
  EXPECT_EQ(seen[1], (std::pair<std::string, int>{"", 404}));
}

TEST_F(HttpServerTest, ConnectionLimitEvictsTheLongestWaitingConnection) {
  HttpServerOptions o = FastOptions();
  o.max_connections = 2;
  StartServer(o);
  TestClient a(server_->port());
  ASSERT_TRUE(a.Call("GET", "/hello"));
  TestClient b(server_->port());
  ASSERT_TRUE(b.Call("GET", "/hello"));
  // Both idle between requests: a newcomer takes the place of the one idle longest.
  TestClient c(server_->port());
  auto r = c.Call("GET", "/hello", {}, {}, 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(a.WaitForClose(3s));
  EXPECT_EQ(server_->stats().evicted_connections, 1u);
  EXPECT_EQ(server_->stats().rejected_connections, 0u);
  auto again = b.Call("GET", "/hello", {}, {}, 2s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitsAreClosedWhenAllAreBusy) {
  HttpServerOptions o = FastOptions();
  o.max_connections = 2;
  o.reserved_connections = 0;
  StartServer(o);
  auto busy = [port = server_->port()] {
    TestClient c(port);
    return c.Call("GET", "/slow?ms=1500", {}, {}, 5s);
  };
  auto s1 = std::async(std::launch::async, busy);
  auto s2 = std::async(std::launch::async, busy);
  ASSERT_TRUE(WaitUntil([&] { return slow_entered_.load() == 2; }));
  TestClient c(server_->port());
  EXPECT_TRUE(c.WaitForClose(3s));
  EXPECT_EQ(server_->stats().rejected_connections, 1u);
  ASSERT_TRUE(s1.get());
  ASSERT_TRUE(s2.get());
  // Once a slot frees up, new connections are served again.
  TestClient d(server_->port());
  auto r = d.Call("GET", "/hello", {}, {}, 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// A trust check for these tests: the header X-Key: good.
base::Task<bool> GoodKey(const Request& req) { co_return req.Header("x-key") == "good"; }

TEST_F(HttpServerTest, IdleFloodIsEvictedEvenFromOneAddress) {
  ASSERT_GE(testing::RaiseTestFileLimit(), 4500u);
  HttpServerOptions o;  // production limits, without the per-address bound
  o.max_idle_per_address = 0;
  o.trust = GoodKey;
  StartServer(o);
  auto flood = testing::OpenIdleConnections(server_->port(), 2000);
  ASSERT_EQ(flood.size(), 2000u);
  TestClient c(server_->port());
  auto r = c.Call("GET", "/hello", {{"X-Key", "good"}}, {}, 3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // The newcomers took the places of the longest-waiting: nothing was refused.
  EXPECT_TRUE(WaitUntil([&] {
    auto s = server_->stats();
    return s.evicted_connections >= 2001u - o.max_connections && s.connections <= o.max_connections;
  })) << server_->stats().evicted_connections << " evicted, " << server_->stats().connections
      << " open";
  EXPECT_EQ(server_->stats().rejected_connections, 0u);
  // And another request, without a key, on a fresh connection.
  TestClient d(server_->port());
  auto plain = d.Call("GET", "/hello", {}, {}, 3s);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
}

// With several I/O threads an evicted connection can end on one thread while the accept loop
// still holds the last reference to it under the server's lock; releasing it there destroyed
// the connection, whose destructor takes the same lock: the accept thread deadlocked and the
// whole server stopped answering (seen with `herald serve` and 700 idle connections).
TEST_F(HttpServerTest, EvictionUnderSeveralThreadsNeverStallsTheServer) {
  ASSERT_GE(testing::RaiseTestFileLimit(), 4500u);
  HttpServerOptions o = FastOptions();
  o.io_threads = 2;
  o.max_idle_per_address = 64;
  StartServer(o);
  for (int round = 0; round < 20; ++round) {
    auto flood = testing::OpenIdleConnections(server_->port(), 700);
    ASSERT_EQ(flood.size(), 700u);
    TestClient c(server_->port());
    auto r = c.Call("GET", "/hello", {}, {}, 3s);
    ASSERT_TRUE(r) << "round " << round << ": no answer";
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(HttpServerTest, IdleConnectionsPerAddressAreBounded) {
  HttpServerOptions o = FastOptions();
  o.max_idle_per_address = 3;
  StartServer(o);
  // Accepted in the order they connect (the listen queue is first in, first out).
  std::vector<std::unique_ptr<TestClient>> idle;
  for (int i = 0; i < 5; ++i) idle.push_back(std::make_unique<TestClient>(server_->port()));
  // The two that waited longest were closed; the newest three are served.
  EXPECT_TRUE(idle[0]->WaitForClose(3s));
  EXPECT_TRUE(idle[1]->WaitForClose(3s));
  for (int i = 2; i < 5; ++i) {
    auto r = idle[i]->Call("GET", "/hello", {}, {}, 2s);
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(server_->stats().evicted_connections, 2u);
}

TEST_F(HttpServerTest, ReserveServesOnlyTrustedRequestsWhenNothingCanBeEvicted) {
  HttpServerOptions o = FastOptions();
  o.max_connections = 2;
  o.reserved_connections = 2;
  o.trust = GoodKey;
  StartServer(o);
  auto busy = [port = server_->port()] {
    TestClient c(port);
    return c.Call("GET", "/slow?ms=1500", {{"X-Key", "good"}}, {}, 5s);
  };
  auto s1 = std::async(std::launch::async, busy);
  auto s2 = std::async(std::launch::async, busy);
  ASSERT_TRUE(WaitUntil([&] { return slow_entered_.load() == 2; }));
  // Both slots busy: a request with a valid key is served from the reserve...
  TestClient trusted(server_->port());
  auto r = trusted.Call("GET", "/hello", {{"X-Key", "good"}}, {}, 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // ... and one without is refused there, before its body is read.
  TestClient stranger(server_->port());
  auto refused = stranger.Call("POST", "/echo", {{"X-Key", "bad"}}, std::string(100, 'x'), 2s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->Header("retry-after"), "1");
  EXPECT_EQ(server_->stats().refused_untrusted, 1u);
  ASSERT_TRUE(s1.get());
  ASSERT_TRUE(s2.get());
}

TEST_F(HttpServerTest, UnderPressureWaitingConnectionsAreCutOffSooner) {
  HttpServerOptions o = FastOptions();
  o.max_connections = 8;  // pressure from 6 open connections
  o.header_timeout = 30s;
  o.idle_timeout = 30s;
  o.pressure_timeout = 200ms;
  o.trust = GoodKey;
  StartServer(o);
  // Six busy connections keep the server under pressure.
  auto busy = [port = server_->port()] {
    TestClient c(port);
    return c.Call("GET", "/slow?ms=1500", {{"X-Key", "good"}}, {}, 5s);
  };
  std::vector<std::future<std::optional<testing::Reply>>> slow;
  for (int i = 0; i < 6; ++i) slow.push_back(std::async(std::launch::async, busy));
  ASSERT_TRUE(WaitUntil([&] { return slow_entered_.load() == 6; }));
  // A trusted client's keep-alive connection (classified under pressure) may idle on...
  TestClient friendly(server_->port());
  ASSERT_EQ(friendly.Call("GET", "/hello", {{"X-Key", "good"}})->status, 200);
  // ... a silent connection gets 200 ms for its first request, not 30 s.
  auto begin = std::chrono::steady_clock::now();
  TestClient silent(server_->port());
  EXPECT_TRUE(silent.WaitForClose(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1400ms);
  auto r = friendly.Call("GET", "/hello", {{"X-Key", "good"}}, {}, 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  for (auto& f : slow) EXPECT_TRUE(f.get());
}

TEST_F(HttpServerTest, ManyParallelClientsOnSeveralThreads) {
  HttpServerOptions o = FastOptions();
  o.io_threads = 4;
  StartServer(o);
  std::vector<std::future<int>> results;
  for (int t = 0; t < 16; ++t) {
    results.push_back(std::async(std::launch::async, [port = server_->port(), t] {
      TestClient c(port);
      int ok = 0;
      for (int i = 0; i < 25; ++i) {
        std::string body = std::to_string(t) + ":" + std::to_string(i);
        auto r = c.Call("POST", "/echo", {}, body);
        if (r && r->body == body) ++ok;
      }
      return ok;
    }));
  }
  for (auto& f : results) EXPECT_EQ(f.get(), 25);
}

TEST_F(HttpServerTest, StartFailsCleanly) {
  StartServer();
  HttpServerOptions same = FastOptions();
  same.port = server_->port();
  HttpServer clash(same);
  auto r = clash.Start();
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnavailable);

  HttpServerOptions bad = FastOptions();
  bad.host = "not an address";
  HttpServer worse(bad);
  auto r2 = worse.Start();
  ASSERT_THAT(r2, Not(IsOk()));
  EXPECT_EQ(r2.error().code(), base::ErrorCode::kInvalidArgument);
}

// ---- server-sent events ----

class SseTest : public HttpServerTest {
 protected:
  void AddRoutes(HttpServer& server) override {
    // Three events 20 ms apart after a priming event, then the end of the stream.
    server.Route("GET", "/events", [&server](Request) -> base::Task<Response> {
      auto writer = SseWriter::Create();
      writer->Event("", "", "0");
      asio::co_spawn(
          server.executor(),
          [writer]() -> base::Task<void> {
            for (int i = 1; i <= 3; ++i) {
              co_await Sleep(20ms);
              writer->Event("line one\nline two " + std::to_string(i), "message",
                            std::to_string(i));
            }
            writer->Close();
          },
          asio::detached);
      co_return Response::Stream(writer);
    });
    // A stream the test controls through `writer_`.
    server.Route("GET", "/held", [this](Request) -> base::Task<Response> {
      SseWriter::Options opts;
      opts.keepalive = keepalive_;
      opts.max_queued_bytes = max_queued_;
      auto writer = SseWriter::Create(opts);
      writer->OnFinished([this] { finished_.Set(); });
      {
        std::lock_guard<std::mutex> lock(mu_);
        writer_ = writer;
      }
      attached_.Set();
      Response r = Response::Stream(writer);
      r.headers.Set("Mcp-Session-Id", "abc");
      co_return r;
    });
    HttpServerTest::AddRoutes(server);
  }

  std::shared_ptr<SseWriter> writer() {
    std::lock_guard<std::mutex> lock(mu_);
    return writer_;
  }

  std::chrono::milliseconds keepalive_{15'000};
  size_t max_queued_ = 1 << 20;
  std::mutex mu_;
  std::shared_ptr<SseWriter> writer_;
  Latch attached_;
  Latch finished_;
};

TEST_F(SseTest, StreamsEventsThenEndsAndKeepsTheConnection) {
  StartServer();
  TestClient c(server_->port());
  ASSERT_TRUE(c.SendRaw("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  ASSERT_TRUE(c.ReadUntil("\r\n0\r\n\r\n", 3s)) << c.received();  // the last chunk
  const std::string& got = c.received();
  EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos) << got;
  EXPECT_NE(got.find("X-Accel-Buffering: no"), std::string::npos);
  EXPECT_NE(got.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(got.find("id: 0\ndata: \n\n"), std::string::npos);
  EXPECT_NE(got.find("id: 3\nevent: message\ndata: line one\ndata: line two 3\n\n"),
            std::string::npos)
      << got;
  EXPECT_LT(got.find("id: 1\n"), got.find("id: 2\n"));
  // The connection serves the next request.
  auto r = c.Call("GET", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(server_->stats().streams, 0u);
}

TEST_F(SseTest, KeepAliveCommentsWhileIdle) {
  keepalive_ = 50ms;
  StartServer();
  TestClient c(server_->port());
  ASSERT_TRUE(c.SendRaw("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  ASSERT_TRUE(c.ReadUntil(": keep-alive\n\n", 3s)) << c.received();
  EXPECT_NE(c.received().find("Mcp-Session-Id: abc"), std::string::npos);
  EXPECT_EQ(server_->stats().streams, 1u);
  writer()->Event("x");
  ASSERT_TRUE(c.ReadUntil("data: x\n\n", 3s));
  writer()->Close();
  EXPECT_TRUE(finished_.WaitFor(3s));
  EXPECT_FALSE(writer()->failed());
}

TEST_F(SseTest, ClientGoingAwayFinishesTheStream) {
  StartServer();
  {
    TestClient c(server_->port());
    ASSERT_TRUE(c.SendRaw("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    ASSERT_TRUE(c.ReadUntil("\r\n\r\n", 3s));
    ASSERT_TRUE(attached_.WaitFor(3s));
  }  // closes the socket
  EXPECT_TRUE(finished_.WaitFor(3s));
  EXPECT_TRUE(writer()->closed());
  EXPECT_TRUE(writer()->failed());
  EXPECT_FALSE(writer()->Event("late"));
}

TEST_F(SseTest, ClientThatStopsReadingIsCutOffAndOthersAreServed) {
  max_queued_ = 256 * 1024;
  HttpServerOptions o = FastOptions();
  o.write_timeout = 500ms;
  StartServer(o);
  TestClient stalled(server_->port());
  // A small receive buffer so the kernel cannot absorb everything.
  stalled.socket().set_option(asio::socket_base::receive_buffer_size(4096));
  ASSERT_TRUE(stalled.SendRaw("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  ASSERT_TRUE(attached_.WaitFor(3s));
  auto w = writer();
  std::string chunk(16 * 1024, 'z');
  int accepted = 0;
  auto begin = std::chrono::steady_clock::now();
  while (w->Event(chunk) && std::chrono::steady_clock::now() - begin < 10s) {
    ++accepted;
    if (accepted % 8 == 0) {
      // The server keeps answering others while the stalled stream backs up.
      TestClient other(server_->port());
      auto r = other.Call("GET", "/hello", {}, {}, 2s);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200);
    }
  }
  EXPECT_TRUE(w->closed());
  EXPECT_TRUE(finished_.WaitFor(5s));
  EXPECT_TRUE(w->failed());
  EXPECT_TRUE(WaitUntil([&] { return server_->stats().streams == 0; }));
  EXPECT_TRUE(stalled.WaitForClose(5s));
}

TEST_F(SseTest, AbortClosesTheConnection) {
  StartServer();
  TestClient c(server_->port());
  ASSERT_TRUE(c.SendRaw("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  ASSERT_TRUE(attached_.WaitFor(3s));
  writer()->Event("before");
  ASSERT_TRUE(c.ReadUntil("data: before", 3s));
  writer()->Abort();
  EXPECT_TRUE(c.WaitForClose(3s));
  EXPECT_TRUE(finished_.WaitFor(3s));
}

// ---- a stream started while the handler runs ----

class EarlyStreamTest : public HttpServerTest {
 protected:
  void AddRoutes(HttpServer& server) override {
    // Starts the stream, sends one event, waits until the test saw it, then sends the last.
    server.Route("GET", "/early", [this](Request req) -> base::Task<Response> {
      auto writer = SseWriter::Create();
      writer->Event("first");
      req.StartStream(Response::Stream(writer));
      auto executor = co_await asio::this_coro::executor;
      asio::steady_timer poll(executor);
      while (!client_saw_first_.load()) {
        poll.expires_after(5ms);
        co_await poll.async_wait(base::kNoThrow);
      }
      writer->Event("last");
      writer->Close();
      co_return Response::Stream(writer);
    });
    server.Route("GET", "/early-throw", [](Request req) -> base::Task<Response> {
      auto writer = SseWriter::Create();
      writer->Event("doomed");
      req.StartStream(Response::Stream(writer));
      co_await Sleep(20ms);
      throw std::runtime_error("handler failed after starting its stream");
    });
    // Keeps the request and calls StartStream after the handler has returned.
    server.Route("GET", "/late", [this](Request req) -> base::Task<Response> {
      std::lock_guard<std::mutex> lock(mu_);
      kept_ = std::make_unique<Request>(std::move(req));
      co_return Response::Text(200, "late");
    });
    HttpServerTest::AddRoutes(server);
  }
  std::atomic<bool> client_saw_first_{false};
  std::mutex mu_;
  std::unique_ptr<Request> kept_;
};

TEST_F(EarlyStreamTest, EventsFlowBeforeTheHandlerReturns) {
  StartServer();
  TestClient c(server_->port());
  ASSERT_TRUE(c.SendRaw("GET /early HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  // Only possible if the stream started while the handler was still waiting for us.
  ASSERT_TRUE(c.ReadUntil("data: first\n\n", 3s)) << c.received();
  client_saw_first_ = true;
  ASSERT_TRUE(c.ReadUntil("data: last\n\n", 3s));
  ASSERT_TRUE(c.ReadUntil("\r\n0\r\n\r\n", 3s));
  auto next = c.Call("GET", "/hello");  // the connection is reused
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");
}

TEST_F(EarlyStreamTest, HandlerThrowingAfterStartingAbortsTheStream) {
  StartServer();
  TestClient c(server_->port());
  ASSERT_TRUE(c.SendRaw("GET /early-throw HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  ASSERT_TRUE(c.ReadUntil("data: doomed", 3s));
  EXPECT_TRUE(c.WaitForClose(3s));
  EXPECT_EQ(c.received().find("500"), std::string::npos);
}

TEST_F(EarlyStreamTest, StartStreamAfterTheHandlerReturnedIsIgnored) {
  StartServer();
  TestClient c(server_->port());
  auto first = c.Call("GET", "/late");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "late");
  {
    std::lock_guard<std::mutex> lock(mu_);
    ASSERT_TRUE(kept_);
    kept_->StartStream(Response::Stream(SseWriter::Create()));
  }
  // The next request on the same connection gets its own answer.
  auto second = c.Call("GET", "/slow?ms=50");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "slow");
  EXPECT_EQ(second->Header("content-type"), "text/plain; charset=utf-8");
}

// ---- shutdown ----

TEST_F(SseTest, GracefulShutdownFinishesRunningHandlersAndClosesEverything) {
  StartServer();
  // An idle keep-alive connection.
  TestClient idle(server_->port());
  ASSERT_TRUE(idle.Call("GET", "/hello"));
  // An open stream.
  TestClient streaming(server_->port());
  ASSERT_TRUE(streaming.SendRaw("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  ASSERT_TRUE(attached_.WaitFor(3s));
  writer()->Event("queued before shutdown");
  // A request in flight.
  auto slow = std::async(std::launch::async, [port = server_->port()] {
    TestClient c(port);
    return c.Call("GET", "/slow?ms=300");
  });
  ASSERT_TRUE(WaitUntil([&] { return slow_entered_.load() == 1; }));
  auto begin = std::chrono::steady_clock::now();
  server_->Shutdown(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
  auto s = slow.get();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->Header("connection"), "close");
  EXPECT_TRUE(idle.WaitForClose(1s));
  EXPECT_TRUE(streaming.WaitForClose(1s));
  EXPECT_NE(streaming.received().find("data: queued before shutdown"), std::string::npos);
  EXPECT_NE(streaming.received().find("\r\n0\r\n\r\n"), std::string::npos);
  EXPECT_TRUE(finished_.WaitFor(1s));
  TestClient late(server_->port());
  EXPECT_FALSE(late.connected() && late.Call("GET", "/hello", {}, {}, 500ms).has_value());
}

TEST_F(HttpServerTest, ShutdownForcesHandlersPastTheGracePeriod) {
  StartServer();
  auto stuck = std::async(std::launch::async, [port = server_->port()] {
    TestClient c(port);
    return c.Call("GET", "/slow?ms=60000", {}, {}, 10s);
  });
  ASSERT_TRUE(WaitUntil([&] { return slow_entered_.load() == 1; }));
  auto begin = std::chrono::steady_clock::now();
  server_->Shutdown(200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
  EXPECT_FALSE(stuck.get().has_value());
}

// ---- router and helpers ----

TEST(RouterTest, PercentDecodingAndQueries) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("bad%zz%2"), "bad%zz%2");
  auto q = ParseQuery("a=1&b=x%20y&flag&&c=");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[1], (std::pair<std::string, std::string>{"b", "x y"}));
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"flag", ""}));
}

TEST(RouterTest, MatchingRules) {
  Router router;
  auto h = [](Request) -> base::Task<Response> { co_return Response::Empty(200); };
  router.Add("GET", "/a/{x}", h);
  router.Add("GET", "/a/b", h);
  router.Add("*", "/any", h);
  router.Add("GET", "/", h);
  EXPECT_EQ(router.Find("GET", "/a/b").route->pattern, "/a/b");
  auto m = router.Find("GET", "/a/zz");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params[0].second, "zz");
  EXPECT_EQ(router.Find("GET", "/a/").route, nullptr);
  EXPECT_EQ(router.Find("GET", "/a/b/c").route, nullptr);
  EXPECT_NE(router.Find("PATCH", "/any").route, nullptr);
  EXPECT_NE(router.Find("GET", "/").route, nullptr);
  auto wrong = router.Find("POST", "/a/b");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_EQ(wrong.allow, "GET");
}

TEST(HeadersTest, CaseInsensitive) {
  Headers h;
  h.Add("Content-Type", "a");
  h.Add("X-Many", "1");
  h.Add("x-many", "2");
  EXPECT_EQ(h.Get("content-type").value(), "a");
  EXPECT_EQ(h.GetAll("X-MANY").size(), 2u);
  h.Set("X-Many", "3");
  EXPECT_EQ(h.GetAll("x-many").size(), 1u);
  h.Remove("CONTENT-TYPE");
  EXPECT_FALSE(h.Has("content-type"));
  EXPECT_EQ(h.GetOr("missing", "fb"), "fb");
}

TEST(SseWriterTest, EncodesEventsAndBoundsTheQueue) {
  SseWriter::Options o;
  o.max_queued_bytes = 64;
  auto w = SseWriter::Create(o);
  EXPECT_TRUE(w->Event("a\r\nb", "e\nx", "1"));
  EXPECT_EQ(w->queued_bytes(), std::string("id: 1\nevent: ex\ndata: a\ndata: b\n\n").size());
  EXPECT_FALSE(w->Event(std::string(100, 'x')));  // over the bound: cut off
  EXPECT_TRUE(w->closed());
  EXPECT_TRUE(w->failed());
  EXPECT_FALSE(w->Comment("late"));
}

}  // namespace
}  // namespace herald::http

// ---- streamed request and response bodies ----

namespace herald::http {
namespace {

// A streaming route: answers the body's size, the largest piece and how it ended.
void AddStreamingRoutes(HttpServer& server, std::atomic<int>* last_outcome) {
  server.Route(
      "PUT", "/stream",
      [last_outcome](Request req) -> base::Task<Response> {
        size_t total = 0, largest = 0;
        std::string outcome = "complete";
        for (;;) {
          base::Result<std::string> piece = co_await req.body_reader->Read();
          if (!piece.ok()) {
            outcome = std::string(base::ErrorCodeName(piece.error().code()));
            break;
          }
          if (piece->empty()) break;
          total += piece->size();
          largest = std::max(largest, piece->size());
        }
        last_outcome->store(outcome == "complete" ? 1 : 2);
        co_return Response::Text(200, std::to_string(total) + " " + std::to_string(largest) +
                                          " " + outcome);
      },
      RouteOptions{.body_limit = 4u << 20, .stream_body = true, .stream_chunk = 8192});
}

// Serves `size` bytes of 'z' from a source, in pieces of 1000.
class CountingSource final : public BodyStream {
 public:
  explicit CountingSource(size_t size) : left_(size) {}
  base::Task<base::Result<std::string>> Read() override {
    size_t n = std::min<size_t>(left_, 1000);
    left_ -= n;
    co_return std::string(n, 'z');
  }

 private:
  size_t left_;
};

TEST(HttpServerStreamingTest, RequestBodyArrivesInBoundedPieces) {
  HttpServer server(FastOptions());
  std::atomic<int> outcome{0};
  AddStreamingRoutes(server, &outcome);
  ASSERT_THAT(server.Start(), IsOk());
  TestClient c(server.port());
  auto r = c.Call("PUT", "/stream", {}, std::string(1'000'000, 'b'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "1000000 8192 complete");
  // Chunked, on the same kept-alive connection.
  ASSERT_TRUE(c.SendRaw("PUT /stream HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto chunked = c.ReadReply();
  ASSERT_TRUE(chunked);
  // The two chunks come as two pieces, or as one when both arrived in the same read.
  EXPECT_TRUE(chunked->body == "11 6 complete" || chunked->body == "11 11 complete")
      << chunked->body;
  // Announced over the limit: 413 before the handler runs.
  TestClient d(server.port());
  ASSERT_TRUE(d.SendRaw("PUT /stream HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999\r\n\r\n"));
  auto big = d.ReadReply();
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  server.Shutdown(1s);
}

TEST(HttpServerStreamingTest, DroppedClientEndsTheStreamWithAnError) {
  HttpServer server(FastOptions());
  std::atomic<int> outcome{0};
  AddStreamingRoutes(server, &outcome);
  ASSERT_THAT(server.Start(), IsOk());
  {
    TestClient c(server.port());
    ASSERT_TRUE(c.SendRaw("PUT /stream HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n" +
                          std::string(5000, 'x')));
    c.Close();
  }
  // The handler's reader fails (its answer goes nowhere); the server still serves.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (outcome.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(outcome.load(), 2);
  TestClient c(server.port());
  auto r = c.Call("PUT", "/stream", {}, "abc");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "3 3 complete");
  server.Shutdown(1s);
}

TEST(HttpServerStreamingTest, ResponseBodyFromASource) {
  HttpServer server(FastOptions());
  server.Route("GET", "/source", [](Request) -> base::Task<Response> {
    Response r;
    r.headers.Set("Content-Type", "application/octet-stream");
    r.content_length = 25'500;
    r.body_stream = std::make_shared<CountingSource>(25'500);
    co_return r;
  });
  server.Route("GET", "/short", [](Request) -> base::Task<Response> {
    Response r;
    r.content_length = 5000;
    r.body_stream = std::make_shared<CountingSource>(2000);  // ends early
    co_return r;
  });
  ASSERT_THAT(server.Start(), IsOk());
  TestClient c(server.port());
  auto r = c.Call("GET", "/source");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, std::string(25'500, 'z'));
  auto again = c.Call("GET", "/source");  // kept alive
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  TestClient d(server.port());
  auto cut = d.Call("GET", "/short", {}, {}, 2s);
  EXPECT_FALSE(cut);  // a short body and a closed connection
  server.Shutdown(1s);
}

}  // namespace
}  // namespace herald::http
