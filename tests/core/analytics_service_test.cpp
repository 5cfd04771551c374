// AnalyticsService: get_post_analytics, get_account_analytics and refresh_analytics as the
// tools see them, including bad input (another organization's post or account, from after to,
// a range over two years), which is a clear error and changes nothing.
#include "core/analytics_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "tests/core/analytics_fixture.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;

class AnalyticsServiceTest : public AnalyticsCollectorTest {
 protected:
  void SetUp() override {
    AnalyticsCollectorTest::SetUp();
    service_ =
        std::make_unique<AnalyticsService>(*env_.store, env_.clock, *env_.pool, collector_.get());
  }
  std::unique_ptr<AnalyticsService> service_;
};

TEST_F(AnalyticsServiceTest, PostAnalyticsShowsLatestHistoryAndTotals) {
  const Time t0 = env_.clock.Now();
  store::Account second = env_.AddAccount("metered", "@alice2");
  store::PostTarget t = Published(account_, t0);
  metered_->post_answers = {Json{{"likes", 2}, {"replies", 1}}, Json{{"likes", 4}, {"replies", 1}}};
  Run(t0 + hours(1));
  Run(t0 + hours(24));
  // A second target of the same post, measured once.
  store::PostTarget t2 = t;
  t2.id = base::NewId(base::kTargetPrefix, t0);
  t2.account_id = second.id;
  t2.external_id = "remote-2";
  t2.idempotency_key = t2.id;
  ASSERT_THAT(env_.store->Write([&](store::Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertTarget(t2));
    return PlanPublishedTarget(tx, t2, "hello", true, minutes(0));
  }),
              IsOk());
  metered_->post_answers = {Json{{"likes", 3}, {"views", 50}}};
  Run(t0 + hours(25));

  auto view = service_->PostAnalyticsSync(env_.viewer, t.post_id);
  ASSERT_THAT(view, IsOk());
  ASSERT_EQ((*view)["targets"].size(), 2u);
  const Json& first =
      (*view)["targets"][0]["target_id"] == t.id ? (*view)["targets"][0] : (*view)["targets"][1];
  EXPECT_EQ(first["metrics"], (Json{{"likes", 4}, {"replies", 1}}));
  EXPECT_EQ(first["collected_at"], base::FormatRfc3339(t0 + hours(24)));
  ASSERT_EQ(first["history"].size(), 2u);
  EXPECT_EQ(first["history"][0]["metrics"]["likes"], 2);
  EXPECT_EQ(first["history"][0]["collected_at"], base::FormatRfc3339(t0 + hours(1)));
  EXPECT_EQ((*view)["totals"], (Json{{"likes", 7}, {"replies", 1}, {"views", 50}}));

  // Another organization's post: not found, with no hint that it exists.
  EXPECT_THAT(service_->PostAnalyticsSync(env_.other_editor, t.post_id),
              StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(service_->PostAnalyticsSync(env_.viewer, "post_nope"),
              StatusIs(ErrorCode::kNotFound));
}

TEST_F(AnalyticsServiceTest, AccountAnalyticsDailySeries) {
  const Time t0 = env_.clock.Now();  // 2026-01-01T00:00Z
  platforms::HistoryPost p;
  p.remote_id = "h1";
  p.published_at = t0 - hours(36);  // 2025-12-30 12:00
  p.metrics = Json{{"likes", 5}, {"reposts", 2}};
  metered_->history = {p};
  metered_->account_answers = {Json{{"followers", 42}}};
  ASSERT_THAT(collector_->PlanAccounts(t0), IsOk());
  Run(t0);

  auto view =
      service_->AccountAnalyticsSync(env_.viewer, account_.id, std::string("2025-12-29T00:00:00Z"),
                                     std::string("2026-01-02T00:00:00Z"));
  ASSERT_THAT(view, IsOk());
  EXPECT_EQ((*view)["followers"], 42);
  const Json& daily = (*view)["daily"];
  ASSERT_EQ(daily.size(), 4u);
  EXPECT_EQ(daily[0], (Json{{"date", "2025-12-29"}, {"posts", 0}, {"engagement", 0}}));
  EXPECT_EQ(daily[1], (Json{{"date", "2025-12-30"}, {"posts", 1}, {"engagement", 7}}));
  EXPECT_EQ(daily[3],
            (Json{{"date", "2026-01-01"}, {"posts", 0}, {"engagement", 0}, {"followers", 42}}));
  EXPECT_EQ((*view)["totals"], (Json{{"posts", 1}, {"engagement", 7}}));
}

TEST_F(AnalyticsServiceTest, BadRangesAndOtherOrganizationsAreClearErrors) {
  auto after =
      service_->AccountAnalyticsSync(env_.viewer, account_.id, std::string("2026-02-01T00:00:00Z"),
                                     std::string("2026-01-01T00:00:00Z"));
  EXPECT_THAT(after, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(after.error().message(), HasSubstr("is after to"));
  auto too_long =
      service_->AccountAnalyticsSync(env_.viewer, account_.id, std::string("2023-01-01T00:00:00Z"),
                                     std::string("2026-01-01T00:00:00Z"));
  EXPECT_THAT(too_long, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(too_long.error().message(), HasSubstr("longer than two years"));
  auto garbled = service_->AccountAnalyticsSync(env_.viewer, account_.id, std::string("yesterday"),
                                                std::nullopt);
  EXPECT_THAT(garbled, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(garbled.error().message(), HasSubstr("from:"));
  EXPECT_THAT(
      service_->AccountAnalyticsSync(env_.other_editor, account_.id, std::nullopt, std::nullopt),
      StatusIs(ErrorCode::kNotFound));

  // refresh_analytics: another organization's account or post, both ids, a viewer.
  const Time t0 = env_.clock.Now();
  store::PostTarget t = Published(account_, t0);
  auto other_post = testing::Await(service_->Refresh(env_.other_editor, "", t.post_id));
  EXPECT_THAT(other_post, StatusIs(ErrorCode::kNotFound));
  auto other_account = testing::Await(service_->Refresh(env_.other_editor, account_.id, ""));
  EXPECT_THAT(other_account, StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(testing::Await(service_->Refresh(env_.editor, account_.id, t.post_id)),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(testing::Await(service_->Refresh(env_.viewer, account_.id, "")),
              StatusIs(ErrorCode::kPermissionDenied));
  EXPECT_EQ(metered_->post_calls + metered_->account_calls + metered_->history_calls, 0);
}

TEST_F(AnalyticsServiceTest, RefreshMeasuresNowWithinTheBudget) {
  const Time t0 = env_.clock.Now();
  store::PostTarget t = Published(account_, t0);
  metered_->post_answers = {Json{{"likes", 6}, {"quotes", 1}}};
  auto r = testing::Await(service_->Refresh(env_.editor, "", t.post_id));
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ((*r)["updated"].size(), 1u);
  EXPECT_EQ((*r)["updated"][0]["status"], "updated");
  EXPECT_EQ((*r)["updated"][0]["target_id"], t.id);
  EXPECT_EQ((*r)["updated"][0]["metrics"], (Json{{"likes", 6}, {"quotes", 1}}));
  auto view = service_->PostAnalyticsSync(env_.viewer, t.post_id);
  ASSERT_THAT(view, IsOk());
  EXPECT_EQ((*view)["targets"][0]["metrics"], (Json{{"likes", 6}, {"quotes", 1}}));
  // The plan is left as it was (+1 h).
  EXPECT_EQ(PlanOf(account_, t.id)->next_at, t0 + hours(1));
  // Audited with who asked.
  auto audit = store::ReadValue<std::vector<store::AuditEntry>>(
      *env_.store, [&](store::Tx& tx) { return tx.ListAudit(env_.org.id, 10); });
  ASSERT_THAT(audit, IsOk());
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->front().action, "analytics.refresh");
  EXPECT_EQ(audit->front().subject, t.post_id);
  EXPECT_EQ(audit->front().actor, env_.editor.actor());

  // With the budget spent by publishing, a refresh defers instead of calling.
  limiter_.SetBudget("metered", RateBudget{0.001, 1.0});
  limiter_.Reserve("metered", t0);
  auto deferred = testing::Await(service_->Refresh(env_.editor, account_.id, ""));
  ASSERT_THAT(deferred, IsOk());
  for (const Json& e : (*deferred)["updated"]) EXPECT_EQ(e["status"], "deferred");
  EXPECT_EQ(metered_->account_calls, 0);
  EXPECT_EQ(metered_->post_calls, 1);
}

}  // namespace
}  // namespace herald::core
