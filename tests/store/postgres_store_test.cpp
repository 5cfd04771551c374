// PostgreSQL-specific behaviour: claims raced from two processes, one lease per account across
// processes, concurrent migrations, newer schema, LISTEN/NOTIFY across connections with
// listener reconnects, dropped pool connections, and sealed secrets absent from pg_dump.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "base/crypto.h"
#include "tests/store/contract_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::store::testing {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using base::ErrorCode;
using std::chrono::seconds;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = MakeTestDatabase(BackendKind::kPostgres);
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
  }
  std::unique_ptr<Store> Open(bool migrate = true) {
    auto s = OpenTestStore(db_->url(), migrate);
    EXPECT_THAT(s, IsOk()) << s.error().ToString() << " [" << s.error().detail() << "]";
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::string Query(const std::string& sql) {
    auto r = db_->RawQuery(sql);
    EXPECT_THAT(r, IsOk()) << r.error().detail();
    return r.ok() && r->has_value() ? **r : "";
  }
  // Organization + `accounts` accounts, each with `per_account` due jobs.
  void SeedJobs(Store& store, int accounts, int per_account, base::Time now) {
    Organization org = MakeOrg(now, "acme");
    auto r = store.Write([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
      for (int a = 0; a < accounts; ++a) {
        Account acc = MakeAccount(org.id, now);
        HERALD_RETURN_IF_ERROR(tx.UpsertAccount(acc));
        for (int j = 0; j < per_account; ++j) {
          Post p = MakePost(org.id, now);
          PostTarget t = MakeTarget(p, acc, now);
          HERALD_RETURN_IF_ERROR(tx.InsertPost(p));
          HERALD_RETURN_IF_ERROR(tx.InsertTarget(t));
          HERALD_RETURN_IF_ERROR(
              tx.InsertJob(MakeJob(org.id, t.id, acc.id, now - seconds(j * accounts + a), now)));
        }
      }
      return base::Ok();
    });
    ASSERT_THAT(r, IsOk());
  }
  // Starts `n` claim helpers, releases them together, returns each one's claimed ids.
  std::vector<std::vector<std::string>> ClaimFromProcesses(int n, base::Time now, int limit) {
    std::vector<std::unique_ptr<ChildProcess>> children;
    for (int i = 0; i < n; ++i) {
      auto child = ChildProcess::Start({HERALD_STORE_HELPER, "claim", db_->url(),
                                        "proc-" + std::to_string(i),
                                        std::to_string(base::ToUnixMicros(now)),
                                        std::to_string(limit)});
      EXPECT_THAT(child, IsOk());
      if (!child.ok()) return {};
      children.push_back(std::move(*child));
    }
    for (auto& c : children) {
      auto line = c->ReadLine(seconds(60));
      EXPECT_EQ(line.value_or("<none>"), "ready") << c->err();
    }
    for (auto& c : children) c->Write("go\n");
    std::vector<std::vector<std::string>> out(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      auto& c = children[static_cast<size_t>(i)];
      while (true) {
        auto line = c->ReadLine(seconds(120));
        if (!line) {
          ADD_FAILURE() << "helper " << i << " stopped early: " << c->err();
          break;
        }
        if (*line == "done") break;
        out[static_cast<size_t>(i)].push_back(*line);
      }
      EXPECT_EQ(c->Wait(seconds(30)), 0) << c->err();
    }
    return out;
  }

  std::unique_ptr<TestDatabase> db_;
};

TEST_F(PostgresStoreTest, TwoProcessesNeverClaimTheSameJob) {
  auto store = Open();
  ASSERT_TRUE(store);
  base::Time now = base::SystemClock::Instance().Now();
  SeedJobs(*store, /*accounts=*/200, /*per_account=*/1, now);
  auto claimed = ClaimFromProcesses(2, now, /*limit=*/7);
  ASSERT_EQ(claimed.size(), 2u);
  std::set<std::string> all;
  for (const auto& v : claimed) all.insert(v.begin(), v.end());
  EXPECT_EQ(claimed[0].size() + claimed[1].size(), 200u);
  EXPECT_EQ(all.size(), 200u);
  EXPECT_FALSE(claimed[0].empty());
  EXPECT_FALSE(claimed[1].empty());
  EXPECT_EQ(Query("SELECT count(*) FROM jobs WHERE state = 'leased'"), "200");
}

TEST_F(PostgresStoreTest, OneLeasePerAccountAcrossProcesses) {
  auto store = Open();
  ASSERT_TRUE(store);
  base::Time now = base::SystemClock::Instance().Now();
  SeedJobs(*store, /*accounts=*/40, /*per_account=*/4, now);
  auto claimed = ClaimFromProcesses(3, now, /*limit=*/5);
  size_t total = 0;
  for (const auto& v : claimed) total += v.size();
  EXPECT_EQ(total, 40u);  // exactly one per account; the other 120 wait
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT account_id FROM jobs WHERE state = 'leased' "
                  "GROUP BY account_id HAVING count(*) > 1) AS doubled"),
            "0");
  EXPECT_EQ(Query("SELECT count(DISTINCT account_id) FROM jobs WHERE state = 'leased'"), "40");
}

// A deadlock (libpqxx throws transaction_rollback, not sql_error) is "busy, retry the whole
// transaction", not an internal error: the publishing worker retries kUnavailable writes, and
// used to leave a published target unrecorded until its lease expired.
TEST_F(PostgresStoreTest, DeadlockIsReportedAsRetryable) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const base::Time now = base::Time() + std::chrono::hours(24 * 365 * 50);
  Organization org = MakeOrg(now, "acme");
  Post a = MakePost(org.id, now);
  Post b = MakePost(org.id, now);
  ASSERT_TRUE(store->Write([&](Tx& tx) -> Result<void> {
                HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
                HERALD_RETURN_IF_ERROR(tx.InsertPost(a));
                return tx.InsertPost(b);
              }).ok());
  std::mutex mu;
  std::condition_variable cv;
  int holding = 0;  // how many transactions hold their first lock
  auto lock_both = [&](const std::string& first, const std::string& second) {
    return store->Write([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.LockPost(org.id, first));
      {
        std::unique_lock lock(mu);
        ++holding;
        cv.notify_all();
        cv.wait(lock, [&] { return holding == 2; });
      }
      HERALD_RETURN_IF_ERROR(tx.LockPost(org.id, second));  // one of the two is the victim
      return base::Ok();
    });
  };
  Result<void> one = base::Ok();
  std::thread t([&] { one = lock_both(a.id, b.id); });
  Result<void> two = lock_both(b.id, a.id);
  t.join();
  ASSERT_NE(one.ok(), two.ok()) << "exactly one transaction must be the deadlock's victim";
  const base::Error& victim = one.ok() ? two.error() : one.error();
  EXPECT_EQ(victim.code(), ErrorCode::kUnavailable) << victim.ToLogString();
  EXPECT_THAT(victim.detail(), ::testing::HasSubstr("deadlock"));
}

TEST_F(PostgresStoreTest, ConcurrentMigrationsFromTwoProcesses) {
  std::vector<std::unique_ptr<ChildProcess>> children;
  for (int i = 0; i < 2; ++i) {
    auto child = ChildProcess::Start({HERALD_STORE_HELPER, "migrate", db_->url()});
    ASSERT_THAT(child, IsOk());
    children.push_back(std::move(*child));
  }
  int applied = 0;
  for (auto& c : children) {
    auto line = c->ReadLine(seconds(60));
    ASSERT_TRUE(line.has_value()) << c->err();
    ASSERT_TRUE(line->starts_with("applied ")) << *line;
    applied += std::stoi(line->substr(8));
    EXPECT_EQ(c->Wait(seconds(30)), 0) << c->err();
  }
  auto store = Open(/*migrate=*/false);
  ASSERT_TRUE(store);
  EXPECT_EQ(applied, store->KnownSchemaVersion());
  EXPECT_EQ(Query("SELECT count(*) FROM schema_migrations"),
            std::to_string(store->KnownSchemaVersion()));
  auto v = store->SchemaVersion();
  HERALD_ASSERT_OK(v);
  EXPECT_EQ(*v, store->KnownSchemaVersion());
}

TEST_F(PostgresStoreTest, NewerSchemaIsRefusedAndNeverTouched) {
  int known = 0;
  {
    auto store = Open();
    ASSERT_TRUE(store);
    known = store->KnownSchemaVersion();
  }
  Query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
  const std::string tables_before =
      Query("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
            "WHERE table_schema = 'public'");
  for (bool migrate : {true, false}) {
    auto r = OpenTestStore(db_->url(), migrate);
    ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
    EXPECT_EQ(r.error().message(), "database schema version 999 is newer than this herald (knows "
                                   "up to " + std::to_string(known) + "); upgrade herald");
  }
  EXPECT_EQ(Query("SELECT count(*) FROM schema_migrations"), std::to_string(known + 1));
  EXPECT_EQ(Query("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM "
                  "information_schema.tables WHERE table_schema = 'public'"),
            tables_before);
}

TEST_F(PostgresStoreTest, JobsChangedAcrossConnectionsAndAfterListenerDrops) {
  auto listener_store = Open();
  auto writer_store = Open();
  ASSERT_TRUE(listener_store && writer_store);
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  listener_store->SetJobsChangedCallback([&] {
    std::lock_guard lock(mu);
    ++calls;
    cv.notify_all();
  });
  auto wait_call = [&] {
    std::unique_lock lock(mu);
    bool ok = cv.wait_for(lock, seconds(30), [&] { return calls > 0; });
    calls = 0;
    return ok;
  };
  ASSERT_TRUE(wait_call()) << "listener never connected";

  base::Time now = base::SystemClock::Instance().Now();
  Organization org = MakeOrg(now, "acme");
  Account acc = MakeAccount(org.id, now);
  HERALD_ASSERT_OK(writer_store->Write([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
    return tx.UpsertAccount(acc).ok() ? base::Ok() : base::Internal("upsert");
  }));
  auto insert_job = [&] {
    Job job = MakeJob(org.id, "", acc.id, now, now);
    job.kind = JobKind::kRefresh;
    return writer_store->Write([&](Tx& tx) { return tx.InsertJob(job); });
  };
  HERALD_ASSERT_OK(insert_job());
  EXPECT_TRUE(wait_call()) << "no NOTIFY from another connection";

  // Kill the listener's connection: it reconnects (and signals), then hears NOTIFYs again.
  EXPECT_EQ(Query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                  "application_name = 'herald-listener' AND datname = current_database()"),
            "1");
  EXPECT_TRUE(wait_call()) << "listener did not reconnect";
  HERALD_ASSERT_OK(insert_job());
  EXPECT_TRUE(wait_call()) << "no NOTIFY after the listener reconnected";
  listener_store->SetJobsChangedCallback(nullptr);
}

TEST_F(PostgresStoreTest, DroppedPoolConnectionsAreReplaced) {
  auto store = Open();
  ASSERT_TRUE(store);
  base::Time now = base::SystemClock::Instance().Now();
  HERALD_ASSERT_OK(store->Write([&](Tx& tx) { return tx.InsertOrganization(MakeOrg(now, "a")); }));
  EXPECT_NE(Query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                  "application_name = 'herald' AND datname = current_database()"),
            "0");
  // Each dead connection fails once with kUnavailable (retry is safe) and is dropped.
  bool ok = false;
  for (int attempt = 0; attempt < 6 && !ok; ++attempt) {
    auto r = store->Write([&](Tx& tx) { return tx.ListOrganizations().ok() ? base::Ok() : base::Internal("x"); });
    if (r.ok()) {
      ok = true;
    } else {
      EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable) << r.error().ToString();
    }
  }
  EXPECT_TRUE(ok);
}

TEST_F(PostgresStoreTest, SealedCredentialsNeverInClearInPgDumpOrLogs) {
  constexpr std::string_view kToken = "tok-CLEAR-5c1d9e7f3a2b8c4d";
  std::ostringstream logs;
  auto logger = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(logs));
  logger->set_level(spdlog::level::trace);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);

  base::Keyring ring;
  HERALD_ASSERT_OK(ring.Add(base::RandomBytes(base::kSecretKeySize)));
  base::Time now = base::SystemClock::Instance().Now();
  Organization org = MakeOrg(now, "acme");
  Account account = MakeAccount(org.id, now);
  account.credentials_sealed = ring.Seal(kToken, "account:" + account.id);
  {
    auto store = Open();
    ASSERT_TRUE(store);
    HERALD_ASSERT_OK(store->Write([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
      return tx.UpsertAccount(account).ok() ? base::Ok() : base::Internal("upsert");
    }));
    auto got = ReadValue<Account>(*store, [&](Tx& tx) { return tx.GetAccount(org.id, account.id); });
    HERALD_ASSERT_OK(got);
    EXPECT_EQ(ring.Open(got->credentials_sealed, "account:" + account.id).value_or(""), kToken);
  }
  spdlog::set_default_logger(previous);

  const char* bin = std::getenv("HERALD_TEST_PG_BIN");
  std::string pg_dump = bin != nullptr && *bin != '\0' ? std::string(bin) + "/pg_dump" : "/usr/bin/pg_dump";
  RunResult dump = testing::Run({pg_dump, "--no-owner", "--dbname=" + db_->url()});
  ASSERT_EQ(dump.code, 0) << dump.err;
  EXPECT_NE(dump.out.find(account.credentials_sealed), std::string::npos)
      << "the dump should hold the sealed value (else this test looks at the wrong database)";
  EXPECT_EQ(dump.out.find(kToken), std::string::npos);
  EXPECT_EQ(logs.str().find(kToken), std::string::npos) << logs.str();
}

}  // namespace
}  // namespace herald::store::testing
