// Nobody who can connect may shut everyone else out (issue 9, item 2), with the production
// defaults: thousands of idle connections without a key, or one key's thousand MCP sessions
// or legacy SSE streams, must not deny service to another client or another organization.
// These tests hold thousands of loopback connections (both ends in this process).
#include <gtest/gtest.h>

#include <cstdio>

#include "http/http_server.h"
#include "tests/http/raw_conn.h"
#include "tests/support/result_matchers.h"
#include "tests/transport/mcp_test_fixture.h"

namespace herald::transport::testing {
namespace {

using ::herald::matchers::IsOk;

using herald::testing::MedianMs;
using herald::testing::OpenIdleConnections;
using herald::testing::RaiseTestFileLimit;
using herald::testing::RawConn;
using Clock = std::chrono::steady_clock;

constexpr size_t kFlood = 2000;

void Report(const char* what, const std::vector<Clock::duration>& took) {
  std::printf("[ measure  ] %s: median %.2f ms over %zu requests\n", what, MedianMs(took),
              took.size());
}

// ---- the listener ----

TEST(ListenerFloodTest, TwoThousandIdleConnectionsDoNotShutOutANewClient) {
  ASSERT_GE(RaiseTestFileLimit(), 2 * kFlood + 256);
  http::HttpServerOptions options;  // the production defaults (1,024 connections, 10 s header)
  http::HttpServer server(options);
  server.Route("GET", "/hello", [](http::Request) -> base::Task<http::Response> {
    co_return http::Response::Text(200, "hello");
  });
  ASSERT_THAT(server.Start(), IsOk());

  // Two rounds: the attacker reopens as many again (closed or not) and is still not in the way.
  std::vector<RawConn> flood;
  std::vector<Clock::duration> took;
  for (int round = 0; round < 2; ++round) {
    auto more = OpenIdleConnections(server.port(), kFlood);
    ASSERT_EQ(more.size(), kFlood);
    for (auto& c : more) flood.push_back(std::move(c));
    for (int i = 0; i < 5; ++i) {
      auto begin = Clock::now();
      TestClient c(server.port());
      auto r = c.Call("GET", "/hello", {}, {}, 3s);  // bounded wait on the answer
      ASSERT_TRUE(r) << "round " << round << " request " << i << " was not answered";
      EXPECT_EQ(r->status, 200);
      // The first request of a round also waits for the server to take in the flood.
      if (i > 0) took.push_back(Clock::now() - begin);
    }
  }
  Report("GET /hello under 2,000 idle connections", took);
  server.Shutdown(0ms);
}

class FloodTest : public McpHttpTest {
 protected:
  void SetUp() override {
    McpHttpTest::SetUp();
    ASSERT_GE(RaiseTestFileLimit(), 2 * kFlood + 256);
    // As in production (HttpServerOptions defaults).
    options().server.header_timeout = 10s;
    options().server.idle_timeout = 60s;
  }

  std::string InitializeBody() const {
    return Request(1, "initialize", {{"protocolVersion", "2025-11-25"},
                                     {"capabilities", Json::object()},
                                     {"clientInfo", {{"name", "flood"}, {"version", "1"}}}})
        .dump();
  }

  // Opens a legacy SSE stream with `key`; returns its session id ("" on failure) and keeps the
  // connection in `streams`.
  std::string OpenSse(const std::string& key, std::vector<RawConn>& streams) {
    RawConn c(port_);
    if (!c.ok() || !c.Send("GET /sse HTTP/1.1\r\nHost: " + host_ +
                           "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + key +
                           "\r\n\r\n")) {
      return {};
    }
    if (!c.ReadUntil("sessionId=", 5s) || !c.ReadUntil("\n\n", 5s)) {
      ADD_FAILURE() << "no endpoint event: " << c.received().substr(0, 300);
      return {};
    }
    size_t at = c.received().find("sessionId=") + 10;
    std::string id = c.received().substr(at, c.received().find('\n', at) - at);
    streams.push_back(std::move(c));
    return id;
  }

  std::optional<herald::testing::Reply> PostMessage(const std::string& key, const std::string& id,
                                                    const Json& msg) {
    TestClient c(port_);
    return c.Call("POST", "/messages?sessionId=" + id,
                  {{"Host", host_}, {"Content-Type", "application/json"},
                   {"Authorization", "Bearer " + key}},
                  msg.dump());
  }
};

TEST_F(FloodTest, TwoThousandIdleConnectionsWithoutAKeyDoNotDenyAKeyedClient) {
  Start();
  auto flood = OpenIdleConnections(port_, kFlood);
  ASSERT_EQ(flood.size(), kFlood);
  std::vector<Clock::duration> took;
  std::string session;
  for (int i = 0; i < 6; ++i) {
    auto begin = Clock::now();
    TestClient c(port_);
    auto r = c.Call("POST", "/mcp", McpHeaders(kKeyB), InitializeBody(), 3s);
    ASSERT_TRUE(r) << "initialize " << i << " was not answered";
    ASSERT_EQ(r->status, 200) << r->body;
    if (i > 0) took.push_back(Clock::now() - begin);  // the first also waits for the flood
    session = r->Header("mcp-session-id");
  }
  Report("initialize with a key under 2,000 idle connections", took);
  auto call = Post(kKeyB, session,
                   Request(2, "tools/call", {{"name", "whoami"}, {"arguments", Json::object()}}));
  ASSERT_TRUE(call);
  EXPECT_EQ(call->status, 200) << call->body;
}

// ---- MCP sessions ----

TEST_F(FloodTest, OneKeysThousandSessionsDoNotDenyAnotherOrganization) {
  Start();
  std::vector<std::string> a;
  for (int i = 0; i < 1000; ++i) {
    TestClient c(port_);
    auto r = c.Call("POST", "/mcp", McpHeaders(kKeyA), InitializeBody());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << "initialize " << i << ": " << r->body;
    a.push_back(r->Header("mcp-session-id"));
  }
  // Another organization still gets sessions, and they work.
  std::string b = Initialize(kKeyB);
  ASSERT_FALSE(b.empty());
  auto call = Post(kKeyB, b, Request(2, "tools/call", {{"name", "whoami"}, {"arguments", Json::object()}}));
  ASSERT_TRUE(call);
  EXPECT_EQ(call->status, 200) << call->body;
  // Another key of the same organization too.
  EXPECT_FALSE(Initialize(kKeyA2).empty());
  // The first key still works: its newest sessions live, its oldest idle ones made room.
  EXPECT_FALSE(Initialize(kKeyA).empty());
  auto newest = Post(kKeyA, a.back(), Request(3, "ping"));
  ASSERT_TRUE(newest);
  EXPECT_EQ(newest->status, 200);
  auto oldest = Post(kKeyA, a.front(), Request(4, "ping"));
  ASSERT_TRUE(oldest);
  EXPECT_EQ(oldest->status, 404);
}

TEST_F(FloodTest, OneKeysThousandLegacyStreamsDoNotDenyAnotherOrganization) {
  Start();
  std::vector<RawConn> streams;
  std::vector<std::string> a;
  for (int i = 0; i < 1000; ++i) {
    std::string id = OpenSse(kKeyA, streams);
    ASSERT_FALSE(id.empty()) << "stream " << i;
    a.push_back(id);
  }
  // Another organization still opens streams, and they work.
  std::string b = OpenSse(kKeyB, streams);
  ASSERT_FALSE(b.empty());
  auto ping = PostMessage(kKeyB, b, Request(1, "ping"));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->status, 202);
  ASSERT_TRUE(streams.back().ReadUntil("\"id\":1", 3s)) << streams.back().received();
  // The first key still works: a new stream, and its newest streams live; its oldest ones
  // were ended to make room.
  EXPECT_FALSE(OpenSse(kKeyA, streams).empty());
  auto newest = PostMessage(kKeyA, a.back(), Request(2, "ping"));
  ASSERT_TRUE(newest);
  EXPECT_EQ(newest->status, 202);
  auto oldest = PostMessage(kKeyA, a.front(), Request(3, "ping"));
  ASSERT_TRUE(oldest);
  EXPECT_EQ(oldest->status, 404);
  // The oldest stream was ended (the chunked stream's last chunk).
  EXPECT_TRUE(streams.front().ReadUntil("\r\n0\r\n\r\n", 3s));
}

}  // namespace
}  // namespace herald::transport::testing
