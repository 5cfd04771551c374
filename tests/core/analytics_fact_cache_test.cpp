// The analytics report served from memory (AnalyticsFactCache behind StoreMeasuredPosts) against
// the row-by-row report over the same store rows: the same totals, rows, top posts and change
// for every grouping, account filter and time zone (DST, and a zone whose clocks turn back at
// midnight); writes after the first report are seen; other organizations never count; the
// memory bound drops organizations least recently used first.
#include <date/date.h>
#include <date/tz.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "core/store_measured_posts.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

using ::herald::matchers::IsOk;
using ::herald::testing::CoreEnv;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

base::Time T(const char* rfc3339) { return *base::ParseRfc3339(rfc3339); }

// The report computed the obvious way (a local date per post through the time zone database,
// maps by name): what the fast aggregation must agree with.
AnalyticsReport NaiveReport(const std::vector<ReportPost>& current,
                            const std::vector<ReportPost>& previous, const ReportOptions& options) {
  const date::time_zone* zone = date::locate_zone(options.time_zone);
  auto local_day = [&](base::Time t) {
    return date::floor<date::days>(
        zone->to_local(std::chrono::time_point_cast<std::chrono::seconds>(t)));
  };
  auto bucket = [&](base::Time t) {
    date::local_days day = local_day(t);
    if (options.group_by == ReportGroupBy::kWeek) {
      day -= date::days(date::weekday(day).iso_encoding() - 1);
    }
    return day;
  };
  auto add = [](ReportTotals& totals, const ReportPost& p) {
    ++totals.posts;
    totals.engagement += EngagementOf(p.metrics);
    for (const auto& [name, value] : p.metrics) totals.metrics[name] += value;
  };
  AnalyticsReport r;
  std::map<std::string, ReportTotals> groups;
  const bool by_time =
      options.group_by == ReportGroupBy::kDay || options.group_by == ReportGroupBy::kWeek;
  if (by_time) {
    const date::days step(options.group_by == ReportGroupBy::kWeek ? 7 : 1);
    for (auto d = bucket(options.from); d <= bucket(options.to - base::Micros(1)); d += step) {
      groups[date::format("%F", d)];
    }
  }
  std::vector<ReportTopPost> top;
  for (const ReportPost& p : current) {
    add(r.totals, p);
    std::string key = options.group_by == ReportGroupBy::kAccount ? p.account_id
                      : options.group_by == ReportGroupBy::kPlatform
                          ? p.platform
                          : date::format("%F", bucket(p.published_at));
    add(groups[key], p);
    top.push_back({.post = p, .engagement = EngagementOf(p.metrics)});
  }
  for (auto& [key, totals] : groups) r.rows.push_back({.key = key, .totals = totals});
  if (!by_time) {
    std::stable_sort(r.rows.begin(), r.rows.end(), [](const ReportRow& a, const ReportRow& b) {
      return a.totals.engagement > b.totals.engagement;
    });
  }
  std::stable_sort(top.begin(), top.end(), [](const ReportTopPost& a, const ReportTopPost& b) {
    if (a.engagement != b.engagement) return a.engagement > b.engagement;
    return a.post.published_at > b.post.published_at;
  });
  if (top.size() > options.top_posts) top.resize(options.top_posts);
  r.top_posts = top;
  for (const ReportPost& p : previous) add(r.previous_totals, p);
  return r;
}

class AnalyticsFactCacheTest : public ::testing::Test {
 protected:
  AnalyticsFactCacheTest() {
    mastodon_ = env_.AddAccount("mastodon", "@m");
    bluesky_ = env_.AddAccount("bluesky", "b.example");
    second_mastodon_ = env_.AddAccount("mastodon", "@m2");
    foreign_ = env_.AddAccount("mastodon", "@globex", env_.other_org.id);
  }

  store::AnalyticsPost Row(const store::Account& account, const std::string& remote_id,
                           base::Time published_at, base::Json normalized,
                           const std::string& org_id = "") {
    store::AnalyticsPost row;
    row.org_id = org_id.empty() ? env_.org.id : org_id;
    row.account_id = account.id;
    row.remote_id = remote_id;
    row.platform = account.platform;
    row.url = "https://example.social/" + remote_id;
    row.published_at = published_at;
    row.text_excerpt = "post " + remote_id;
    row.metrics = {{"normalized", std::move(normalized)}, {"raw", base::Json::object()}};
    row.collected_at = published_at + hours(24);
    return row;
  }

  void Write(const std::vector<store::AnalyticsPost>& rows) {
    ASSERT_THAT(env_.store->Write([&](store::Tx& tx) { return tx.UpsertAnalyticsPosts(rows); }),
                IsOk());
  }

  // 120 days of posts around DST changes on three accounts, every few hours, with varied
  // metrics (some missing, ties in engagement); every third one a herald post.
  void SeedHistory() {
    std::vector<store::AnalyticsPost> rows;
    uint64_t rng = 7;
    auto next = [&rng](int mod) {
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<int>((rng >> 33) % static_cast<uint64_t>(mod));
    };
    const base::Time start = T("2026-02-01T00:00:00Z");
    int n = 0;
    for (base::Time t = start; t < start + days(120); t += minutes(170 + next(300))) {
      const store::Account& a = n % 3 == 0 ? mastodon_ : (n % 3 == 1 ? bluesky_ : second_mastodon_);
      base::Json m = {{"likes", next(20)}, {"reposts", next(4)}};
      if (next(3) == 0) m["replies"] = next(5);
      if (a.platform == "bluesky") m["quotes"] = next(2);
      if (next(5) == 0) m["views"] = next(1000);
      if (next(7) == 0) m["clicks"] = next(9);
      store::AnalyticsPost row = Row(a, "r" + std::to_string(n), t, m);
      if (n % 3 == 0) {
        row.post_id = "pst_" + std::to_string(n);
        row.target_id = "tgt_" + std::to_string(n);
      }
      rows.push_back(std::move(row));
      ++n;
    }
    Write(rows);
  }

  static void ExpectSameTotals(const ReportTotals& a, const ReportTotals& b,
                               const std::string& what) {
    EXPECT_EQ(a.posts, b.posts) << what;
    EXPECT_DOUBLE_EQ(a.engagement, b.engagement) << what;
    EXPECT_EQ(a.metrics, b.metrics) << what;
  }

  static void ExpectSameReport(const AnalyticsReport& cached, const AnalyticsReport& rows,
                               const std::string& what) {
    ExpectSameTotals(cached.totals, rows.totals, what + " totals");
    ExpectSameTotals(cached.previous_totals, rows.previous_totals, what + " previous");
    EXPECT_EQ(cached.change.posts_pct, rows.change.posts_pct) << what;
    EXPECT_EQ(cached.change.engagement_pct, rows.change.engagement_pct) << what;
    EXPECT_EQ(cached.change.metrics_pct, rows.change.metrics_pct) << what;
    ASSERT_EQ(cached.rows.size(), rows.rows.size()) << what;
    for (size_t i = 0; i < rows.rows.size(); ++i) {
      EXPECT_EQ(cached.rows[i].key, rows.rows[i].key) << what << " row " << i;
      ExpectSameTotals(cached.rows[i].totals, rows.rows[i].totals,
                       what + " row " + rows.rows[i].key);
    }
    ASSERT_EQ(cached.top_posts.size(), rows.top_posts.size()) << what;
    for (size_t i = 0; i < rows.top_posts.size(); ++i) {
      const ReportPost& c = cached.top_posts[i].post;
      const ReportPost& r = rows.top_posts[i].post;
      EXPECT_DOUBLE_EQ(cached.top_posts[i].engagement, rows.top_posts[i].engagement) << what;
      EXPECT_EQ(c.target_id, r.target_id) << what << " top " << i;
      EXPECT_EQ(c.post_id, r.post_id) << what;
      EXPECT_EQ(c.url, r.url) << what;
      EXPECT_EQ(c.account_id, r.account_id) << what;
      EXPECT_EQ(c.platform, r.platform) << what;
      EXPECT_EQ(c.published_at, r.published_at) << what;
      EXPECT_EQ(c.metrics, r.metrics) << what;
    }
  }

  CoreEnv env_;
  store::Account mastodon_, bluesky_, second_mastodon_, foreign_;
};

TEST_F(AnalyticsFactCacheTest, ReportsFromMemoryMatchTheRowByRowReport) {
  SeedHistory();
  StoreMeasuredPosts source(*env_.store);
  const struct {
    const char* from;
    const char* to;
  } ranges[] = {{"2026-03-20T00:00:00Z", "2026-04-10T00:00:00Z"},   // Paris and Santiago DST
                {"2026-02-01T00:00:00Z", "2026-06-01T00:00:00Z"},   // everything
                {"2026-03-07T13:17:00Z", "2026-03-08T09:00:00Z"},   // part of a day
                {"2026-05-15T00:00:00Z", "2026-07-01T00:00:00Z"}};  // runs past the history
  int checked = 0;
  for (const auto& range : ranges) {
    for (const char* zone : {"UTC", "Europe/Paris", "America/Santiago", "Asia/Kathmandu"}) {
      for (ReportGroupBy g : {ReportGroupBy::kAccount, ReportGroupBy::kPlatform,
                              ReportGroupBy::kDay, ReportGroupBy::kWeek}) {
        for (const std::vector<std::string>& accounts :
             {std::vector<std::string>{}, std::vector<std::string>{bluesky_.id},
              std::vector<std::string>{mastodon_.id, second_mastodon_.id}}) {
          const ReportOptions options{.from = T(range.from),
                                      .to = T(range.to),
                                      .group_by = g,
                                      .time_zone = zone,
                                      .top_posts = 7};
          const std::string what = std::string(range.from) + " " + zone + " " +
                                   std::string(ReportGroupByName(g)) + " " +
                                   std::to_string(accounts.size()) + " accounts";
          auto cached = source.Report(env_.org.id, accounts, options);
          auto rows = source.MeasuredPostSource::Report(env_.org.id, accounts, options);
          ASSERT_THAT(cached, IsOk());
          ASSERT_THAT(rows, IsOk());
          ExpectSameReport(*cached, *rows, what);
          // Both agree with the obvious computation over the same rows.
          MeasuredPostQuery q{.org_id = env_.org.id,
                              .account_ids = accounts,
                              .from = options.from,
                              .to = options.to,
                              .limit = 0};
          auto current = source.MeasuredPosts(q);
          q.from = PreviousPeriodStart(options.from, options.to);
          q.to = options.from;
          auto previous = source.MeasuredPosts(q);
          ASSERT_THAT(current, IsOk());
          ASSERT_THAT(previous, IsOk());
          AnalyticsReport naive = NaiveReport(*current, *previous, options);
          naive.change = cached->change;  // the percentages follow from the totals
          ExpectSameReport(*cached, naive, what + " (naive)");
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 4 * 4 * 4 * 3);
  EXPECT_GT(source.cached_posts(), 500u);
}

TEST_F(AnalyticsFactCacheTest, AReportSeesWhatWasWrittenSinceTheLastOne) {
  StoreMeasuredPosts source(*env_.store);
  const ReportOptions options{.from = T("2026-03-01T00:00:00Z"),
                              .to = T("2026-03-08T00:00:00Z"),
                              .group_by = ReportGroupBy::kAccount,
                              .time_zone = "UTC",
                              .top_posts = 3};
  auto empty = source.Report(env_.org.id, {}, options);
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(empty->totals.posts, 0);
  EXPECT_TRUE(empty->rows.empty());

  Write({Row(mastodon_, "1", T("2026-03-02T10:00:00Z"), {{"likes", 5}}),
         Row(bluesky_, "2", T("2026-03-03T10:00:00Z"), {{"likes", 1}})});
  auto two = source.Report(env_.org.id, {}, options);
  ASSERT_THAT(two, IsOk());
  EXPECT_EQ(two->totals.posts, 2);
  EXPECT_EQ(two->totals.engagement, 6);
  ASSERT_EQ(two->top_posts.size(), 2u);
  EXPECT_EQ(two->top_posts[0].post.url, "https://example.social/1");

  // A newer measurement of post 2, a post moved out of the range, a new one.
  store::AnalyticsPost measured = Row(bluesky_, "2", T("2026-03-03T10:00:00Z"), {{"likes", 9}});
  measured.collected_at = T("2026-03-05T00:00:00Z");
  ASSERT_THAT(env_.store->Write([&](store::Tx& tx) { return tx.UpsertAnalyticsPost(measured); }),
              IsOk());
  Write({Row(mastodon_, "1", T("2026-03-09T10:00:00Z"), {{"likes", 5}}),
         Row(second_mastodon_, "3", T("2026-03-01T00:00:00Z"), {{"reposts", 2}})});
  auto later = source.Report(env_.org.id, {}, options);
  ASSERT_THAT(later, IsOk());
  EXPECT_EQ(later->totals.posts, 2);        // posts 2 and 3
  EXPECT_EQ(later->totals.engagement, 11);  // 9 likes + 2 reposts
  ASSERT_EQ(later->top_posts.size(), 2u);
  EXPECT_EQ(later->top_posts[0].post.url, "https://example.social/2");
  EXPECT_EQ(later->top_posts[0].engagement, 9);
  EXPECT_EQ(later->top_posts[0].post.target_id, "remote:2");  // imported: no herald target
  ASSERT_EQ(later->rows.size(), 2u);
  EXPECT_EQ(later->rows[0].key, bluesky_.id);
}

TEST_F(AnalyticsFactCacheTest, AnotherOrganizationsPostsNeverCount) {
  Write({Row(mastodon_, "1", T("2026-03-02T10:00:00Z"), {{"likes", 5}})});
  Write({Row(foreign_, "x", T("2026-03-02T11:00:00Z"), {{"likes", 500}}, env_.other_org.id)});
  StoreMeasuredPosts source(*env_.store);
  const ReportOptions options{.from = T("2026-03-01T00:00:00Z"),
                              .to = T("2026-03-08T00:00:00Z"),
                              .group_by = ReportGroupBy::kPlatform,
                              .time_zone = "UTC",
                              .top_posts = 5};
  // Naming the other organization's account finds nothing of it either.
  for (const std::vector<std::string>& accounts :
       {std::vector<std::string>{}, std::vector<std::string>{foreign_.id}}) {
    auto ours = source.Report(env_.org.id, accounts, options);
    ASSERT_THAT(ours, IsOk());
    for (const ReportTopPost& top : ours->top_posts) EXPECT_NE(top.post.account_id, foreign_.id);
    EXPECT_EQ(ours->totals.engagement, accounts.empty() ? 5 : 0);
  }
  auto theirs = source.Report(env_.other_org.id, {}, options);
  ASSERT_THAT(theirs, IsOk());
  EXPECT_EQ(theirs->totals.engagement, 500);
}

TEST_F(AnalyticsFactCacheTest, MemoryIsBoundedLeastRecentlyUsedFirst) {
  std::vector<store::AnalyticsPost> ours, theirs;
  for (int i = 0; i < 8; ++i) {
    ours.push_back(Row(mastodon_, "o" + std::to_string(i), T("2026-03-02T10:00:00Z") + hours(i),
                       {{"likes", 1}}));
  }
  for (int i = 0; i < 5; ++i) {
    theirs.push_back(Row(foreign_, "t" + std::to_string(i), T("2026-03-02T10:00:00Z") + hours(i),
                         {{"likes", 2}}, env_.other_org.id));
  }
  Write(ours);
  Write(theirs);
  StoreMeasuredPosts source(*env_.store, {.max_posts = 10});
  const ReportOptions options{.from = T("2026-03-01T00:00:00Z"),
                              .to = T("2026-03-08T00:00:00Z"),
                              .group_by = ReportGroupBy::kAccount,
                              .time_zone = "UTC",
                              .top_posts = 1};
  ASSERT_THAT(source.Report(env_.org.id, {}, options), IsOk());
  EXPECT_EQ(source.cached_posts(), 8u);
  auto t = source.Report(env_.other_org.id, {}, options);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->totals.engagement, 10);
  EXPECT_EQ(source.cached_posts(), 5u);  // ours went: 13 > 10

  // An organization too large alone is read for each report and not kept.
  std::vector<store::AnalyticsPost> more;
  for (int i = 0; i < 6; ++i) {
    more.push_back(Row(second_mastodon_, "m" + std::to_string(i),
                       T("2026-03-03T10:00:00Z") + hours(i), {{"likes", 3}}));
  }
  Write(more);
  for (int round = 0; round < 2; ++round) {
    auto big = source.Report(env_.org.id, {}, options);
    ASSERT_THAT(big, IsOk());
    EXPECT_EQ(big->totals.posts, 14);
    EXPECT_EQ(big->totals.engagement, 8 + 18);
    EXPECT_EQ(source.cached_posts(), 0u);
  }
}

}  // namespace
}  // namespace herald::core
