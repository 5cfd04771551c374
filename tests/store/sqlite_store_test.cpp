// SQLite-specific behaviour: refusing files that are not herald databases, locked databases and
// newer schemas without touching them; WAL; readers that do not wait for the writer.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "tests/store/contract_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::store::testing {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using base::ErrorCode;

Result<std::unique_ptr<Store>> OpenPath(const std::string& path, bool migrate = true,
                                        std::chrono::milliseconds busy = std::chrono::milliseconds(5000)) {
  StoreOptions options;
  options.url = "sqlite:" + path;
  options.migrate = migrate;
  options.busy_timeout = busy;
  return OpenStore(options);
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

void ExpectNoSideFiles(const std::string& path) {
  EXPECT_FALSE(FileExists(path + "-wal"));
  EXPECT_FALSE(FileExists(path + "-shm"));
  EXPECT_FALSE(FileExists(path + "-journal"));
}

TEST(SqliteStoreTest, CorruptFileIsRefusedAndLeftAlone) {
  TempDir dir;
  const std::string path = dir.File("herald.db");
  std::string junk;
  for (int i = 0; i < 300; ++i) junk += "this is not a database at all; ";
  WriteFile(path, junk);
  for (bool migrate : {true, false}) {
    auto r = OpenPath(path, migrate);
    ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
    EXPECT_EQ(r.error().message(),
              path + " is not a herald database (file is not a database or is corrupt)");
    EXPECT_EQ(ReadFileBytes(path), junk);
    ExpectNoSideFiles(path);
  }
}

TEST(SqliteStoreTest, AnotherApplicationsDatabaseIsRefusedAndLeftAlone) {
  TempDir dir;
  const std::string path = dir.File("app.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE customers (id INTEGER); INSERT INTO customers VALUES (1);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  const std::string before = ReadFileBytes(path);
  auto r = OpenPath(path);
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_NE(r.error().message().find(path + " is not a herald database"), std::string::npos)
      << r.error().message();
  EXPECT_EQ(ReadFileBytes(path), before);
  ExpectNoSideFiles(path);
}

TEST(SqliteStoreTest, DirectoryIsRefused) {
  TempDir dir;
  auto r = OpenPath(dir.path());
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
}

TEST(SqliteStoreTest, LockedDatabaseIsUnavailableAndUntouched) {
  TempDir dir;
  const std::string path = dir.File("herald.db");
  Post post;
  {
    auto store = OpenPath(path);
    HERALD_ASSERT_OK(store);
    Organization org = MakeOrg(base::SystemClock::Instance().Now(), "acme");
    post = MakePost(org.id, base::SystemClock::Instance().Now());
    HERALD_ASSERT_OK((*store)->Write([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
      return tx.InsertPost(post);
    }));
  }
  // Read before locking (closing a descriptor of the file drops this process's POSIX locks).
  const std::string before = ReadFileBytes(path);
  // Another connection takes an exclusive lock (as another process would).
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  auto r = OpenPath(path, true, std::chrono::milliseconds(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable) << r.error().ToString();
  EXPECT_EQ(r.error().message(), "database " + path + " is locked by another process");
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_EQ(ReadFileBytes(path), before);

  // Released: it opens, and the data is intact.
  auto store = OpenPath(path);
  HERALD_ASSERT_OK(store);
  auto got = ReadValue<Post>(**store, [&](Tx& tx) { return tx.GetPost(post.org_id, post.id); });
  HERALD_EXPECT_OK(got);
}

TEST(SqliteStoreTest, NewerSchemaIsRefusedAndNeverTouched) {
  TempDir dir;
  const std::string path = dir.File("herald.db");
  int known = 0;
  {
    auto store = OpenPath(path);
    HERALD_ASSERT_OK(store);
    known = (*store)->KnownSchemaVersion();
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO schema_migrations (version, name, applied_at) "
                           "VALUES (999, 'from_the_future', 0)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  const std::string before = ReadFileBytes(path);
  for (bool migrate : {true, false}) {
    auto r = OpenPath(path, migrate);
    ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
    EXPECT_EQ(r.error().message(), "database schema version 999 is newer than this herald (knows "
                                   "up to " + std::to_string(known) + "); upgrade herald");
    EXPECT_EQ(ReadFileBytes(path), before);
  }
}

TEST(SqliteStoreTest, CreatesMissingDirectoriesAndUsesWal) {
  TempDir dir;
  const std::string path = dir.path() + "/a/b/herald.db";
  auto store = OpenPath(path);
  HERALD_ASSERT_OK(store);
  HERALD_ASSERT_OK((*store)->Write([&](Tx& tx) {
    return tx.InsertOrganization(MakeOrg(base::SystemClock::Instance().Now(), "x"));
  }));
  EXPECT_TRUE(FileExists(path + "-wal"));
  std::string header = ReadFileBytes(path).substr(0, 20);
  ASSERT_EQ(header.size(), 20u);
  EXPECT_EQ(header[18], 2);  // WAL write version
  EXPECT_EQ(header[19], 2);  // WAL read version
}

TEST(SqliteStoreTest, ReadersDoNotWaitForTheWriter) {
  TempDir dir;
  auto opened = OpenPath(dir.File("herald.db"));
  HERALD_ASSERT_OK(opened);
  Store& store = **opened;
  Organization org = MakeOrg(base::SystemClock::Instance().Now(), "acme");
  HERALD_ASSERT_OK(store.Write([&](Tx& tx) { return tx.InsertOrganization(org); }));

  std::mutex mu;
  std::condition_variable cv;
  bool writing = false, release = false;
  std::thread writer([&] {
    auto r = store.Write([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(
          tx.InsertOrganization(MakeOrg(base::SystemClock::Instance().Now(), "pending")));
      std::unique_lock lock(mu);
      writing = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
      return base::Ok();
    });
    EXPECT_THAT(r, IsOk());
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return writing; }));
  }
  // The write transaction is open and holds the writer; a read still completes, and does not
  // see the uncommitted row.
  auto orgs = ReadValue<std::vector<Organization>>(store, [](Tx& tx) { return tx.ListOrganizations(); });
  HERALD_EXPECT_OK(orgs);
  if (orgs.ok()) {
    EXPECT_EQ(orgs->size(), 1u);
  }
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  writer.join();
  orgs = ReadValue<std::vector<Organization>>(store, [](Tx& tx) { return tx.ListOrganizations(); });
  HERALD_ASSERT_OK(orgs);
  EXPECT_EQ(orgs->size(), 2u);
}

TEST(SqliteStoreTest, InMemoryStoresAreIndependent) {
  auto a = OpenTestStore("sqlite::memory:");
  auto b = OpenTestStore("sqlite::memory:");
  HERALD_ASSERT_OK(a);
  HERALD_ASSERT_OK(b);
  Organization org = MakeOrg(base::SystemClock::Instance().Now(), "only-in-a");
  HERALD_ASSERT_OK((*a)->Write([&](Tx& tx) { return tx.InsertOrganization(org); }));
  auto in_a = ReadValue<Organization>(**a, [&](Tx& tx) { return tx.GetOrganization(org.id); });
  HERALD_EXPECT_OK(in_a);
  auto in_b = ReadValue<Organization>(**b, [&](Tx& tx) { return tx.GetOrganization(org.id); });
  EXPECT_FALSE(in_b.ok());
}

}  // namespace
}  // namespace herald::store::testing
