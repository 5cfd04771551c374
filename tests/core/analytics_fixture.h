// Shared by the analytics tests: a network whose metric reads are scripted (MeteredPlatform)
// and a fixture with a CoreEnv, one account on it, a rate limiter and an AnalyticsCollector.
#ifndef HERALD_TESTS_CORE_ANALYTICS_FIXTURE_H_
#define HERALD_TESTS_CORE_ANALYTICS_FIXTURE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "core/analytics_collector.h"
#include "core/analytics_plan.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::core {

using base::Json;
using base::Result;
using base::Time;
using ::herald::matchers::IsOk;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::CoreEnv;

// A network whose metric reads are scripted: each FetchPostMetrics / FetchAccountMetrics /
// FetchHistory call takes the next answer of its queue (the last one repeats).
class MeteredPlatform final : public platforms::Platform {
 public:
  explicit MeteredPlatform(std::string id) {
    info_.id = id;
    info_.name = "Metered";
    info_.features.post_metrics = true;
    info_.features.account_metrics = true;
  }
  platforms::PlatformInfo& info() { return info_; }
  const platforms::PlatformInfo& Info() const override { return info_; }
  platforms::ValidationReport Validate(const platforms::Content&) const override { return {}; }
  Task<Result<platforms::ConnectedAccount>> Connect(Json) override {
    co_return base::Unimplemented("test network");
  }
  Task<Result<platforms::PublishReceipt>> Publish(platforms::PublishRequest) override {
    co_return base::Unimplemented("test network");
  }
  Task<Result<std::optional<platforms::PublishReceipt>>> Find(platforms::PublishRequest) override {
    co_return base::Unimplemented("test network");
  }
  Task<Result<void>> Delete(platforms::AccountContext, platforms::PublishReceipt) override {
    co_return base::Unimplemented("test network");
  }
  Task<Result<Json>> FetchPostMetrics(platforms::AccountContext,
                                      platforms::PublishReceipt receipt) override {
    ++post_calls;
    last_receipt = receipt.external_id;
    co_return Next(post_answers);
  }
  Task<Result<Json>> FetchAccountMetrics(platforms::AccountContext) override {
    ++account_calls;
    co_return Next(account_answers);
  }
  Task<Result<std::vector<platforms::HistoryPost>>> FetchHistory(
      platforms::AccountContext, platforms::HistoryRequest request) override {
    ++history_calls;
    last_history = request;
    if (!history_error.ok()) co_return history_error.error();
    co_return history;
  }

  std::deque<Result<Json>> post_answers{Json{{"likes", 1}}};
  std::deque<Result<Json>> account_answers{Json{{"followers", 10}}};
  std::vector<platforms::HistoryPost> history;
  Result<void> history_error = base::Ok();
  int post_calls = 0;
  int account_calls = 0;
  int history_calls = 0;
  std::string last_receipt;
  platforms::HistoryRequest last_history;

 private:
  static Result<Json> Next(std::deque<Result<Json>>& answers) {
    Result<Json> r = answers.front();
    if (answers.size() > 1) answers.pop_front();
    return r;
  }
  platforms::PlatformInfo info_;
};

class AnalyticsCollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = std::make_unique<MeteredPlatform>("metered");
    metered_ = m.get();
    env_.registry.Add(std::move(m));
    account_ = env_.AddAccount("metered", "@alice");
    collector_ = MakeCollector();
  }

  std::unique_ptr<AnalyticsCollector> MakeCollector(CollectorOptions o = {}) {
    o.owner = o.owner.empty() ? "col_test" : o.owner;
    o.spread = minutes(0);
    return std::make_unique<AnalyticsCollector>(*env_.store, env_.registry, env_.credentials,
                                                env_.clock, *env_.pool, limiter_, o);
  }

  // A target published on `account` at `at` (inserted directly), put into the plan the way
  // the publish worker does.
  store::PostTarget Published(const store::Account& account, Time at, bool measurable = true) {
    store::Post post;
    post.id = base::NewId(base::kPostPrefix, at);
    post.org_id = account.org_id;
    post.status = store::PostStatus::kPublished;
    post.content = Json{{"text", "hello"}};
    post.created_at = at;
    post.updated_at = at;
    store::PostTarget t;
    t.id = base::NewId(base::kTargetPrefix, at);
    t.post_id = post.id;
    t.org_id = account.org_id;
    t.account_id = account.id;
    t.platform = account.platform;
    t.status = store::TargetStatus::kPublished;
    t.idempotency_key = t.id;
    t.external_id = "remote-" + t.id;
    t.url = "https://metered.example/" + t.id;
    t.published_at = at;
    t.created_at = at;
    t.updated_at = at;
    EXPECT_THAT(env_.store->Write([&](store::Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
      HERALD_RETURN_IF_ERROR(tx.InsertTarget(t));
      return PlanPublishedTarget(tx, t, "hello world", measurable, minutes(0));
    }),
                IsOk());
    return t;
  }

  std::optional<store::CollectionTask> PlanOf(const store::Account& a, const std::string& target) {
    auto r = store::ReadValue<store::CollectionTask>(
        *env_.store, [&](store::Tx& tx) { return tx.GetCollectionTask(a.org_id, a.id, target); });
    if (!r.ok()) return std::nullopt;
    return *r;
  }

  std::vector<store::Metrics> Samples(const store::Account& a, const std::string& target) {
    auto r = store::ReadValue<std::vector<store::Metrics>>(*env_.store, [&](store::Tx& tx) {
      return tx.ListMetrics(a.org_id, a.id, target, Time(), Time::max(), 0);
    });
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : std::vector<store::Metrics>{};
  }

  CollectStats Run(Time at) {
    env_.clock.Set(at);
    auto r = collector_->RunOnce(at);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : CollectStats{};
  }

  CoreEnv env_;
  RateLimiter limiter_;
  MeteredPlatform* metered_ = nullptr;
  store::Account account_;
  std::unique_ptr<AnalyticsCollector> collector_;
};

}  // namespace herald::core

#endif  // HERALD_TESTS_CORE_ANALYTICS_FIXTURE_H_
