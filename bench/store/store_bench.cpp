// Store benchmarks: the "schedule a post" write (one post, two targets, two jobs in one
// transaction) one call per transaction (Write) and group-committed (WriteBatched), and claiming
// 100 due jobs, on a SQLite file and on PostgreSQL.
//
//   HERALD_BENCH_PG_URL=postgresql://...  (admin URL; a fresh database is created and dropped)
//   HERALD_BENCH_DIR=/path               (where the SQLite file goes; default: a temp dir)
//   HERALD_BENCH_SQLITE_URL=sqlite::memory:  (another SQLite URL, e.g. to take the disk away)
//   HERALD_BENCH_PG_POOL, HERALD_BENCH_PG_GROUP  (StoreOptions pool_size, group_commit_connections)
//   store_bench [--benchmark_filter=...]
// bench/store/run.sh runs it next to pgbench and prints a summary.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "base/ids.h"
#include "store/store.h"

namespace herald::store {
namespace {

struct Env {
  std::string name;
  std::unique_ptr<Store> store;
  Organization org;
  std::vector<Account> accounts;  // [0], [1]: write targets; [2..101]: claim accounts
  base::Time t0;
  std::atomic<int64_t> claim_round{0};
};

std::vector<std::unique_ptr<Env>> g_envs;

Account NewAccount(const std::string& org_id, base::Time now) {
  Account a;
  a.id = base::NewId(base::kAccountPrefix, now);
  a.org_id = org_id;
  a.platform = "mastodon";
  a.external_id = a.id;
  a.handle = "@bench@example.social";
  a.base_url = "https://example.social";
  a.credentials_sealed = "v1.bench.sealed";
  a.created_at = now;
  a.updated_at = now;
  return a;
}

Result<void> Seed(Env& env) {
  base::Time now = base::SystemClock::Instance().Now();
  env.t0 = now;
  env.org.id = base::NewId(base::kOrgPrefix, now);
  env.org.name = "bench";
  env.org.created_at = now;
  for (int i = 0; i < 102; ++i) env.accounts.push_back(NewAccount(env.org.id, now));
  return env.store->Write([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertOrganization(env.org));
    for (const Account& a : env.accounts) HERALD_RETURN_IF_ERROR(tx.UpsertAccount(a).ok() ? base::Ok() : base::Internal("upsert"));
    // 100 claimable jobs (one per account), plus background: 10,000 jobs due in a year.
    for (int i = 2; i < 102; ++i) {
      Job j;
      j.id = base::NewId(base::kJobPrefix, now);
      j.org_id = env.org.id;
      j.kind = JobKind::kRefresh;
      j.account_id = env.accounts[static_cast<size_t>(i)].id;
      j.run_at = now;
      j.created_at = j.updated_at = now;
      HERALD_RETURN_IF_ERROR(tx.InsertJob(j));
    }
    for (int i = 0; i < 10'000; ++i) {
      Job j;
      j.id = base::NewId(base::kJobPrefix, now);
      j.org_id = env.org.id;
      j.kind = JobKind::kMetrics;
      j.account_id = env.accounts[static_cast<size_t>(2 + i % 100)].id;
      j.run_at = now + std::chrono::hours(24 * 365);
      j.created_at = j.updated_at = now;
      HERALD_RETURN_IF_ERROR(tx.InsertJob(j));
    }
    return base::Ok();
  });
}

// One "schedule a post" unit: post + 2 targets + 2 publish jobs, three statements.
Result<void> WritePost(Tx& tx, const Env& env) {
  base::Time now = base::SystemClock::Instance().Now();
  Post p;
  p.id = base::NewId(base::kPostPrefix, now);
  p.org_id = env.org.id;
  p.status = PostStatus::kScheduled;
  p.publish_at = now + std::chrono::hours(1);
  p.time_zone = "Europe/Paris";
  p.content = {{"text", "hello, world"}, {"media", Json::array()}};
  p.created_by = "key_bench";
  p.created_at = p.updated_at = now;
  HERALD_RETURN_IF_ERROR(tx.InsertPost(p));
  std::vector<PostTarget> targets;
  std::vector<Job> jobs;
  for (int i = 0; i < 2; ++i) {
    PostTarget t;
    t.id = base::NewId(base::kTargetPrefix, now);
    t.post_id = p.id;
    t.org_id = p.org_id;
    t.account_id = env.accounts[static_cast<size_t>(i)].id;
    t.platform = "mastodon";
    t.idempotency_key = "idem-" + t.id;
    t.created_at = t.updated_at = now;
    Job j;
    j.id = base::NewId(base::kJobPrefix, now);
    j.org_id = p.org_id;
    j.kind = JobKind::kPublish;
    j.target_id = t.id;
    j.account_id = t.account_id;
    j.run_at = *p.publish_at;
    j.payload = {{"n", 1}};
    j.created_at = j.updated_at = now;
    targets.push_back(std::move(t));
    jobs.push_back(std::move(j));
  }
  // Multi-row inserts: 3 statements for the 5 rows (what core's schedule_post does).
  HERALD_RETURN_IF_ERROR(tx.InsertTargets(targets));
  return tx.InsertJobs(jobs);
}

void BM_WritePost(benchmark::State& state, Env* env) {
  for (auto _ : state) {
    auto r = env->store->Write([&](Tx& tx) { return WritePost(tx, *env); });
    if (!r.ok()) {
      state.SkipWithError(r.error().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_WritePostBatched(benchmark::State& state, Env* env) {
  for (auto _ : state) {
    auto r = env->store->WriteBatched([&](Tx& tx) { return WritePost(tx, *env); });
    if (!r.ok()) {
      state.SkipWithError(r.error().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// Claims the same 100 due jobs each round: leases last 1 ms and each round claims one second
// later, so the previous round's leases have expired and are claimable again.
void BM_Claim100(benchmark::State& state, Env* env) {
  for (auto _ : state) {
    int64_t round = ++env->claim_round;
    ClaimRequest req{"bench", env->t0 + std::chrono::seconds(round), std::chrono::milliseconds(1),
                     100, {JobKind::kRefresh}};
    size_t got = 0;
    auto r = env->store->Write([&](Tx& tx) -> Result<void> {
      HERALD_ASSIGN_OR_RETURN(std::vector<Job> jobs, tx.ClaimJobs(req));
      got = jobs.size();
      return base::Ok();
    });
    if (!r.ok() || got != 100) {
      state.SkipWithError(r.ok() ? ("claimed " + std::to_string(got)).c_str()
                                 : r.error().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * 100);
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

void Register(Env* env) {
  const std::string n = env->name;
  // Real time for throughput; process CPU time (all threads, incl. the kernel's share of fsync)
  // so CPU per write can be read apart from how loaded the machine was.
  benchmark::RegisterBenchmark((n + "/write_post").c_str(), BM_WritePost, env)
      ->MeasureProcessCPUTime()
      ->UseRealTime();
  benchmark::RegisterBenchmark((n + "/write_post").c_str(), BM_WritePost, env)
      ->Threads(32)
      ->MeasureProcessCPUTime()
      ->UseRealTime();
  benchmark::RegisterBenchmark((n + "/write_post_batched").c_str(), BM_WritePostBatched, env)
      ->Threads(32)
      ->MeasureProcessCPUTime()
      ->UseRealTime();
  benchmark::RegisterBenchmark((n + "/claim_100").c_str(), BM_Claim100, env)
      ->MeasureProcessCPUTime()
      ->UseRealTime();
}

}  // namespace
}  // namespace herald::store

int main(int argc, char** argv) {
  using namespace herald::store;
  benchmark::Initialize(&argc, argv);

  std::string dir;
  if (const char* d = std::getenv("HERALD_BENCH_DIR"); d != nullptr && *d != '\0') {
    dir = d;
  } else {
    char tmpl[] = "/tmp/herald-bench-XXXXXX";
    dir = ::mkdtemp(tmpl);
  }
  const std::string sqlite_path = dir + "/bench.db";
  std::filesystem::remove(sqlite_path);
  std::filesystem::remove(sqlite_path + "-wal");
  std::filesystem::remove(sqlite_path + "-shm");
  {
    auto env = std::make_unique<Env>();
    env->name = "sqlite";
    StoreOptions o;
    o.url = "sqlite:" + sqlite_path;
    if (const char* u = std::getenv("HERALD_BENCH_SQLITE_URL"); u != nullptr && *u != '\0') o.url = u;
    auto s = OpenStore(o);
    if (!s.ok()) {
      std::fprintf(stderr, "sqlite: %s\n", s.error().ToString().c_str());
      return 1;
    }
    env->store = std::move(*s);
    if (auto r = Seed(*env); !r.ok()) {
      std::fprintf(stderr, "seed sqlite: %s\n", r.error().ToString().c_str());
      return 1;
    }
    g_envs.push_back(std::move(env));
  }

  std::string pg_admin;
  std::string pg_db;
  if (const char* u = std::getenv("HERALD_BENCH_PG_URL"); u != nullptr && *u != '\0') {
    pg_admin = u;
    pg_db = "herald_bench_" + herald::base::HexEncode(herald::base::RandomBytes(4));
    try {
      pqxx::connection c(pg_admin);
      pqxx::nontransaction(c).exec("CREATE DATABASE " + pg_db);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "create database: %s\n", e.what());
      return 1;
    }
    std::string url = pg_admin.substr(0, pg_admin.rfind('/') + 1) + pg_db;
    auto env = std::make_unique<Env>();
    env->name = "postgres";
    StoreOptions o;
    o.url = url;
    o.pool_size = EnvInt("HERALD_BENCH_PG_POOL", 32);
    o.group_commit_connections = EnvInt("HERALD_BENCH_PG_GROUP", o.group_commit_connections);
    auto s = OpenStore(o);
    if (!s.ok()) {
      std::fprintf(stderr, "postgres: %s\n", s.error().ToString().c_str());
      return 1;
    }
    env->store = std::move(*s);
    if (auto r = Seed(*env); !r.ok()) {
      std::fprintf(stderr, "seed postgres: %s\n", r.error().ToString().c_str());
      return 1;
    }
    g_envs.push_back(std::move(env));
  }
  for (auto& env : g_envs) Register(env.get());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_envs.clear();
  if (!pg_db.empty()) {
    try {
      pqxx::connection c(pg_admin);
      pqxx::nontransaction(c).exec("DROP DATABASE IF EXISTS " + pg_db + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
  if (std::getenv("HERALD_BENCH_DIR") == nullptr) std::filesystem::remove_all(dir);
  return 0;
}
