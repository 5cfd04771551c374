// What every guarded route checks before a handler parses anything (issue 9): strict Host and
// Origin parsing, repeated or missing Host, 404 vs 405, the JSON nesting limit and readable parse
// errors on REST and /mcp, and the per-key budget of request-body bytes in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "mcp/protocol/jsonrpc.h"
#include "tests/transport/mcp_test_fixture.h"

namespace herald::transport::testing {
namespace {

// 2 million nested arrays: a 4 MB body, under the 4 MiB body limit.
std::string DeeplyNested() { return std::string(2'000'000, '[') + std::string(2'000'000, ']'); }

class RequestGuardTest : public McpHttpTest {
 protected:
  // One request on a fresh connection.
  std::optional<Reply> Send(const std::string& method, const std::string& target,
                            TestClient::Headers headers, const std::string& body = {}) {
    TestClient c(port_);
    return c.Call(method, target, std::move(headers), body);
  }
  TestClient::Headers RestHeaders(const std::string& key = kKeyA) {
    return {{"Host", host_}, {"Authorization", "Bearer " + key},
            {"Content-Type", "application/json"}};
  }
  static std::string ErrorMessage(const Reply& r) {
    auto j = Json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("error")) return "<no error in " + r.body + ">";
    return j["error"].value("message", "");
  }
};

TEST_F(RequestGuardTest, HostAndOriginAreParsedStrictly) {
  Start();
  std::string s = Initialize();
  const std::string port = std::to_string(port_);
  struct Case {
    std::string host;
    std::string origin;
    int status;
  };
  std::vector<Case> cases = {
      // The attack strings of issue 9.
      {host_, "http://[::1].evil.com", 403},
      {host_, "http://127.0.0.1:80.evil.com", 403},
      {"127.0.0.1:" + port + "@evil.com", "", 400},
      {"localhost:" + port + ".evil.com", "", 400},
      // More of the same kind.
      {host_, "http://localhost:" + port + "@evil.com", 403},
      {host_, "http://localhost:" + port + "/path", 403},
      {host_, "http://localhost:99999", 403},
      {"localhost:" + port + "/x", "", 400},
      {"localhost:0", "", 400},
      {"localhost:65536", "", 400},
      {"localhost:http", "", 400},
      {"local%68ost:" + port, "", 400},
      {"127.0.0.1.evil.com:" + port, "", 403},
      // What works today keeps working.
      {"localhost:" + port, "", 200},
      {"LOCALHOST:" + port, "", 200},
      {"[::1]:" + port, "http://[::1]:" + port, 200},
      {"127.0.0.1:" + port, "http://localhost:" + port, 200},
      {"localhost", "http://127.0.0.1:3000/", 200},
  };
  for (const auto& c : cases) {
    auto h = McpHeaders(kKeyA, s);
    h[0].second = c.host;
    if (!c.origin.empty()) h.emplace_back("Origin", c.origin);
    auto r = Send("POST", "/mcp", h, Request(1, "ping").dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << c.host << " " << c.origin << " " << r->body;
    if (c.status == 200) {
      EXPECT_EQ(r->Header("access-control-allow-origin"), c.origin);
    } else {
      EXPECT_EQ(r->Header("access-control-allow-origin"), "") << c.host << " " << c.origin;
    }
  }
  // REST and the CORS preflight apply the same rules.
  auto h = RestHeaders();
  h.emplace_back("Origin", "http://[::1].evil.com");
  auto rest = Send("POST", "/api/v1/tools/whoami", h, "{}");
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->status, 403);
  auto preflight = Send("OPTIONS", "/api/v1/posts",
                        {{"Host", host_}, {"Origin", "http://127.0.0.1:80.evil.com"},
                         {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 403);
  EXPECT_EQ(preflight->Header("access-control-allow-origin"), "");
}

TEST_F(RequestGuardTest, ConfiguredOriginsStillPass) {
  options().allowed_origins = {"https://app.example.com", "vscode-webview://abc123"};
  Start();
  for (std::string origin : {"https://app.example.com", "vscode-webview://abc123"}) {
    auto h = RestHeaders();
    h.emplace_back("Origin", origin);
    auto r = Send("POST", "/api/v1/tools/whoami", h, "{}");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << origin << " " << r->body;
    EXPECT_EQ(r->Header("access-control-allow-origin"), origin);
  }
}

TEST_F(RequestGuardTest, RepeatedHostOrOriginAndMissingHostAre400) {
  Start();
  std::string s = Initialize();
  auto two_hosts = McpHeaders(kKeyA, s);
  two_hosts.emplace_back("Host", host_);
  auto r = Send("POST", "/mcp", two_hosts, Request(1, "ping").dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;

  auto two_origins = McpHeaders(kKeyA, s);
  two_origins.emplace_back("Origin", "http://localhost:3000");
  two_origins.emplace_back("Origin", "http://localhost:3000");
  r = Send("POST", "/mcp", two_origins, Request(1, "ping").dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(r->Header("access-control-allow-origin"), "");

  auto empty_host = RestHeaders();
  empty_host[0].second = "";
  r = Send("POST", "/api/v1/tools/whoami", empty_host, "{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;

  // Without Host: refused on HTTP/1.1, allowed on HTTP/1.0 (which has no Host requirement).
  auto raw = [&](const std::string& version) {
    TestClient c(port_);
    EXPECT_TRUE(c.SendRaw("POST /api/v1/tools/whoami " + version + "\r\nAuthorization: Bearer " +
                          std::string(kKeyA) + "\r\nContent-Length: 2\r\n\r\n{}"));
    return c.ReadReply();
  };
  auto http11 = raw("HTTP/1.1");
  ASSERT_TRUE(http11);
  EXPECT_EQ(http11->status, 400);
  EXPECT_NE(ErrorMessage(*http11).find("Host"), std::string::npos) << http11->body;
  auto http10 = raw("HTTP/1.0");
  ASSERT_TRUE(http10);
  EXPECT_EQ(http10->status, 200) << http10->body;
}

TEST_F(RequestGuardTest, UnknownPathIs404WrongMethodIs405WithAllow) {
  Start();
  for (std::string method : {"GET", "POST", "DELETE"}) {
    auto r = Send(method, "/nonexistent", RestHeaders(), method == "POST" ? "{}" : "");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << method;
    EXPECT_EQ(r->Header("allow"), "") << method;
  }
  auto deeper = Send("GET", "/api/v1/nope/deeper", RestHeaders());
  ASSERT_TRUE(deeper);
  EXPECT_EQ(deeper->status, 404);

  auto wrong = Send("DELETE", "/api/v1/posts", RestHeaders());
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("allow"), "POST, GET, OPTIONS");
  auto get_tool = Send("GET", "/api/v1/tools/echo", RestHeaders());
  ASSERT_TRUE(get_tool);
  EXPECT_EQ(get_tool->status, 405);
  EXPECT_EQ(get_tool->Header("allow"), "POST, OPTIONS");
  // The preflight still answers on any path.
  auto preflight = Send("OPTIONS", "/nonexistent",
                        {{"Host", host_}, {"Origin", "http://localhost:3000"},
                         {"Access-Control-Request-Method", "GET"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
}

TEST_F(RequestGuardTest, DeeplyNestedBodyIsRefusedOnRest) {
  Start();
  // A viewer key, as in the report.
  auto r = Send("POST", "/api/v1/tools/echo", RestHeaders(kKeyA2), DeeplyNested());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorMessage(*r), "invalid JSON at line 1, column 129: nested deeper than 128 levels");
  // The same inside an object (the tool's schema never sees it).
  std::string in_object = "{\"text\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  r = Send("POST", "/api/v1/tools/echo", RestHeaders(kKeyA2), in_object);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorMessage(*r), "invalid JSON at line 1, column 136: nested deeper than 128 levels");
  // The server still answers normally.
  r = Send("POST", "/api/v1/tools/echo", RestHeaders(kKeyA2), R"({"text":"ok"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(RequestGuardTest, DeeplyNestedBodyIsRefusedOnMcp) {
  Start();
  std::string s = Initialize();
  auto r = Send("POST", "/mcp", McpHeaders(kKeyA2, s), DeeplyNested());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  auto j = Json::parse(r->body);
  EXPECT_EQ(j["error"]["code"], mcp::kParseError);
  EXPECT_EQ(j["error"]["message"],
            "Parse error: invalid JSON at line 1, column 129: nested deeper than 128 levels");
}

TEST_F(RequestGuardTest, ParseErrorsAreReadable) {
  Start();
  auto rest = Send("POST", "/api/v1/tools/echo", RestHeaders(), "{\"text\": tru}");
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->status, 400);
  EXPECT_EQ(ErrorMessage(*rest), "invalid JSON at line 1, column 13: invalid literal");

  std::string s = Initialize();
  auto mcp = Send("POST", "/mcp", McpHeaders(kKeyA, s), "{\n  \"jsonrpc\": \"2.0\",,\n}");
  ASSERT_TRUE(mcp);
  EXPECT_EQ(mcp->status, 400);
  auto j = Json::parse(mcp->body);
  EXPECT_EQ(j["error"]["code"], mcp::kParseError);
  EXPECT_EQ(j["error"]["message"],
            "Parse error: invalid JSON at line 2, column 20: unexpected ','; expected string "
            "literal");
}

TEST_F(RequestGuardTest, BodyBytesInFlightAreBoundedPerKey) {
  options().body_bytes_per_key = 1000;
  // A tool that holds its request until the test lets it go.
  std::atomic<bool> release{false};
  std::promise<void> entered;
  auto empty_schema = Json::parse(R"({"type":"object","additionalProperties":false})");
  ASSERT_TRUE(dispatcher_.tools()
                  .RegisterWithSchemas(
                      std::make_unique<LambdaTool>(
                          "gate", base::Role::kViewer,
                          [&](Json, tools::ToolContext&)
                              -> base::Task<base::Result<tools::ToolOutput>> {
                            entered.set_value();
                            while (!release.load()) co_await SleepFor(2ms);
                            co_return Structured({{"done", true}});
                          }),
                      empty_schema, nullptr)
                  .ok());
  Start();
  const std::string held = "{}" + std::string(798, ' ');                         // 800 bytes
  const std::string more = R"({"text":"x"})" + std::string(288, ' ');            // 300 bytes
  const std::string small = R"({"text":"x"})";                                   // 12 bytes
  auto first = std::async(std::launch::async, [&] {
    return Send("POST", "/api/v1/tools/gate", RestHeaders(kKeyA), held);
  });
  ASSERT_EQ(entered.get_future().wait_for(5s), std::future_status::ready);

  // key-a holds 800 bytes: 300 more would pass its budget of 1000.
  auto over = Send("POST", "/api/v1/tools/echo", RestHeaders(kKeyA), more);
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429) << over->body;
  EXPECT_EQ(over->Header("retry-after"), "1");
  EXPECT_EQ(Json::parse(over->body)["error"]["code"], "resource_exhausted");
  // Bytes, not requests: a small body still fits.
  auto fits = Send("POST", "/api/v1/tools/echo", RestHeaders(kKeyA), small);
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200) << fits->body;
  // Other keys have budgets of their own, on REST and on /mcp.
  for (const char* key : {kKeyA2, kKeyB}) {
    auto other = Send("POST", "/api/v1/tools/echo", RestHeaders(key), more);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 200) << key << " " << other->body;
  }
  std::string s = Initialize(kKeyB);
  auto mcp = Send("POST", "/mcp", McpHeaders(kKeyB, s),
                  Request(2, "ping").dump() + std::string(300, ' '));
  ASSERT_TRUE(mcp);
  EXPECT_EQ(mcp->status, 200) << mcp->body;

  release = true;
  auto done = first.get();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200) << done->body;
  // The budget is returned when the request is done.
  auto again = Send("POST", "/api/v1/tools/echo", RestHeaders(kKeyA), more);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
}

// HERALD_REQUEST_RATES: a key past its role's request budget gets 429 with Retry-After, as a
// REST error or a JSON-RPC error naming the wait; other keys are not affected.
TEST_F(RequestGuardTest, RequestRatesAreLimitedPerKey) {
  auto rates = core::RateBudgets::Parse("*=0.01/2");  // a burst of 2, then one per 100 s
  ASSERT_TRUE(rates.ok());
  options().request_rates = *rates;
  Start();
  for (int i = 0; i < 2; ++i) {
    auto ok = Send("POST", "/api/v1/tools/echo", RestHeaders(kKeyA), R"({"text":"x"})");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << ok->body;
  }
  auto over = Send("POST", "/api/v1/tools/echo", RestHeaders(kKeyA), R"({"text":"x"})");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429) << over->body;
  const int retry = std::atoi(over->Header("retry-after").c_str());
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 100);
  EXPECT_EQ(Json::parse(over->body)["error"]["code"], "resource_exhausted");
  EXPECT_NE(ErrorMessage(*over).find("retry after"), std::string::npos) << over->body;

  std::string s = Initialize(kKeyB);  // initialize + initialized: key-b's burst
  auto mcp = Send("POST", "/mcp", McpHeaders(kKeyB, s), Request(2, "ping").dump());
  ASSERT_TRUE(mcp);
  EXPECT_EQ(mcp->status, 429) << mcp->body;
  EXPECT_FALSE(mcp->Header("retry-after").empty());
  auto rpc = Json::parse(mcp->body, nullptr, false);
  ASSERT_TRUE(rpc.is_object() && rpc.contains("error")) << mcp->body;
  EXPECT_NE(rpc["error"].value("message", "").find("retry after"), std::string::npos);
}

}  // namespace
}  // namespace herald::transport::testing
