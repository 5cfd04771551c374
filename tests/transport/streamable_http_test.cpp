// Streamable HTTP (/mcp), legacy HTTP+SSE (/sse, /messages) and the guard (Host, Origin, API
// key), over real loopback sockets against an HttpFrontend with test tools.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "tests/transport/mcp_test_fixture.h"
#include "transport/auth/origin_policy.h"
#include "transport/auth/resource_metadata.h"
#include "transport/mcp_http/event_stream.h"
#include "transport/mcp_http/streamable_http.h"

namespace herald::transport::testing {
namespace {

TEST_F(McpHttpTest, InitializeMintsARandomSessionId) {
  Start();
  std::string a = Initialize();
  std::string b = Initialize();
  EXPECT_GE(a.size(), 32u);
  EXPECT_NE(a, b);
  for (char c : a) EXPECT_TRUE(c >= 0x21 && c <= 0x7E);
  EXPECT_EQ(frontend_->streamable().session_count(), 2u);
}

TEST_F(McpHttpTest, ToolsListAndCallAnswerWithJson) {
  Start();
  std::string s = Initialize();
  auto list = Post(kKeyA, s, Request(2, "tools/list"));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_EQ(list->Header("content-type"), "application/json");
  auto tools = Json::parse(list->body)["result"]["tools"];
  EXPECT_GE(tools.size(), 5u);

  auto call = Post(kKeyA, s, Request(3, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "hi"}}}}));
  ASSERT_TRUE(call);
  EXPECT_EQ(call->status, 200) << call->body;
  auto result = Json::parse(call->body);
  EXPECT_EQ(result["id"], 3);
  EXPECT_EQ(result["result"]["structuredContent"]["text"], "hi");
}

TEST_F(McpHttpTest, ProgressSwitchesTheAnswerToAStream) {
  Start();
  std::string s = Initialize();
  Json call = Request(4, "tools/call", {{"name", "progress"}, {"arguments", Json::object()},
                                        {"_meta", {{"progressToken", "tok"}}}});
  auto r = Post(kKeyA, s, call);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-type"), "text/event-stream");
  EXPECT_EQ(r->Header("x-accel-buffering"), "no");
  // The priming event (an id, empty data) comes first.
  EXPECT_TRUE(r->body.starts_with("id: p1:0\ndata: \n\n")) << r->body;
  auto messages = SseMessages(r->body);
  ASSERT_EQ(messages.size(), 4u) << r->body;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(messages[i]["method"], "notifications/progress");
    EXPECT_EQ(messages[i]["params"]["progressToken"], "tok");
    EXPECT_EQ(messages[i]["params"]["progress"], i * 50);
  }
  EXPECT_EQ(messages[3]["id"], 4);
  EXPECT_EQ(messages[3]["result"]["structuredContent"]["done"], true);
  EXPECT_NE(r->body.find("id: p1:4\nevent: message\n"), std::string::npos);
}

TEST_F(McpHttpTest, ElicitationRoundTripOnThePostStream) {
  Start();
  std::string s = Initialize(kKeyA, {{"elicitation", Json::object()}});
  TestClient c(port_);
  std::string body = Request(5, "tools/call", {{"name", "ask"}, {"arguments", Json::object()}}).dump();
  std::string raw = "POST /mcp HTTP/1.1\r\nHost: " + host_ +
                    "\r\nContent-Type: application/json\r\nAccept: application/json, "
                    "text/event-stream\r\nAuthorization: Bearer " +
                    kKeyA + "\r\nMcp-Session-Id: " + s +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  ASSERT_TRUE(c.SendRaw(raw));
  ASSERT_TRUE(c.ReadUntil("elicitation/create", 5s)) << c.received();
  auto messages = SseMessages(c.received());
  ASSERT_FALSE(messages.empty());
  Json request = messages.back();
  ASSERT_EQ(request["method"], "elicitation/create");
  Json answer = {{"jsonrpc", "2.0"}, {"id", request["id"]},
                 {"result", {{"action", "accept"}, {"content", {{"name", "Ada"}}}}}};
  auto accepted = Post(kKeyA, s, answer);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202);
  ASSERT_TRUE(c.ReadUntil("\r\n0\r\n\r\n", 5s)) << c.received();
  messages = SseMessages(c.received());
  EXPECT_EQ(messages.back()["id"], 5);
  EXPECT_EQ(messages.back()["result"]["structuredContent"]["answer"]["content"]["name"], "Ada");
}

TEST_F(McpHttpTest, CancelledRequestGetsNoResponse) {
  Start();
  std::string s = Initialize();
  auto slow = std::async(std::launch::async, [&] {
    return Post(kKeyA, s, Request(6, "tools/call", {{"name", "slow"}, {"arguments", Json::object()}}));
  });
  // Cancel until the dispatcher has seen the request (the notification is ignored before).
  bool answered = false;
  for (int i = 0; i < 200 && !answered; ++i) {
    auto n = Post(kKeyA, s, {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"},
                            {"params", {{"requestId", 6}, {"reason", "test"}}}});
    ASSERT_TRUE(n);
    EXPECT_EQ(n->status, 202);
    answered = slow.wait_for(20ms) == std::future_status::ready;
  }
  ASSERT_TRUE(answered);
  auto r = slow.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_TRUE(r->body.empty());
}

TEST_F(McpHttpTest, SessionHeaderRules) {
  Start();
  std::string s = Initialize(kKeyA);
  Json ping = Request(7, "ping");
  TestClient c(port_);
  auto missing = c.Call("POST", "/mcp", McpHeaders(kKeyA), ping.dump());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  auto unknown = Post(kKeyA, "nope", ping);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  // Another key, same organization or another one: the session does not exist for it.
  auto other_key = Post(kKeyA2, s, ping);
  ASSERT_TRUE(other_key);
  EXPECT_EQ(other_key->status, 404);
  auto other_org = Post(kKeyB, s, ping);
  ASSERT_TRUE(other_org);
  EXPECT_EQ(other_org->status, 404);
  auto mine = Post(kKeyA, s, ping);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, 200);
}

TEST_F(McpHttpTest, ProtocolVersionHeader) {
  Start();
  std::string s = Initialize();
  TestClient c(port_);
  auto headers = McpHeaders(kKeyA, s);
  headers.back().second = "1999-01-01";
  auto bad = c.Call("POST", "/mcp", headers, Request(8, "ping").dump());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("Unsupported protocol version"), std::string::npos);
  headers.pop_back();  // absent: 2025-03-26 is assumed
  auto ok = c.Call("POST", "/mcp", headers, Request(9, "ping").dump());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(McpHttpTest, AcceptIsCheckedLeniently) {
  Start();
  std::string s = Initialize();
  for (auto [accept, status] : std::vector<std::pair<std::string, int>>{
           {"*/*", 200}, {"application/json", 200}, {"text/event-stream", 200},
           {"application/*", 200}, {"text/html", 406}, {"application/json;q=0, text/plain", 406}}) {
    TestClient c(port_);
    auto h = McpHeaders(kKeyA, s);
    h[2].second = accept;
    auto r = c.Call("POST", "/mcp", h, Request(10, "ping").dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << accept;
  }
  TestClient c(port_);
  auto h = McpHeaders(kKeyA, s);
  h.erase(h.begin() + 2);  // no Accept at all (curl without -H Accept)
  auto r = c.Call("POST", "/mcp", h, Request(11, "ping").dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(McpHttpTest, MalformedMessagesAre400AndNeverCrash) {
  Start();
  std::string s = Initialize();
  struct Case {
    std::string body;
    int status;
    int code;
  };
  std::vector<Case> cases = {
      {"{not json", 400, mcp::kParseError},
      {std::string(200, '[') + std::string(200, ']'), 400, mcp::kParseError},
      {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":[1,2]})", 400,
       mcp::kInvalidRequest},
      {R"({"jsonrpc":"1.0","id":1,"method":"ping"})", 400, mcp::kInvalidRequest},
      {R"({"jsonrpc":"2.0","id":null,"method":"ping"})", 400, mcp::kInvalidRequest},
      {R"("just a string")", 400, mcp::kInvalidRequest},
  };
  for (const auto& c : cases) {
    TestClient client(port_);
    auto r = client.Call("POST", "/mcp", McpHeaders(kKeyA, s), c.body);
    ASSERT_TRUE(r) << c.body;
    EXPECT_EQ(r->status, c.status) << c.body;
    auto j = Json::parse(r->body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r->body;
    EXPECT_EQ(j["error"]["code"], c.code) << c.body << " -> " << r->body;
  }
  // Wrong argument types are a tool error the model can read.
  auto wrong = Post(kKeyA, s, Request(12, "tools/call", {{"name", "echo"}, {"arguments", {{"text", 7}}}}));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 200);
  auto result = Json::parse(wrong->body)["result"];
  EXPECT_EQ(result["isError"], true);
  EXPECT_NE(result["content"][0]["text"].get<std::string>().find("text"), std::string::npos);
  // Wrong content type.
  TestClient c(port_);
  auto h = McpHeaders(kKeyA, s);
  h[1].second = "text/plain";
  auto r = c.Call("POST", "/mcp", h, Request(13, "ping").dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  // Still serving.
  auto ping = Post(kKeyA, s, Request(14, "ping"));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->status, 200);
}

TEST_F(McpHttpTest, HugeBodyIsRefusedWithoutReadingIt) {
  Start();
  TestClient c(port_);
  ASSERT_TRUE(c.SendRaw("POST /mcp HTTP/1.1\r\nHost: " + host_ +
                        "\r\nContent-Type: application/json\r\nAuthorization: Bearer " + kKeyA +
                        "\r\nContent-Length: 104857600\r\n\r\n{\"jsonrpc\":"));
  auto r = c.ReadReply(3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(McpHttpTest, DeleteEndsTheSession) {
  Start();
  std::string s = Initialize();
  TestClient c(port_);
  auto del = c.Call("DELETE", "/mcp", McpHeaders(kKeyA, s));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200);
  auto after = Post(kKeyA, s, Request(15, "ping"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 404);
  EXPECT_EQ(frontend_->streamable().session_count(), 0u);
}

TEST_F(McpHttpTest, GetStreamCarriesServerMessagesAndResumes) {
  options().streamable.sse.keepalive = 50ms;
  ASSERT_TRUE(dispatcher_.resources()
                  .Add({"test://watched", "watched", "", "a resource", "text/plain"},
                       [](std::string uri, base::Caller) -> base::Task<base::Result<Json>> {
                         co_return Json{{"contents", Json::array({{{"uri", uri}, {"text", "x"}}})}};
                       })
                  .ok());
  Start();
  std::string s = Initialize();
  auto sub = Post(kKeyA, s, Request(16, "resources/subscribe", {{"uri", "test://watched"}}));
  ASSERT_TRUE(sub);
  ASSERT_EQ(sub->status, 200) << sub->body;

  std::string get = "GET /mcp HTTP/1.1\r\nHost: " + host_ +
                    "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + kKeyA +
                    "\r\nMcp-Session-Id: " + s + "\r\nMCP-Protocol-Version: 2025-11-25\r\n";
  {
    TestClient stream(port_);
    ASSERT_TRUE(stream.SendRaw(get + "\r\n"));
    ASSERT_TRUE(stream.ReadUntil("id: g:0\ndata: \n\n", 3s)) << stream.received();
    ASSERT_TRUE(stream.ReadUntil(": keep-alive", 3s));
    dispatcher_.NotifyResourceUpdated("test://watched");
    ASSERT_TRUE(stream.ReadUntil("id: g:1\nevent: message\n", 3s)) << stream.received();
    EXPECT_NE(stream.received().find("notifications/resources/updated"), std::string::npos);
  }  // the client goes away
  // Sent while no stream is open: kept for a resume.
  dispatcher_.NotifyResourceUpdated("test://watched");
  TestClient resumed(port_);
  ASSERT_TRUE(resumed.SendRaw(get + "Last-Event-ID: g:1\r\n\r\n"));
  ASSERT_TRUE(resumed.ReadUntil("id: g:2\nevent: message\n", 3s)) << resumed.received();
  EXPECT_EQ(resumed.received().find("id: g:1\n"), std::string::npos);
  // Re-opening replaces the stream: the previous one is ended (its last chunk).
  TestClient again(port_);
  ASSERT_TRUE(again.SendRaw(get + "\r\n"));
  ASSERT_TRUE(again.ReadUntil("id: g:2\ndata: \n\n", 3s)) << again.received();
  EXPECT_TRUE(resumed.ReadUntil("\r\n0\r\n\r\n", 3s)) << resumed.received();
}

TEST_F(McpHttpTest, PostStreamCanBeResumedWithLastEventId) {
  Start();
  std::string s = Initialize();
  // The progress tool's answer is a stream "p1"; read it to the end, then ask for what came
  // after its second event again.
  auto r = Post(kKeyA, s, Request(17, "tools/call", {{"name", "progress"}, {"arguments", Json::object()},
                                                     {"_meta", {{"progressToken", 1}}}}));
  ASSERT_TRUE(r);
  ASSERT_NE(r->body.find("id: p1:2\n"), std::string::npos) << r->body;
  TestClient c(port_);
  ASSERT_TRUE(c.SendRaw("GET /mcp HTTP/1.1\r\nHost: " + host_ +
                        "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + kKeyA +
                        "\r\nMcp-Session-Id: " + s + "\r\nLast-Event-ID: p1:2\r\n\r\n"));
  ASSERT_TRUE(c.ReadUntil("\r\n0\r\n\r\n", 3s)) << c.received();
  EXPECT_EQ(c.received().find("id: p1:2\n"), std::string::npos);
  EXPECT_NE(c.received().find("id: p1:3\n"), std::string::npos);
  auto messages = SseMessages(c.received());
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.back()["id"], 17);
}

TEST_F(McpHttpTest, StatelessModeServesEachRequestAlone) {
  options().streamable.stateless = true;
  Start();
  TestClient c(port_);
  auto init = c.Call("POST", "/mcp", McpHeaders(kKeyA),
                     Request(1, "initialize", {{"protocolVersion", "2025-06-18"},
                                               {"capabilities", Json::object()},
                                               {"clientInfo", {{"name", "t"}, {"version", "1"}}}})
                         .dump());
  ASSERT_TRUE(init);
  EXPECT_EQ(init->status, 200);
  EXPECT_EQ(init->Header("mcp-session-id"), "");
  auto call = c.Call("POST", "/mcp", McpHeaders(kKeyA),
                     Request(2, "tools/call", {{"name", "whoami"}, {"arguments", Json::object()}}).dump());
  ASSERT_TRUE(call);
  EXPECT_EQ(call->status, 200) << call->body;
  EXPECT_EQ(Json::parse(call->body)["result"]["structuredContent"]["org"], "org_a");
  auto get = c.Call("GET", "/mcp", McpHeaders(kKeyA));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(frontend_->streamable().session_count(), 0u);
}

TEST_F(McpHttpTest, SessionLimitAndIdleExpiry) {
  options().streamable.limits.max_sessions = 2;
  options().streamable.session_idle_timeout = 10min;
  Start();
  std::string a = Initialize();
  std::string b = Initialize();
  // `b` stays in use; `a` idles past the timeout and is expired.
  clock_.Advance(std::chrono::minutes(6));
  ASSERT_TRUE(Post(kKeyA, b, Request(2, "ping")));
  clock_.Advance(std::chrono::minutes(6));
  EXPECT_EQ(frontend_->streamable().ExpireIdle(), 1u);
  auto gone = Post(kKeyA, a, Request(3, "ping"));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  auto alive = Post(kKeyA, b, Request(4, "ping"));
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
  EXPECT_FALSE(Initialize().empty());  // a slot is free again
}

// Opens the GET stream of `session` (which makes the session busy: it is never evicted).
std::unique_ptr<TestClient> OpenGetStream(uint16_t port, const std::string& host,
                                          const std::string& key, const std::string& session) {
  auto c = std::make_unique<TestClient>(port);
  EXPECT_TRUE(c->SendRaw("GET /mcp HTTP/1.1\r\nHost: " + host +
                         "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + key +
                         "\r\nMcp-Session-Id: " + session + "\r\n\r\n"));
  EXPECT_TRUE(c->ReadUntil("id: g:0", 3s)) << c->received();
  return c;
}

std::optional<Reply> InitializeRaw(uint16_t port, const TestClient::Headers& headers) {
  TestClient c(port);
  return c.Call("POST", "/mcp", headers,
                Json{{"jsonrpc", "2.0"},
                     {"id", 1},
                     {"method", "initialize"},
                     {"params",
                      {{"protocolVersion", "2025-11-25"},
                       {"capabilities", Json::object()},
                       {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}}
                    .dump());
}

TEST_F(McpHttpTest, FullTableEvictsTheLeastRecentlyUsedIdleSessionElse503) {
  options().streamable.limits.max_sessions = 2;
  Start();
  std::string a = Initialize(kKeyA);
  clock_.Advance(1s);
  std::string b = Initialize(kKeyB);
  clock_.Advance(1s);
  ASSERT_EQ(Post(kKeyA, a, Request(2, "ping"))->status, 200);  // `b` is now the older
  clock_.Advance(1s);
  std::string c = Initialize(kKeyA2);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(Post(kKeyB, b, Request(3, "ping"))->status, 404);
  EXPECT_EQ(Post(kKeyA, a, Request(4, "ping"))->status, 200);
  // Nothing idle to evict: 503.
  auto sa = OpenGetStream(port_, host_, kKeyA, a);
  auto sc = OpenGetStream(port_, host_, kKeyA2, c);
  auto refused = InitializeRaw(port_, McpHeaders(kKeyB));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_FALSE(refused->Header("retry-after").empty());
}

TEST_F(McpHttpTest, KeyAtItsCapEvictsItsOwnIdleSessionsElse429AndOthersAreUnaffected) {
  options().streamable.limits = {.max_sessions = 100, .max_per_key = 2, .max_per_org = 100};
  Start();
  std::string b = Initialize(kKeyB);
  std::vector<std::string> a;
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(1s);
    a.push_back(Initialize(kKeyA));
    ASSERT_FALSE(a.back().empty());
  }
  EXPECT_EQ(frontend_->streamable().sessions().CountForKey({"org_a", "key_a"}), 2u);
  EXPECT_EQ(Post(kKeyA, a[0], Request(2, "ping"))->status, 404);  // its least recently used
  EXPECT_EQ(Post(kKeyA, a[1], Request(3, "ping"))->status, 200);
  EXPECT_EQ(Post(kKeyA, a[2], Request(4, "ping"))->status, 200);
  EXPECT_EQ(Post(kKeyB, b, Request(5, "ping"))->status, 200);  // another key: untouched
  // Both of its sessions busy: that key gets 429, the others still get sessions.
  auto s1 = OpenGetStream(port_, host_, kKeyA, a[1]);
  auto s2 = OpenGetStream(port_, host_, kKeyA, a[2]);
  auto refused = InitializeRaw(port_, McpHeaders(kKeyA));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429) << refused->body;
  EXPECT_NE(refused->body.find("API key"), std::string::npos) << refused->body;
  EXPECT_FALSE(Initialize(kKeyB).empty());
  EXPECT_FALSE(Initialize(kKeyA2).empty());
}

TEST_F(McpHttpTest, OrganizationAtItsCapTakesFromItsBusiestKey) {
  options().streamable.limits = {.max_sessions = 100, .max_per_key = 10, .max_per_org = 3};
  Start();
  std::string a1 = Initialize(kKeyA);
  clock_.Advance(1s);
  std::string a2 = Initialize(kKeyA);
  clock_.Advance(1s);
  std::string x1 = Initialize(kKeyA2);
  clock_.Advance(1s);
  std::string b = Initialize(kKeyB);  // another organization: its own cap
  clock_.Advance(1s);
  std::string x2 = Initialize(kKeyA2);  // org_a is full: key_a (2 sessions) gives up a1
  ASSERT_FALSE(x2.empty());
  EXPECT_EQ(Post(kKeyA, a1, Request(2, "ping"))->status, 404);
  EXPECT_EQ(Post(kKeyA, a2, Request(3, "ping"))->status, 200);
  EXPECT_EQ(Post(kKeyA2, x1, Request(4, "ping"))->status, 200);
  EXPECT_EQ(Post(kKeyB, b, Request(5, "ping"))->status, 200);
  EXPECT_EQ(frontend_->streamable().sessions().CountForOrg("org_a"), 3u);
}

TEST_F(McpHttpTest, SlowlorisOnMcpIsCutOffWhileOthersAreServed) {
  options().server.header_timeout = 300ms;
  Start();
  std::string s = Initialize();
  TestClient slow(port_);
  std::string head = "POST /mcp HTTP/1.1\r\nHost: " + host_ + "\r\nX-Padding: " + std::string(200, 'a');
  bool cut = false;
  auto begin = std::chrono::steady_clock::now();
  for (size_t i = 0; i < head.size() && !cut; ++i) {
    cut = !slow.SendRaw(head.substr(i, 1), 1s) || slow.WaitForClose(20ms);
    if (i == 5) {
      auto ping = Post(kKeyA, s, Request(1, "ping"));
      ASSERT_TRUE(ping);
      EXPECT_EQ(ping->status, 200);
    }
  }
  EXPECT_TRUE(cut);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
}

TEST_F(McpHttpTest, StalledGetStreamIsCutOffAndOthersAreServed) {
  options().streamable.sse.max_queued_bytes = 64 * 1024;
  options().server.write_timeout = 300ms;
  ASSERT_TRUE(dispatcher_.resources()
                  .Add({"test://busy", "busy", "", "a resource", "text/plain"},
                       [](std::string uri, base::Caller) -> base::Task<base::Result<Json>> {
                         co_return Json{{"contents", Json::array({{{"uri", uri}, {"text", "x"}}})}};
                       })
                  .ok());
  Start();
  std::string s = Initialize();
  ASSERT_EQ(Post(kKeyA, s, Request(1, "resources/subscribe", {{"uri", "test://busy"}}))->status, 200);
  TestClient stalled(port_);
  stalled.socket().set_option(boost::asio::socket_base::receive_buffer_size(4096));
  ASSERT_TRUE(stalled.SendRaw("GET /mcp HTTP/1.1\r\nHost: " + host_ +
                              "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + kKeyA +
                              "\r\nMcp-Session-Id: " + s + "\r\n\r\n"));
  ASSERT_TRUE(stalled.ReadUntil("id: g:0", 3s));
  // The client never reads again; the server keeps producing.
  bool cut = false;
  auto begin = std::chrono::steady_clock::now();
  for (int i = 0; !cut && std::chrono::steady_clock::now() - begin < 20s; ++i) {
    for (int k = 0; k < 200; ++k) dispatcher_.NotifyResourceUpdated("test://busy");
    if (i % 10 == 0) {
      auto ping = Post(kKeyA, s, Request(2, "ping"));
      ASSERT_TRUE(ping);
      EXPECT_EQ(ping->status, 200);
    }
    cut = frontend_->server().stats().streams == 0;
  }
  EXPECT_TRUE(cut);
  EXPECT_TRUE(stalled.WaitForClose(5s));
  // The session survives; a new GET stream works.
  TestClient again(port_);
  ASSERT_TRUE(again.SendRaw("GET /mcp HTTP/1.1\r\nHost: " + host_ +
                            "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + kKeyA +
                            "\r\nMcp-Session-Id: " + s + "\r\n\r\n"));
  EXPECT_TRUE(again.ReadUntil("data: \n\n", 3s));
}

// ---- the guard ----

TEST_F(McpHttpTest, MissingOrBadKeyIs401WithChallenge) {
  Start();
  for (std::string key : {"", "wrong"}) {
    TestClient c(port_);
    auto r = c.Call("POST", "/mcp", McpHeaders(key), Request(1, "ping").dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->Header("www-authenticate"),
              "Bearer resource_metadata=\"http://" + host_ + "/.well-known/oauth-protected-resource\"");
  }
  TestClient c(port_);
  auto rest = c.Call("GET", "/api/v1/posts", {{"Host", host_}});
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->status, 401);
  EXPECT_EQ(Json::parse(rest->body)["error"]["code"], "unauthenticated");
}

TEST_F(McpHttpTest, RevokedKeyStopsWorking) {
  Start();
  std::string s = Initialize(kKeyA2);
  ASSERT_EQ(Post(kKeyA2, s, Request(1, "ping"))->status, 200);
  auth_.Revoke(kKeyA2);
  auto r = Post(kKeyA2, s, Request(2, "ping"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(McpHttpTest, ProtectedResourceMetadataIsPublic) {
  options().public_url = "https://herald.example.com/";
  options().server.host = "127.0.0.1";
  Start();
  for (std::string path : {"/.well-known/oauth-protected-resource",
                           "/.well-known/oauth-protected-resource/mcp"}) {
    TestClient c(port_);
    auto r = c.Call("GET", path, {{"Host", host_}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    auto j = Json::parse(r->body);
    EXPECT_EQ(j["resource"], "https://herald.example.com/mcp");
    EXPECT_EQ(j["bearer_methods_supported"][0], "header");
  }
  TestClient c(port_);
  auto r = c.Call("POST", "/mcp", McpHeaders(""), Request(1, "ping").dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("www-authenticate"),
            "Bearer resource_metadata=\"https://herald.example.com/.well-known/oauth-protected-resource\"");
}

TEST_F(McpHttpTest, DnsRebindingAndForeignOriginsAre403) {
  Start();
  std::string s = Initialize();
  struct Case {
    std::string host;
    std::string origin;
    int status;
  };
  std::string port = std::to_string(port_);
  std::vector<Case> cases = {
      {"evil.example.com", "", 403},
      {"evil.example.com:" + port, "http://evil.example.com", 403},
      {"127.0.0.1:" + port, "http://evil.example.com", 403},
      {"127.0.0.1:" + port, "null", 403},
      {"localhost:" + port, "", 200},
      {"[::1]:" + port, "", 200},
      {"127.0.0.1:" + port, "http://localhost:3000", 200},
      {"localhost", "http://127.0.0.1:" + port, 200},
  };
  for (const auto& c : cases) {
    TestClient client(port_);
    auto h = McpHeaders(kKeyA, s);
    h[0].second = c.host;
    if (!c.origin.empty()) h.emplace_back("Origin", c.origin);
    auto r = client.Call("POST", "/mcp", h, Request(1, "ping").dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << c.host << " " << c.origin;
    if (c.status == 200 && !c.origin.empty()) {
      EXPECT_EQ(r->Header("access-control-allow-origin"), c.origin);
      EXPECT_NE(r->Header("access-control-expose-headers").find("Mcp-Session-Id"), std::string::npos);
    }
  }
}

TEST_F(McpHttpTest, CorsPreflight) {
  Start();
  TestClient c(port_);
  auto ok = c.Call("OPTIONS", "/mcp", {{"Host", host_}, {"Origin", "http://localhost:6274"},
                                       {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
  EXPECT_EQ(ok->Header("access-control-allow-origin"), "http://localhost:6274");
  EXPECT_NE(ok->Header("access-control-allow-headers").find("Mcp-Session-Id"), std::string::npos);
  auto bad = c.Call("OPTIONS", "/mcp", {{"Host", host_}, {"Origin", "https://evil.example.com"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
}

// ---- legacy HTTP+SSE ----

TEST_F(McpHttpTest, LegacySseEndpointAndMessages) {
  // The server records the /sse answer once its stream has finished, which is after the
  // transport removed the stream's session: the event this test waits on when the client leaves.
  std::promise<void> stream_recorded;
  std::future<void> stream_ended = stream_recorded.get_future();
  std::atomic<bool> recorded{false};
  options().server.on_response = [&](const http::AccessRecord& r) {
    if (r.streamed && r.target == "/sse" && !recorded.exchange(true)) stream_recorded.set_value();
  };
  Start();
  TestClient stream(port_);
  ASSERT_TRUE(stream.SendRaw("GET /sse HTTP/1.1\r\nHost: " + host_ +
                             "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + kKeyA +
                             "\r\n\r\n"));
  ASSERT_TRUE(stream.ReadUntil("event: endpoint\ndata: /messages?sessionId=", 3s)) << stream.received();
  ASSERT_TRUE(stream.ReadUntil("\n\n", 3s));
  size_t at = stream.received().find("sessionId=") + 10;
  std::string session = stream.received().substr(at, stream.received().find('\n', at) - at);
  ASSERT_EQ(frontend_->legacy().session_count(), 1u);

  auto post = [&](const std::string& key, const std::string& id, const Json& msg) {
    TestClient c(port_);
    return c.Call("POST", "/messages?sessionId=" + id,
                  {{"Host", host_}, {"Content-Type", "application/json"},
                   {"Authorization", "Bearer " + key}},
                  msg.dump());
  };
  auto init = post(kKeyA, session,
                   Request(1, "initialize", {{"protocolVersion", "2024-11-05"},
                                             {"capabilities", Json::object()},
                                             {"clientInfo", {{"name", "t"}, {"version", "1"}}}}));
  ASSERT_TRUE(init);
  EXPECT_EQ(init->status, 202);
  ASSERT_TRUE(stream.ReadUntil("\"protocolVersion\":\"2024-11-05\"", 3s)) << stream.received();
  EXPECT_NE(stream.received().find("event: message\ndata: {"), std::string::npos);
  ASSERT_EQ(post(kKeyA, session, {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}})->status, 202);
  ASSERT_EQ(post(kKeyA, session, Request(2, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "legacy"}}}}))
                ->status,
            202);
  ASSERT_TRUE(stream.ReadUntil("legacy", 3s));

  EXPECT_EQ(post(kKeyA, "unknown", Request(3, "ping"))->status, 404);
  EXPECT_EQ(post(kKeyB, session, Request(3, "ping"))->status, 404);
  EXPECT_EQ(post(kKeyA, session, Json("not an object"))->status, 202);  // answered on the stream
  stream.Close();
  // The session ends with its stream.
  ASSERT_EQ(stream_ended.wait_for(3s), std::future_status::ready);
  EXPECT_EQ(frontend_->legacy().session_count(), 0u);
  EXPECT_EQ(post(kKeyA, session, Request(4, "ping"))->status, 404);
}

TEST_F(McpHttpTest, LegacyStreamsAreCappedPerKey) {
  options().legacy.limits = {.max_sessions = 100, .max_per_key = 2, .max_per_org = 100};
  Start();
  auto open = [&](const std::string& key) {
    auto c = std::make_unique<TestClient>(port_);
    EXPECT_TRUE(c->SendRaw("GET /sse HTTP/1.1\r\nHost: " + host_ +
                           "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + key +
                           "\r\n\r\n"));
    EXPECT_TRUE(c->ReadUntil("event: endpoint", 3s)) << c->received();
    return c;
  };
  auto b = open(kKeyB);
  auto a1 = open(kKeyA);
  clock_.Advance(1s);
  auto a2 = open(kKeyA);
  clock_.Advance(1s);
  auto a3 = open(kKeyA);  // key_a is at its cap: its least recently used stream ends
  EXPECT_TRUE(a1->ReadUntil("\r\n0\r\n\r\n", 3s)) << a1->received();
  EXPECT_EQ(frontend_->legacy().sessions().CountForKey({"org_a", "key_a"}), 2u);
  EXPECT_EQ(frontend_->legacy().session_count(), 3u);  // another key's stream lives on
  EXPECT_EQ(frontend_->legacy().sessions().CountForKey({"org_b", "key_b"}), 1u);
}

// ---- pieces ----

TEST(AcceptAllowsTest, Ranges) {
  EXPECT_TRUE(AcceptAllows("", "application/json"));
  EXPECT_TRUE(AcceptAllows("*/*", "text/event-stream"));
  EXPECT_TRUE(AcceptAllows("application/json, text/event-stream", "text/event-stream"));
  EXPECT_TRUE(AcceptAllows("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_TRUE(AcceptAllows("text/*", "text/event-stream"));
  EXPECT_FALSE(AcceptAllows("text/html", "application/json"));
  EXPECT_FALSE(AcceptAllows("application/json;q=0", "application/json"));
}

TEST(OriginPolicyTest, Rules) {
  OriginPolicy loopback({"127.0.0.1", "", {"https://app.example.com"}});
  EXPECT_TRUE(loopback.HostAllowed("localhost:8080"));
  EXPECT_TRUE(loopback.HostAllowed("[::1]"));
  EXPECT_TRUE(loopback.HostAllowed("127.0.0.1"));
  EXPECT_FALSE(loopback.HostAllowed("evil.example.com:8080"));
  EXPECT_FALSE(loopback.HostAllowed("127.0.0.1.evil.com"));
  EXPECT_TRUE(loopback.OriginAllowed("", "x"));
  EXPECT_TRUE(loopback.OriginAllowed("https://app.example.com", "localhost"));
  EXPECT_TRUE(loopback.OriginAllowed("http://localhost:5173", "localhost"));
  EXPECT_FALSE(loopback.OriginAllowed("http://evil.example.com", "localhost"));
  EXPECT_FALSE(loopback.OriginAllowed("null", "localhost"));

  OriginPolicy exposed({"0.0.0.0", "https://herald.example.com", {}});
  EXPECT_TRUE(exposed.HostAllowed("anything"));
  EXPECT_TRUE(exposed.OriginAllowed("https://herald.example.com", "10.0.0.5:8080"));
  EXPECT_TRUE(exposed.OriginAllowed("http://10.0.0.5:8080", "10.0.0.5:8080"));
  EXPECT_FALSE(exposed.OriginAllowed("http://localhost:3000", "10.0.0.5:8080"));
}

TEST(EventStreamTest, ReplayIsBoundedAndIdsEncodeTheStream) {
  EventStream s("p7", EventStreamLimits{.max_events = 3, .max_bytes = 1 << 20});
  for (int i = 0; i < 5; ++i) s.Send("{\"n\":" + std::to_string(i) + "}");
  auto writer = http::SseWriter::Create();
  s.Attach(writer, 0, /*prime=*/false);
  // Only the last three are kept: seq 3, 4, 5.
  EXPECT_EQ(writer->queued_bytes(),
            std::string("id: p7:3\nevent: message\ndata: {\"n\":2}\n\n").size() * 3);
  auto id = ParseEventId("p7:12");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->stream, "p7");
  EXPECT_EQ(id->seq, 12u);
  EXPECT_FALSE(ParseEventId("garbage"));
  EXPECT_FALSE(ParseEventId("p1:x"));
  s.Finish();
  EXPECT_TRUE(writer->closed());
  EXPECT_FALSE(s.Send("{}"));
}

}  // namespace
}  // namespace herald::transport::testing
