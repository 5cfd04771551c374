// The conformance fixtures, resources/prompts/completion plumbing, checked against the payloads
// the official conformance suite 0.1.16 expects.
#include <gtest/gtest.h>

#include "mcp/fixtures/conformance_fixtures.h"
#include "mcp/protocol/jsonrpc.h"
#include "tests/mcp/mcp_test_support.h"
#include "tests/support/result_matchers.h"

namespace herald::mcp {
namespace {

using ::herald::matchers::IsOk;

using testing::Harness;
using testing::RecordingOutbound;

Json CallRequest(Json id, std::string name, Json arguments = Json::object(), Json meta = nullptr) {
  Json params{{"name", name}, {"arguments", arguments}};
  if (!meta.is_null()) params["_meta"] = meta;
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}};
}

class FixturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(RegisterConformanceFixtures(h_.dispatcher()), IsOk());
    h_.Initialize("2025-11-25", {{"sampling", Json::object()}, {"elicitation", Json::object()}});
  }
  Json Tool(std::string name, Json args = Json::object()) {
    return h_.Call("tools/call", {{"name", name}, {"arguments", args}})["result"];
  }
  // Answers the one server-to-client request the running call sent with `result`.
  Json AnswerClientRequest(std::string tool, Json args, Json result, Json* request = nullptr) {
    auto fut = h_.Start(CallRequest(100, tool, args));
    Json sent;
    for (const auto& m : h_.outbound()->messages()) {
      if (m.contains("id") && m.contains("method")) sent = m;
    }
    EXPECT_FALSE(sent.is_null());
    if (request != nullptr) *request = sent;
    h_.Start(Json{{"jsonrpc", "2.0"}, {"id", sent["id"]}, {"result", result}});
    h_.RunAll();
    return fut.get().value()["result"];
  }

  Harness h_;
};

TEST_F(FixturesTest, ToolListHasEveryFixture) {
  Json tools = h_.Call("tools/list")["result"]["tools"];
  std::set<std::string> names;
  for (const auto& t : tools) {
    names.insert(t["name"]);
    EXPECT_TRUE(t["description"].is_string());
    EXPECT_EQ(t["inputSchema"]["type"], "object");
  }
  for (const char* n : {"test_simple_text", "test_image_content", "test_audio_content",
                        "test_embedded_resource", "test_multiple_content_types",
                        "test_tool_with_logging", "test_error_handling", "test_tool_with_progress",
                        "test_sampling", "test_elicitation", "test_elicitation_sep1034_defaults",
                        "test_elicitation_sep1330_enums", "json_schema_2020_12_tool"}) {
    EXPECT_EQ(names.count(n), 1u) << n;
  }
}

TEST_F(FixturesTest, JsonSchema202012KeywordsSurvive) {
  for (const auto& t : h_.Call("tools/list")["result"]["tools"]) {
    if (t["name"] != "json_schema_2020_12_tool") continue;
    EXPECT_EQ(t["inputSchema"]["$schema"], "https://json-schema.org/draft/2020-12/schema");
    EXPECT_TRUE(t["inputSchema"]["$defs"]["address"].is_object());
    EXPECT_EQ(t["inputSchema"]["additionalProperties"], false);
  }
  Json ok = Tool("json_schema_2020_12_tool", {{"name", "a"}, {"address", {{"city", "Paris"}}}});
  EXPECT_FALSE(ok.contains("isError")) << ok.dump();
  Json bad = Tool("json_schema_2020_12_tool", {{"address", {{"city", 5}}}});
  EXPECT_EQ(bad["isError"], true);
  EXPECT_NE(bad["content"][0]["text"].get<std::string>().find("address.city: expected a string"),
            std::string::npos)
      << bad.dump();
}

TEST_F(FixturesTest, ContentTools) {
  EXPECT_EQ(
      Tool("test_simple_text")["content"],
      Json::parse(R"([{"type":"text","text":"This is a simple text response for testing."}])"));
  Json image = Tool("test_image_content")["content"][0];
  EXPECT_EQ(image["type"], "image");
  EXPECT_EQ(image["mimeType"], "image/png");
  EXPECT_EQ(image["data"], kFixturePngBase64);
  Json audio = Tool("test_audio_content")["content"][0];
  EXPECT_EQ(audio["type"], "audio");
  EXPECT_EQ(audio["mimeType"], "audio/wav");
  EXPECT_EQ(Tool("test_embedded_resource")["content"][0]["resource"],
            Json::parse(R"({"uri":"test://embedded-resource","mimeType":"text/plain",
                            "text":"This is an embedded resource content."})"));
  Json mixed = Tool("test_multiple_content_types")["content"];
  ASSERT_EQ(mixed.size(), 3u);
  EXPECT_EQ(mixed[0]["text"], "Multiple content types test:");
  EXPECT_EQ(mixed[1]["type"], "image");
  EXPECT_EQ(mixed[2]["resource"]["uri"], "test://mixed-content-resource");
  EXPECT_EQ(Json::parse(mixed[2]["resource"]["text"].get<std::string>()),
            Json({{"test", "data"}, {"value", 123}}));
  Json error = Tool("test_error_handling");
  EXPECT_EQ(error["isError"], true);
  EXPECT_EQ(error["content"][0]["text"], "This tool intentionally returns an error for testing");
}

TEST_F(FixturesTest, LoggingAndProgress) {
  Tool("test_tool_with_logging");
  auto logs = h_.outbound()->WithMethod("notifications/message");
  ASSERT_EQ(logs.size(), 3u);
  EXPECT_EQ(logs[0]["params"]["level"], "info");
  EXPECT_EQ(logs[0]["params"]["data"], "Tool execution started");
  EXPECT_EQ(logs[2]["params"]["data"], "Tool execution completed");

  h_.Send(CallRequest(50, "test_tool_with_progress", Json::object(),
                      {{"progressToken", "progress-test-1"}}));
  auto progress = h_.outbound()->WithMethod("notifications/progress");
  ASSERT_EQ(progress.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(progress[i]["params"]["progressToken"], "progress-test-1");
    EXPECT_EQ(progress[i]["params"]["progress"], i * 50.0);
    EXPECT_EQ(progress[i]["params"]["total"], 100.0);
  }
}

TEST_F(FixturesTest, Sampling) {
  Json request;
  Json result = AnswerClientRequest("test_sampling", {{"prompt", "Say hi"}},
                                    {{"role", "assistant"},
                                     {"content", {{"type", "text"}, {"text", "hi there"}}},
                                     {"model", "m"}},
                                    &request);
  EXPECT_EQ(request["method"], "sampling/createMessage");
  EXPECT_EQ(request["params"]["maxTokens"], 100);
  EXPECT_EQ(request["params"]["messages"][0]["content"]["text"], "Say hi");
  EXPECT_EQ(result["content"][0]["text"], "LLM response: hi there");
}

TEST_F(FixturesTest, Elicitations) {
  Json request;
  Json result =
      AnswerClientRequest("test_elicitation", {{"message", "Who are you?"}},
                          {{"action", "accept"},
                           {"content", {{"username", "testuser"}, {"email", "test@example.com"}}}},
                          &request);
  EXPECT_EQ(request["params"]["message"], "Who are you?");
  EXPECT_EQ(request["params"]["requestedSchema"]["required"], Json({"username", "email"}));
  EXPECT_EQ(
      result["content"][0]["text"],
      R"(User response: action=accept, content={"email":"test@example.com","username":"testuser"})");

  h_.outbound()->Clear();
  result = AnswerClientRequest("test_elicitation_sep1034_defaults", Json::object(),
                               {{"action", "decline"}}, &request);
  const Json& props = request["params"]["requestedSchema"]["properties"];
  EXPECT_EQ(props["name"]["default"], "John Doe");
  EXPECT_EQ(props["age"]["default"], 30);
  EXPECT_EQ(props["score"]["default"], 95.5);
  EXPECT_EQ(props["status"]["default"], "active");
  EXPECT_EQ(props["verified"]["default"], true);
  EXPECT_EQ(result["content"][0]["text"], "Elicitation completed: action=decline, content={}");

  h_.outbound()->Clear();
  AnswerClientRequest("test_elicitation_sep1330_enums", Json::object(), {{"action", "cancel"}},
                      &request);
  const Json& enums = request["params"]["requestedSchema"]["properties"];
  EXPECT_EQ(enums["untitledSingle"]["enum"].size(), 3u);
  EXPECT_EQ(enums["titledSingle"]["oneOf"][0]["title"], "First Option");
  EXPECT_EQ(enums["legacyEnum"]["enumNames"][2], "Option Three");
  EXPECT_EQ(enums["untitledMulti"]["items"]["enum"][1], "option2");
  EXPECT_EQ(enums["titledMulti"]["items"]["anyOf"][2]["const"], "value3");
}

TEST_F(FixturesTest, OddClientAnswersDoNotBreakTools) {
  Json result = AnswerClientRequest("test_elicitation_sep1034_defaults", Json::object(), Json(5));
  EXPECT_EQ(result["content"][0]["text"], "Elicitation completed: action=, content={}");
  h_.outbound()->Clear();
  result = AnswerClientRequest("test_sampling", {{"prompt", "x"}}, Json::array());
  EXPECT_EQ(result["content"][0]["text"], "LLM response: No response");
}

TEST_F(FixturesTest, Resources) {
  Json list = h_.Call("resources/list")["result"]["resources"];
  ASSERT_GE(list.size(), 3u);
  for (const auto& r : list) {
    EXPECT_TRUE(r["uri"].is_string());
    EXPECT_TRUE(r["name"].is_string());
    EXPECT_TRUE(r["description"].is_string());
  }
  EXPECT_EQ(h_.Call("resources/read", {{"uri", "test://static-text"}})["result"],
            Json::parse(R"({"contents":[{"uri":"test://static-text","mimeType":"text/plain",
                            "text":"This is the content of the static text resource."}]})"));
  Json binary =
      h_.Call("resources/read", {{"uri", "test://static-binary"}})["result"]["contents"][0];
  EXPECT_EQ(binary["blob"], kFixturePngBase64);
  EXPECT_EQ(binary["mimeType"], "image/png");
  Json templates = h_.Call("resources/templates/list")["result"]["resourceTemplates"];
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_EQ(templates[0]["uriTemplate"], "test://template/{id}/data");
  Json item =
      h_.Call("resources/read", {{"uri", "test://template/123/data"}})["result"]["contents"][0];
  EXPECT_EQ(item["uri"], "test://template/123/data");
  EXPECT_EQ(item["mimeType"], "application/json");
  EXPECT_EQ(Json::parse(item["text"].get<std::string>()),
            Json::parse(R"({"id":"123","templateTest":true,"data":"Data for ID: 123"})"));

  Json missing = h_.Call("resources/read", {{"uri", "test://nope"}});
  EXPECT_EQ(missing["error"]["code"], kResourceNotFound);
  EXPECT_EQ(missing["error"]["data"]["uri"], "test://nope");
  EXPECT_EQ(h_.Call("resources/read", {{"uri", "test://template//data"}})["error"]["code"],
            kResourceNotFound);
  EXPECT_EQ(h_.Call("resources/read", Json::object())["error"]["code"], kInvalidParams);
}

TEST_F(FixturesTest, SubscribeAndNotify) {
  auto standing = std::make_shared<RecordingOutbound>();
  h_.session()->SetStandingOutbound(standing);
  Harness other;
  other.Initialize();
  auto other_out = std::make_shared<RecordingOutbound>();
  other.session()->SetStandingOutbound(other_out);

  EXPECT_EQ(h_.Call("resources/subscribe", {{"uri", "test://watched-resource"}})["result"],
            Json::object());
  EXPECT_TRUE(h_.session()->IsSubscribed("test://watched-resource"));
  EXPECT_EQ(h_.Call("resources/subscribe", {{"uri", "test://unknown"}})["error"]["code"],
            kResourceNotFound);
  h_.dispatcher().NotifyResourceUpdated("test://watched-resource");
  auto updates = standing->WithMethod("notifications/resources/updated");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0]["params"]["uri"], "test://watched-resource");
  EXPECT_TRUE(other_out->messages().empty());

  EXPECT_EQ(h_.Call("resources/unsubscribe", {{"uri", "test://watched-resource"}})["result"],
            Json::object());
  h_.dispatcher().NotifyResourceUpdated("test://watched-resource");
  EXPECT_EQ(standing->WithMethod("notifications/resources/updated").size(), 1u);
}

TEST_F(FixturesTest, Prompts) {
  Json list = h_.Call("prompts/list")["result"]["prompts"];
  ASSERT_EQ(list.size(), 5u);  // the 0.1.16 suite's four and 2026-07-28's input-required one
  EXPECT_EQ(list[4]["name"], "test_input_required_result_prompt");
  EXPECT_EQ(list[1]["name"], "test_prompt_with_arguments");
  EXPECT_EQ(list[1]["arguments"][0],
            Json::parse(R"({"name":"arg1","description":"First test argument","required":true})"));
  EXPECT_EQ(
      h_.Call("prompts/get", {{"name", "test_simple_prompt"}})["result"]["messages"],
      Json::parse(
          R"([{"role":"user","content":{"type":"text","text":"This is a simple prompt for testing."}}])"));
  Json with_args = h_.Call("prompts/get", {{"name", "test_prompt_with_arguments"},
                                           {"arguments", {{"arg1", "hello"}, {"arg2", "world"}}}});
  EXPECT_EQ(with_args["result"]["messages"][0]["content"]["text"],
            "Prompt with arguments: arg1='hello', arg2='world'");
  Json embedded =
      h_.Call("prompts/get", {{"name", "test_prompt_with_embedded_resource"},
                              {"arguments", {{"resourceUri", "test://x"}}}})["result"]["messages"];
  EXPECT_EQ(embedded[0]["content"]["resource"]["uri"], "test://x");
  EXPECT_EQ(embedded[0]["content"]["resource"]["text"], "Embedded resource content for testing.");
  EXPECT_EQ(embedded[1]["content"]["text"], "Please process the embedded resource above.");
  Json image = h_.Call("prompts/get", {{"name", "test_prompt_with_image"}})["result"]["messages"];
  EXPECT_EQ(image[0]["content"]["type"], "image");
  EXPECT_EQ(image[1]["content"]["text"], "Please analyze the image above.");

  Json missing = h_.Call("prompts/get",
                         {{"name", "test_prompt_with_arguments"}, {"arguments", {{"arg1", "x"}}}});
  EXPECT_EQ(missing["error"]["code"], kInvalidParams);
  EXPECT_NE(missing["error"]["message"].get<std::string>().find("\"arg2\""), std::string::npos);
  EXPECT_EQ(h_.Call("prompts/get", {{"name", "nope"}})["error"]["code"], kInvalidParams);
  EXPECT_EQ(h_.Call("prompts/get", {{"name", "test_prompt_with_arguments"},
                                    {"arguments", {{"arg1", 1}, {"arg2", "x"}}}})["error"]["code"],
            kInvalidParams);
}

TEST_F(FixturesTest, Completion) {
  Json reply = h_.Call("completion/complete",
                       {{"ref", {{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}}},
                        {"argument", {{"name", "arg1"}, {"value", "par"}}}});
  EXPECT_EQ(reply["result"]["completion"]["values"], Json({"paris", "park", "party"}));
  EXPECT_EQ(reply["result"]["completion"]["total"], 3);
  EXPECT_EQ(reply["result"]["completion"]["hasMore"], false);
  Json narrow = h_.Call("completion/complete",
                        {{"ref", {{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}}},
                         {"argument", {{"name", "arg1"}, {"value", "park"}}}});
  EXPECT_EQ(narrow["result"]["completion"]["values"], Json({"park"}));
  Json tmpl = h_.Call("completion/complete",
                      {{"ref", {{"type", "ref/resource"}, {"uri", "test://template/{id}/data"}}},
                       {"argument", {{"name", "id"}, {"value", ""}}}});
  EXPECT_EQ(tmpl["result"]["completion"]["values"], Json::array());
  EXPECT_EQ(h_.Call("completion/complete",
                    {{"ref", {{"type", "ref/prompt"}, {"name", "nope"}}},
                     {"argument", {{"name", "a"}, {"value", ""}}}})["error"]["code"],
            kInvalidParams);
  // An argument without a name (const access must not assume the key exists).
  EXPECT_EQ(h_.Call("completion/complete",
                    {{"ref", {{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}}},
                     {"argument", Json::object()}})["error"]["code"],
            kInvalidParams);
  EXPECT_EQ(h_.Call("completion/complete",
                    {{"ref", {{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}}},
                     {"argument", {{"name", 5}}}})["error"]["code"],
            kInvalidParams);
  EXPECT_EQ(h_.Call("completion/complete", {{"ref", {{"type", "ref/tool"}}},
                                            {"argument", {{"name", "a"}}}})["error"]["code"],
            kInvalidParams);
}

TEST(ResourceTemplateTest, Matches) {
  auto m = ResourceRegistry::MatchTemplate("herald://posts/{id}", "herald://posts/post_01ABC");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ((*m)["id"], "post_01ABC");
  EXPECT_FALSE(
      ResourceRegistry::MatchTemplate("herald://posts/{id}", "herald://posts/").has_value());
  EXPECT_FALSE(
      ResourceRegistry::MatchTemplate("herald://posts/{id}", "herald://posts/a/b").has_value());
  EXPECT_FALSE(
      ResourceRegistry::MatchTemplate("herald://posts/{id}", "herald://post/x").has_value());
  auto decoded = ResourceRegistry::MatchTemplate("a://{x}/y/{z}", "a://h%20i/y/z%2");
  EXPECT_FALSE(decoded.has_value());
  auto two = ResourceRegistry::MatchTemplate("a://{x}/y/{z}", "a://h%20i/y/zz");
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ((*two)["x"], "h i");
  EXPECT_EQ((*two)["z"], "zz");
}

TEST(ResourceListTest, Paginates) {
  DispatcherOptions options;
  options.page_size = 2;
  Harness h(options);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(h.dispatcher()
                    .resources()
                    .Add({"x://" + std::to_string(i), "r" + std::to_string(i), "", "d", ""},
                         [](std::string, base::Caller) -> base::Task<base::Result<Json>> {
                           co_return Json::array();
                         })
                    .ok());
  }
  h.Initialize();
  Json first = h.Call("resources/list")["result"];
  ASSERT_EQ(first["resources"].size(), 2u);
  Json second = h.Call("resources/list", {{"cursor", first["nextCursor"]}})["result"];
  EXPECT_EQ(second["resources"][0]["uri"], "x://2");
  // A tools cursor is not a resources cursor.
  EXPECT_EQ(h.Call("prompts/list", {{"cursor", first["nextCursor"]}})["error"]["code"],
            kInvalidParams);
}

}  // namespace
}  // namespace herald::mcp
