// Per-account pacing: the rules parse with clear errors; the next slot honours spacing and the
// hourly and daily caps; and a burst of 50 due posts to one account through the real worker is
// spread out, none dropped, get_post saying why each waits, on both stores.
#include "core/account_pacing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "base/time.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"
#include "tools/post_views.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

base::Time T(const char* rfc3339) { return *base::ParseRfc3339(rfc3339); }

TEST(AccountPacingTest, RulesParseAndBadOnesAreNamed) {
  auto rules = PacingRules::Parse("spacing=2m,hour=15,day=100");
  ASSERT_THAT(rules, IsOk());
  EXPECT_EQ(rules->min_spacing, seconds(120));
  EXPECT_EQ(rules->max_per_hour, 15);
  EXPECT_EQ(rules->max_per_day, 100);
  EXPECT_TRUE(rules->enabled());
  EXPECT_FALSE(PacingRules::Parse("off")->enabled());
  EXPECT_EQ(PacingRules::Parse("spacing=90")->min_spacing, seconds(90));
  EXPECT_EQ(PacingRules::Parse("spacing=1h,hour=0")->min_spacing, hours(1));
  EXPECT_THAT(PacingRules::Parse("spacing=2x"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("spacing=2x")));
  EXPECT_THAT(PacingRules::Parse("hour=-1"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("count")));
  EXPECT_THAT(PacingRules::Parse("minute=3"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("unknown rule")));
  EXPECT_THAT(PacingRules::Parse("spacing"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("name=value")));
}

TEST(AccountPacingTest, TheNextSlotHonoursSpacingAndBothCaps) {
  const PacingRules rules{.min_spacing = minutes(2), .max_per_hour = 3, .max_per_day = 5};
  const base::Time now = T("2026-03-02T12:00:00Z");
  EXPECT_FALSE(NextPacedSlot(rules, {}, now));
  EXPECT_FALSE(NextPacedSlot(rules, {now - minutes(3)}, now));
  // Spacing: one a minute ago holds the next for one more minute.
  auto spaced = NextPacedSlot(rules, {now - minutes(1)}, now);
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->until, now + minutes(1));
  EXPECT_THAT(spaced->reason, HasSubstr("120 s apart"));
  // Three in the last hour: the next waits until the oldest of them is an hour old.
  auto hourly =
      NextPacedSlot(rules, {now - minutes(50), now - minutes(30), now - minutes(10)}, now);
  ASSERT_TRUE(hourly);
  EXPECT_EQ(hourly->until, now + minutes(10));
  EXPECT_THAT(hourly->reason, HasSubstr("at most 3 posts an hour"));
  // Five in the day (none in the last hour): until the oldest is a day old.
  auto daily = NextPacedSlot(rules,
                             {now - hours(20), now - hours(10), now - hours(9), now - hours(8),
                              now - hours(7), now - hours(30)},
                             now);
  ASSERT_TRUE(daily);
  EXPECT_EQ(daily->until, now + hours(4));
  EXPECT_THAT(daily->reason, HasSubstr("a day"));
  EXPECT_FALSE(NextPacedSlot(PacingRules{}, {now - seconds(1)}, now));  // off
}

TEST(AccountPacingTest, AnAccountsOverrideReplacesOnlyThePartsItGives) {
  const PacingRules server{.min_spacing = minutes(2), .max_per_hour = 15, .max_per_day = 100};
  PacingRules rules = EffectivePacing(server, base::Json{{"pacing", {{"max_per_hour", 4}}}});
  EXPECT_EQ(rules.min_spacing, minutes(2));
  EXPECT_EQ(rules.max_per_hour, 4);
  EXPECT_EQ(rules.max_per_day, 100);
  rules = EffectivePacing(PacingRules{}, base::Json{{"pacing", {{"min_spacing_seconds", 30}}}});
  EXPECT_TRUE(rules.enabled()) << "an account may be paced when the server is not";
  EXPECT_EQ(rules.min_spacing, seconds(30));
  EXPECT_EQ(EffectivePacing(server, base::Json{{"chat_id", "1"}}).max_per_hour, 15);
  EXPECT_EQ(EffectivePacing(server, base::Json{{"pacing", "fast"}}).max_per_hour, 15)
      << "a malformed stored override is ignored";
  EXPECT_EQ(PacingRulesJson(server),
            (base::Json{{"min_spacing_seconds", 120}, {"max_per_hour", 15}, {"max_per_day", 100}}));
  EXPECT_THAT(CheckPacingOverride(base::Json{{"min_spacing_seconds", 86401}}),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("pacing.min_spacing_seconds")));
  EXPECT_THAT(CheckPacingOverride(base::Json{{"max_per_hour", 1.5}}),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("pacing.max_per_hour")));
}

class PacedWorkerTest : public ::testing::Test {
 protected:
  testing::CoreEnv env_;
};

TEST_F(PacedWorkerTest, ABurstOfFiftyPostsToOneAccountIsSpreadOutNoneDropped) {
  store::Account account = env_.AddAccount("native", "@busy@example.social");
  WorkerOptions options = env_.DefaultWorkerOptions("wrk_paced");
  options.pacing = {.min_spacing = minutes(2), .max_per_hour = 15, .max_per_day = 100};
  auto worker = env_.MakeWorker("wrk_paced", options);
  const base::Time due = env_.clock.Now() + minutes(1);
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    CreatePostRequest r;
    r.mode = CreateMode::kSchedule;
    r.accounts = {account.id};
    r.content.text = "burst " + std::to_string(i);
    r.publish_at = base::FormatRfc3339(due);
    r.operation = "schedule_post";
    auto post = env_.posts->CreateSync(env_.editor, r);
    ASSERT_THAT(post, IsOk());
    ids.push_back(post->post.id);
  }
  // Drive the worker minute by minute for five hours.
  env_.clock.Advance(minutes(1));
  std::vector<base::Time> published;
  bool saw_waiting = false;
  for (int minute = 0; minute < 5 * 60 && published.size() < 50; ++minute) {
    for (int round = 0; round < 60; ++round) {  // every due job of this minute
      auto n = worker->RunOnce(env_.clock.Now());
      ASSERT_THAT(n, IsOk());
      if (*n == 0) break;
    }
    published.clear();
    for (const std::string& id : ids) {
      auto got = env_.posts->GetSync(env_.viewer, id);
      ASSERT_THAT(got, IsOk());
      const store::PostTarget& t = got->targets[0];
      if (t.published_at) {
        published.push_back(*t.published_at);
      } else if (!saw_waiting) {
        base::Json view = tools::PostDetailView(*got, env_.registry);
        const base::Json& target = view["targets"][0];
        if (target.contains("waiting")) {
          saw_waiting = true;
          EXPECT_THAT(target["waiting"]["reason"].get<std::string>(), HasSubstr("paced"));
          EXPECT_EQ(target["status"], "queued");
        }
      }
    }
    env_.clock.Advance(minutes(1));
  }
  ASSERT_EQ(published.size(), 50u) << "every post went out";
  EXPECT_TRUE(saw_waiting);
  // A paced post holds its account's other due posts until its slot: each slot costs a claim or
  // two, not one per waiting post (50 posts would otherwise take over a thousand claims).
  EXPECT_LE(worker->stats().claimed, 150);
  std::sort(published.begin(), published.end());
  for (size_t i = 1; i < published.size(); ++i) {
    EXPECT_GE(published[i] - published[i - 1], minutes(2)) << i;  // spacing
  }
  for (size_t i = 15; i < published.size(); ++i) {
    EXPECT_GE(published[i] - published[i - 15], hours(1)) << i;  // at most 15 in any hour
  }
  for (const std::string& id : ids) {
    EXPECT_EQ(env_.GetPost(id).status, store::PostStatus::kPublished);
  }
}

// With the server's pacing off, an account with its own (two an hour) is paced and another
// account is not.
TEST_F(PacedWorkerTest, AnAccountsOwnPacingHoldsItsPostsAndNoOneElses) {
  store::Account paced = env_.AddAccount("native", "@careful@example.social");
  store::Account free = env_.AddAccount("native", "@free@example.social");
  paced.settings["pacing"] = base::Json{{"max_per_hour", 2}};
  ASSERT_THAT(env_.store->Write([&](store::Tx& tx) { return tx.UpdateAccount(paced); }), IsOk());
  auto worker = env_.MakeWorker("wrk_own_pacing");  // server pacing off
  std::vector<std::string> paced_ids;
  std::vector<std::string> free_ids;
  for (int i = 0; i < 4; ++i) {
    paced_ids.push_back(env_.Schedule({paced.id}, "paced " + std::to_string(i), minutes(1)));
    free_ids.push_back(env_.Schedule({free.id}, "free " + std::to_string(i), minutes(1)));
  }
  env_.clock.Advance(minutes(2));
  for (int round = 0; round < 10; ++round) {
    auto n = worker->RunOnce(env_.clock.Now());
    ASSERT_THAT(n, IsOk());
    if (*n == 0) break;
  }
  int paced_out = 0;
  for (const auto& id : paced_ids) {
    paced_out += env_.GetPost(id).status == store::PostStatus::kPublished ? 1 : 0;
  }
  EXPECT_EQ(paced_out, 2) << "two an hour";
  for (const auto& id : free_ids) {
    EXPECT_EQ(env_.GetPost(id).status, store::PostStatus::kPublished) << id;
  }
  // An hour later the other two go.
  env_.clock.Advance(hours(1) + minutes(1));
  for (int round = 0; round < 10; ++round) {
    auto n = worker->RunOnce(env_.clock.Now());
    ASSERT_THAT(n, IsOk());
    if (*n == 0) break;
  }
  for (const auto& id : paced_ids) {
    EXPECT_EQ(env_.GetPost(id).status, store::PostStatus::kPublished) << id;
  }
}

}  // namespace
}  // namespace herald::core
