// JSON-RPC framing and the MCP lifecycle, JSON in / JSON out (no sockets).
#include <gtest/gtest.h>

#include "mcp/protocol/jsonrpc.h"
#include "mcp/protocol/protocol_version.h"
#include "tests/mcp/mcp_test_support.h"

namespace herald::mcp {
namespace {

using testing::Harness;

Json Notification(std::string method, Json params = Json::object()) {
  return Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}};
}

int ErrorCode(const Json& reply) { return reply.at("error").at("code").get<int>(); }

TEST(JsonRpcTest, ClassifiesMessages) {
  EXPECT_EQ(ClassifyMessage(Json::parse(R"({"jsonrpc":"2.0","id":1,"method":"x"})")),
            MessageKind::kRequest);
  EXPECT_EQ(ClassifyMessage(Json::parse(R"({"jsonrpc":"2.0","id":"a","method":"x","params":{}})")),
            MessageKind::kRequest);
  EXPECT_EQ(ClassifyMessage(Json::parse(R"({"jsonrpc":"2.0","method":"x"})")),
            MessageKind::kNotification);
  EXPECT_EQ(ClassifyMessage(Json::parse(R"({"jsonrpc":"2.0","id":1,"result":{}})")),
            MessageKind::kResponse);
  EXPECT_EQ(
      ClassifyMessage(Json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m"}})")),
      MessageKind::kResponse);
  for (const char* bad :
       {R"({"jsonrpc":"2.0","id":null,"method":"x"})", R"({"jsonrpc":"2.0","id":1.5,"method":"x"})",
        R"({"jsonrpc":"2.0","id":{},"method":"x"})", R"({"jsonrpc":"1.0","id":1,"method":"x"})",
        R"({"id":1,"method":"x"})", R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1]})",
        R"({"jsonrpc":"2.0","id":1,"method":7})", R"({"jsonrpc":"2.0","id":1})",
        R"({"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1}})", R"([])", R"(3)"}) {
    EXPECT_EQ(ClassifyMessage(Json::parse(bad)), MessageKind::kInvalid) << bad;
  }
  EXPECT_TRUE(
      IsInitializeRequest(Json::parse(R"({"jsonrpc":"2.0","id":1,"method":"initialize"})")));
  EXPECT_FALSE(IsInitializeRequest(Json::parse(R"({"jsonrpc":"2.0","method":"initialize"})")));
}

TEST(ProtocolVersionTest, Negotiates) {
  for (auto v : SupportedProtocolVersions()) EXPECT_EQ(NegotiateProtocolVersion(v), v);
  EXPECT_EQ(NegotiateProtocolVersion("1999-01-01"), "2025-11-25");
  EXPECT_EQ(NegotiateProtocolVersion("2026-07-28"), "2025-11-25");
  EXPECT_EQ(NegotiateProtocolVersion(""), "2025-11-25");
  EXPECT_TRUE(ProtocolAllowsBatches("2025-03-26"));
  EXPECT_FALSE(ProtocolAllowsBatches("2025-06-18"));
  EXPECT_FALSE(ProtocolAllowsBatches("2024-11-05"));
}

class LifecycleTest : public ::testing::Test {
 protected:
  Harness h_;
};

TEST_F(LifecycleTest, InitializeEchoesEverySupportedVersion) {
  for (auto v : SupportedProtocolVersions()) {
    Harness h;
    Json reply = h.Initialize(std::string(v));
    EXPECT_EQ(reply["result"]["protocolVersion"], v);
    EXPECT_EQ(h.session()->protocol_version(), v);
  }
}

TEST_F(LifecycleTest, InitializeAnswersUnknownVersionWithNewestNeverAnError) {
  Json reply = h_.Initialize("1999-01-01");
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_EQ(reply["result"]["protocolVersion"], "2025-11-25");
  Harness h2;
  Json reply2 = h2.Call("initialize", Json::object());  // no protocolVersion at all
  EXPECT_EQ(reply2["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(LifecycleTest, InitializeResultDescribesHerald) {
  Json result = h_.Initialize()["result"];
  EXPECT_EQ(result["serverInfo"]["name"], "herald");
  EXPECT_EQ(result["serverInfo"]["title"], "herald");
  EXPECT_EQ(result["serverInfo"]["version"], HERALD_VERSION);
  const Json& caps = result["capabilities"];
  EXPECT_EQ(caps["tools"]["listChanged"], true);
  EXPECT_EQ(caps["resources"]["subscribe"], true);
  EXPECT_EQ(caps["resources"]["listChanged"], true);
  EXPECT_EQ(caps["prompts"]["listChanged"], true);
  EXPECT_TRUE(caps["logging"].is_object());
  EXPECT_TRUE(caps["completions"].is_object());
  std::string instructions = result["instructions"].get<std::string>();
  for (const char* word : {"connect_account", "validate_post", "RFC 3339", "time_zone",
                           "idempotency_key", "get_post", "post_"}) {
    EXPECT_NE(instructions.find(word), std::string::npos) << word;
  }
  EXPECT_TRUE(h_.session()->initialized());
  EXPECT_TRUE(h_.session()->client_ready());
  EXPECT_EQ(h_.session()->client_info()["name"], "test");
}

TEST_F(LifecycleTest, SecondInitializeIsRejected) {
  h_.Initialize();
  Json reply = h_.Call("initialize", Json{{"protocolVersion", "2025-06-18"}});
  EXPECT_EQ(ErrorCode(reply), kInvalidRequest);
  EXPECT_EQ(h_.session()->protocol_version(), "2025-11-25");
}

TEST_F(LifecycleTest, BeforeInitializeOnlyPingAndInitializeAreServed) {
  Json ping = h_.Call("ping");
  EXPECT_EQ(ping["result"], Json::object());
  Json tools = h_.Call("tools/list");
  EXPECT_EQ(ErrorCode(tools), kInvalidRequest);
  EXPECT_NE(tools["error"]["message"].get<std::string>().find("initialize"), std::string::npos);
  // The 2026-07-28 era probe is served (modern_era_test.cpp); without its _meta it gets an
  // error naming what is missing, never silence.
  Json discover = h_.Call("server/discover");
  EXPECT_EQ(ErrorCode(discover), kInvalidParams);
  EXPECT_NE(discover["error"]["message"].get<std::string>().find("_meta"), std::string::npos);
}

TEST_F(LifecycleTest, PingEchoesStringIds) {
  auto reply = h_.Send(Json::parse(R"({"jsonrpc":"2.0","id":"123","method":"ping"})"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*reply, Json::parse(R"({"jsonrpc":"2.0","id":"123","result":{}})"));
}

TEST_F(LifecycleTest, UnknownMethodAfterInitialize) {
  h_.Initialize();
  Json reply = h_.Call("tools/explode");
  EXPECT_EQ(ErrorCode(reply), kMethodNotFound);
  EXPECT_EQ(reply["id"], 2);
}

TEST_F(LifecycleTest, NotificationsGetNoReply) {
  h_.Initialize();
  EXPECT_FALSE(h_.Send(Notification("notifications/initialized")).has_value());
  EXPECT_FALSE(h_.Send(Notification("notifications/whatever")).has_value());
  EXPECT_FALSE(h_.Send(Notification("notifications/cancelled", {{"requestId", 99}})).has_value());
  EXPECT_FALSE(
      h_.SendText(R"({"jsonrpc":"2.0","method":"notifications/roots/list_changed"})").has_value());
}

TEST_F(LifecycleTest, ParseErrorsAndLimits) {
  auto bad = Json::parse(*h_.SendText("{\"jsonrpc\": \"2.0\", \"id\": 1, "));
  EXPECT_EQ(ErrorCode(bad), kParseError);
  EXPECT_TRUE(bad["id"].is_null());

  DispatcherOptions options;
  options.max_message_bytes = 64;
  Harness small(options);
  auto big =
      Json::parse(*small.SendText(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":")" +
                                  std::string(100, 'x') + "\"}}"));
  EXPECT_EQ(ErrorCode(big), kInvalidRequest);
  EXPECT_NE(big["error"]["message"].get<std::string>().find("limit is 64"), std::string::npos);

  auto deep = Json::parse(*h_.SendText(std::string(10000, '[') + std::string(10000, ']')));
  EXPECT_EQ(ErrorCode(deep), kParseError);

  auto utf8 = h_.SendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xff\"}");
  EXPECT_EQ(ErrorCode(Json::parse(*utf8)), kParseError);
}

TEST_F(LifecycleTest, InvalidRequestsEchoTheIdWhenUsable) {
  h_.Initialize();
  Json r1 = *h_.Send(Json::parse(R"({"jsonrpc":"2.0","id":7,"method":"ping","params":[1,2]})"));
  EXPECT_EQ(ErrorCode(r1), kInvalidRequest);
  EXPECT_EQ(r1["id"], 7);
  Json r2 = *h_.Send(Json::parse(R"({"jsonrpc":"2.0","id":null,"method":"ping"})"));
  EXPECT_EQ(ErrorCode(r2), kInvalidRequest);
  EXPECT_TRUE(r2["id"].is_null());
  Json r3 = *h_.Send(Json::parse(R"({"jsonrpc":"2.0","id":"x","method":5})"));
  EXPECT_EQ(ErrorCode(r3), kInvalidRequest);
  EXPECT_EQ(r3["id"], "x");
  Json r4 = *h_.Send(Json("hello"));
  EXPECT_EQ(ErrorCode(r4), kInvalidRequest);
}

TEST_F(LifecycleTest, BatchesOnlyFor20250326) {
  Json batch = Json::array(
      {h_.Request("ping"), Notification("notifications/initialized"), h_.Request("tools/list")});
  // Before initialize: rejected.
  auto before = h_.Send(batch);
  ASSERT_TRUE(before.has_value() && before->is_object());
  EXPECT_EQ(ErrorCode(*before), kInvalidRequest);

  for (std::string v : {"2025-11-25", "2025-06-18", "2024-11-05"}) {
    Harness h;
    h.Initialize(v);
    auto reply = h.Send(batch);
    ASSERT_TRUE(reply.has_value() && reply->is_object()) << v;
    EXPECT_EQ(ErrorCode(*reply), kInvalidRequest) << v;
    EXPECT_TRUE((*reply)["id"].is_null());
    EXPECT_NE((*reply)["error"]["message"].get<std::string>().find(v), std::string::npos);
  }

  Harness h;
  h.Initialize("2025-03-26");
  auto reply = h.Send(batch);
  ASSERT_TRUE(reply.has_value() && reply->is_array()) << reply->dump();
  ASSERT_EQ(reply->size(), 2u);  // the notification gets nothing
  EXPECT_EQ((*reply)[0]["id"], batch[0]["id"]);
  EXPECT_EQ((*reply)[0]["result"], Json::object());
  EXPECT_TRUE((*reply)[1]["result"].contains("tools"));

  EXPECT_FALSE(h.Send(Json::array({Notification("notifications/initialized")})).has_value());
  EXPECT_EQ(ErrorCode(*h.Send(Json::array())), kInvalidRequest);
  auto with_init = h.Send(Json::array({h.Request("initialize")}));
  ASSERT_TRUE(with_init->is_array());
  EXPECT_EQ(ErrorCode((*with_init)[0]), kInvalidRequest);
  auto invalid_element = h.Send(Json::array({Json(1), h.Request("ping")}));
  ASSERT_TRUE(invalid_element->is_array());
  EXPECT_EQ(ErrorCode((*invalid_element)[0]), kInvalidRequest);
  EXPECT_EQ((*invalid_element)[1]["result"], Json::object());
}

TEST_F(LifecycleTest, BatchSizeIsBounded) {
  DispatcherOptions options;
  options.max_batch_size = 2;
  Harness h(options);
  h.Initialize("2025-03-26");
  auto reply = h.Send(Json::array({h.Request("ping"), h.Request("ping"), h.Request("ping")}));
  EXPECT_EQ(ErrorCode(*reply), kInvalidRequest);
}

TEST_F(LifecycleTest, StatelessSessionsServeWithoutInitialize) {
  auto session = h_.dispatcher().NewStatelessSession(base::Caller{"org", "", base::Role::kViewer},
                                                     "http", "");
  EXPECT_EQ(session->protocol_version(), "2025-03-26");
  EXPECT_TRUE(session->stateless());
  h_.session() = session;
  Json reply = h_.Call("tools/list");
  EXPECT_TRUE(reply["result"]["tools"].is_array()) << reply.dump();
  // initialize is still answered (and changes nothing).
  Json init = h_.Call("initialize", Json{{"protocolVersion", "2025-06-18"}});
  EXPECT_EQ(init["result"]["protocolVersion"], "2025-06-18");
  auto other = h_.dispatcher().NewStatelessSession(base::Caller{}, "http", "2025-06-18");
  EXPECT_EQ(other->protocol_version(), "2025-06-18");
  auto unknown = h_.dispatcher().NewStatelessSession(base::Caller{}, "http", "2030-01-01");
  EXPECT_EQ(unknown->protocol_version(), "2025-11-25");
}

TEST_F(LifecycleTest, ClosedSessionRejectsRequests) {
  h_.Initialize();
  h_.session()->Close();
  EXPECT_EQ(ErrorCode(h_.Call("ping")), kInvalidRequest);
  EXPECT_EQ(h_.dispatcher().live_sessions(), 0u);
}

TEST_F(LifecycleTest, SessionIdsAreUniqueVisibleAscii) {
  auto a = h_.dispatcher().NewSession(base::Caller{}, "x");
  auto b = h_.dispatcher().NewSession(base::Caller{}, "x");
  EXPECT_NE(a->id(), b->id());
  EXPECT_GE(a->id().size(), 32u);
  for (char c : a->id()) EXPECT_TRUE(c >= 0x21 && c <= 0x7e);
}

TEST_F(LifecycleTest, SetLevelValidatesTheLevel) {
  h_.Initialize();
  EXPECT_EQ(h_.Call("logging/setLevel", {{"level", "warning"}})["result"], Json::object());
  EXPECT_EQ(h_.session()->log_level(), mcp::LogLevel::kWarning);
  EXPECT_EQ(ErrorCode(h_.Call("logging/setLevel", {{"level", "loud"}})), kInvalidParams);
  EXPECT_EQ(ErrorCode(h_.Call("logging/setLevel", Json::object())), kInvalidParams);
}

}  // namespace
}  // namespace herald::mcp
