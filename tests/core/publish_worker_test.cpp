// PublishWorker: exactly-once delivery through transient and permanent errors, rate limits,
// answers lost after the network accepted the post, crashes, expired leases, cancellation and
// edit races, threads and DST. Deterministic: FakeClock + RunOnce, fake platforms, SQLite.
#include "core/publish_worker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"
#include "tools/post_views.h"

namespace herald::core {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;
using base::ErrorCode;
using store::JobState;
using store::TargetStatus;
using testing::CoreEnv;
using testing::FakeAction;
using testing::FakePlatform;
using testing::FakeStep;
using testing::FindAnswer;

class PublishWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    native_ = env_.AddAccount("native", "@alice@example.social");
    reconcile_ = env_.AddAccount("reconcile", "alice.example.com");
    none_ = env_.AddAccount("none", "@acme_channel");
    worker_ = env_.MakeWorker("wrk_a");
  }

  // Moves the clock to publish_at of a post scheduled 10 minutes ahead.
  void ToPublishTime() { env_.clock.Advance(std::chrono::minutes(10)); }

  // Runs the worker at successive due times until the queue is empty (or `max_rounds`).
  int Drain(PublishWorker& worker, int max_rounds = 50) {
    int total = 0;
    for (int i = 0; i < max_rounds; ++i) {
      auto next = store::ReadValue<std::optional<base::Time>>(
          *env_.store, [](store::Tx& tx) { return tx.NextDueTime(); });
      EXPECT_THAT(next, IsOk());
      if (!next.ok() || !next->has_value()) break;
      if (**next > env_.clock.Now()) env_.clock.Set(**next);
      auto n = worker.RunOnce(env_.clock.Now());
      EXPECT_THAT(n, IsOk());
      total += n.ok() ? *n : 0;
    }
    return total;
  }

  store::PostTarget OnlyTarget(const std::string& post_id) {
    auto targets = env_.Targets(post_id);
    EXPECT_EQ(targets.size(), 1u);
    return targets.empty() ? store::PostTarget{} : targets[0];
  }

  store::PostTarget OnlyTargetOn(const std::string& post_id, const std::string& account_id) {
    for (auto& t : env_.Targets(post_id)) {
      if (t.account_id == account_id) return t;
    }
    ADD_FAILURE() << "no target on " << account_id;
    return {};
  }

  base::Json GetPost(const std::string& id) {
    auto r = env_.posts->GetSync(env_.viewer, id);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? tools::PostDetailView(*r, env_.registry) : base::Json();
  }

  CoreEnv env_;
  store::Account native_, reconcile_, none_;
  std::unique_ptr<PublishWorker> worker_;
};

TEST_F(PublishWorkerTest, PublishesAtPublishAtAndNotBefore) {
  std::string id = env_.Schedule({native_.id, none_.id}, "hello");
  env_.clock.Advance(std::chrono::minutes(9));
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 0);
  ToPublishTime();
  // One job per account; both due.
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 2);
  auto post = GetPost(id);
  EXPECT_EQ(post["status"], "published");
  for (const auto& t : post["targets"]) {
    EXPECT_EQ(t["status"], "published");
    EXPECT_EQ(t["attempts"], 1);
    EXPECT_FALSE(t["external_id"].get<std::string>().empty());
    EXPECT_THAT(t["url"].get<std::string>(), HasSubstr("https://"));
    EXPECT_EQ(t["published_at"], base::FormatRfc3339(env_.clock.Now()));
  }
  EXPECT_EQ(env_.native->posts().size(), 1u);
  EXPECT_EQ(env_.none->posts().size(), 1u);
  EXPECT_EQ(env_.native->posts()[0].texts, std::vector<std::string>{"hello"});
  for (const auto& t : env_.Targets(id)) EXPECT_EQ(env_.Jobs(t.id)[0].state, JobState::kDone);
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now() + std::chrono::hours(1)), 0);
}

// Claim and load share one transaction: a post whose stored content cannot be read must not
// fail the claim (the earliest job would then block the whole queue); it is retried later and
// the others go out.
TEST_F(PublishWorkerTest, UnreadablePostDoesNotHoldUpTheQueue) {
  std::string bad = env_.Schedule({native_.id}, "first");
  std::string good = env_.Schedule({none_.id}, "second");
  ASSERT_TRUE(env_.store
                  ->Write([&](store::Tx& tx) -> base::Result<void> {
                    HERALD_ASSIGN_OR_RETURN(store::Post p, tx.GetPost(env_.org.id, bad));
                    p.content = base::Json{{"text", 42}};  // not what PostContent accepts
                    return tx.UpdatePost(p);
                  })
                  .ok());
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 2);
  EXPECT_EQ(GetPost(good)["status"], "published");
  EXPECT_EQ(env_.none->posts().size(), 1u);
  EXPECT_TRUE(env_.native->posts().empty());
  EXPECT_EQ(OnlyTarget(bad).status, store::TargetStatus::kQueued);
  EXPECT_EQ(env_.Jobs(OnlyTarget(bad).id)[0].state, JobState::kQueued);  // retried later
}

TEST_F(PublishWorkerTest, TransientErrorBacksOffThenPublishesOnce) {
  env_.native->Script({{FakeAction::kTransient}, {FakeAction::kTransient}});
  std::string id = env_.Schedule({native_.id}, "retry me");
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kQueued);
  EXPECT_EQ(t.attempts, 1);
  EXPECT_THAT(t.last_error, HasSubstr("unavailable (503)"));
  ASSERT_TRUE(t.next_attempt_at.has_value());
  EXPECT_GT(*t.next_attempt_at, env_.clock.Now());
  EXPECT_LE(*t.next_attempt_at, env_.clock.Now() + std::chrono::seconds(3));
  auto job = env_.Jobs(t.id)[0];
  EXPECT_EQ(job.state, JobState::kQueued);
  EXPECT_EQ(job.run_at, *t.next_attempt_at);
  EXPECT_EQ(GetPost(id)["status"], "publishing");
  Drain(*worker_);
  t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kPublished);
  EXPECT_EQ(t.attempts, 3);
  EXPECT_EQ(env_.native->publish_calls(), 3);
  EXPECT_EQ(env_.native->posts().size(), 1u);
}

TEST_F(PublishWorkerTest, PermanentErrorFailsAtOnceWithTheNetworksReason) {
  env_.native->Script({{FakeAction::kPermanent, "Validation failed: Text character limit of 500 exceeded"}});
  std::string id = env_.Schedule({native_.id}, "bad");
  ToPublishTime();
  Drain(*worker_);
  auto post = GetPost(id);
  EXPECT_EQ(post["status"], "failed");
  EXPECT_EQ(post["targets"][0]["status"], "failed");
  EXPECT_EQ(post["targets"][0]["last_error"],
            "Native: Validation failed: Text character limit of 500 exceeded");
  EXPECT_EQ(env_.native->publish_calls(), 1);
  EXPECT_EQ(env_.Jobs(OnlyTarget(id).id)[0].state, JobState::kFailed);
}

TEST_F(PublishWorkerTest, RateLimitHonoursRetryAfter) {
  env_.native->Script({{FakeAction::kRateLimited, "", std::chrono::seconds(120)}});
  std::string id = env_.Schedule({native_.id}, "slow down");
  ToPublishTime();
  const base::Time limited_at = env_.clock.Now();
  ASSERT_EQ(*worker_->RunOnce(limited_at), 1);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kQueued);
  ASSERT_TRUE(t.next_attempt_at.has_value());
  EXPECT_GE(*t.next_attempt_at, limited_at + std::chrono::seconds(120));
  EXPECT_LE(*t.next_attempt_at, limited_at + std::chrono::seconds(121));
  env_.clock.Set(limited_at + std::chrono::seconds(119));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 0);
  Drain(*worker_);
  EXPECT_EQ(OnlyTarget(id).status, TargetStatus::kPublished);
  EXPECT_EQ(env_.native->publish_calls(), 2);
}

TEST_F(PublishWorkerTest, RateLimitHoldsBackTheAccountsOtherPosts) {
  env_.native->Script({{FakeAction::kRateLimited, "", std::chrono::seconds(300)}});
  std::string a = env_.Schedule({native_.id}, "one");
  std::string b = env_.Schedule({native_.id}, "two", std::chrono::minutes(11));
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);  // a: 429
  env_.clock.Advance(std::chrono::minutes(1));
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);  // b: held back without sending
  EXPECT_EQ(env_.native->publish_calls(), 1);
  Drain(*worker_);
  EXPECT_EQ(OnlyTarget(a).status, TargetStatus::kPublished);
  EXPECT_EQ(OnlyTarget(b).status, TargetStatus::kPublished);
}

TEST_F(PublishWorkerTest, GivesUpAfterMaxAttempts) {
  env_.native->Script(std::vector<FakeStep>(10, FakeStep{FakeAction::kTransient}));
  std::string id = env_.Schedule({native_.id}, "never");
  ToPublishTime();
  Drain(*worker_);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kFailed);
  EXPECT_EQ(t.attempts, 5);
  EXPECT_THAT(t.last_error, HasSubstr("gave up after 5 attempts"));
  EXPECT_EQ(env_.native->publish_calls(), 5);
}

TEST_F(PublishWorkerTest, ASpentQuotaDelaysThePostUncountedAndNeverLosesIt) {
  // More quota refusals than max_attempts allows sends: each waits for the reset, none counts.
  std::vector<FakeStep> steps(7, FakeStep{FakeAction::kQuotaSpent, "", std::chrono::hours(5)});
  env_.native->Script(steps);
  std::string id = env_.Schedule({native_.id}, "after the reset");
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kQueued);
  EXPECT_EQ(t.attempts, 0);
  ASSERT_TRUE(t.next_attempt_at.has_value());
  EXPECT_EQ(*t.next_attempt_at, env_.clock.Now() + std::chrono::hours(5));
  auto post = GetPost(id);
  EXPECT_EQ(post["targets"][0]["next_attempt_at"], base::FormatRfc3339(*t.next_attempt_at));
  EXPECT_THAT(post["targets"][0]["last_error"].get<std::string>(),
              HasSubstr("daily posting limit is reached (waiting until"));
  // Nothing goes out before the reset.
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now() + std::chrono::hours(4)), 0);
  Drain(*worker_);
  t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kPublished);
  EXPECT_EQ(t.attempts, 1);
  EXPECT_EQ(env_.native->publish_calls(), 8);
  EXPECT_EQ(env_.native->posts().size(), 1u);
}

TEST_F(PublishWorkerTest, UploadProgressIsStoredWhereGetPostShowsIt) {
  std::string id;
  base::Json during;
  env_.native->OnPublish([&](const platforms::PublishRequest& r) {
    ASSERT_TRUE(r.report_progress);
    r.report_progress(250, 1000);  // the first report is always stored
    during = GetPost(id)["targets"][0];
    r.report_progress(600, 1000);  // later ones at most once a second
    r.report_progress(1000, 1000);  // and the end
  });
  id = env_.Schedule({native_.id}, "a video");
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  EXPECT_EQ(during["status"], "publishing");
  ASSERT_TRUE(during.contains("progress")) << during.dump();
  EXPECT_EQ(during["progress"]["bytes_sent"], 250);
  EXPECT_EQ(during["progress"]["bytes_total"], 1000);
  EXPECT_EQ(during["progress"]["percent"], 25);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kPublished);
  ASSERT_TRUE(t.remote_state.contains("herald_progress")) << t.remote_state.dump();
  EXPECT_EQ(t.remote_state["herald_progress"]["done"], 1000);
  EXPECT_FALSE(GetPost(id)["targets"][0].contains("progress"));  // shown only while sending
}

TEST_F(PublishWorkerTest, AuthErrorFailsAndMarksTheAccountForReconnection) {
  env_.native->Script({{FakeAction::kUnauthenticated}});
  std::string a = env_.Schedule({native_.id}, "one");
  std::string b = env_.Schedule({native_.id}, "two", std::chrono::minutes(20));
  ToPublishTime();
  Drain(*worker_);
  EXPECT_EQ(OnlyTarget(a).status, TargetStatus::kFailed);
  EXPECT_THAT(OnlyTarget(a).last_error, HasSubstr("revoked"));
  EXPECT_EQ(env_.Account(native_.id).status, store::AccountStatus::kNeedsReauth);
  // The next post for that account fails with what to do, without calling the network.
  EXPECT_EQ(OnlyTarget(b).status, TargetStatus::kFailed);
  EXPECT_THAT(OnlyTarget(b).last_error, HasSubstr("reconnect it with connect_account"));
  EXPECT_EQ(env_.native->publish_calls(), 1);
}

TEST_F(PublishWorkerTest, PartialFailureRollsUpAndRetryFinishesIt) {
  env_.none->Script({{FakeAction::kPermanent, "chat not found"}});
  std::string id = env_.Schedule({native_.id, none_.id}, "both");
  ToPublishTime();
  Drain(*worker_);
  EXPECT_EQ(GetPost(id)["status"], "partially_published");
  auto r = env_.posts->RetrySync(env_.editor, id, false);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(store::PostStatusName(r->status), "publishing");
  Drain(*worker_);
  EXPECT_EQ(GetPost(id)["status"], "published");
  EXPECT_EQ(env_.native->posts().size(), 1u);
  EXPECT_EQ(env_.none->posts().size(), 1u);
}

// ---- the answer is lost after the network accepted the post ----

TEST_F(PublishWorkerTest, LostAnswerOnNativeNetworkResendsSameKeyAndPostsOnce) {
  env_.native->Script({{FakeAction::kAcceptThenUnknown}});
  std::string id = env_.Schedule({native_.id}, "native");
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kPublishing);  // may be on the network: reconcile next
  Drain(*worker_);
  t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kPublished);
  EXPECT_EQ(env_.native->publish_calls(), 2);
  ASSERT_EQ(env_.native->posts().size(), 1u);
  EXPECT_EQ(env_.native->PostsWithKey(t.idempotency_key), 1);
  EXPECT_EQ(t.external_id, env_.native->posts()[0].external_id);
}

TEST_F(PublishWorkerTest, LostAnswerOnReconcileNetworkIsFoundNotResent) {
  env_.reconcile->Script({{FakeAction::kAcceptThenUnknown}});
  std::string id = env_.Schedule({reconcile_.id}, "reconcile");
  ToPublishTime();
  Drain(*worker_);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kPublished);
  EXPECT_EQ(env_.reconcile->publish_calls(), 1);
  EXPECT_EQ(env_.reconcile->find_calls(), 1);
  EXPECT_EQ(env_.reconcile->posts().size(), 1u);
  EXPECT_EQ(worker_->stats().reconciled, 1);
}

TEST_F(PublishWorkerTest, LostAnswerOnNetworkWithoutIdempotencyBecomesUnknownNeverTwice) {
  env_.none->Script({{FakeAction::kAcceptThenUnknown}});
  std::string id = env_.Schedule({none_.id}, "none");
  ToPublishTime();
  Drain(*worker_);
  auto post = GetPost(id);
  EXPECT_EQ(post["targets"][0]["status"], "unknown");
  EXPECT_EQ(post["status"], "failed");
  EXPECT_THAT(post["targets"][0]["explanation"].get<std::string>(),
              HasSubstr("could not confirm whether this post reached None"));
  EXPECT_THAT(post["targets"][0]["explanation"].get<std::string>(),
              HasSubstr("include_unknown=true"));
  EXPECT_EQ(env_.none->publish_calls(), 1);
  EXPECT_EQ(env_.none->posts().size(), 1u);
  // Not re-sent unless explicitly asked.
  auto refused = env_.posts->RetrySync(env_.editor, id, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message(), HasSubstr("include_unknown=true"));
  Drain(*worker_);
  EXPECT_EQ(env_.none->posts().size(), 1u);
  auto retried = env_.posts->RetrySync(env_.editor, id, true);
  ASSERT_THAT(retried, IsOk());
  EXPECT_THAT(retried->targets[0].message,
              HasSubstr("may appear twice"));
  Drain(*worker_);
  EXPECT_EQ(OnlyTarget(id).status, TargetStatus::kPublished);
  EXPECT_EQ(env_.none->posts().size(), 2u);  // on explicit request only
}

TEST_F(PublishWorkerTest, ReconciliationThatCannotTellIsBoundedThenUnknown) {
  env_.reconcile->Script({{FakeAction::kAcceptThenUnknown}});
  env_.reconcile->ScriptFind({FindAnswer::kCannotTell, FindAnswer::kCannotTell,
                              FindAnswer::kCannotTell, FindAnswer::kCannotTell});
  std::string id = env_.Schedule({reconcile_.id}, "unsure");
  ToPublishTime();
  Drain(*worker_);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kUnknown);
  EXPECT_EQ(env_.reconcile->find_calls(), 3);  // max_reconcile_attempts
  EXPECT_EQ(env_.reconcile->publish_calls(), 1);
}

TEST_F(PublishWorkerTest, ReconciliationThatCannotTellOnceThenFindsIt) {
  env_.reconcile->Script({{FakeAction::kAcceptThenUnknown}});
  env_.reconcile->ScriptFind({FindAnswer::kCannotTell});
  std::string id = env_.Schedule({reconcile_.id}, "later");
  ToPublishTime();
  Drain(*worker_);
  EXPECT_EQ(OnlyTarget(id).status, TargetStatus::kPublished);
  EXPECT_EQ(env_.reconcile->find_calls(), 2);
  EXPECT_EQ(env_.reconcile->posts().size(), 1u);
}

// ---- crashes and expired leases: two workers, one dies mid-publish ----

struct CrashCase {
  const char* platform;
  FakeAction action;
  TargetStatus final_status;
  size_t posts_on_network;
};

class CrashTest : public PublishWorkerTest,
                  public ::testing::WithParamInterface<CrashCase> {};

TEST_P(CrashTest, SecondWorkerTakesOverAfterTheLeaseAndNeverPostsTwice) {
  const CrashCase& c = GetParam();
  FakePlatform* platform = env_.registry.Find(c.platform) == env_.native      ? env_.native
                           : env_.registry.Find(c.platform) == env_.reconcile ? env_.reconcile
                                                                              : env_.none;
  std::string account = platform == env_.native      ? native_.id
                        : platform == env_.reconcile ? reconcile_.id
                                                     : none_.id;
  platform->Script({{c.action}});
  std::string id = env_.Schedule({account}, "crash");
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  EXPECT_EQ(worker_->stats().abandoned, 1);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kPublishing);  // marked before sending
  EXPECT_EQ(env_.Jobs(t.id)[0].state, JobState::kLeased);

  auto b = env_.MakeWorker("wrk_b");
  EXPECT_EQ(*b->RunOnce(env_.clock.Now()), 0);  // the lease still holds
  env_.clock.Advance(std::chrono::seconds(61));
  Drain(*b);
  t = OnlyTarget(id);
  EXPECT_EQ(t.status, c.final_status);
  EXPECT_EQ(platform->posts().size(), c.posts_on_network);
  EXPECT_LE(platform->PostsWithKey(t.idempotency_key), 1);
  if (c.final_status == TargetStatus::kPublished) {
    EXPECT_EQ(t.external_id, platform->posts()[0].external_id);
  }
  EXPECT_NE(env_.Jobs(t.id)[0].state, JobState::kLeased);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, CrashTest,
    ::testing::Values(
        CrashCase{"native", FakeAction::kAcceptThenCrash, TargetStatus::kPublished, 1},
        CrashCase{"reconcile", FakeAction::kAcceptThenCrash, TargetStatus::kPublished, 1},
        CrashCase{"none", FakeAction::kAcceptThenCrash, TargetStatus::kUnknown, 1},
        CrashCase{"native", FakeAction::kCrashBeforeSend, TargetStatus::kPublished, 1},
        CrashCase{"reconcile", FakeAction::kCrashBeforeSend, TargetStatus::kPublished, 1},
        CrashCase{"none", FakeAction::kCrashBeforeSend, TargetStatus::kUnknown, 0}),
    [](const auto& p) {
      return std::string(p.param.platform) +
             (p.param.action == FakeAction::kAcceptThenCrash ? "_after_send" : "_before_send");
    });

TEST_F(PublishWorkerTest, SlowPublishLosesItsLeaseAndTheOutcomeIsRecordedOnce) {
  // Worker A is so slow that its lease expires; worker B takes the job over while A's request
  // is still on the wire (native network: B resends with the same key and gets the same post).
  auto b = env_.MakeWorker("wrk_b");
  FakeStep slow;
  slow.advance_clock = std::chrono::seconds(90);
  slow.during = [&] { ASSERT_EQ(*b->RunOnce(env_.clock.Now()), 1); };
  env_.native->Script({slow});
  std::string id = env_.Schedule({native_.id}, "slow");
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kPublished);
  EXPECT_EQ(env_.native->posts().size(), 1u);
  EXPECT_EQ(env_.native->publish_calls(), 2);
  EXPECT_EQ(b->stats().published, 1);
  EXPECT_EQ(worker_->stats().published, 0);
  EXPECT_EQ(worker_->stats().lease_lost, 1);
  EXPECT_EQ(env_.Jobs(t.id)[0].state, JobState::kDone);
}

TEST_F(PublishWorkerTest, RenewedLeaseKeepsASlowPublishOwnJob) {
  auto b = env_.MakeWorker("wrk_b");
  FakeStep slow;
  slow.advance_clock = std::chrono::seconds(40);
  slow.during = [&] {
    ASSERT_EQ(*worker_->RenewLeases(env_.clock.Now()), 1);
    env_.clock.Advance(std::chrono::seconds(40));  // 80 s after the claim, 40 s after renewal
    EXPECT_EQ(*b->RunOnce(env_.clock.Now()), 0);
  };
  env_.native->Script({slow});
  std::string id = env_.Schedule({native_.id}, "renewed");
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  EXPECT_EQ(OnlyTarget(id).status, TargetStatus::kPublished);
  EXPECT_EQ(worker_->stats().published, 1);
  EXPECT_EQ(env_.native->publish_calls(), 1);
}

TEST_F(PublishWorkerTest, InterruptedAttemptIsNotReconciledWhileItCouldStillBeInFlight) {
  env_.reconcile->Script({{FakeAction::kAcceptThenCrash}});
  std::string id = env_.Schedule({reconcile_.id}, "wait");
  ToPublishTime();
  const base::Time started = env_.clock.Now();
  ASSERT_EQ(*worker_->RunOnce(started), 1);  // A's lease: 60 s
  // B allows a network call up to 90 s: an attempt that started 61 s ago may still be on the
  // wire, so B must not look it up (and maybe resend) yet.
  auto opts = env_.DefaultWorkerOptions("wrk_b");
  opts.lease_for = std::chrono::seconds(120);
  opts.publish_timeout = std::chrono::seconds(90);
  auto b = env_.MakeWorker("wrk_b", opts);
  env_.clock.Set(started + std::chrono::seconds(61));
  ASSERT_EQ(*b->RunOnce(env_.clock.Now()), 1);
  EXPECT_EQ(env_.reconcile->find_calls(), 0);
  EXPECT_EQ(OnlyTarget(id).status, TargetStatus::kPublishing);
  auto job = env_.Jobs(OnlyTarget(id).id)[0];
  EXPECT_EQ(job.state, JobState::kQueued);
  EXPECT_EQ(job.run_at, started + std::chrono::seconds(91));
  Drain(*b);
  EXPECT_EQ(env_.reconcile->find_calls(), 1);
  EXPECT_EQ(env_.reconcile->publish_calls(), 1);
  EXPECT_EQ(OnlyTarget(id).status, TargetStatus::kPublished);
}

// ---- cancellation and edit races ----

TEST_F(PublishWorkerTest, CancelledPostIsNeverSent) {
  std::string id = env_.Schedule({native_.id, none_.id}, "cancel");
  ASSERT_THAT(env_.posts->CancelSync(env_.editor, id), IsOk());
  ToPublishTime();
  EXPECT_EQ(Drain(*worker_), 0);
  EXPECT_EQ(env_.native->publish_calls() + env_.none->publish_calls(), 0);
  EXPECT_EQ(GetPost(id)["status"], "cancelled");
}

TEST_F(PublishWorkerTest, CancelWhileAWorkerHoldsTheJobReportsItCouldNotStop) {
  std::string id = env_.Schedule({native_.id}, "race");
  ToPublishTime();
  // Another process claims the job and has not marked the target yet.
  store::ClaimRequest claim;
  claim.owner = "wrk_other";
  claim.now = env_.clock.Now();
  auto jobs = store::WriteValue<std::vector<store::Job>>(
      *env_.store, [&](store::Tx& tx) { return tx.ClaimJobs(claim); });
  ASSERT_THAT(jobs, IsOk());
  ASSERT_EQ(jobs->size(), 1u);
  auto r = env_.posts->CancelSync(env_.editor, id);
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->targets[0].done);  // not stopped
  EXPECT_THAT(r->targets[0].message, HasSubstr("could not be stopped"));
  EXPECT_EQ(env_.Jobs(OnlyTarget(id).id)[0].state, JobState::kLeased);
}

TEST_F(PublishWorkerTest, CancelDuringPublishCannotStopIt) {
  base::Result<PostOutcome> cancel = PostOutcome();
  std::string id;
  env_.native->OnPublish([&](const platforms::PublishRequest&) {
    cancel = env_.posts->CancelSync(env_.editor, id);
  });
  id = env_.Schedule({native_.id}, "too late");
  ToPublishTime();
  Drain(*worker_);
  ASSERT_THAT(cancel, IsOk());
  EXPECT_FALSE(cancel->targets[0].done);  // not stopped
  EXPECT_EQ(OnlyTarget(id).status, TargetStatus::kPublished);
  EXPECT_EQ(GetPost(id)["status"], "published");
}

TEST_F(PublishWorkerTest, EditWhileAWorkerHoldsTheJobIsRefusedAndRolledBack) {
  std::string id = env_.Schedule({native_.id, none_.id}, "original");
  ToPublishTime();
  store::ClaimRequest claim;
  claim.owner = "wrk_other";
  claim.now = env_.clock.Now();
  claim.limit = 1;
  auto jobs = store::WriteValue<std::vector<store::Job>>(
      *env_.store, [&](store::Tx& tx) { return tx.ClaimJobs(claim); });
  ASSERT_THAT(jobs, IsOk());
  ASSERT_EQ(jobs->size(), 1u);
  UpdatePostRequest up;
  up.post_id = id;
  up.text = "edited";
  up.publish_at = base::FormatRfc3339(env_.clock.Now() + std::chrono::hours(1));
  auto r = env_.posts->UpdateSync(env_.editor, up);
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(r.error().message(), HasSubstr("being published right now"));
  // Rolled back: the other target's job kept its time, the content is unchanged.
  EXPECT_EQ(env_.GetPost(id).content["text"], "original");
  for (const auto& t : env_.Targets(id)) {
    for (const auto& j : env_.Jobs(t.id)) EXPECT_EQ(j.run_at, env_.clock.Now());
  }
}

TEST_F(PublishWorkerTest, EditBeforeTheClaimIsWhatGetsPublished) {
  std::string id = env_.Schedule({native_.id}, "draft text");
  UpdatePostRequest up;
  up.post_id = id;
  up.text = "final text";
  ASSERT_THAT(env_.posts->UpdateSync(env_.editor, up), IsOk());
  ToPublishTime();
  Drain(*worker_);
  ASSERT_EQ(env_.native->posts().size(), 1u);
  EXPECT_EQ(env_.native->posts()[0].texts[0], "final text");
}

TEST_F(PublishWorkerTest, EditOncePublishedIsRefused) {
  std::string id = env_.Schedule({native_.id}, "done");
  ToPublishTime();
  Drain(*worker_);
  UpdatePostRequest up;
  up.post_id = id;
  up.text = "changed my mind";
  auto r = env_.posts->UpdateSync(env_.editor, up);
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(r.error().message(), HasSubstr("is published, so it can no longer be edited"));
  auto res = env_.posts->RescheduleSync(
      env_.editor, id, base::FormatRfc3339(env_.clock.Now() + std::chrono::hours(1)), "");
  EXPECT_FALSE(res.ok());
}

// ---- threads ----

TEST_F(PublishWorkerTest, ThreadResumesAfterTheLastSavedPart) {
  FakeStep partial{FakeAction::kTransient};
  partial.fail_after_parts = 1;
  env_.native->Script({partial});
  core::CreatePostRequest req;
  req.accounts = {native_.id};
  req.content.text = "1/3";
  req.content.thread = {{"2/3", {}}, {"3/3", {}}};
  req.publish_at = base::FormatRfc3339(env_.clock.Now() + std::chrono::minutes(10));
  auto created = env_.posts->CreateSync(env_.editor, req);
  ASSERT_THAT(created, IsOk());
  ToPublishTime();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  auto t = OnlyTarget(created->post.id);
  EXPECT_EQ(t.remote_state["parts_done"], 1);  // saved durably after part 1
  Drain(*worker_);
  ASSERT_EQ(env_.native->posts().size(), 1u);
  EXPECT_EQ(env_.native->posts()[0].texts, (std::vector<std::string>{"1/3", "2/3", "3/3"}));
}

// ---- time ----

TEST_F(PublishWorkerTest, DstSpringForwardPublishesAtNineLocal) {
  // 2026-03-29: Europe/Paris moves from UTC+1 to UTC+2 at 02:00 local.
  env_.clock.Set(*base::ParseRfc3339("2026-03-28T12:00:00Z"));
  core::CreatePostRequest req;
  req.accounts = {native_.id};
  req.content.text = "spring";
  req.publish_at = "2026-03-29T09:00:00";
  req.time_zone = "Europe/Paris";
  auto r = env_.posts->CreateSync(env_.editor, req);
  ASSERT_THAT(r, IsOk());
  base::Json shown = tools::PostSummaryView(*r);
  EXPECT_EQ(shown["publish_at"], "2026-03-29T07:00:00Z");
  EXPECT_EQ(shown["publish_at_local"], "2026-03-29T09:00:00+02:00");
  env_.clock.Set(*base::ParseRfc3339("2026-03-29T06:59:59Z"));  // 08:59:59 local
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 0);
  env_.clock.Set(*base::ParseRfc3339("2026-03-29T07:00:00Z"));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  ASSERT_EQ(env_.native->posts().size(), 1u);
  EXPECT_EQ(base::FormatInTimeZone(env_.native->posts()[0].at, "Europe/Paris").value_or(""),
            "2026-03-29T09:00:00+02:00");

  // A time inside the gap does not exist and says so.
  req.publish_at = "2026-03-29T02:30:00";
  env_.clock.Set(*base::ParseRfc3339("2026-03-28T12:00:00Z"));
  auto gap = env_.posts->CreateSync(env_.editor, req);
  ASSERT_FALSE(gap.ok());
  EXPECT_THAT(gap.error().message(), HasSubstr("does not exist in Europe/Paris"));
}

TEST_F(PublishWorkerTest, DstFallBackPublishesAtNineLocal) {
  // 2026-10-25: Europe/Paris moves from UTC+2 back to UTC+1 at 03:00 local.
  env_.clock.Set(*base::ParseRfc3339("2026-10-24T12:00:00Z"));
  core::CreatePostRequest req;
  req.accounts = {native_.id};
  req.content.text = "autumn";
  req.publish_at = "2026-10-25T09:00:00";
  req.time_zone = "Europe/Paris";
  auto r = env_.posts->CreateSync(env_.editor, req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(tools::PostSummaryView(*r)["publish_at"], "2026-10-25T08:00:00Z");
  env_.clock.Set(*base::ParseRfc3339("2026-10-25T07:59:59Z"));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 0);
  env_.clock.Set(*base::ParseRfc3339("2026-10-25T08:00:00Z"));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
}

// ---- queue discipline ----

TEST_F(PublishWorkerTest, OnePublishAtATimePerAccount) {
  std::string a = env_.Schedule({native_.id}, "first");
  std::string b = env_.Schedule({native_.id}, "second");
  ToPublishTime();
  // Both due; the store hands out one job per account per claim.
  auto opts = env_.DefaultWorkerOptions("wrk_a");
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  EXPECT_EQ(env_.native->posts().size(), 2u);
}

TEST_F(PublishWorkerTest, RateBudgetSpreadsPublishesToANetwork) {
  auto opts = env_.DefaultWorkerOptions("wrk_rate");
  opts.rates.per_key["native"] = RateBudget{1.0, 1.0};  // one per second
  auto w = env_.MakeWorker("wrk_rate", opts);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto acc = env_.AddAccount("native", "@user" + std::to_string(i));
    ids.push_back(env_.Schedule({acc.id}, "r" + std::to_string(i)));
  }
  ToPublishTime();
  ASSERT_EQ(*w->RunOnce(env_.clock.Now()), 3);
  EXPECT_EQ(env_.native->publish_calls(), 1);  // two postponed by the budget
  Drain(*w);
  EXPECT_EQ(env_.native->posts().size(), 3u);
  auto first = env_.native->posts()[0].at, last = env_.native->posts()[2].at;
  EXPECT_GE(last - first, std::chrono::milliseconds(1900));
  // Each postponed job got its own slot: claimed once to reserve, once to send.
  for (const auto& id : ids) EXPECT_LE(env_.Jobs(OnlyTarget(id).id)[0].attempts, 2);
}

TEST_F(PublishWorkerTest, BoundedConcurrencyClaimsAtMostTheFreeSlots) {
  auto opts = env_.DefaultWorkerOptions("wrk_small");
  opts.max_in_flight = 2;
  auto w = env_.MakeWorker("wrk_small", opts);
  for (int i = 0; i < 5; ++i) {
    auto acc = env_.AddAccount("native", "@c" + std::to_string(i));
    env_.Schedule({acc.id}, "c");
  }
  ToPublishTime();
  EXPECT_EQ(*w->RunOnce(env_.clock.Now()), 2);
  EXPECT_EQ(*w->RunOnce(env_.clock.Now()), 2);
  EXPECT_EQ(*w->RunOnce(env_.clock.Now()), 1);
}

// ---- delete (queued: delete_post answers at once, the worker deletes) ----

TEST_F(PublishWorkerTest, DeleteRemovesPublishedPostsWhereTheNetworkAllows) {
  env_.none->info().features.delete_posts = false;
  std::string id = env_.Schedule({native_.id, none_.id}, "regret");
  ToPublishTime();
  Drain(*worker_);
  auto r = testing::Await(env_.posts->Delete(env_.editor, id));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->targets[0].result, "deleting");
  EXPECT_EQ(r->targets[1].result, "not_supported");
  EXPECT_THAT(r->targets[1].message, HasSubstr("stays published"));
  EXPECT_EQ(env_.native->delete_calls(), 0);  // nothing reached the network yet
  auto post = GetPost(id);
  EXPECT_EQ(post["targets"][0]["status"], "published");
  EXPECT_EQ(post["targets"][0]["deletion"], "deleting");
  EXPECT_FALSE(post["targets"][1].contains("deletion"));

  // Asking again while it is queued does not queue it twice.
  auto again = testing::Await(env_.posts->Delete(env_.editor, id));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->targets[0].result, "deleting");

  Drain(*worker_);
  ASSERT_EQ(env_.native->deleted().size(), 1u);
  EXPECT_EQ(env_.native->deleted()[0], env_.native->posts()[0].external_id);
  EXPECT_EQ(worker_->stats().deleted, 1);
  post = GetPost(id);
  EXPECT_EQ(post["targets"][0]["status"], "cancelled");
  EXPECT_EQ(post["targets"][0]["deletion"], "deleted");
  EXPECT_TRUE(post["targets"][0].contains("deleted_at"));
  EXPECT_EQ(post["targets"][1]["status"], "published");
  EXPECT_EQ(post["status"], "published");
  for (const auto& job : env_.Jobs(OnlyTargetOn(id, native_.id).id)) {
    EXPECT_NE(job.state, JobState::kQueued);
    EXPECT_NE(job.state, JobState::kLeased);
  }
  // Once deleted, delete_post says so.
  auto after = testing::Await(env_.posts->Delete(env_.editor, id));
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->targets[0].result, "deleted");
}

TEST_F(PublishWorkerTest, DeleteOfEveryTargetCancelsThePost) {
  std::string id = env_.Schedule({native_.id, reconcile_.id}, "all gone");
  ToPublishTime();
  Drain(*worker_);
  ASSERT_THAT(testing::Await(env_.posts->Delete(env_.editor, id)), IsOk());
  EXPECT_EQ(GetPost(id)["status"], "published");
  Drain(*worker_);
  auto post = GetPost(id);
  EXPECT_EQ(post["status"], "cancelled");
  EXPECT_EQ(env_.native->deleted().size(), 1u);
  EXPECT_EQ(env_.reconcile->deleted().size(), 1u);
}

TEST_F(PublishWorkerTest, DeleteTransientErrorsAreRetriedWithTheRetryPolicy) {
  std::string id = env_.Schedule({native_.id}, "flaky delete");
  ToPublishTime();
  Drain(*worker_);
  env_.native->ScriptDelete({{FakeAction::kTransient},
                             {FakeAction::kRateLimited, "", std::chrono::seconds(30)},
                             {FakeAction::kAcceptThenUnknown}});
  ASSERT_THAT(testing::Await(env_.posts->Delete(env_.editor, id)), IsOk());
  const base::Time asked = env_.clock.Now();
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.deletion, store::DeletionStatus::kDeleting);
  EXPECT_THAT(t.deletion_error, HasSubstr("503"));
  EXPECT_EQ(env_.Jobs(t.id).back().state, JobState::kQueued);
  EXPECT_GT(env_.Jobs(t.id).back().run_at, asked);  // backoff, not at once
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 0);

  Drain(*worker_);
  t = OnlyTarget(id);
  EXPECT_EQ(t.deletion, store::DeletionStatus::kDeleted);
  EXPECT_EQ(t.status, TargetStatus::kCancelled);
  EXPECT_GE(env_.clock.Now(), asked + std::chrono::seconds(30));  // Retry-After honoured
  EXPECT_EQ(env_.native->delete_calls(), 4);
  EXPECT_EQ(worker_->stats().retried, 3);
  EXPECT_EQ(worker_->stats().deleted, 1);
}

TEST_F(PublishWorkerTest, DeletePermanentErrorEndsTheDeletionAsFailed) {
  std::string id = env_.Schedule({native_.id}, "pinned");
  ToPublishTime();
  Drain(*worker_);
  env_.native->ScriptDelete({{FakeAction::kPermanent, "the post is pinned"}});
  ASSERT_THAT(testing::Await(env_.posts->Delete(env_.editor, id)), IsOk());
  Drain(*worker_);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.status, TargetStatus::kPublished);
  EXPECT_EQ(t.deletion, store::DeletionStatus::kFailed);
  EXPECT_THAT(t.deletion_error, HasSubstr("the post is pinned"));
  EXPECT_EQ(env_.native->delete_calls(), 1);
  EXPECT_EQ(env_.Jobs(t.id).back().state, JobState::kFailed);
  EXPECT_EQ(worker_->stats().delete_failed, 1);
  auto post = GetPost(id);
  EXPECT_EQ(post["status"], "published");
  EXPECT_EQ(post["targets"][0]["deletion"], "delete_failed");
  EXPECT_THAT(post["targets"][0]["deletion_error"].get<std::string>(),
              HasSubstr("the post is pinned"));

  // delete_post again asks again.
  auto again = testing::Await(env_.posts->Delete(env_.editor, id));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->targets[0].result, "deleting");
  Drain(*worker_);
  EXPECT_EQ(OnlyTarget(id).deletion, store::DeletionStatus::kDeleted);
}

TEST_F(PublishWorkerTest, DeleteOfAPostAlreadyGoneCountsAsDeleted) {
  std::string id = env_.Schedule({native_.id}, "gone already");
  ToPublishTime();
  Drain(*worker_);
  env_.native->ScriptDelete({{FakeAction::kGone}});
  ASSERT_THAT(testing::Await(env_.posts->Delete(env_.editor, id)), IsOk());
  Drain(*worker_);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.deletion, store::DeletionStatus::kDeleted);
  EXPECT_EQ(t.status, TargetStatus::kCancelled);
  EXPECT_TRUE(t.deletion_error.empty());
}

TEST_F(PublishWorkerTest, DeleteAuthErrorFailsAndMarksTheAccount) {
  std::string id = env_.Schedule({native_.id}, "revoked");
  ToPublishTime();
  Drain(*worker_);
  env_.native->ScriptDelete({{FakeAction::kUnauthenticated}});
  ASSERT_THAT(testing::Await(env_.posts->Delete(env_.editor, id)), IsOk());
  Drain(*worker_);
  EXPECT_EQ(OnlyTarget(id).deletion, store::DeletionStatus::kFailed);
  EXPECT_EQ(env_.Account(native_.id).status, store::AccountStatus::kNeedsReauth);
}

TEST_F(PublishWorkerTest, DeleteLostLeaseIsReclaimedAndAskedAgain) {
  std::string id = env_.Schedule({native_.id}, "crash while deleting");
  ToPublishTime();
  Drain(*worker_);
  env_.native->ScriptDelete({{FakeAction::kAcceptThenCrash}});
  ASSERT_THAT(testing::Await(env_.posts->Delete(env_.editor, id)), IsOk());
  ASSERT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  EXPECT_EQ(worker_->stats().abandoned, 1);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.deletion, store::DeletionStatus::kDeleting);
  EXPECT_EQ(env_.Jobs(t.id).back().state, JobState::kLeased);

  auto b = env_.MakeWorker("wrk_b");
  EXPECT_EQ(*b->RunOnce(env_.clock.Now()), 0);  // the lease still holds
  env_.clock.Advance(std::chrono::seconds(61));
  Drain(*b);
  t = OnlyTarget(id);
  EXPECT_EQ(t.deletion, store::DeletionStatus::kDeleted);  // already gone: deleted
  EXPECT_EQ(t.status, TargetStatus::kCancelled);
  EXPECT_EQ(env_.native->delete_calls(), 2);
  EXPECT_EQ(env_.Jobs(t.id).back().state, JobState::kDone);
  EXPECT_EQ(b->stats().deleted, 1);
}

TEST_F(PublishWorkerTest, DeleteGivesUpAfterTheLastAttempt) {
  auto opts = env_.DefaultWorkerOptions("wrk_few");
  opts.retry.max_attempts = 2;
  auto w = env_.MakeWorker("wrk_few", opts);
  std::string id = env_.Schedule({native_.id}, "never deletes");
  ToPublishTime();
  Drain(*w);
  env_.native->ScriptDelete({{FakeAction::kTransient}, {FakeAction::kTransient}});
  ASSERT_THAT(testing::Await(env_.posts->Delete(env_.editor, id)), IsOk());
  Drain(*w);
  auto t = OnlyTarget(id);
  EXPECT_EQ(t.deletion, store::DeletionStatus::kFailed);
  EXPECT_THAT(t.deletion_error, HasSubstr("gave up after 2 attempts"));
  EXPECT_EQ(env_.native->delete_calls(), 2);
}

TEST_F(PublishWorkerTest, DeleteCancelsTargetsNeverPublishedAtOnce) {
  std::string id = env_.Schedule({native_.id}, "not yet");
  auto r = testing::Await(env_.posts->Delete(env_.editor, id));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->targets[0].result, "cancelled");
  EXPECT_EQ(r->status, store::PostStatus::kCancelled);
  ToPublishTime();
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 0);
  EXPECT_EQ(env_.native->publish_calls(), 0);
  EXPECT_EQ(env_.native->delete_calls(), 0);
}

}  // namespace
}  // namespace herald::core
