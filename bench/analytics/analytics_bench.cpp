// analytics_report over 1 year × 50 accounts × 10 posts a day (182,500 measured posts) on a
// SQLite file and, with HERALD_BENCH_PG_URL, on PostgreSQL: p50 and p99 of
// AnalyticsInsights::ReportSync (store read, aggregation, previous period) for several ranges
// and groupings, and once with the PNG chart.
//
//   analytics_bench [reps=40]   HERALD_BENCH_ACCOUNTS=50 HERALD_BENCH_DAYS=365
//                               HERALD_BENCH_PER_DAY=10 HERALD_BENCH_PG_URL=postgresql://...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "core/analytics_insights.h"
#include "core/store_measured_posts.h"
#include "platforms/platform_registry.h"
#include "store/store.h"

namespace herald {
namespace {

using base::Time;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

struct Seeded {
  std::string org_id;
  std::vector<std::string> accounts;
  Time end;  // the history ends here (exclusive)
};

// Seeds `accounts` accounts with `days` x `per_day` measured posts each, ending 2026-12-01, in
// organization `existing_org` (a new "bench" organization when empty).
base::Result<Seeded> Seed(store::Store& store, int accounts, int days, int per_day,
                          const std::string& existing_org = "") {
  const Time now = base::SystemClock::Instance().Now();
  Seeded s;
  s.end = *base::ParseRfc3339("2026-12-01T00:00:00Z");
  store::Organization org{
      .id = base::NewId(base::kOrgPrefix, now), .name = "bench", .created_at = now};
  if (!existing_org.empty()) org.id = existing_org;
  s.org_id = org.id;
  auto setup = store.Write([&](store::Tx& tx) -> base::Result<void> {
    if (existing_org.empty()) HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
    for (int i = 0; i < accounts; ++i) {
      store::Account a;
      a.id = base::NewId(base::kAccountPrefix, now);
      a.org_id = org.id;
      a.platform = i % 2 == 0 ? "mastodon" : "bluesky";
      a.external_id = a.id;
      a.handle = "@bench" + std::to_string(i);
      a.base_url = "https://example.social";
      a.credentials_sealed = "v1.bench.sealed";
      a.created_at = a.updated_at = now;
      HERALD_ASSIGN_OR_RETURN(store::Account stored, tx.UpsertAccount(a));
      s.accounts.push_back(stored.id);
    }
    return base::Ok();
  });
  HERALD_RETURN_IF_ERROR(setup);
  const Time start = s.end - std::chrono::days(days);
  uint64_t rng = 42;
  auto next = [&rng] {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((rng >> 33) % 1000);
  };
  for (size_t a = 0; a < s.accounts.size(); ++a) {
    std::vector<store::AnalyticsPost> batch;
    for (int d = 0; d < days; ++d) {
      for (int k = 0; k < per_day; ++k) {
        store::AnalyticsPost p;
        p.org_id = s.org_id;
        p.account_id = s.accounts[a];
        p.remote_id = std::to_string(d) + "-" + std::to_string(k);
        p.platform = a % 2 == 0 ? "mastodon" : "bluesky";
        p.url = "https://example.social/" + p.remote_id;
        p.published_at = start + std::chrono::days(d) + std::chrono::minutes(60 + k * 137);
        p.text_excerpt = "post";
        base::Json normalized{
            {"likes", next() % 50}, {"reposts", next() % 10}, {"replies", next() % 5}};
        if (a % 2 == 1) normalized["quotes"] = next() % 3;
        p.metrics = {{"normalized", normalized}, {"raw", normalized}};
        p.collected_at = p.published_at + std::chrono::hours(24);
        batch.push_back(std::move(p));
      }
    }
    HERALD_RETURN_IF_ERROR(store.Write(
        [&](store::Tx& tx) -> base::Result<void> { return tx.UpsertAnalyticsPosts(batch); }));
  }
  return s;
}

struct Case {
  const char* name;
  int days;
  const char* group_by;
  bool chart;
  bool write_between = false;  // a new measurement lands before each report
};

int Run(const char* backend, store::Store& store, int reps) {
  const int accounts = EnvInt("HERALD_BENCH_ACCOUNTS", 50);
  const int days = EnvInt("HERALD_BENCH_DAYS", 365);
  const int per_day = EnvInt("HERALD_BENCH_PER_DAY", 10);
  auto t0 = std::chrono::steady_clock::now();
  auto seeded = Seed(store, accounts, days, per_day);
  if (!seeded.ok()) {
    std::fprintf(stderr, "%s: seed: %s\n", backend, seeded.error().ToString().c_str());
    return 1;
  }
  double seed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s: seeded %d accounts x %d days x %d posts/day = %d posts in %.1f s\n", backend,
              accounts, days, per_day, accounts * days * per_day, seed_s);

  core::StoreMeasuredPosts source(store);
  platforms::PlatformRegistry registry;
  base::FakeClock clock(seeded->end);
  base::asio::thread_pool pool(1);
  core::AnalyticsInsights insights(store, source, registry, clock, pool);
  base::Caller caller{.org_id = seeded->org_id, .key_id = "", .role = base::Role::kViewer};

  const Case cases[] = {
      {"7 days, by account", 7, "account", false},
      {"30 days, by day", 30, "day", false},
      {"30 days, by account, PNG chart", 30, "account", true},
      {"90 days, by week", 90, "week", false},
      {"365 days, by account", 365, "account", false},
      {"365 days, by week", 365, "week", false},
      {"365 days, by account, a new sample before each", 365, "account", false, true}};
  {
    // The first report after start fills the organization's fact cache from the store.
    core::ReportRequest first{.from = base::FormatRfc3339(seeded->end - std::chrono::days(365)),
                              .to = base::FormatRfc3339(seeded->end),
                              .accounts = {},
                              .group_by = "account",
                              .time_zone = "Europe/Paris",
                              .top_posts = 5,
                              .chart = false,
                              .chart_format = "png"};
    auto start = std::chrono::steady_clock::now();
    auto r = insights.ReportSync(caller, first);
    double elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok()) {
      std::fprintf(stderr, "first: %s\n", r.error().ToString().c_str());
      return 1;
    }
    std::printf("%s: first report after start (fills the cache): %.1f ms\n", backend, elapsed);
  }
  std::printf("| %s | posts in range | p50 ms | p99 ms |\n|---|---:|---:|---:|\n", backend);
  for (const Case& c : cases) {
    core::ReportRequest request{
        .from = base::FormatRfc3339(seeded->end - std::chrono::days(c.days)),
        .to = base::FormatRfc3339(seeded->end),
        .accounts = {},
        .group_by = c.group_by,
        .time_zone = "Europe/Paris",
        .top_posts = 5,
        .chart = c.chart,
        .chart_format = "png"};
    std::vector<double> ms;
    int posts = 0;
    const int n = c.chart ? std::max(5, reps / 4) : reps;
    for (int i = 0; i < n + 2; ++i) {  // two warm-ups
      if (c.write_between) {
        // The collector measured one more post: the next report catches up with it.
        store::AnalyticsPost p;
        p.org_id = seeded->org_id;
        p.account_id = seeded->accounts[static_cast<size_t>(i) % seeded->accounts.size()];
        p.remote_id = "0-" + std::to_string(i % per_day);
        p.platform = (i % seeded->accounts.size()) % 2 == 0 ? "mastodon" : "bluesky";
        p.published_at =
            seeded->end - std::chrono::days(days) + std::chrono::minutes(60 + (i % per_day) * 137);
        base::Json normalized{{"likes", 100 + i}, {"reposts", 1}, {"replies", 1}};
        p.metrics = {{"normalized", normalized}, {"raw", normalized}};
        p.collected_at = seeded->end + std::chrono::minutes(i);
        auto w = store.Write([&](store::Tx& tx) { return tx.UpsertAnalyticsPost(p); });
        if (!w.ok()) {
          std::fprintf(stderr, "write: %s\n", w.error().ToString().c_str());
          return 1;
        }
      }
      auto start = std::chrono::steady_clock::now();
      auto r = insights.ReportSync(caller, request);
      double elapsed =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (!r.ok()) {
        std::fprintf(stderr, "%s: %s\n", c.name, r.error().ToString().c_str());
        return 1;
      }
      posts = r->report.totals.posts;
      if (i >= 2) ms.push_back(elapsed);
    }
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) {
      size_t i = static_cast<size_t>(p * static_cast<double>(ms.size() - 1) + 0.5);
      return ms[std::min(i, ms.size() - 1)];
    };
    std::printf("| %s | %d | %.1f | %.1f |\n", c.name, posts, pct(0.5), pct(0.99));
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace herald

int main(int argc, char** argv) {
  using namespace herald;
  if (argc == 4 && std::string_view(argv[1]) == "seed") {
    // analytics_bench seed STORE_URL ORG_ID: the same history in an existing organization of a
    // herald database (bench/analytics/tool_path.sh then measures the tool over HTTP).
    store::StoreOptions o;
    o.url = argv[2];
    auto s = store::OpenStore(o);
    if (!s.ok()) {
      std::fprintf(stderr, "open: %s\n", s.error().ToString().c_str());
      return 1;
    }
    auto seeded = Seed(**s, EnvInt("HERALD_BENCH_ACCOUNTS", 50), EnvInt("HERALD_BENCH_DAYS", 365),
                       EnvInt("HERALD_BENCH_PER_DAY", 10), argv[3]);
    if (!seeded.ok()) {
      std::fprintf(stderr, "seed: %s\n", seeded.error().ToString().c_str());
      return 1;
    }
    std::printf("seeded %zu accounts in %s\n", seeded->accounts.size(), argv[3]);
    return 0;
  }
  const int reps = argc > 1 ? std::atoi(argv[1]) : 40;
  char tmpl[] = "/tmp/herald-analytics-bench-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  int rc = 0;
  {
    store::StoreOptions o;
    o.url = "sqlite:" + dir + "/bench.db";
    auto s = store::OpenStore(o);
    if (!s.ok()) {
      std::fprintf(stderr, "sqlite: %s\n", s.error().ToString().c_str());
      return 1;
    }
    rc |= Run("sqlite", **s, reps);
  }
  std::filesystem::remove_all(dir);
  if (const char* admin = std::getenv("HERALD_BENCH_PG_URL"); admin != nullptr && *admin) {
    const std::string db = "herald_analytics_bench_" + base::HexEncode(base::RandomBytes(4));
    try {
      pqxx::connection c(admin);
      pqxx::nontransaction(c).exec("CREATE DATABASE " + db);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "create database: %s\n", e.what());
      return 1;
    }
    {
      std::string url(admin);
      store::StoreOptions o;
      o.url = url.substr(0, url.rfind('/') + 1) + db;
      auto s = store::OpenStore(o);
      if (!s.ok()) {
        std::fprintf(stderr, "postgres: %s\n", s.error().ToString().c_str());
        return 1;
      }
      rc |= Run("postgres", **s, reps);
    }
    try {
      pqxx::connection c(admin);
      pqxx::nontransaction(c).exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
  return rc;
}
