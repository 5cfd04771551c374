// AnalyticsCollector: the +1 h / +24 h / +7 d plan, the rate budget shared with publishing
// (publishing wins), networks without metrics, failing fetches retried later (not hammered),
// accounts measured daily with their history imported, and the publish worker putting what it
// publishes into the plan. Deterministic: FakeClock + RunOnce, SQLite in memory.
#include "core/analytics_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/metric_names.h"
#include "tests/core/analytics_fixture.h"

namespace herald::core {
namespace {

TEST(AnalyticsPlanTest, TargetsAtOneHourOneDayOneWeekThenWeeklyToNinetyDays) {
  const Time t0 = base::FromUnixMicros(1'767'225'600'000'000);
  std::vector<hours> offsets;
  for (int stage = 0; stage < 30; ++stage) {
    auto next = NextTargetMeasurement(t0, stage, "tgt_x", minutes(0));
    if (!next) break;
    offsets.push_back(std::chrono::duration_cast<hours>(*next - t0));
  }
  std::vector<hours> want = {hours(1), hours(24)};
  for (int week = 1; week <= 12; ++week) want.push_back(hours(24 * 7 * week));
  want.push_back(hours(24 * 90));
  EXPECT_EQ(offsets, want);
  // The spread pushes every time by the same stable offset below the bound.
  auto spread = NextTargetMeasurement(t0, 0, "tgt_x", minutes(10));
  ASSERT_TRUE(spread.has_value());
  EXPECT_GE(*spread, t0 + hours(1));
  EXPECT_LT(*spread, t0 + hours(1) + minutes(10));
  EXPECT_EQ(*spread, *NextTargetMeasurement(t0, 0, "tgt_x", minutes(10)));
  EXPECT_EQ(*spread - (t0 + hours(1)),
            *NextTargetMeasurement(t0, 1, "tgt_x", minutes(10)) - (t0 + hours(24)));
}

TEST(MetricNamesTest, NormalisedBesideTheNetworksOwnNamesAndAbsentNeverZero) {
  Json stored = NormalizeMetrics(
      "mastodon", Json{{"likes", 3}, {"reposts", 1}, {"replies", 0}, {"following", 7}});
  EXPECT_EQ(stored["normalized"], (Json{{"likes", 3}, {"reposts", 1}, {"replies", 0}}));
  EXPECT_EQ(stored["raw"]["favourites_count"], 3);
  EXPECT_EQ(stored["raw"]["reblogs_count"], 1);
  EXPECT_EQ(stored["raw"]["following"], 7);
  EXPECT_FALSE(stored["normalized"].contains("views"));  // not reported: absent
  EXPECT_FALSE(stored["normalized"].contains("quotes"));
  Json x =
      NormalizeMetrics("x", Json{{"likes", 2}, {"views", 40}, {"raw", {{"bookmark_count", 1}}}});
  EXPECT_EQ(x["raw"]["impression_count"], 40);
  EXPECT_EQ(x["raw"]["bookmark_count"], 1);
  EXPECT_EQ(EngagementOf(stored), 4);
  EXPECT_EQ(EngagementOf(Json::object()), 0);
  // Clicks are reach, as in analytics_report's engagement: one definition everywhere.
  Json clicked = NormalizeMetrics("linkedin", Json{{"likes", 2}, {"clicks", 9}, {"views", 50}});
  EXPECT_EQ(EngagementOf(clicked), 2);
}

TEST_F(AnalyticsCollectorTest, MeasuresAtOneHourOneDayAndOneWeek) {
  const Time t0 = env_.clock.Now();
  store::PostTarget t = Published(account_, t0);
  metered_->post_answers = {Json{{"likes", 1}}, Json{{"likes", 5}, {"replies", 2}},
                            Json{{"likes", 9}, {"replies", 3}, {"reposts", 1}}};

  EXPECT_EQ(Run(t0 + minutes(59)).claimed, 0);
  EXPECT_EQ(metered_->post_calls, 0);
  CollectStats first = Run(t0 + hours(1));
  EXPECT_EQ(first.measured, 1);
  EXPECT_EQ(metered_->last_receipt, t.external_id);
  ASSERT_TRUE(PlanOf(account_, t.id).has_value());
  EXPECT_EQ(PlanOf(account_, t.id)->next_at, t0 + hours(24));
  EXPECT_EQ(PlanOf(account_, t.id)->stage, 1);

  EXPECT_EQ(Run(t0 + hours(23)).claimed, 0);
  EXPECT_EQ(Run(t0 + hours(24)).measured, 1);
  EXPECT_EQ(PlanOf(account_, t.id)->next_at, t0 + hours(24 * 7));
  EXPECT_EQ(Run(t0 + hours(24 * 7)).measured, 1);
  EXPECT_EQ(PlanOf(account_, t.id)->next_at, t0 + hours(24 * 14));
  EXPECT_EQ(metered_->post_calls, 3);

  auto samples = Samples(account_, t.id);
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0].fetched_at, t0 + hours(1));
  EXPECT_EQ(samples[0].values["normalized"], (Json{{"likes", 1}}));
  EXPECT_EQ(samples[2].values["normalized"], (Json{{"likes", 9}, {"replies", 3}, {"reposts", 1}}));
  EXPECT_EQ(samples[2].values["raw"]["likes"], 9);  // no better name known for this network

  auto rows = store::ReadValue<std::vector<store::AnalyticsPost>>(*env_.store, [&](store::Tx& tx) {
    return tx.ListAnalyticsPostsOfPost(account_.org_id, t.post_id);
  });
  ASSERT_THAT(rows, IsOk());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].metrics["normalized"]["likes"], 9);
  EXPECT_EQ((*rows)[0].collected_at, t0 + hours(24 * 7));
  EXPECT_EQ((*rows)[0].text_excerpt, "hello world");
}

TEST_F(AnalyticsCollectorTest, PlanEndsAfterNinetyDays) {
  const Time t0 = env_.clock.Now();
  store::PostTarget t = Published(account_, t0);
  int rounds = 0;
  while (auto plan = PlanOf(account_, t.id)) {
    ASSERT_LT(++rounds, 30);
    Run(plan->next_at);
  }
  EXPECT_EQ(metered_->post_calls, 15);
  EXPECT_EQ(Samples(account_, t.id).back().fetched_at, t0 + hours(24 * 90));
}

TEST_F(AnalyticsCollectorTest, PublishingWinsTheSharedRateBudget) {
  limiter_.SetBudget("metered", RateBudget{1.0, 2.0});  // 1 call a second, bursts of 2
  const Time t0 = env_.clock.Now();
  store::PostTarget t = Published(account_, t0);
  const Time due = t0 + hours(1);
  // Publishing takes a token first: one left, which the collector must leave to publishing.
  EXPECT_EQ(limiter_.Reserve("metered", due), due);
  CollectStats r = Run(due);
  EXPECT_EQ(r.claimed, 1);
  EXPECT_EQ(r.deferred, 1);
  EXPECT_EQ(metered_->post_calls, 0);
  auto plan = PlanOf(account_, t.id);
  ASSERT_TRUE(plan.has_value());
  EXPECT_GT(plan->next_at, due);
  EXPECT_LE(plan->next_at, due + seconds(2));
  EXPECT_EQ(plan->failures, 0);  // deferred, not failed
  EXPECT_EQ(plan->stage, 0);
  // Publishing still gets its token at once.
  EXPECT_EQ(limiter_.Reserve("metered", due), due);

  // Once the bucket is full again the collector takes one and leaves one.
  const Time later = due + seconds(10);
  EXPECT_EQ(Run(later).measured, 1);
  EXPECT_EQ(metered_->post_calls, 1);
  EXPECT_EQ(limiter_.Reserve("metered", later), later);
}

TEST_F(AnalyticsCollectorTest, NetworkWithoutMetricsStoresNothingAndLeavesThePlan) {
  // Not measurable at all: never planned.
  metered_->info().features.post_metrics = false;
  const Time t0 = env_.clock.Now();
  store::PostTarget quiet = Published(account_, t0, /*measurable=*/false);
  EXPECT_FALSE(PlanOf(account_, quiet.id).has_value());

  // Planned, but the network answers that it has no metrics: one call, then out of the plan.
  metered_->info().features.post_metrics = true;
  metered_->post_answers = {base::Unimplemented("Metered has no metrics")};
  store::PostTarget t = Published(account_, t0);
  CollectStats r = Run(t0 + hours(1));
  EXPECT_EQ(r.dropped, 1);
  EXPECT_EQ(r.failed, 0);
  EXPECT_FALSE(PlanOf(account_, t.id).has_value());
  EXPECT_TRUE(Samples(account_, t.id).empty());
  EXPECT_EQ(Run(t0 + hours(48)).claimed, 0);
  EXPECT_EQ(metered_->post_calls, 1);

  // An account on a network with neither account numbers nor history: the same.
  metered_->info().features.account_metrics = false;
  metered_->history_error = base::Unimplemented("Metered cannot read an account's history");
  ASSERT_THAT(collector_->PlanAccounts(t0 + hours(48)), IsOk());
  EXPECT_EQ(Run(t0 + hours(48)).dropped, 1);
  EXPECT_FALSE(PlanOf(account_, "").has_value());
  EXPECT_EQ(metered_->account_calls, 0);
  EXPECT_EQ(metered_->history_calls, 1);
}

TEST_F(AnalyticsCollectorTest, FailingFetchIsRetriedLaterNotHammered) {
  const Time t0 = env_.clock.Now();
  store::PostTarget t = Published(account_, t0);
  metered_->post_answers = {base::Unavailable("metered is down (503)")};
  const Time due = t0 + hours(1);
  EXPECT_EQ(Run(due).failed, 1);
  auto plan = PlanOf(account_, t.id);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->failures, 1);
  EXPECT_EQ(plan->next_at, due + minutes(15));
  EXPECT_THAT(plan->last_error, ::testing::HasSubstr("503"));
  // Nothing in between: rounds before the retry time call nothing.
  for (int m = 1; m < 15; m += 3) EXPECT_EQ(Run(due + minutes(m)).claimed, 0);
  EXPECT_EQ(metered_->post_calls, 1);
  // Then 15, 30, 60, 120 minutes apart.
  EXPECT_EQ(Run(due + minutes(15)).failed, 1);
  EXPECT_EQ(PlanOf(account_, t.id)->next_at, due + minutes(45));
  EXPECT_EQ(Run(due + minutes(45)).failed, 1);
  EXPECT_EQ(PlanOf(account_, t.id)->next_at, due + minutes(105));
  EXPECT_EQ(Run(due + minutes(105)).failed, 1);
  EXPECT_EQ(PlanOf(account_, t.id)->next_at, due + minutes(225));
  // The fifth failure in a row gives this measurement up for the next planned one.
  EXPECT_EQ(Run(due + minutes(225)).failed, 1);
  plan = PlanOf(account_, t.id);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->stage, 1);
  EXPECT_EQ(plan->failures, 0);
  EXPECT_EQ(plan->next_at, t0 + hours(24));
  EXPECT_EQ(metered_->post_calls, 5);
  // A rate-limit answer waits at least for its retry_after.
  base::Error limited = base::ResourceExhausted("slow down");
  limited.set_retry_after(std::chrono::hours(3));
  metered_->post_answers = {limited};
  Run(t0 + hours(24));
  EXPECT_EQ(PlanOf(account_, t.id)->next_at, t0 + hours(27));
}

TEST_F(AnalyticsCollectorTest, AccountsDailyWithTheirHistoryImportedFirst) {
  const Time t0 = env_.clock.Now();
  for (int i = 0; i < 3; ++i) {
    platforms::HistoryPost p;
    p.remote_id = "old-" + std::to_string(i);
    p.url = "https://metered.example/old-" + std::to_string(i);
    p.published_at = t0 - hours(24 * (i + 1));
    p.text = std::string(400, 'x');
    p.metrics = Json{{"likes", 10 * i}, {"replies", i}};
    metered_->history.push_back(p);
  }
  metered_->account_answers = {Json{{"followers", 100}, {"following", 3}},
                               Json{{"followers", 101}}};
  auto added = collector_->PlanAccounts(t0);
  ASSERT_THAT(added, IsOk());
  EXPECT_EQ(*added, 1);
  EXPECT_EQ(*collector_->PlanAccounts(t0), 0);  // already planned

  CollectStats first = Run(t0);
  EXPECT_EQ(first.measured, 1);
  EXPECT_EQ(first.imported, 3);
  EXPECT_EQ(metered_->history_calls, 1);
  EXPECT_EQ(metered_->last_history.max_posts, 500);
  EXPECT_EQ(metered_->last_history.since, t0 - hours(24 * 90));
  EXPECT_EQ(PlanOf(account_, "")->next_at, t0 + hours(24));

  EXPECT_EQ(Run(t0 + hours(24)).measured, 1);
  EXPECT_EQ(metered_->history_calls, 1);  // history again only weekly
  EXPECT_EQ(metered_->account_calls, 2);

  auto samples = Samples(account_, "");
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].values["normalized"]["followers"], 100);
  EXPECT_EQ(samples[0].values["raw"]["following"], 3);
  EXPECT_EQ(samples[1].values["normalized"]["followers"], 101);

  store::AnalyticsPostQuery q;
  q.org_id = account_.org_id;
  q.from = t0 - hours(24 * 90);
  q.to = t0 + hours(1);
  auto rows = store::ReadValue<std::vector<store::AnalyticsPost>>(
      *env_.store, [&](store::Tx& tx) { return tx.ListAnalyticsPosts(q); });
  ASSERT_THAT(rows, IsOk());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].remote_id, "old-2");  // oldest first
  EXPECT_EQ((*rows)[0].metrics["normalized"], (Json{{"likes", 20}, {"replies", 2}}));
  EXPECT_EQ((*rows)[0].text_excerpt.size(), kTextExcerptChars);
  EXPECT_TRUE((*rows)[0].post_id.empty());
}

TEST_F(AnalyticsCollectorTest, PublishWorkerPlansWhatItPublishes) {
  env_.native->info().features.post_metrics = true;
  store::Account native = env_.AddAccount("native", "@bob");
  store::Account none = env_.AddAccount("none", "@carol");  // no post metrics
  std::string post_id = env_.Schedule({native.id, none.id}, "launch day");
  auto worker = env_.MakeWorker("wrk_a");
  env_.clock.Advance(minutes(10));
  ASSERT_THAT(worker->RunOnce(env_.clock.Now()), IsOk());
  const Time published = env_.clock.Now();

  std::string native_target, none_target;
  for (const auto& t : env_.Targets(post_id)) {
    ASSERT_EQ(t.status, store::TargetStatus::kPublished);
    (t.account_id == native.id ? native_target : none_target) = t.id;
  }
  auto plan = PlanOf(native, native_target);
  ASSERT_TRUE(plan.has_value());
  EXPECT_GE(plan->next_at, published + hours(1));
  EXPECT_LT(plan->next_at, published + hours(1) + minutes(10));
  EXPECT_FALSE(PlanOf(none, none_target).has_value());

  auto rows = store::ReadValue<std::vector<store::AnalyticsPost>>(*env_.store, [&](store::Tx& tx) {
    return tx.ListAnalyticsPostsOfPost(env_.org.id, post_id);
  });
  ASSERT_THAT(rows, IsOk());
  ASSERT_EQ(rows->size(), 2u);  // both are known to the analytics (reports, best time)
  for (const auto& r : *rows) {
    EXPECT_EQ(r.text_excerpt, "launch day");
    EXPECT_EQ(r.published_at, published);
  }

  // The collector measures it when due (the fake answers {"likes": 0}).
  env_.clock.Set(plan->next_at);
  auto round = collector_->RunOnce(plan->next_at);
  ASSERT_THAT(round, IsOk());
  EXPECT_EQ(round->measured, 1);
  EXPECT_EQ(Samples(native, native_target).size(), 1u);
}

}  // namespace
}  // namespace herald::core
