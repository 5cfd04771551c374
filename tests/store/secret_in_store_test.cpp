// A token sealed with base::Keyring never reaches the SQLite file (main database or WAL) or the
// logs in clear. The PostgreSQL twin (pg_dump) is in postgres_store_test.cpp.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "base/crypto.h"
#include "tests/store/contract_fixture.h"

namespace herald::store::testing {
namespace {

constexpr std::string_view kToken = "tok-CLEAR-8f2b6d1e9a7c4b3f";

TEST(StoreSecretTest, SealedCredentialsNeverInClearInSqliteFilesOrLogs) {
  // Capture everything logged during the operations.
  std::ostringstream logs;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(logs);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::trace);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);

  TempDir dir;
  const std::string path = dir.File("herald.db");
  base::Keyring ring;
  HERALD_ASSERT_OK(ring.Add(base::RandomBytes(base::kSecretKeySize)));
  base::FakeClock clock;
  Organization org = MakeOrg(clock.Now(), "acme");
  Account account = MakeAccount(org.id, clock.Now());
  account.credentials_sealed = ring.Seal(kToken, "account:" + account.id);
  {
    auto store = OpenTestStore("sqlite:" + path);
    HERALD_ASSERT_OK(store);
    HERALD_ASSERT_OK((*store)->Write([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
      return tx.UpsertAccount(account).ok() ? base::Ok() : base::Internal("upsert");
    }));
    auto got = ReadValue<Account>(**store, [&](Tx& tx) { return tx.GetAccount(org.id, account.id); });
    HERALD_ASSERT_OK(got);
    auto opened = ring.Open(got->credentials_sealed, "account:" + account.id);
    HERALD_ASSERT_OK(opened);
    EXPECT_EQ(*opened, kToken);

    // While the store is open the row may sit in the WAL: look at both files.
    std::string bytes = ReadFileBytes(path) + ReadFileBytes(path + "-wal");
    EXPECT_NE(bytes.find(account.credentials_sealed), std::string::npos)
        << "the sealed value should be stored (else this test looks at the wrong files)";
    EXPECT_EQ(bytes.find(kToken), std::string::npos);
  }
  std::string bytes = ReadFileBytes(path) + ReadFileBytes(path + "-wal");
  EXPECT_NE(bytes.find(account.credentials_sealed), std::string::npos);
  EXPECT_EQ(bytes.find(kToken), std::string::npos);

  spdlog::set_default_logger(previous);
  EXPECT_EQ(logs.str().find(kToken), std::string::npos) << logs.str();
}

}  // namespace
}  // namespace herald::store::testing
