// Tool metadata lives in schemas/tools/<name>.tool.json: every production tool has it (and
// every metadata file has a tool), and the tools/list listing of the production tool set is
// pinned to tests/tools/golden/tools_list.json byte for byte (regenerate it deliberately with
// HERALD_UPDATE_GOLDEN=1 when a description changes on purpose).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "app/config.h"
#include "app/services.h"
#include "mcp/server/herald_server.h"
#include "platforms/platform.h"
#include "schemas/schemas.h"
#include "tests/support/result_matchers.h"
#include "tools/post_args.h"
#include "tools/tool_metadata.h"

namespace herald::tools {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;

// The real services on SQLite in a temporary directory, and herald's dispatcher over them.
class ProductionTools : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("herald-tool-listing-" + std::to_string(::getpid()));
    app::Config config;
    config.data_dir = dir_.string();
    auto services = app::BuildServices(config);
    ASSERT_THAT(services, IsOk());
    services_ = std::move(*services);
    auto dispatcher = mcp::BuildHeraldDispatcher(services_->ToolDependencies());
    ASSERT_THAT(dispatcher, IsOk());
    dispatcher_ = std::move(*dispatcher);
  }
  void TearDown() override {
    dispatcher_.reset();
    services_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<app::Services> services_;
  std::unique_ptr<mcp::Dispatcher> dispatcher_;
};

TEST_F(ProductionTools, EveryToolHasItsMetadataFileAndEveryFileATool) {
  std::set<std::string> names;
  for (const auto& t : dispatcher_->tools().all()) {
    const ToolSpec& spec = t->spec();
    names.insert(spec.name);
    auto loaded = LoadToolSpec(spec.name, spec.required_role);
    ASSERT_THAT(loaded, IsOk()) << spec.name;
    EXPECT_EQ(loaded->title, spec.title) << spec.name;
    EXPECT_EQ(loaded->description, spec.description) << spec.name;
    EXPECT_FALSE(spec.title.empty()) << spec.name;
    EXPECT_GT(spec.description.size(), 60u) << spec.name;
  }
  EXPECT_EQ(names.size(), 39u);  // 21, analytics' five, and issue 18's thirteen team tools
  for (const auto& file : schemas::All()) {
    std::string_view path = file.path;
    constexpr std::string_view kSuffix = ".tool.json";
    if (!path.starts_with("tools/") || !path.ends_with(kSuffix)) continue;
    std::string name(path.substr(6, path.size() - 6 - kSuffix.size()));
    EXPECT_EQ(names.count(name), 1u) << "schemas/" << path << " has no production tool";
  }
}

// The rule OpenAI Agents' strict mode (ensure_strict_json_schema) fails on: an object schema
// whose additionalProperties is true or a schema (a map keyed by arbitrary names). Its other
// rewrites (adding additionalProperties:false, listing every property in required) convert
// and never fail. Paths of offending nodes are appended to `out`.
void CollectMapObjects(const Json& node, const std::string& path, std::vector<std::string>& out) {
  if (node.is_object()) {
    if (auto ap = node.find("additionalProperties");
        ap != node.end() && !(ap->is_boolean() && !ap->get<bool>())) {
      out.push_back(path);
    }
    for (const auto& [key, value] : node.items()) CollectMapObjects(value, path + "/" + key, out);
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      CollectMapObjects(node[i], path + "/" + std::to_string(i), out);
    }
  }
}

TEST_F(ProductionTools, InputSchemasConvertToOpenAiStrictMode) {
  for (const auto& t : dispatcher_->tools().all()) {
    std::vector<std::string> maps;
    CollectMapObjects(t->Describe()["inputSchema"], "", maps);
    EXPECT_TRUE(maps.empty()) << t->spec().name << ": map-typed objects at "
                              << ::testing::PrintToString(maps);
  }
}

// platform_options names each network that takes options (a closed object, not a map), so a
// network given options_schema must be added to the post tools' input schemas.
TEST_F(ProductionTools, PlatformOptionsNameEveryNetworkThatTakesOptions) {
  std::set<std::string> with_options;
  for (const auto* p : services_->platforms->All()) {
    if (!p->Info().options_schema.is_null()) with_options.insert(p->Info().id);
  }
  ASSERT_FALSE(with_options.empty());
  for (const char* name :
       {"schedule_post", "publish_post", "save_draft", "validate_post", "update_post"}) {
    const auto* tool = dispatcher_->tools().Find(name);
    ASSERT_NE(tool, nullptr) << name;
    const Json described = tool->Describe();
    const Json& options = described.at("inputSchema").at("properties").at("platform_options");
    std::set<std::string> listed;
    for (const auto& [id, _] : options.at("properties").items()) listed.insert(id);
    EXPECT_EQ(listed, with_options) << name;
    EXPECT_EQ(options.at("additionalProperties"), false) << name;
  }
}

TEST_F(ProductionTools, OverridesStillAcceptTheOlderMapForm) {
  Json old_form = Json::parse(R"({"text": "hi", "accounts": ["acc_1", "acc_2"],
      "overrides": {"acc_1": {"text": "for one"}, "acc_2": {"media": ["med_1"]}}})");
  Json upgraded = UpgradeOverridesArgument(old_form);
  EXPECT_EQ(upgraded["overrides"], Json::parse(R"([{"account_id": "acc_1", "text": "for one"},
                            {"account_id": "acc_2", "media": ["med_1"]}])"));
  for (const char* name :
       {"schedule_post", "publish_post", "save_draft", "validate_post", "update_post"}) {
    const auto* tool = dispatcher_->tools().Find(name);
    ASSERT_NE(tool, nullptr) << name;
    ASSERT_TRUE(tool->spec().upgrade_arguments) << name;
    Json args = tool->spec().upgrade_arguments(old_form);
    if (std::string(name) == "update_post") {
      args.erase("accounts");
      args["post_id"] = "post_1";
    }
    if (std::string(name) == "schedule_post") args["publish_at"] = "2030-01-01T09:00:00Z";
    EXPECT_TRUE(tool->input_validator().IsValid(args)) << name << " " << args.dump();
    EXPECT_EQ(args["overrides"], upgraded["overrides"]) << name;
  }
  // A value that is not the old form either is left for validation to name.
  Json bad = Json::parse(R"({"overrides": {"acc_1": "text"}})");
  EXPECT_EQ(UpgradeOverridesArgument(bad), bad);
}

TEST_F(ProductionTools, ListingMatchesTheGoldenCopyByteForByte) {
  Json list = Json::array();
  for (const auto& t : dispatcher_->tools().all()) list.push_back(t->Describe());
  const std::string listing = base::DumpJson(Json{{"tools", std::move(list)}});
  if (const char* update = std::getenv("HERALD_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(HERALD_TOOLS_LIST_GOLDEN) << Json::parse(listing).dump(2) << "\n";
  }
  std::ifstream in(HERALD_TOOLS_LIST_GOLDEN);
  ASSERT_TRUE(in.good()) << "missing " << HERALD_TOOLS_LIST_GOLDEN;
  std::stringstream golden;
  golden << in.rdbuf();
  // The golden copy is pretty-printed for review; what the server sends is its compact form.
  EXPECT_EQ(listing, base::DumpJson(Json::parse(golden.str())));
}

TEST(ToolMetadataTest, RefusesMissingOrMalformedFiles) {
  EXPECT_THAT(LoadToolSpec("no_such_tool", base::Role::kViewer),
              StatusIs(base::ErrorCode::kNotFound));
  ToolSpec fallback = SpecFromSchemas("no_such_tool", base::Role::kEditor);
  EXPECT_EQ(fallback.name, "no_such_tool");
  EXPECT_TRUE(fallback.description.empty());  // the registry refuses it at start
  auto spec = LoadToolSpec("delete_post", base::Role::kEditor);
  ASSERT_THAT(spec, IsOk());
  EXPECT_TRUE(spec->annotations.destructive);
  EXPECT_EQ(spec->required_role, base::Role::kEditor);
  EXPECT_THAT(spec->title, HasSubstr("Delete"));
}

}  // namespace
}  // namespace herald::tools
