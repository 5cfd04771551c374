// tools/list and tools/call: pagination, descriptions, role checks, argument validation
// messages, tool errors. JSON in / JSON out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcp/protocol/jsonrpc.h"
#include "mcp/server/detached_tool_context.h"
#include "tests/mcp/mcp_test_support.h"
#include "tests/support/result_matchers.h"

namespace herald::mcp {
namespace {

using ::herald::matchers::IsOk;
using ::testing::Not;

using testing::Harness;
using testing::Spec;
using testing::Structured;

Json PostSchema() {
  return Json::parse(R"({
    "type": "object",
    "additionalProperties": false,
    "required": ["text", "accounts"],
    "properties": {
      "text": {"type": "string", "minLength": 1, "maxLength": 20, "description": "The post text."},
      "accounts": {"type": "array", "minItems": 1,
                   "items": {"type": "string", "pattern": "^acc_[0-9A-Z]{4}$"},
                   "description": "Account ids to post to."},
      "publish_at": {"type": "string", "format": "date-time"},
      "visibility": {"type": "string", "enum": ["public", "unlisted", "private"]},
      "thread": {"type": "array", "items": {"type": "object", "required": ["text"],
                 "additionalProperties": false, "properties": {"text": {"type": "string"}}}},
      "priority": {"type": "integer", "minimum": 1, "maximum": 5},
      "media": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    }
  })");
}

Json OutputSchema() {
  return Json::parse(R"({"type": "object", "required": ["post_id"], "additionalProperties": false,
                         "properties": {"post_id": {"type": "string"}}})");
}

class ToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.AddTool(
        Spec("schedule_post", base::Role::kEditor),
        [](Json, tools::ToolContext&) {
          return Structured({{"post_id", "post_1"}});
        },
        PostSchema(), OutputSchema());
    h_.AddTool(Spec("fails_not_found"),
               [](Json, tools::ToolContext&) -> base::Task<base::Result<tools::ToolOutput>> {
                 co_return base::NotFound("no post post_X in this organization");
               });
    h_.AddTool(Spec("fails_internal"),
               [](Json, tools::ToolContext&) -> base::Task<base::Result<tools::ToolOutput>> {
                 co_return base::Internal("SELECT secret FROM sealed");
               });
    h_.AddTool(Spec("throws"),
               [](Json, tools::ToolContext&) -> base::Task<base::Result<tools::ToolOutput>> {
                 throw std::runtime_error("boom with token abc");
                 co_return tools::ToolOutput{};
               });
    h_.AddTool(
        Spec("bad_output"),
        [](Json, tools::ToolContext&) {
          return Structured({{"nope", 1}});
        },
        testing::EmptyObjectSchema(), OutputSchema());
    h_.AddTool(Spec("admin_only", base::Role::kAdmin), [](Json, tools::ToolContext&) {
      return Structured({{"ok", true}});
    });
    h_.Initialize();
  }

  Json CallTool(const std::string& name, Json arguments) {
    return h_.Call("tools/call", Json{{"name", name}, {"arguments", std::move(arguments)}});
  }
  std::string ErrorText(const Json& reply) {
    EXPECT_EQ(reply["result"]["isError"], true) << reply.dump();
    return reply["result"]["content"][0]["text"].get<std::string>();
  }
  Json ValidArgs() { return Json{{"text", "hello"}, {"accounts", {"acc_AAAA"}}}; }

  Harness h_;
};

TEST_F(ToolsTest, ListDescribesTools) {
  Json tools = h_.Call("tools/list")["result"]["tools"];
  ASSERT_EQ(tools.size(), 6u);
  const Json& t = tools[0];
  EXPECT_EQ(t["name"], "schedule_post");
  EXPECT_EQ(t["title"], "Title of schedule_post");
  EXPECT_EQ(t["description"], "Test tool schedule_post");
  EXPECT_EQ(t["inputSchema"], PostSchema());
  EXPECT_EQ(t["outputSchema"], OutputSchema());
  EXPECT_EQ(t["annotations"]["readOnlyHint"], false);
  EXPECT_EQ(t["annotations"]["destructiveHint"], false);
  EXPECT_EQ(t["annotations"]["idempotentHint"], false);
  EXPECT_EQ(t["annotations"]["openWorldHint"], true);
  EXPECT_EQ(t["annotations"]["title"], "Title of schedule_post");
  EXPECT_FALSE(tools[1].contains("outputSchema"));
}

TEST_F(ToolsTest, ListPaginatesWithOpaqueCursor) {
  DispatcherOptions options;
  options.page_size = 4;
  Harness h(options);
  for (int i = 0; i < 10; ++i) {
    h.AddTool(Spec("t" + std::to_string(i)),
              [](Json, tools::ToolContext&) { return Structured({}); });
  }
  h.Initialize();
  std::vector<std::string> names;
  Json cursor;
  int pages = 0;
  do {
    Json params = Json::object();
    if (!cursor.is_null()) params["cursor"] = cursor;
    Json result = h.Call("tools/list", params)["result"];
    for (const auto& t : result["tools"]) names.push_back(t["name"]);
    cursor = result.value("nextCursor", Json());
    ++pages;
  } while (!cursor.is_null());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(names.size(), 10u);
  EXPECT_EQ(names.front(), "t0");
  EXPECT_EQ(names.back(), "t9");

  for (Json bad : {Json("garbage"), Json(5), Json("cHJvbXB0czo0"), Json("dG9vbHM6OTk")}) {
    Json reply = h.Call("tools/list", {{"cursor", bad}});
    EXPECT_EQ(reply["error"]["code"], kInvalidParams) << bad.dump();
  }
}

TEST_F(ToolsTest, CallReturnsStructuredContentAndTextMirror) {
  Json result = CallTool("schedule_post", ValidArgs())["result"];
  EXPECT_EQ(result["structuredContent"], Json({{"post_id", "post_1"}}));
  ASSERT_EQ(result["content"].size(), 1u);
  EXPECT_EQ(result["content"][0]["type"], "text");
  EXPECT_EQ(Json::parse(result["content"][0]["text"].get<std::string>()),
            result["structuredContent"]);
  EXPECT_FALSE(result.contains("isError"));
}

TEST_F(ToolsTest, UnknownToolIsInvalidParams) {
  Json reply = CallTool("nope", Json::object());
  EXPECT_EQ(reply["error"]["code"], kInvalidParams);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("nope"), std::string::npos);
  EXPECT_EQ(h_.Call("tools/call", Json::object())["error"]["code"], kInvalidParams);
}

TEST_F(ToolsTest, ArgumentErrorsNameTheFieldAndWhatWasExpected) {
  Json args = ValidArgs();
  args["accounts"] = Json::array({"acc_AAAA", "acc_BBBB", 7});
  args["publish_at"] = "tomorrow 9am";
  std::string text = ErrorText(CallTool("schedule_post", args));
  EXPECT_NE(text.find("Invalid arguments for schedule_post:"), std::string::npos) << text;
  EXPECT_NE(text.find("- accounts[2]: expected a string, got the number 7"), std::string::npos)
      << text;
  EXPECT_NE(text.find("- publish_at: expected an RFC 3339 date-time with an offset"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("got the string \"tomorrow 9am\""), std::string::npos) << text;
  EXPECT_NE(text.find("call schedule_post again"), std::string::npos) << text;
}

struct MessageCase {
  const char* name;
  const char* patch;  // merged into the valid arguments (null removes)
  const char* expected;
};

class ArgumentMessageTest : public ToolsTest, public ::testing::WithParamInterface<MessageCase> {};

TEST_P(ArgumentMessageTest, Explains) {
  Json args = ValidArgs();
  args.merge_patch(Json::parse(GetParam().patch));
  std::string text = ErrorText(CallTool("schedule_post", args));
  EXPECT_NE(text.find(GetParam().expected), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(
    Messages, ArgumentMessageTest,
    ::testing::Values(
        MessageCase{"missing", R"({"text": null})",
                    "- missing required argument \"text\" (The post text.)"},
        MessageCase{"typo", R"({"txt": "x"})",
                    "- unknown argument \"txt\"; did you mean \"text\"?"},
        MessageCase{"unknown", R"({"zzzzzz": 1})",
                    "- unknown argument \"zzzzzz\" (allowed: accounts, media, priority, "
                    "publish_at, text, thread, visibility)"},
        MessageCase{"enum", R"({"visibility": "publc"})",
                    "- visibility: expected one of \"public\", \"unlisted\", \"private\", got the "
                    "string \"publc\"; did you mean \"public\"?"},
        MessageCase{"nested_required", R"({"thread": [{"text": "a"}, {}]})",
                    "- thread[1]: missing required field \"text\""},
        MessageCase{"nested_unknown", R"({"thread": [{"text": "a", "txet": "b"}]})",
                    "- thread[0]: unknown field \"txet\"; did you mean \"text\"?"},
        MessageCase{"maximum", R"({"priority": 9})", "- priority: must be at most 5, got 9"},
        MessageCase{"integer", R"({"priority": 2.5})",
                    "- priority: expected an integer, got the number 2.5"},
        MessageCase{"empty", R"({"text": ""})", "- text: must not be empty"},
        MessageCase{"too_long", R"({"text": "ééééééééééééééééééééééé"})",
                    "- text: must be at most 20 characters long, got 23 (shorten it by 3)"},
        MessageCase{"min_items", R"({"accounts": []})",
                    "- accounts: must have at least 1 item, got 0"},
        MessageCase{"pattern", R"({"accounts": ["acc_1"]})",
                    "- accounts[0]: the string \"acc_1\" does not have the expected form (pattern "
                    "^acc_[0-9A-Z]{4}$)"},
        MessageCase{"any_of", R"({"media": 5})",
                    "- media: expected a string or an array of strings, got the number 5"},
        MessageCase{"any_of_branch", R"({"media": ["a", 3]})",
                    "- media[1]: expected a string, got the number 3"},
        MessageCase{"date_time_offset", R"({"publish_at": "2026-03-01T09:00:00"})",
                    "publish_at: expected an RFC 3339 date-time with an offset"}),
    [](const ::testing::TestParamInfo<MessageCase>& param_info) { return param_info.param.name; });

TEST_F(ToolsTest, NonObjectArgumentsAreAToolError) {
  std::string text = ErrorText(CallTool("schedule_post", Json::array({1})));
  EXPECT_NE(text.find("must be a JSON object"), std::string::npos) << text;
  // Missing arguments mean {} (and then the required ones are missing).
  Json reply = h_.Call("tools/call", Json{{"name", "schedule_post"}});
  EXPECT_NE(ErrorText(reply).find("missing required argument \"text\""), std::string::npos);
}

TEST_F(ToolsTest, RoleIsEnforced) {
  for (auto [role, allowed] :
       {std::pair{base::Role::kViewer, false}, std::pair{base::Role::kEditor, true},
        std::pair{base::Role::kAdmin, true}}) {
    Harness h({}, base::Caller{"org_test", "key_1", role});
    h.AddTool(Spec("schedule_post", base::Role::kEditor), [](Json, tools::ToolContext&) {
      return Structured({{"post_id", "p"}});
    });
    h.Initialize();
    Json reply = h.Call("tools/call", {{"name", "schedule_post"}, {"arguments", Json::object()}});
    if (allowed) {
      EXPECT_FALSE(reply["result"].contains("isError")) << reply.dump();
    } else {
      EXPECT_EQ(reply["result"]["isError"], true);
      EXPECT_EQ(reply["result"]["content"][0]["text"],
                "this API key's role (viewer) cannot call schedule_post; it needs editor");
    }
  }
  Harness editor({}, base::Caller{"org_test", "key_1", base::Role::kEditor});
  editor.AddTool(Spec("create_key", base::Role::kAdmin),
                 [](Json, tools::ToolContext&) { return Structured({}); });
  editor.Initialize();
  Json reply = editor.Call("tools/call", {{"name", "create_key"}});
  EXPECT_EQ(reply["result"]["content"][0]["text"],
            "this API key's role (editor) cannot call create_key; it needs admin");
}

TEST_F(ToolsTest, ToolErrorsBecomeIsError) {
  EXPECT_EQ(ErrorText(CallTool("fails_not_found", Json::object())),
            "no post post_X in this organization");
  for (const char* name : {"fails_internal", "throws"}) {
    std::string text = ErrorText(CallTool(name, Json::object()));
    EXPECT_NE(text.find("internal error"), std::string::npos) << text;
    EXPECT_NE(text.find("reference ref_"), std::string::npos) << text;
    EXPECT_EQ(text.find("SELECT"), std::string::npos) << text;
    EXPECT_EQ(text.find("token"), std::string::npos) << text;
  }
}

TEST_F(ToolsTest, OutputIsCheckedAgainstOutputSchema) {
  h_.dispatcher().tools().set_check_output(true);
  std::string text = ErrorText(CallTool("bad_output", Json::object()));
  EXPECT_NE(text.find("internal error"), std::string::npos);
  h_.dispatcher().tools().set_check_output(false);
  Json result = CallTool("bad_output", Json::object())["result"];
  EXPECT_EQ(result["structuredContent"], Json({{"nope", 1}}));
}

TEST_F(ToolsTest, ContentBlocksOverrideTheMirror) {
  Harness h;
  h.AddTool(Spec("image"),
            [](Json, tools::ToolContext&) -> base::Task<base::Result<tools::ToolOutput>> {
              tools::ToolOutput out;
              out.content =
                  Json::array({{{"type", "image"}, {"data", "AAAA"}, {"mimeType", "image/png"}}});
              out.is_error = false;
              co_return out;
            });
  h.Initialize();
  Json result = h.Call("tools/call", {{"name", "image"}})["result"];
  EXPECT_EQ(result["content"][0]["type"], "image");
  EXPECT_FALSE(result.contains("structuredContent"));
}

TEST(ToolRegistryTest, RejectsBadRegistrations) {
  ToolRegistry registry;
  auto tool = [](std::string name) {
    return std::make_unique<testing::LambdaTool>(
        Spec(std::move(name)), [](Json, tools::ToolContext&) { return Structured({}); });
  };
  std::string forty(40, 'a');
  EXPECT_TRUE(
      registry.RegisterWithSchemas(tool(forty), testing::EmptyObjectSchema(), nullptr).ok());
  auto too_long =
      registry.RegisterWithSchemas(tool(forty + "b"), testing::EmptyObjectSchema(), nullptr);
  ASSERT_THAT(too_long, Not(IsOk()));
  EXPECT_NE(too_long.error().message().find("1-40 characters"), std::string::npos);
  EXPECT_FALSE(
      registry.RegisterWithSchemas(tool("has space"), testing::EmptyObjectSchema(), nullptr).ok());
  EXPECT_FALSE(
      registry.RegisterWithSchemas(tool(forty), testing::EmptyObjectSchema(), nullptr).ok());
  auto not_object = registry.RegisterWithSchemas(tool("arr"), Json{{"type", "array"}}, nullptr);
  ASSERT_THAT(not_object, Not(IsOk()));
  EXPECT_NE(not_object.error().message().find("root must be"), std::string::npos);
  auto invalid = registry.RegisterWithSchemas(
      tool("bad_schema"), Json::parse(R"({"type":"object","properties":{"a":{"type":"strnig"}}})"),
      nullptr);
  EXPECT_THAT(invalid, Not(IsOk()));
  auto missing = registry.Register(tool("no_such_tool_anywhere"));
  ASSERT_THAT(missing, Not(IsOk()));
  EXPECT_NE(
      missing.error().message().find("schemas/tools/no_such_tool_anywhere.input.json is missing"),
      std::string::npos)
      << missing.error().message();
  EXPECT_EQ(registry.size(), 1u);
}

TEST(ToolRegistryTest, InvokeWithDetachedContextForRest) {
  ToolRegistry registry;
  ASSERT_TRUE(registry
                  .RegisterWithSchemas(
                      std::make_unique<testing::LambdaTool>(Spec("edit", base::Role::kEditor),
                                                            [](Json args, tools::ToolContext& ctx) {
                                                              EXPECT_FALSE(ctx.CanSample());
                                                              return Structured({{"echo", args}});
                                                            }),
                      PostSchema(), nullptr)
                  .ok());
  DetachedToolContext viewer(base::Caller{"org", "key", base::Role::kViewer});
  DetachedToolContext editor(base::Caller{"org", "key", base::Role::kEditor});
  const RegisteredTool* tool = registry.Find("edit");
  ASSERT_NE(tool, nullptr);
  auto d = testing::RunTask(registry.Invoke(*tool, Json::object(), viewer));
  auto i = testing::RunTask(registry.Invoke(*tool, Json{{"text", 1}}, editor));
  auto o = testing::RunTask(
      registry.Invoke(*tool, Json{{"text", "a"}, {"accounts", {"acc_AAAA"}}}, editor));
  ASSERT_THAT(d, Not(IsOk()));
  EXPECT_EQ(d.error().code(), base::ErrorCode::kPermissionDenied);
  ASSERT_THAT(i, Not(IsOk()));
  EXPECT_EQ(i.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(i.error().message().find("text: expected a string, got the number 1"),
            std::string::npos);
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->structured["echo"]["text"], "a");
}

}  // namespace
}  // namespace herald::mcp
