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
#include "mcp/server/herald_server.h"
#include "app/services.h"
#include "schemas/schemas.h"
#include "tests/support/result_matchers.h"
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
