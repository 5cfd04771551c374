// The analytics report: totals, groups, top posts, change against the previous period, day and
// week boundaries in a time zone, bad input, and the chart built from it.
#include "core/analytics_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "core/report_chart.h"
#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

base::Time T(const char* rfc3339) { return *base::ParseRfc3339(rfc3339); }

ReportPost Post(std::string id, std::string account, std::string platform, const char* at,
                std::map<std::string, double> metrics) {
  return {.post_id = "post_" + id,
          .target_id = "tgt_" + id,
          .account_id = std::move(account),
          .platform = std::move(platform),
          .url = "https://example.test/" + id,
          .published_at = T(at),
          .metrics = std::move(metrics),
          .text = "post " + id,
          .remote_id = ""};
}

std::vector<ReportPost> March() {
  return {
      Post("a", "acc_m", "mastodon", "2026-03-02T08:00:00Z", {{"likes", 10}, {"reposts", 2}}),
      Post("b", "acc_m", "mastodon", "2026-03-03T23:30:00Z", {{"likes", 4}, {"replies", 1}}),
      Post("c", "acc_b", "bluesky", "2026-03-05T12:00:00Z",
           {{"likes", 30}, {"reposts", 5}, {"quotes", 1}, {"views", 900}}),
      Post("d", "acc_b", "bluesky", "2026-03-08T12:00:00Z", {{"likes", 1}}),
  };
}

ReportOptions Week(ReportGroupBy g, std::string zone = "UTC") {
  return {.from = T("2026-03-02T00:00:00Z"),
          .to = T("2026-03-09T00:00:00Z"),
          .group_by = g,
          .time_zone = std::move(zone),
          .top_posts = 2};
}

TEST(AnalyticsReportTest, TotalsRowsAndTopPosts) {
  auto r = BuildAnalyticsReport(March(), {}, Week(ReportGroupBy::kAccount));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->totals.posts, 4);
  EXPECT_EQ(r->totals.engagement, 54);  // views are not engagement
  EXPECT_EQ(r->totals.metrics.at("likes"), 45);
  EXPECT_EQ(r->totals.metrics.at("views"), 900);
  EXPECT_FALSE(r->totals.metrics.contains("clicks"));  // nobody reported it: absent, not zero
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].key, "acc_b");  // best first
  EXPECT_EQ(r->rows[0].totals.engagement, 37);
  EXPECT_EQ(r->rows[1].key, "acc_m");
  EXPECT_FALSE(r->rows[1].totals.metrics.contains("quotes"));
  ASSERT_EQ(r->top_posts.size(), 2u);
  EXPECT_EQ(r->top_posts[0].post.post_id, "post_c");
  EXPECT_EQ(r->top_posts[1].post.post_id, "post_a");
  EXPECT_FALSE(r->change.engagement_pct.has_value());  // no previous period data
}

TEST(AnalyticsReportTest, GroupsByPlatform) {
  auto r = BuildAnalyticsReport(March(), {}, Week(ReportGroupBy::kPlatform));
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].key, "bluesky");
  EXPECT_EQ(r->rows[1].key, "mastodon");
}

TEST(AnalyticsReportTest, DaysBeginInTheReportTimeZoneAndQuietDaysAreZero) {
  auto utc = BuildAnalyticsReport(March(), {}, Week(ReportGroupBy::kDay));
  ASSERT_THAT(utc, IsOk());
  ASSERT_EQ(utc->rows.size(), 7u);
  EXPECT_EQ(utc->rows[0].key, "2026-03-02");
  EXPECT_EQ(utc->rows[1].key, "2026-03-03");
  EXPECT_EQ(utc->rows[1].totals.posts, 1);  // 23:30 UTC on the 3rd
  EXPECT_EQ(utc->rows[2].totals.posts, 0);
  // In Paris, 23:30 UTC on the 3rd is 00:30 on the 4th; the range's first day is 1 March there
  // (midnight UTC on the 2nd is 01:00 in Paris on the 2nd, so it starts on the 2nd).
  auto paris = BuildAnalyticsReport(March(), {}, Week(ReportGroupBy::kDay, "Europe/Paris"));
  ASSERT_THAT(paris, IsOk());
  EXPECT_EQ(paris->rows[0].key, "2026-03-02");
  EXPECT_EQ(paris->rows[1].totals.posts, 0);
  EXPECT_EQ(paris->rows[2].key, "2026-03-04");
  EXPECT_EQ(paris->rows[2].totals.posts, 1);
  // In New York, 08:00 UTC on the 2nd is 03:00 on the 2nd, but midnight UTC is the 1st.
  auto ny = BuildAnalyticsReport(March(), {}, Week(ReportGroupBy::kDay, "America/New_York"));
  ASSERT_THAT(ny, IsOk());
  EXPECT_EQ(ny->rows.front().key, "2026-03-01");
  EXPECT_EQ(ny->rows.front().totals.posts, 0);
}

TEST(AnalyticsReportTest, WeeksStartOnMonday) {
  ReportOptions o = Week(ReportGroupBy::kWeek);
  o.from = T("2026-03-04T00:00:00Z");  // a Wednesday
  o.to = T("2026-03-20T00:00:00Z");
  auto r = BuildAnalyticsReport(March(), {}, o);
  ASSERT_THAT(r, IsOk());
  std::vector<std::string> keys;
  for (const ReportRow& row : r->rows) keys.push_back(row.key);
  EXPECT_THAT(keys, ElementsAre("2026-03-02", "2026-03-09", "2026-03-16"));
  EXPECT_EQ(r->rows[0].totals.posts, 2);  // the 5th and the 8th
}

TEST(AnalyticsReportTest, ChangeAgainstThePreviousPeriodOfTheSameLength) {
  std::vector<ReportPost> previous = {
      Post("p1", "acc_m", "mastodon", "2026-02-24T10:00:00Z", {{"likes", 20}, {"reposts", 7}}),
      Post("p2", "acc_m", "mastodon", "2026-02-01T10:00:00Z", {{"likes", 999}}),  // too early
  };
  auto r = BuildAnalyticsReport(March(), previous, Week(ReportGroupBy::kAccount));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->previous_from, T("2026-02-23T00:00:00Z"));
  EXPECT_EQ(r->previous_totals.posts, 1);
  EXPECT_EQ(r->previous_totals.engagement, 27);
  EXPECT_EQ(r->change.posts_pct, 300);
  EXPECT_EQ(r->change.engagement_pct, 100);
  EXPECT_EQ(r->change.metrics_pct.at("likes"), 125);
  EXPECT_EQ(r->change.metrics_pct.at("reposts"), 0);
  EXPECT_FALSE(r->change.metrics_pct.contains("quotes"));  // none before: no percentage
}

TEST(AnalyticsReportTest, BadInputIsAClearError) {
  ReportOptions o = Week(ReportGroupBy::kDay);
  std::swap(o.from, o.to);
  EXPECT_THAT(BuildAnalyticsReport({}, {}, o),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("is not before to")));
  o = Week(ReportGroupBy::kDay);
  o.from = T("2024-01-01T00:00:00Z");
  EXPECT_THAT(BuildAnalyticsReport({}, {}, o),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("longer than 2 years")));
  o = Week(ReportGroupBy::kDay, "Europe/Atlantis");
  EXPECT_THAT(BuildAnalyticsReport({}, {}, o),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("timezone")));
  EXPECT_THAT(ParseReportGroupBy("month"),
              StatusIs(base::ErrorCode::kInvalidArgument,
                       HasSubstr("group_by: 'month' is not one of account, platform, day, week")));
  EXPECT_THAT(ParseReportGroupBy("week"), IsOk());
}

TEST(ReportChartTest, OneSeriesPerReportedEngagementMetric) {
  auto r = BuildAnalyticsReport(March(), {}, Week(ReportGroupBy::kDay));
  ASSERT_THAT(r, IsOk());
  charts::ChartSpec spec = ReportChartSpec(*r);
  std::vector<std::string> names;
  for (const auto& s : spec.series) names.push_back(s.name);
  EXPECT_THAT(names, ElementsAre("likes", "reposts", "replies", "quotes"));
  EXPECT_EQ(spec.labels.size(), 7u);
  EXPECT_EQ(spec.series[0].values[3], 30);  // 5 March
  EXPECT_EQ(spec.title, "Engagement by day, 2026-03-02 to 2026-03-08");
  // The title's dates are the report's days, in its time zone.
  ReportOptions paris = Week(ReportGroupBy::kDay, "Europe/Paris");
  paris.from = T("2026-03-01T23:00:00Z");
  paris.to = T("2026-03-08T23:00:00Z");
  auto local = BuildAnalyticsReport(March(), {}, paris);
  ASSERT_THAT(local, IsOk());
  EXPECT_EQ(ReportChartSpec(*local).title, "Engagement by day, 2026-03-02 to 2026-03-08");
  std::string svg = RenderReportChart(*r);
  EXPECT_THAT(svg, HasSubstr("<polyline"));
  auto by_account = BuildAnalyticsReport(March(), {}, Week(ReportGroupBy::kAccount));
  std::string bars = RenderReportChart(*by_account, {{"acc_b", "@me.bsky.social"}});
  EXPECT_THAT(bars, HasSubstr("@me.bsky.social"));
  EXPECT_THAT(bars, Not(HasSubstr("<polyline")));
}

TEST(ReportChartTest, WithoutEngagementMetricsItCountsPosts) {
  std::vector<ReportPost> posts = {Post("x", "acc", "x", "2026-03-03T10:00:00Z", {})};
  auto r = BuildAnalyticsReport(posts, {}, Week(ReportGroupBy::kDay));
  ASSERT_THAT(r, IsOk());
  charts::ChartSpec spec = ReportChartSpec(*r);
  ASSERT_EQ(spec.series.size(), 1u);
  EXPECT_EQ(spec.series[0].name, "posts");
  EXPECT_EQ(spec.y_label, "posts");
}

}  // namespace
}  // namespace herald::core
