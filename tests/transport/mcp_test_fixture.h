// A test bed for herald's HTTP interfaces without a store: a Dispatcher with small test tools, a
// fake authenticator with three keys (two in org_a, one in org_b), a FakeClock, and an
// HttpFrontend on 127.0.0.1 port 0. Helpers speak MCP over HTTP with TestClient.
#ifndef HERALD_TESTS_TRANSPORT_MCP_TEST_FIXTURE_H_
#define HERALD_TESTS_TRANSPORT_MCP_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "mcp/server/dispatcher.h"
#include "tests/http/test_client.h"
#include "tests/support/result_matchers.h"
#include "transport/auth/authenticator.h"
#include "transport/http_frontend.h"

namespace herald::transport::testing {

using namespace std::chrono_literals;
using base::Json;
using herald::testing::Reply;
using herald::testing::TestClient;

inline constexpr char kKeyA[] = "key-a";  // org_a, editor
inline constexpr char kKeyA2[] = "key-a2";  // org_a, viewer
inline constexpr char kKeyB[] = "key-b";  // org_b, editor

class FakeAuthenticator final : public Authenticator {
 public:
  FakeAuthenticator() {
    keys_[kKeyA] = base::Caller{"org_a", "key_a", base::Role::kEditor};
    keys_[kKeyA2] = base::Caller{"org_a", "key_a2", base::Role::kViewer};
    keys_[kKeyB] = base::Caller{"org_b", "key_b", base::Role::kEditor};
  }
  base::Task<base::Result<base::Caller>> Authenticate(std::string authorization) override {
    std::string token(BearerToken(authorization));
    if (token.empty()) co_return base::Unauthenticated("missing API key");
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(token);
    if (it == keys_.end()) co_return base::Unauthenticated("invalid API key");
    co_return it->second;
  }
  bool required() const override { return true; }
  void Revoke(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    keys_.erase(key);
  }

 private:
  std::mutex mu_;
  std::map<std::string, base::Caller> keys_;
};

// A tool defined by a lambda.
class LambdaTool final : public tools::Tool {
 public:
  using Fn = std::function<base::Task<base::Result<tools::ToolOutput>>(Json, tools::ToolContext&)>;
  LambdaTool(std::string name, base::Role role, Fn fn) : fn_(std::move(fn)) {
    spec_.name = std::move(name);
    spec_.title = spec_.name;
    spec_.description = "test tool " + spec_.name;
    spec_.required_role = role;
  }
  const tools::ToolSpec& spec() const override { return spec_; }
  base::Task<base::Result<tools::ToolOutput>> Call(Json args, tools::ToolContext& ctx) override {
    return fn_(std::move(args), ctx);
  }

 private:
  tools::ToolSpec spec_;
  Fn fn_;
};

inline base::Task<void> SleepFor(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(base::kNoThrow);
}

inline tools::ToolOutput Structured(Json j) {
  tools::ToolOutput out;
  out.structured = std::move(j);
  return out;
}

// Registers the test tools on `d`.
inline void RegisterTestTools(mcp::Dispatcher& d) {
  auto text_schema = Json::parse(R"({"type":"object","properties":{"text":{"type":"string"}},
      "required":["text"],"additionalProperties":false})");
  auto empty_schema = Json::parse(R"({"type":"object","additionalProperties":false})");
  auto ok = [](base::Result<void> r) { ASSERT_THAT(r, ::herald::matchers::IsOk()) << r.error().ToString(); };
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>("echo", base::Role::kViewer,
                                   [](Json args, tools::ToolContext&)
                                       -> base::Task<base::Result<tools::ToolOutput>> {
                                     co_return Structured({{"text", args["text"]}});
                                   }),
      text_schema, nullptr));
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>("whoami", base::Role::kViewer,
                                   [](Json, tools::ToolContext& ctx)
                                       -> base::Task<base::Result<tools::ToolOutput>> {
                                     co_return Structured({{"org", ctx.caller().org_id},
                                                           {"key", ctx.caller().key_id}});
                                   }),
      empty_schema, nullptr));
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>("progress", base::Role::kViewer,
                                   [](Json, tools::ToolContext& ctx)
                                       -> base::Task<base::Result<tools::ToolOutput>> {
                                     for (int i = 0; i <= 2; ++i) {
                                       ctx.Progress(i * 50, 100, "step " + std::to_string(i));
                                       co_await SleepFor(20ms);
                                     }
                                     co_return Structured({{"done", true}});
                                   }),
      empty_schema, nullptr));
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>(
          "ask", base::Role::kViewer,
          [](Json, tools::ToolContext& ctx) -> base::Task<base::Result<tools::ToolOutput>> {
            Json params = {{"message", "Your name?"},
                           {"requestedSchema",
                            {{"type", "object"},
                             {"properties", {{"name", {{"type", "string"}}}}},
                             {"required", Json::array({"name"})}}}};
            auto answer = co_await ctx.Request("elicitation/create", params, 10s);
            if (!answer.ok()) co_return answer.error();
            co_return Structured({{"answer", *answer}});
          }),
      empty_schema, nullptr));
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>("slow", base::Role::kViewer,
                                   [](Json, tools::ToolContext& ctx)
                                       -> base::Task<base::Result<tools::ToolOutput>> {
                                     for (int i = 0; i < 500 && !ctx.cancelled(); ++i) {
                                       co_await SleepFor(10ms);
                                     }
                                     if (ctx.cancelled()) co_return base::Cancelled("cancelled");
                                     co_return Structured({{"done", true}});
                                   }),
      empty_schema, nullptr));
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>("fail", base::Role::kViewer,
                                   [](Json, tools::ToolContext&)
                                       -> base::Task<base::Result<tools::ToolOutput>> {
                                     co_return base::NotFound("no post with id 'p_x'");
                                   }),
      empty_schema, nullptr));
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>("editor_only", base::Role::kEditor,
                                   [](Json, tools::ToolContext&)
                                       -> base::Task<base::Result<tools::ToolOutput>> {
                                     co_return Structured({{"ok", true}});
                                   }),
      empty_schema, nullptr));
  // Stand-ins for production tools the REST table maps to.
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>("list_posts", base::Role::kViewer,
                                   [](Json args, tools::ToolContext&)
                                       -> base::Task<base::Result<tools::ToolOutput>> {
                                     co_return Structured({{"args", args}});
                                   }),
      Json::parse(R"({"type":"object","additionalProperties":false,"properties":{
          "limit":{"type":"integer","minimum":1,"maximum":100},
          "include_deleted":{"type":"boolean"},
          "status":{"type":"array","items":{"type":"string"}},
          "cursor":{"type":["string","null"]}}})"),
      nullptr));
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>("get_post", base::Role::kViewer,
                                   [](Json args, tools::ToolContext&)
                                       -> base::Task<base::Result<tools::ToolOutput>> {
                                     co_return Structured({{"post_id", args["post_id"]}});
                                   }),
      Json::parse(R"({"type":"object","additionalProperties":false,"required":["post_id"],
          "properties":{"post_id":{"type":"string"}}})"),
      nullptr));
  ok(d.tools().RegisterWithSchemas(
      std::make_unique<LambdaTool>("update_post", base::Role::kEditor,
                                   [](Json args, tools::ToolContext&)
                                       -> base::Task<base::Result<tools::ToolOutput>> {
                                     co_return Structured(args);
                                   }),
      Json::parse(R"({"type":"object","additionalProperties":false,"required":["post_id"],
          "properties":{"post_id":{"type":"string"},"text":{"type":"string"}}})"),
      nullptr));
}

class McpHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterTestTools(dispatcher_);
    options_.server.header_timeout = 5s;
    options_.server.idle_timeout = 10s;
  }
  void TearDown() override {
    if (frontend_) frontend_->Shutdown(1s);
  }

  // Options tests may change before Start().
  HttpFrontendOptions& options() { return options_; }

  void Start() {
    frontend_ = std::make_unique<HttpFrontend>(options_, dispatcher_, auth_, clock_, readiness_);
    auto started = frontend_->Start();
    ASSERT_THAT(started, ::herald::matchers::IsOk()) << started.error().ToString();
    port_ = frontend_->port();
    host_ = "127.0.0.1:" + std::to_string(port_);
  }

  TestClient::Headers McpHeaders(const std::string& key, const std::string& session = {}) {
    TestClient::Headers h = {{"Host", host_},
                             {"Content-Type", "application/json"},
                             {"Accept", "application/json, text/event-stream"}};
    if (!key.empty()) h.emplace_back("Authorization", "Bearer " + key);
    if (!session.empty()) {
      h.emplace_back("Mcp-Session-Id", session);
      h.emplace_back("MCP-Protocol-Version", "2025-11-25");
    }
    return h;
  }

  static Json Request(int id, std::string method, Json params = Json::object()) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", std::move(method)}, {"params", std::move(params)}};
  }

  // Initializes a session with `key` (and sends notifications/initialized); returns its id.
  std::string Initialize(const std::string& key = kKeyA, Json capabilities = Json::object()) {
    TestClient c(port_);
    auto r = c.Call("POST", "/mcp", McpHeaders(key),
                    Request(1, "initialize",
                            {{"protocolVersion", "2025-11-25"},
                             {"capabilities", std::move(capabilities)},
                             {"clientInfo", {{"name", "gtest"}, {"version", "1"}}}})
                        .dump());
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    std::string session = r->Header("mcp-session-id");
    auto n = c.Call("POST", "/mcp", McpHeaders(key, session),
                    R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    EXPECT_TRUE(n && n->status == 202);
    return session;
  }

  // POSTs one message in a session and returns the reply.
  std::optional<Reply> Post(const std::string& key, const std::string& session, const Json& msg) {
    TestClient c(port_);
    return c.Call("POST", "/mcp", McpHeaders(key, session), msg.dump());
  }

  // The JSON-RPC messages in an SSE body ("data:" lines of message events).
  static std::vector<Json> SseMessages(const std::string& body) {
    std::vector<Json> out;
    size_t pos = 0;
    while ((pos = body.find("data: ", pos)) != std::string::npos) {
      size_t end = body.find('\n', pos);
      std::string data = body.substr(pos + 6, end - pos - 6);
      if (!data.empty() && data.front() == '{') out.push_back(Json::parse(data));
      pos = end;
    }
    return out;
  }

  mcp::Dispatcher dispatcher_;
  FakeAuthenticator auth_;
  base::FakeClock clock_;
  HttpFrontendOptions options_;
  HttpFrontend::ReadinessCheck readiness_;
  std::unique_ptr<HttpFrontend> frontend_;
  uint16_t port_ = 0;
  std::string host_;
};

}  // namespace herald::transport::testing

#endif  // HERALD_TESTS_TRANSPORT_MCP_TEST_FIXTURE_H_
