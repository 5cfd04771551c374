// herald's own resources and prompts (mcp/server/herald_server.h), and the production tool set
// against the embedded schema files.
#include "mcp/server/herald_server.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "app/config.h"
#include "app/services.h"
#include "mcp/protocol/jsonrpc.h"
#include "schemas/schemas.h"
#include "tests/mcp/mcp_test_support.h"
#include "tests/support/result_matchers.h"

namespace herald::mcp {
namespace {

using ::herald::matchers::IsOk;

using testing::Harness;
using testing::Spec;
using testing::Structured;
using ToolResult = base::Result<tools::ToolOutput>;

TEST(HeraldPromptsTest, ListAndGet) {
  Harness h;
  ASSERT_THAT(RegisterHeraldPrompts(h.dispatcher().prompts()), IsOk());
  h.Initialize();
  Json prompts = h.Call("prompts/list")["result"]["prompts"];
  ASSERT_EQ(prompts.size(), 3u);  // plan_week, repurpose_article, weekly_report
  EXPECT_EQ(prompts[0]["name"], "plan_week");
  EXPECT_EQ(prompts[0]["arguments"][0]["name"], "goals");
  EXPECT_EQ(prompts[0]["arguments"][0]["required"], true);
  EXPECT_EQ(prompts[1]["name"], "repurpose_article");

  Json week = h.Call("prompts/get",
                     {{"name", "plan_week"},
                      {"arguments", {{"goals", "launch v2"}, {"time_zone", "Europe/Paris"}}}});
  std::string text = week["result"]["messages"][0]["content"]["text"];
  EXPECT_EQ(week["result"]["messages"][0]["role"], "user");
  for (const char* word :
       {"launch v2", "Europe/Paris", "list_accounts", "validate_post", "schedule_post",
        "idempotency_key", "get_post", "connect_account", "approval"}) {
    EXPECT_NE(text.find(word), std::string::npos) << word;
  }
  Json no_zone = h.Call("prompts/get", {{"name", "plan_week"}, {"arguments", {{"goals", "x"}}}});
  EXPECT_NE(no_zone["result"]["messages"][0]["content"]["text"].get<std::string>().find("ask me"),
            std::string::npos);
  EXPECT_EQ(h.Call("prompts/get", {{"name", "plan_week"}})["error"]["code"], kInvalidParams);

  Json article =
      h.Call("prompts/get",
             {{"name", "repurpose_article"},
              {"arguments", {{"article", "Our study found X."}, {"platforms", "bluesky"}}}});
  std::string atext = article["result"]["messages"][0]["content"]["text"];
  for (const char* word :
       {"Our study found X.", "bluesky", "300", "validate_post", "schedule_post", "Never invent"}) {
    EXPECT_NE(atext.find(word), std::string::npos) << word;
  }
  Json completion = h.Call("completion/complete",
                           {{"ref", {{"type", "ref/prompt"}, {"name", "repurpose_article"}}},
                            {"argument", {{"name", "tone"}, {"value", "f"}}}});
  EXPECT_EQ(completion["result"]["completion"]["values"], Json({"friendly", "formal"}));
}

class HeraldResourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HeraldResourceProviders providers;
    providers.accounts = [this](base::Caller caller) -> base::Task<base::Result<Json>> {
      seen_org_ = caller.org_id;
      co_return Json{{"accounts", Json::array({{{"id", "acc_1"}, {"platform", "mastodon"}}})}};
    };
    providers.post = [](base::Caller, std::string post_id) -> base::Task<base::Result<Json>> {
      if (post_id != "post_1") co_return base::NotFound("no post " + post_id);
      co_return Json{{"id", "post_1"}, {"status", "scheduled"}};
    };
    ASSERT_THAT(RegisterHeraldResources(h_.dispatcher().resources(), std::move(providers)), IsOk());
    h_.Initialize();
  }
  Harness h_;
  std::string seen_org_;
};

TEST_F(HeraldResourcesTest, AccountsAndPostsReadThroughTheirProviders) {
  Json list = h_.Call("resources/list")["result"]["resources"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["uri"], "herald://accounts");
  EXPECT_EQ(list[0]["mimeType"], "application/json");
  Json templates = h_.Call("resources/templates/list")["result"]["resourceTemplates"];
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_EQ(templates[0]["uriTemplate"], "herald://posts/{id}");

  Json accounts =
      h_.Call("resources/read", {{"uri", "herald://accounts"}})["result"]["contents"][0];
  EXPECT_EQ(accounts["uri"], "herald://accounts");
  EXPECT_EQ(Json::parse(accounts["text"].get<std::string>())["accounts"][0]["id"], "acc_1");
  EXPECT_EQ(seen_org_, "org_test");

  Json post =
      h_.Call("resources/read", {{"uri", "herald://posts/post_1"}})["result"]["contents"][0];
  EXPECT_EQ(Json::parse(post["text"].get<std::string>())["status"], "scheduled");
  EXPECT_EQ(h_.Call("resources/read", {{"uri", "herald://posts/post_2"}})["error"]["code"],
            kResourceNotFound);
}

TEST(HeraldResourcesNoServicesTest, LeftOutWithoutTheirServices) {
  Harness h;
  ASSERT_THAT(
      RegisterHeraldResources(h.dispatcher().resources(), ProvidersFromServices(tools::ToolDeps{})),
      IsOk());
  h.Initialize();
  EXPECT_TRUE(h.Call("resources/list")["result"]["resources"].empty());
}

// Every production tool has both schema files, and every schema file belongs to a production
// tool; names are at most 40 characters. Builds the real services (SQLite in a temp dir).
TEST(ProductionToolsTest, SchemasAndToolsMatch) {
  auto dir =
      std::filesystem::temp_directory_path() / ("herald-tools-test-" + std::to_string(::getpid()));
  app::Config config;
  config.data_dir = dir.string();
  auto services = app::BuildServices(config);
  ASSERT_THAT(services, IsOk()) << services.error().ToString();
  auto dispatcher = BuildHeraldDispatcher((*services)->ToolDependencies());
  ASSERT_THAT(dispatcher, IsOk()) << dispatcher.error().ToString();

  std::set<std::string> tool_names;
  for (const auto& t : (*dispatcher)->tools().all()) {
    EXPECT_LE(t->spec().name.size(), 40u) << t->spec().name;
    EXPECT_FALSE(t->spec().description.empty()) << t->spec().name;
    EXPECT_FALSE(t->output_schema().is_null()) << t->spec().name << " has no output schema";
    tool_names.insert(t->spec().name);
  }
  std::set<std::string> schema_names;
  for (const auto& file : schemas::All()) {
    std::string_view path = file.path;
    if (path.rfind("tools/", 0) != 0) continue;
    std::string_view rest = path.substr(6);
    for (std::string_view suffix : {".input.json", ".output.json"}) {
      if (rest.size() > suffix.size() && rest.substr(rest.size() - suffix.size()) == suffix) {
        schema_names.insert(std::string(rest.substr(0, rest.size() - suffix.size())));
      }
    }
  }
  for (const auto& name : schema_names) {
    EXPECT_EQ(tool_names.count(name), 1u)
        << "schemas/tools/" << name << ".*.json has no production tool";
  }
  for (const auto& name : tool_names) {
    EXPECT_TRUE(schemas::Find("tools/" + name + ".input.json").has_value()) << name;
    EXPECT_TRUE(schemas::Find("tools/" + name + ".output.json").has_value()) << name;
  }
  services->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace herald::mcp
