// The herald binary on PostgreSQL (HERALD_TEST_PG_URL): migrate twice, keys create and list.
#include "store/sql/migrations.h"
#include "tests/app/cli_support.h"
#include "tests/support/result_matchers.h"

namespace herald::cli_testing {
namespace {

using ::herald::matchers::IsOk;

TEST(CliPostgresTest, MigrateTwiceAndKeys) {
  auto db = store::testing::MakeTestDatabase(store::testing::BackendKind::kPostgres);
  ASSERT_THAT(db, IsOk()) << db.error().message();
  const std::string url = (*db)->url();
  store::testing::TempDir data;
  auto herald = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", data.path(), "--db", url});
    return Herald(args);
  };
  RunResult first = herald({"migrate"});
  EXPECT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.err.find(std::to_string(store::sql::EmbeddedMigrations("postgres").size()) +
                           " migration(s) applied"),
            std::string::npos)
      << first.err;
  RunResult second = herald({"migrate"});
  EXPECT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.err.find("0 migration(s) applied"), std::string::npos) << second.err;

  RunResult created = herald({"keys", "create", "--name", "ci", "--role", "viewer"});
  ASSERT_EQ(created.code, 0) << created.err;
  ASSERT_EQ(Lines(created.out), 1u);
  RunResult list = herald({"keys", "list", "--json"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_EQ(Lines(list.out), 1u);
  EXPECT_EQ(list.out.find(created.out.substr(0, created.out.size() - 1)), std::string::npos);
  EXPECT_EQ((*db)->RawQuery("SELECT count(*) FROM api_keys").value_or(std::nullopt).value_or(""),
            "1");
}

}  // namespace
}  // namespace herald::cli_testing
