// Backups move between backends: SQLite -> PostgreSQL -> SQLite gives back the same rows
// (needs HERALD_TEST_PG_URL, like the rest of this binary).
#include <gtest/gtest.h>

#include "base/clock.h"
#include "store/backup.h"
#include "tests/store/backup_test_support.h"
#include "tests/store/test_support.h"

namespace herald::store::testing {
namespace {

std::unique_ptr<Store> Open(TestDatabase& db) {
  auto s = OpenTestStore(db.url());
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(BackupAcrossBackends, SqliteToPostgresAndBack) {
  base::FakeClock clock;
  auto sqlite_db = MakeTestDatabase(BackendKind::kSqliteFile);
  auto pg_db = MakeTestDatabase(BackendKind::kPostgres);
  auto sqlite_again_db = MakeTestDatabase(BackendKind::kSqliteFile);
  ASSERT_TRUE(sqlite_db.ok() && pg_db.ok() && sqlite_again_db.ok())
      << (pg_db.ok() ? "" : pg_db.error().message());
  auto sqlite = Open(**sqlite_db);
  auto pg = Open(**pg_db);
  auto sqlite_again = Open(**sqlite_again_db);
  ASSERT_TRUE(sqlite && pg && sqlite_again);
  ASSERT_TRUE(FillForBackup(*sqlite, clock.Now(), 40).ok());
  TempDir dir;
  BackupInfo info{.herald_version = "test", .secret_key_id = "", .now = clock.Now()};

  auto first = WriteBackupFile(*sqlite, info, dir.File("from-sqlite.jsonl"));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto into_pg = RestoreBackupFile(*pg, dir.File("from-sqlite.jsonl"));
  ASSERT_TRUE(into_pg.ok()) << into_pg.error().ToString() << " " << into_pg.error().detail();
  auto second = WriteBackupFile(*pg, info, dir.File("from-pg.jsonl"));
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->backend, "postgres");
  auto back = RestoreBackupFile(*sqlite_again, dir.File("from-pg.jsonl"));
  ASSERT_TRUE(back.ok()) << back.error().ToString() << " " << back.error().detail();

  auto original = DumpTables(*sqlite);
  auto via_pg = DumpTables(*pg);
  auto round_trip = DumpTables(*sqlite_again);
  ASSERT_TRUE(original.ok() && via_pg.ok() && round_trip.ok());
  EXPECT_EQ(*original, *via_pg);
  EXPECT_EQ(*original, *round_trip);
  EXPECT_EQ((*original)["posts"].size(), 40u);
}

}  // namespace
}  // namespace herald::store::testing
