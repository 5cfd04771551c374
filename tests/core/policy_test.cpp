// RetryPolicy, RateLimiter, post status roll-up and the scheduler's wake-up decision: pure
// logic, no store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/post_status.h"
#include "core/rate_limiter.h"
#include "core/retry_policy.h"
#include "core/scheduler.h"
#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

using ::herald::matchers::IsOk;
using ::testing::Not;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RetryPolicyTest, FullJitterStaysUnderTheGrowingCeilingAndTheCap) {
  RetryOptions o;
  o.initial = milliseconds(1000);
  o.cap = milliseconds(30'000);
  o.min_delay = milliseconds(100);
  RetryPolicy p(o);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    int64_t ceiling = std::min<int64_t>(30'000, 1000LL << (attempt - 1));
    for (int i = 0; i < 200; ++i) {
      auto d = p.Backoff(attempt);
      EXPECT_GE(d.count(), 100);
      EXPECT_LE(d.count(), ceiling);
    }
  }
}

TEST(RetryPolicyTest, JitterActuallySpreads) {
  RetryPolicy p;
  int64_t lo = INT64_MAX, hi = 0;
  for (int i = 0; i < 500; ++i) {
    auto d = p.Backoff(6).count();
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 20'000);
  EXPECT_GT(hi, 44'000);  // ceiling 64 s
}

TEST(RetryPolicyTest, RetryAfterTakesPrecedence) {
  RetryPolicy p;
  base::Error e = base::ResourceExhausted("429");
  e.set_retry_after(seconds(90));
  auto d = p.Delay(1, e);
  EXPECT_GE(d, seconds(90));
  EXPECT_LE(d, seconds(90) + milliseconds(250));
  EXPECT_LE(p.Delay(1, base::Unavailable("503")), milliseconds(2000));
}

TEST(RetryPolicyTest, MaxAttempts) {
  RetryOptions o;
  o.max_attempts = 3;
  RetryPolicy p(o);
  EXPECT_TRUE(p.MayRetry(2));
  EXPECT_FALSE(p.MayRetry(3));
}

TEST(RateLimiterTest, TokenBucketRefillsAtTheRate) {
  RateBudgets budgets;
  budgets.per_key["mastodon"] = {2.0, 2.0};
  RateLimiter limiter(budgets);
  base::FakeClock clock;
  auto now = clock.Now();
  EXPECT_FALSE(limiter.TryAcquire("mastodon", now).has_value());
  EXPECT_FALSE(limiter.TryAcquire("mastodon", now).has_value());
  auto wait = limiter.TryAcquire("mastodon", now);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait - now, milliseconds(500));
  EXPECT_FALSE(limiter.TryAcquire("mastodon", now + milliseconds(500)).has_value());
  // Other networks use the default: unlimited.
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.TryAcquire("slack", now).has_value());
}

TEST(RateLimiterTest, ReservationsGetSuccessiveSlots) {
  RateBudgets budgets;
  budgets.per_key["telegram"] = {10.0, 1.0};
  RateLimiter limiter(budgets);
  base::FakeClock clock;
  auto now = clock.Now();
  EXPECT_EQ(limiter.Reserve("telegram", now), now);
  EXPECT_EQ(limiter.Reserve("telegram", now) - now, milliseconds(100));
  EXPECT_EQ(limiter.Reserve("telegram", now) - now, milliseconds(200));
  EXPECT_EQ(limiter.Reserve("telegram", now) - now, milliseconds(300));
  EXPECT_EQ(limiter.Reserve("other", now), now);
}

TEST(RateLimiterTest, ParsesBudgets) {
  auto b = RateBudgets::Parse("mastodon=5/20,telegram=30,*=10");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->per_key["mastodon"].rate, 5);
  EXPECT_EQ(b->per_key["mastodon"].burst, 20);
  EXPECT_EQ(b->per_key["telegram"].burst, 30);
  EXPECT_EQ(b->fallback.rate, 10);
  auto bad = RateBudgets::Parse("mastodon=fast");
  ASSERT_THAT(bad, Not(IsOk()));
  EXPECT_NE(bad.error().message().find("mastodon=fast"), std::string::npos);
}

store::PostTarget T(store::TargetStatus s, int attempts = 0) {
  store::PostTarget t;
  t.status = s;
  t.attempts = attempts;
  return t;
}

TEST(PostStatusTest, RollUp) {
  using store::PostStatus;
  using store::TargetStatus;
  EXPECT_EQ(RollUpStatus({T(TargetStatus::kQueued), T(TargetStatus::kQueued)}),
            PostStatus::kScheduled);
  EXPECT_EQ(RollUpStatus({T(TargetStatus::kQueued, 1)}), PostStatus::kPublishing);
  EXPECT_EQ(RollUpStatus({T(TargetStatus::kPublished), T(TargetStatus::kQueued)}),
            PostStatus::kPublishing);
  EXPECT_EQ(RollUpStatus({T(TargetStatus::kPublished), T(TargetStatus::kPublished)}),
            PostStatus::kPublished);
  EXPECT_EQ(RollUpStatus({T(TargetStatus::kPublished), T(TargetStatus::kFailed)}),
            PostStatus::kPartiallyPublished);
  EXPECT_EQ(RollUpStatus({T(TargetStatus::kPublished), T(TargetStatus::kUnknown)}),
            PostStatus::kPartiallyPublished);
  EXPECT_EQ(RollUpStatus({T(TargetStatus::kFailed), T(TargetStatus::kCancelled)}),
            PostStatus::kFailed);
  EXPECT_EQ(RollUpStatus({T(TargetStatus::kPublished), T(TargetStatus::kCancelled)}),
            PostStatus::kPublished);
  EXPECT_EQ(RollUpStatus({T(TargetStatus::kCancelled)}), PostStatus::kCancelled);
}

TEST(NextWakeTest, SleepsUntilTheNextDueJobOrMaxSleep) {
  SchedulerOptions o;
  base::FakeClock clock;
  auto now = clock.Now();
  EXPECT_EQ(NextWake(now, std::nullopt, now, false, true, 0, now, o), now + o.max_sleep);
  EXPECT_EQ(NextWake(now, now + seconds(5), now, false, true, 0, now, o), now + seconds(5));
  EXPECT_EQ(NextWake(now, now + std::chrono::hours(5), now, false, true, 0, now, o),
            now + o.max_sleep);
  // Due but unclaimable: poll briefly.
  EXPECT_EQ(NextWake(now, now - seconds(1), now, false, true, 0, now, o), now + o.busy_poll);
  // Became due after the claim looked (the claim and the read took a while): not blocked,
  // claim it at once. (The loop used to poll here, which put 200 ms on 1 post in 6.)
  EXPECT_EQ(NextWake(now, now - std::chrono::milliseconds(1), now - seconds(1), false, true, 1,
                     now + seconds(20), o),
            now - std::chrono::milliseconds(1));
  // A full batch: look again at once.
  EXPECT_EQ(NextWake(now, now + seconds(5), now, true, true, 0, now, o), now);
  // Leases to renew come first.
  EXPECT_EQ(NextWake(now, now + seconds(50), now, false, true, 3, now + seconds(20), o),
            now + seconds(20));
}

}  // namespace
}  // namespace herald::core
