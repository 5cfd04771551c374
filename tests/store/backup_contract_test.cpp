// Backups on each backend (part of the Store contract suite): what is backed up is restored
// into an empty database with nothing missing, also while writers keep writing; a database
// that is not empty is refused and left as it was.
#include <atomic>
#include <fstream>
#include <thread>

#include "store/backup.h"
#include "tests/store/backup_test_support.h"
#include "tests/store/contract_fixture.h"

namespace herald::store::testing {
namespace {

BackupInfo Info(base::Time now) {
  return BackupInfo{.herald_version = "test", .secret_key_id = "1a2b3c4d", .now = now};
}

int64_t Rows(const BackupManifest& m, const std::string& table) {
  for (const auto& t : m.tables) {
    if (t.name == table) return t.rows;
  }
  return -1;
}

TEST_P(StoreContractTest, BackupListsEveryTableParentsFirst) {
  auto tables = InRead([](Tx& tx) { return tx.ListBackupTables(); });
  HERALD_ASSERT_OK(tables);
  std::vector<std::string> names;
  for (const auto& t : *tables) names.push_back(t.name);
  // The tables of every migration so far; a new one appears here without being named in the
  // backup code (this list only checks that discovery works and orders parents first).
  for (const char* expected :
       {"organizations", "api_keys", "accounts", "oauth_grants", "posts", "post_targets", "jobs",
        "media", "media_variants", "metrics", "oauth_states", "idempotency", "audit_log",
        "oauth_clients", "oauth_codes", "oauth_tokens"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  EXPECT_EQ(std::find(names.begin(), names.end(), "schema_migrations"), names.end());
  auto at = [&](const char* n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  EXPECT_LT(at("organizations"), at("accounts"));
  EXPECT_LT(at("posts"), at("post_targets"));
  EXPECT_LT(at("post_targets"), at("jobs"));
  EXPECT_LT(at("media"), at("media_variants"));
}

TEST_P(StoreContractTest, BackupRestoresEveryRowIntoAnEmptyDatabase) {
  HERALD_ASSERT_OK(FillForBackup(*store_, Now(), 30));
  TempDir dir;
  auto written = WriteBackupFile(*store_, Info(Now()), dir.File("b.jsonl"));
  HERALD_ASSERT_OK(written);
  EXPECT_EQ(written->backend,
            BackendName(GetParam()).substr(0, 6) == "sqlite" ? "sqlite" : "postgres");
  EXPECT_EQ(Rows(*written, "posts"), 30);
  EXPECT_EQ(Rows(*written, "organizations"), 2);
  auto verified = VerifyBackupFile(dir.File("b.jsonl"));
  HERALD_ASSERT_OK(verified);
  EXPECT_EQ(verified->total_rows(), written->total_rows());
  EXPECT_EQ(verified->secret_key_id, "1a2b3c4d");

  auto other_db = MakeTestDatabase(GetParam());
  ASSERT_TRUE(other_db.ok()) << other_db.error().message();
  auto other = OpenTestStore((*other_db)->url());
  HERALD_ASSERT_OK(other);
  HERALD_ASSERT_OK(RestoreBackupFile(**other, dir.File("b.jsonl")));
  auto before = DumpTables(*store_);
  auto after = DumpTables(**other);
  HERALD_ASSERT_OK(before);
  HERALD_ASSERT_OK(after);
  EXPECT_EQ(*before, *after);
  // Generated ids carry on after the restored ones.
  HERALD_EXPECT_OK((*other)->Write([&](Tx& tx) {
    AuditEntry e;
    e.org_id = org_.id;
    e.actor = "local";
    e.action = "test";
    e.at = Now();
    return tx.AppendAudit(e);
  }));
}

TEST_P(StoreContractTest, RestoreIntoANonEmptyDatabaseChangesNothing) {
  HERALD_ASSERT_OK(FillForBackup(*store_, Now(), 3));
  TempDir dir;
  HERALD_ASSERT_OK(WriteBackupFile(*store_, Info(Now()), dir.File("b.jsonl")));
  auto before = DumpTables(*store_);
  HERALD_ASSERT_OK(before);
  auto restored = RestoreBackupFile(*store_, dir.File("b.jsonl"));
  HERALD_EXPECT_CODE(restored, base::ErrorCode::kFailedPrecondition);
  EXPECT_NE(restored.error().message().find("not empty"), std::string::npos);
  auto after = DumpTables(*store_);
  HERALD_ASSERT_OK(after);
  EXPECT_EQ(*before, *after);
  auto first = FirstNonEmptyTable(*store_);
  HERALD_ASSERT_OK(first);
  EXPECT_FALSE(first->first.empty());
}

TEST_P(StoreContractTest, CutOffBackupIsRefusedAndRestoresNothing) {
  HERALD_ASSERT_OK(FillForBackup(*store_, Now(), 5));
  TempDir dir;
  HERALD_ASSERT_OK(WriteBackupFile(*store_, Info(Now()), dir.File("b.jsonl")));
  std::string whole = ReadFileBytes(dir.File("b.jsonl"));
  std::ofstream(dir.File("cut.jsonl"), std::ios::binary) << whole.substr(0, whole.size() * 2 / 3);
  HERALD_EXPECT_CODE(VerifyBackupFile(dir.File("cut.jsonl")), base::ErrorCode::kInvalidArgument);
  auto other_db = MakeTestDatabase(GetParam());
  ASSERT_TRUE(other_db.ok());
  auto other = OpenTestStore((*other_db)->url());
  HERALD_ASSERT_OK(other);
  HERALD_EXPECT_CODE(RestoreBackupFile(**other, dir.File("cut.jsonl")),
                     base::ErrorCode::kInvalidArgument);
  auto first = FirstNonEmptyTable(**other);
  HERALD_ASSERT_OK(first);
  EXPECT_EQ(first->first, "");
}

// Writers keep committing (a post, its target and its job per transaction) while the backup is
// taken: the backup is one snapshot, so the restored database is whole (every post with its
// target and job) and holds at least what was committed before the backup began.
TEST_P(StoreContractTest, BackupDuringConcurrentWritesRestoresAConsistentSnapshot) {
  std::atomic<bool> stop{false};
  std::atomic<int> committed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&] {
      while (!stop.load()) {
        Post post = MakePost(org_.id, Now());
        PostTarget target = MakeTarget(post, account_, Now());
        Job job = MakeJob(org_.id, target.id, account_.id, Now(), Now());
        auto r = store_->WriteBatched([&](Tx& tx) -> Result<void> {
          HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
          HERALD_RETURN_IF_ERROR(tx.InsertTarget(target));
          return tx.InsertJob(job);
        });
        if (r.ok()) committed.fetch_add(1);
      }
    });
  }
  while (committed.load() < 60) std::this_thread::yield();
  const int before_backup = committed.load();
  TempDir dir;
  auto written = WriteBackupFile(*store_, Info(Now()), dir.File("b.jsonl"));
  const int target = committed.load() + 30;
  while (committed.load() < target) std::this_thread::yield();  // writes go on after it
  stop = true;
  for (auto& t : writers) t.join();
  HERALD_ASSERT_OK(written);
  EXPECT_GE(Rows(*written, "posts"), before_backup);
  EXPECT_LT(Rows(*written, "posts"), committed.load());
  EXPECT_EQ(Rows(*written, "posts"), Rows(*written, "post_targets"));
  EXPECT_EQ(Rows(*written, "posts"), Rows(*written, "jobs"));

  auto other_db = MakeTestDatabase(GetParam());
  ASSERT_TRUE(other_db.ok());
  auto other = OpenTestStore((*other_db)->url());
  HERALD_ASSERT_OK(other);
  HERALD_ASSERT_OK(RestoreBackupFile(**other, dir.File("b.jsonl")));
  auto restored = DumpTables(**other);
  HERALD_ASSERT_OK(restored);
  EXPECT_EQ(static_cast<int64_t>((*restored)["posts"].size()), Rows(*written, "posts"));
  EXPECT_EQ(static_cast<int64_t>((*restored)["jobs"].size()), Rows(*written, "jobs"));
  EXPECT_EQ(static_cast<int64_t>((*restored)["post_targets"].size()),
            Rows(*written, "post_targets"));
}

}  // namespace
}  // namespace herald::store::testing
