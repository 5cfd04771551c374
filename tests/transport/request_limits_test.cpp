// Per-key request rate limits by role (HERALD_REQUEST_RATES), with a fake clock.
#include "transport/guard/request_limits.h"

#include <gtest/gtest.h>

namespace herald::transport {
namespace {

using std::chrono::milliseconds;

base::Caller Key(std::string id, base::Role role) {
  return base::Caller{"org_1", std::move(id), role};
}

TEST(RequestLimitsTest, EachKeyHasItsRolesBudgetAndIsToldHowLongToWait) {
  base::FakeClock clock;
  auto budgets = core::RateBudgets::Parse("*=2/3,admin=0");
  ASSERT_TRUE(budgets.ok());
  RequestLimits limits(*budgets, clock);
  const base::Caller editor = Key("key_e", base::Role::kEditor);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limits.Take(editor)) << i;  // the burst
  auto wait = limits.Take(editor);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, milliseconds(500));  // 2 a second
  // Another key of the same role has its own bucket; admin and keyless callers are unlimited.
  EXPECT_FALSE(limits.Take(Key("key_other", base::Role::kEditor)));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limits.Take(Key("key_a", base::Role::kAdmin)));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limits.Take(Key("", base::Role::kAdmin)));
  clock.Advance(milliseconds(500));
  EXPECT_FALSE(limits.Take(editor));
  EXPECT_TRUE(limits.Take(editor));
}

TEST(RequestLimitsTest, ARoleOfItsOwnOverridesTheDefault) {
  base::FakeClock clock;
  auto budgets = core::RateBudgets::Parse("*=100,viewer=1/1");
  ASSERT_TRUE(budgets.ok());
  RequestLimits limits(*budgets, clock);
  const base::Caller viewer = Key("key_v", base::Role::kViewer);
  EXPECT_FALSE(limits.Take(viewer));
  auto wait = limits.Take(viewer);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, milliseconds(1000));
  EXPECT_EQ(limits.BudgetOf("editor").rate, 100);
}

}  // namespace
}  // namespace herald::transport
