// MCP 2026-07-28 beside the initialize-based revisions: era choice per request, _meta checks,
// server/discover, resultType and cache hints, error codes, logging by _meta, and
// multi-round-trip input (InputRequiredResult, requestState sealing). JSON in / JSON out.
#include <gtest/gtest.h>

#include "mcp/fixtures/conformance_fixtures.h"
#include "mcp/protocol/modern_protocol.h"
#include "tests/mcp/mcp_test_support.h"

namespace herald::mcp {
namespace {

using testing::Harness;

Json Meta(Json capabilities = Json::object(), std::string version = "2026-07-28") {
  return Json{{"io.modelcontextprotocol/protocolVersion", version},
              {"io.modelcontextprotocol/clientCapabilities", std::move(capabilities)},
              {"io.modelcontextprotocol/clientInfo", {{"name", "test"}, {"version", "1"}}}};
}

Json WithMeta(Json params, Json meta = Meta()) {
  params["_meta"] = std::move(meta);
  return params;
}

int ErrorCode(const Json& reply) { return reply.at("error").at("code").get<int>(); }

std::string FirstText(const Json& reply) {
  return reply.at("result").at("content").at(0).at("text").get<std::string>();
}

class ModernEraTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(RegisterConformanceFixtures(h_.dispatcher()).ok()); }
  Harness h_;
};

TEST(ModernProtocolTest, RecognisesModernRequests) {
  EXPECT_TRUE(IsModernRequest(Json::parse(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})")));
  EXPECT_TRUE(
      IsModernRequest(Json::parse(R"({"jsonrpc":"2.0","id":1,"method":"server/discover"})")));
  EXPECT_FALSE(IsModernRequest(Json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})")));
  EXPECT_FALSE(IsModernRequest(Json::parse(
      R"({"jsonrpc":"2.0","method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})")));
  EXPECT_EQ(McpNameFor("resources/read", Json{{"uri", "test://x"}}), "test://x");
  EXPECT_EQ(McpNameFor("tools/list", Json::object()), std::nullopt);
  EXPECT_EQ(DecodeMcpHeaderValue("=?base64?aMOpbGxv?="), "h\xc3\xa9llo");
  EXPECT_EQ(DecodeMcpHeaderValue("plain"), "plain");
}

TEST(ModernFixturesTest, LongFixtureNamesNeedTheSpecLimit) {
  // test_input_required_result_multiple_inputs is 42 characters: over herald's own 40.
  ToolRegistry registry;
  auto tool = [](std::string name) {
    return std::make_unique<testing::LambdaTool>(
        testing::Spec(std::move(name)),
        [](Json, tools::ToolContext&) { return testing::Structured({}); });
  };
  std::string name(42, 'a');
  EXPECT_FALSE(
      registry.RegisterWithSchemas(tool(name), testing::EmptyObjectSchema(), nullptr).ok());
  EXPECT_TRUE(registry
                  .RegisterWithSchemas(tool(name), testing::EmptyObjectSchema(), nullptr,
                                       kMaxSpecToolNameLength)
                  .ok());
  EXPECT_FALSE(registry
                   .RegisterWithSchemas(tool(std::string(129, 'b')), testing::EmptyObjectSchema(),
                                        nullptr, 1000)
                   .ok());
}

TEST_F(ModernEraTest, DiscoverWithoutInitialize) {
  Json reply = h_.Call("server/discover", WithMeta(Json::object()));
  const Json& result = reply.at("result");
  EXPECT_EQ(result.at("supportedVersions"), Json::array({"2026-07-28"}));
  EXPECT_TRUE(result.at("capabilities").contains("tools"));
  // MCP Apps: the UI extension is declared, so hosts render the ui:// resources tools link.
  EXPECT_TRUE(result.at("capabilities").at("extensions").contains("io.modelcontextprotocol/ui"));
  EXPECT_EQ(result.at("resultType"), "complete");
  EXPECT_EQ(result.at("cacheScope"), "public");
  EXPECT_GE(result.at("ttlMs").get<long long>(), 0);
  EXPECT_EQ(result.at("_meta").at("io.modelcontextprotocol/serverInfo").at("name"), "herald");
  // The session stays uninitialized: the legacy era still starts with initialize.
  EXPECT_FALSE(h_.session()->initialized());
}

TEST_F(ModernEraTest, MetaIsCheckedOnEveryRequest) {
  EXPECT_EQ(ErrorCode(h_.Call("server/discover")), kInvalidParams);
  Json no_caps = Meta();
  no_caps.erase("io.modelcontextprotocol/clientCapabilities");
  EXPECT_EQ(ErrorCode(h_.Call("tools/list", WithMeta(Json::object(), no_caps))), kInvalidParams);
  Json reply = h_.Call("tools/list", WithMeta(Json::object(), Meta(Json::object(), "2099-01-01")));
  EXPECT_EQ(ErrorCode(reply), kUnsupportedProtocolVersion);
  EXPECT_EQ(reply.at("error").at("data").at("requested"), "2099-01-01");
  EXPECT_EQ(reply.at("error").at("data").at("supported"), Json::array({"2026-07-28"}));
  EXPECT_TRUE(reply.at("id").is_number_integer());
  // clientInfo is optional.
  Json no_info = Meta();
  no_info.erase("io.modelcontextprotocol/clientInfo");
  EXPECT_TRUE(h_.Call("server/discover", WithMeta(Json::object(), no_info)).contains("result"));
}

TEST_F(ModernEraTest, RemovedMethodsAreNotFound) {
  for (const char* method : {"initialize", "ping", "logging/setLevel", "resources/subscribe"}) {
    EXPECT_EQ(ErrorCode(h_.Call(method, WithMeta(Json::object()))), kMethodNotFound) << method;
  }
}

TEST_F(ModernEraTest, ListsCarryResultTypeAndCacheHints) {
  for (const char* method :
       {"tools/list", "prompts/list", "resources/list", "resources/templates/list"}) {
    Json result = h_.Call(method, WithMeta(Json::object())).at("result");
    EXPECT_EQ(result.at("resultType"), "complete") << method;
    EXPECT_TRUE(result.contains("ttlMs") && result.contains("cacheScope")) << method;
  }
  Json read = h_.Call("resources/read", WithMeta(Json{{"uri", "test://static-text"}}));
  EXPECT_EQ(read.at("result").at("cacheScope"), "private");
}

TEST_F(ModernEraTest, MissingResourceIsInvalidParams) {
  Json reply = h_.Call("resources/read", WithMeta(Json{{"uri", "test://nope"}}));
  EXPECT_EQ(ErrorCode(reply), kInvalidParams);
  EXPECT_EQ(reply.at("error").at("data").at("uri"), "test://nope");
  // The legacy era keeps -32002.
  h_.Initialize();
  EXPECT_EQ(ErrorCode(h_.Call("resources/read", Json{{"uri", "test://nope"}})), kResourceNotFound);
}

TEST_F(ModernEraTest, LogsOnlyWithALogLevel) {
  h_.Call("tools/call", WithMeta(Json{{"name", "test_logging_tool"}, {"arguments", {}}}));
  EXPECT_TRUE(h_.outbound()->WithMethod("notifications/message").empty());
  Json meta = Meta();
  meta["io.modelcontextprotocol/logLevel"] = "info";
  Json reply =
      h_.Call("tools/call", WithMeta(Json{{"name", "test_logging_tool"}, {"arguments", {}}}, meta));
  EXPECT_EQ(FirstText(reply), "Logging evaluated");
  EXPECT_EQ(h_.outbound()->WithMethod("notifications/message").size(), 1u);
}

TEST_F(ModernEraTest, InputRequiredThenComplete) {
  Json params{{"name", "test_input_required_result_multi_round"}, {"arguments", Json::object()}};
  Json caps{{"elicitation", Json::object()}};
  Json r1 = h_.Call("tools/call", WithMeta(params, Meta(caps))).at("result");
  ASSERT_EQ(r1.at("resultType"), "input_required");
  EXPECT_EQ(r1.at("inputRequests").at("step1").at("method"), "elicitation/create");
  // Nothing was sent to the client: the request is in the result.
  EXPECT_TRUE(h_.outbound()->WithMethod("elicitation/create").empty());

  Json p2 = params;
  p2["inputResponses"] = {{"step1", {{"action", "accept"}, {"content", {{"name", "Ada"}}}}}};
  p2["requestState"] = r1.at("requestState");
  Json r2 = h_.Call("tools/call", WithMeta(p2, Meta(caps))).at("result");
  ASSERT_EQ(r2.at("resultType"), "input_required");
  EXPECT_TRUE(r2.at("inputRequests").contains("step2"));
  EXPECT_NE(r2.at("requestState"), r1.at("requestState"));

  Json p3 = params;
  p3["inputResponses"] = {{"step2", {{"action", "accept"}, {"content", {{"color", "teal"}}}}}};
  p3["requestState"] = r2.at("requestState");
  Json r3 = h_.Call("tools/call", WithMeta(p3, Meta(caps)));
  EXPECT_EQ(r3.at("result").at("resultType"), "complete");
  EXPECT_EQ(FirstText(r3), "Multi-round complete for Ada who likes teal");
}

TEST_F(ModernEraTest, TamperedOrForeignRequestStateIsRefused) {
  Json params{{"name", "test_input_required_result_tampered_state"}, {"arguments", {}}};
  Json caps{{"elicitation", Json::object()}};
  Json r1 = h_.Call("tools/call", WithMeta(params, Meta(caps))).at("result");
  std::string state = r1.at("requestState").get<std::string>();
  Json p2 = params;
  p2["inputResponses"] = {{"confirm", {{"action", "accept"}, {"content", {{"ok", true}}}}}};
  p2["requestState"] = state + "x";
  EXPECT_EQ(ErrorCode(h_.Call("tools/call", WithMeta(p2, Meta(caps)))), kInvalidParams);
  p2["inputResponses"] = 42;
  p2.erase("requestState");
  EXPECT_EQ(ErrorCode(h_.Call("tools/call", WithMeta(p2, Meta(caps)))), kInvalidParams);

  // The same state presented by another organization's caller does not verify.
  Harness other(DispatcherOptions{}, base::Caller{"org_other", "key_x", base::Role::kAdmin});
  ASSERT_TRUE(RegisterConformanceFixtures(other.dispatcher()).ok());
  Json p3 = params;
  p3["inputResponses"] = {{"confirm", {{"action", "accept"}, {"content", {{"ok", true}}}}}};
  p3["requestState"] = state;
  EXPECT_EQ(ErrorCode(other.Call("tools/call", WithMeta(p3, Meta(caps)))), kInvalidParams);
}

TEST_F(ModernEraTest, UndeclaredCapabilityIsMissingRequiredClientCapability) {
  Json reply =
      h_.Call("tools/call", WithMeta(Json{{"name", "test_missing_capability"}, {"arguments", {}}}));
  EXPECT_EQ(ErrorCode(reply), kMissingRequiredClientCapability);
  EXPECT_EQ(reply.at("error").at("data").at("requiredCapabilities"),
            Json({{"sampling", Json::object()}}));
}

TEST_F(ModernEraTest, PromptsCanAskForInput) {
  Json params{{"name", "test_input_required_result_prompt"}};
  Json r1 = h_.Call("prompts/get", WithMeta(params)).at("result");
  ASSERT_EQ(r1.at("resultType"), "input_required");
  params["inputResponses"] = {
      {"user_context", {{"action", "accept"}, {"content", {{"context", "launch"}}}}}};
  Json r2 = h_.Call("prompts/get", WithMeta(params)).at("result");
  EXPECT_EQ(r2.at("messages").at(0).at("content").at("text"), "Prompt with context: launch");
}

TEST_F(ModernEraTest, LegacySessionStillWorksBesideModernRequests) {
  EXPECT_TRUE(h_.Call("tools/list", WithMeta(Json::object())).contains("result"));
  Json init = h_.Initialize("2025-11-25");
  EXPECT_EQ(init.at("result").at("protocolVersion"), "2025-11-25");
  Json legacy = h_.Call("tools/list");
  EXPECT_FALSE(legacy.at("result").contains("resultType"));
  EXPECT_FALSE(legacy.at("result").contains("ttlMs"));
}

}  // namespace
}  // namespace herald::mcp
