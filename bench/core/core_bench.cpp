// core_bench: drivers for the "Publishing core" benchmarks (see bench/RESULTS.md).
//
//   core_bench schedule --db URL [--threads 32] [--seconds 10] [--accounts 100]
//       In-process PostService::CreateSync (schedule_post without the HTTP layer) from N
//       threads: durable posts per second and latency percentiles. Prints one JSON line.
//   core_bench setup --db URL --accounts N [--platform P --base-url U --token T]
//       Creates an organization "bench" with N accounts (for pgbench and the HTTP drivers);
//       prints {"org_id", "accounts": [...]} as JSON.
//   core_bench pgbench-sql --db URL
//       Prints a pgbench script running the same transaction as one schedule_post (account
//       check, post, target, job, audit row, NOTIFY), one transaction per call.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/time.h"
#include "core/post_service.h"
#include "store/store.h"

namespace herald::bench {
namespace {

using base::Json;

// A network with only a length rule, so the bench measures the core and the store.
class BenchPlatform final : public platforms::Platform {
 public:
  BenchPlatform() {
    info_.id = "bench";
    info_.name = "Bench";
    info_.text.max_length = 500;
    info_.text.unit = "characters";
    info_.features.idempotency = platforms::IdempotencyKind::kNative;
  }
  const platforms::PlatformInfo& Info() const override { return info_; }
  platforms::ValidationReport Validate(const platforms::Content& content) const override {
    platforms::ValidationReport r;
    r.limit = 500;
    r.unit = "characters";
    r.length = static_cast<int>(content.parts[0].text.size());
    if (r.length > r.limit) r.violations.push_back({"text", "too long"});
    return r;
  }
  base::Task<base::Result<platforms::ConnectedAccount>> Connect(Json) override {
    co_return base::Unimplemented("bench");
  }
  base::Task<base::Result<platforms::PublishReceipt>> Publish(platforms::PublishRequest) override {
    co_return base::Unimplemented("bench");
  }
  base::Task<base::Result<std::optional<platforms::PublishReceipt>>> Find(
      platforms::PublishRequest) override {
    co_return base::Unimplemented("bench");
  }
  base::Task<base::Result<void>> Delete(platforms::AccountContext,
                                        platforms::PublishReceipt) override {
    co_return base::Unimplemented("bench");
  }
  base::Task<base::Result<Json>> FetchPostMetrics(platforms::AccountContext,
                                                  platforms::PublishReceipt) override {
    co_return base::Unimplemented("bench");
  }
  base::Task<base::Result<Json>> FetchAccountMetrics(platforms::AccountContext) override {
    co_return base::Unimplemented("bench");
  }

 private:
  platforms::PlatformInfo info_;
};

std::map<std::string, std::string> ParseFlags(int argc, char** argv, int from) {
  std::map<std::string, std::string> out;
  for (int i = from; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0 && i + 1 < argc) {
      out[a.substr(2)] = argv[++i];
    }
  }
  return out;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "core_bench: %s\n", what.c_str());
  return 2;
}

struct Setup {
  store::Organization org;
  std::vector<std::string> accounts;
};

base::Result<Setup> MakeSetup(store::Store& store, int n, const std::string& platform,
                              const std::string& base_url, const std::string& sealed) {
  Setup s;
  const base::Time now = base::SystemClock::Instance().Now();
  HERALD_RETURN_IF_ERROR(store.Write([&](store::Tx& tx) -> base::Result<void> {
    auto existing = tx.GetOrganizationByName("bench");
    if (existing.ok()) {
      s.org = *existing;
      return base::Ok();
    }
    s.org.id = base::NewId(base::kOrgPrefix, now);
    s.org.name = "bench";
    s.org.created_at = now;
    return tx.InsertOrganization(s.org);
  }));
  HERALD_RETURN_IF_ERROR(store.Write([&](store::Tx& tx) -> base::Result<void> {
    for (int i = 0; i < n; ++i) {
      store::Account a;
      a.id = base::NewId(base::kAccountPrefix, now);
      a.org_id = s.org.id;
      a.platform = platform;
      a.external_id = "bench-" + std::to_string(i);
      a.handle = "@bench" + std::to_string(i);
      a.base_url = base_url;
      a.credentials_sealed = sealed;
      a.created_at = now;
      a.updated_at = now;
      HERALD_ASSIGN_OR_RETURN(store::Account stored, tx.UpsertAccount(a));
      s.accounts.push_back(stored.id);
    }
    return base::Ok();
  }));
  return s;
}

int RunSchedule(const std::map<std::string, std::string>& flags) {
  auto get = [&](const char* k, const char* d) {
    auto it = flags.find(k);
    return it == flags.end() ? std::string(d) : it->second;
  };
  store::StoreOptions options;
  options.url = get("db", "");
  options.pool_size = std::stoi(get("pool", "16"));
  if (options.url.empty()) return Fail("--db is required");
  auto opened = store::OpenStore(options);
  if (!opened.ok()) return Fail(opened.error().ToString());
  store::Store& store = **opened;
  const int threads = std::stoi(get("threads", "32"));
  const int seconds = std::stoi(get("seconds", "10"));
  auto setup = MakeSetup(store, std::stoi(get("accounts", "100")), "bench", "", "x");
  if (!setup.ok()) return Fail(setup.error().ToString());

  platforms::PlatformRegistry registry;
  registry.Add(std::make_unique<BenchPlatform>());
  base::asio::thread_pool pool(1);
  core::PostService posts(store, registry, nullptr, base::SystemClock::Instance(), pool);
  base::Caller caller{setup->org.id, "", base::Role::kAdmin};

  std::atomic<bool> stop{false};
  std::atomic<int64_t> errors{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      size_t i = static_cast<size_t>(t);
      int n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        core::CreatePostRequest req;
        req.mode = core::CreateMode::kSchedule;
        req.accounts = {setup->accounts[(i * 7919 + static_cast<size_t>(n)) %
                                        setup->accounts.size()]};
        req.content.text = "bench post " + std::to_string(t) + "-" + std::to_string(n++);
        req.publish_at = base::FormatRfc3339(base::SystemClock::Instance().Now() +
                                             std::chrono::hours(24 * 30));
        auto t0 = std::chrono::steady_clock::now();
        auto r = posts.CreateSync(caller, req);
        auto t1 = std::chrono::steady_clock::now();
        if (!r.ok()) {
          if (errors.fetch_add(1) < 3) spdlog::warn("{}", r.error().ToString());
          continue;
        }
        latencies[i].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  Json out = {{"bench", "schedule_post in-process"},
              {"backend", std::string(store.backend())},
              {"threads", threads},
              {"ops", all.size()},
              {"errors", errors.load()},
              {"seconds", elapsed},
              {"per_second", static_cast<double>(all.size()) / elapsed},
              {"p50_ms", pct(0.50)},
              {"p99_ms", pct(0.99)},
              {"max_ms", all.empty() ? 0.0 : all.back()}};
  std::printf("%s\n", out.dump().c_str());
  pool.join();
  return 0;
}

int RunSetup(const std::map<std::string, std::string>& flags) {
  auto get = [&](const char* k, const char* d) {
    auto it = flags.find(k);
    return it == flags.end() ? std::string(d) : it->second;
  };
  store::StoreOptions options;
  options.url = get("db", "");
  auto opened = store::OpenStore(options);
  if (!opened.ok()) return Fail(opened.error().ToString());
  auto setup = MakeSetup(**opened, std::stoi(get("accounts", "100")), get("platform", "bench"),
                         get("base-url", ""), get("sealed", "x"));
  if (!setup.ok()) return Fail(setup.error().ToString());
  Json out = {{"org_id", setup->org.id}, {"accounts", setup->accounts}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

// One schedule_post as plain SQL: the account check, then post, target, job and audit rows in
// one transaction, and the jobs NOTIFY, with the same row shapes herald writes.
int PrintPgbenchSql(const std::map<std::string, std::string>& flags) {
  auto it = flags.find("account");
  auto org = flags.find("org");
  if (it == flags.end() || org == flags.end()) return Fail("--org and --account are required");
  std::printf(
      "\\set n random(1, 1000000000)\n"
      "BEGIN;\n"
      "SELECT id, org_id, platform, status FROM accounts WHERE org_id = '%s' AND id = '%s';\n"
      "INSERT INTO posts (id, org_id, status, publish_at, time_zone, content, created_by, "
      "created_at, updated_at) VALUES ('post_pgb' || :client_id || '_' || :n || '_' || "
      "txid_current(), '%s', 'scheduled', 1800000000000000, '', "
      "'{\"media\":[],\"overrides\":{},\"text\":\"bench post\",\"thread\":[]}', '', "
      "1767225600000000, 1767225600000000);\n"
      "INSERT INTO post_targets (id, post_id, org_id, account_id, platform, status, "
      "idempotency_key, external_id, url, attempts, last_error, next_attempt_at, published_at, "
      "remote_state, created_at, updated_at) VALUES ('tgt_pgb' || :client_id || '_' || :n || "
      "'_' || txid_current(), 'post_pgb' || :client_id || '_' || :n || '_' || txid_current(), "
      "'%s', '%s', 'bench', 'queued', md5(random()::text), '', '', 0, '', 1800000000000000, "
      "NULL, '{}', 1767225600000000, 1767225600000000);\n"
      "INSERT INTO jobs (id, org_id, kind, target_id, account_id, run_at, state, attempts, "
      "lease_owner, lease_until, last_error, payload, created_at, updated_at) VALUES "
      "('job_pgb' || :client_id || '_' || :n || '_' || txid_current(), '%s', 'publish', "
      "'tgt_pgb' || :client_id || '_' || :n || '_' || txid_current(), '%s', 1800000000000000, "
      "'queued', 0, '', NULL, '', '{\"post_id\":\"x\"}', 1767225600000000, 1767225600000000);\n"
      "INSERT INTO audit_log (org_id, actor, action, subject, detail, at) VALUES ('%s', "
      "'local', 'post.create', 'post_pgb', '{\"targets\":1,\"tool\":\"schedule_post\"}', "
      "1767225600000000);\n"
      "NOTIFY herald_jobs;\n"
      "COMMIT;\n",
      org->second.c_str(), it->second.c_str(), org->second.c_str(), org->second.c_str(),
      it->second.c_str(), org->second.c_str(), it->second.c_str(), org->second.c_str());
  return 0;
}

}  // namespace
}  // namespace herald::bench

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  if (argc < 2) return herald::bench::Fail("usage: core_bench schedule|setup|pgbench-sql ...");
  std::string mode = argv[1];
  auto flags = herald::bench::ParseFlags(argc, argv, 2);
  if (mode == "schedule") return herald::bench::RunSchedule(flags);
  if (mode == "setup") return herald::bench::RunSetup(flags);
  if (mode == "pgbench-sql") return herald::bench::PrintPgbenchSql(flags);
  return herald::bench::Fail("unknown mode " + mode);
}
