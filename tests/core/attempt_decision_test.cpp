// The attempt decision as a table: every error code of the convention in platforms/platform.h
// x idempotency kinds x first attempt / retry / last attempt / resumed after a lost lease, and
// the steps before a send (load errors, network, account, rate limits, credentials,
// reconciliation). Pure: no store, no clock, a seeded retry policy.
#include "core/attempt_decision.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/time.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using platforms::IdempotencyKind;
using store::TargetStatus;
using ::testing::HasSubstr;
using namespace std::chrono_literals;  // NOLINT

const base::Time kNow = base::Time() + std::chrono::hours(24 * 365 * 56);

RetryPolicy Policy() {
  RetryOptions o;
  o.seed = 7;
  o.max_attempts = 8;
  o.max_reconcile_attempts = 6;
  return RetryPolicy(o);
}

// A loaded queued target on an available network with an active account, nothing learnt yet.
AttemptFacts Fresh(IdempotencyKind kind = IdempotencyKind::kNative) {
  AttemptFacts f;
  f.job_attempts = 1;
  f.network = "Net";
  f.platform_available = true;
  f.platform_deletes = true;
  f.idempotency = kind;
  f.account_name = "@alice";
  f.started = kNow;
  f.now = kNow;
  f.attempt_started = kNow - 1h;
  return f;
}

// The same, past the rate limiter and the credentials.
AttemptFacts Ready(IdempotencyKind kind = IdempotencyKind::kNative) {
  AttemptFacts f = Fresh(kind);
  f.rate_checked = true;
  f.credentials = base::Ok();
  return f;
}

std::string KindName(IdempotencyKind k) {
  switch (k) {
    case IdempotencyKind::kNative:
      return "native";
    case IdempotencyKind::kReconcile:
      return "reconcile";
    case IdempotencyKind::kNone:
      return "none";
  }
  return "?";
}

// ---- the answer of a send: code x kind x position ----

enum class Position { kFirst, kRetry, kLast, kResumed };

std::string PositionName(Position p) {
  switch (p) {
    case Position::kFirst:
      return "first";
    case Position::kRetry:
      return "retry";
    case Position::kLast:
      return "last";
    case Position::kResumed:
      return "resumed";
  }
  return "?";
}

struct CodeRow {
  ErrorCode code;
  // What the answer means while attempts remain, and on the last attempt. kUnknown-like codes
  // depend on the kind: filled in below.
  AttemptStep while_attempts_remain;
  AttemptStep on_last;
  bool needs_reauth = false;
  bool back_to_queued = false;
  bool unclear = false;  // "may have been applied": kind kNone can never resend
};

const std::vector<CodeRow>& CodeTable() {
  static const std::vector<CodeRow> rows = {
      {ErrorCode::kInvalidArgument, AttemptStep::kFail, AttemptStep::kFail},
      {ErrorCode::kFailedPrecondition, AttemptStep::kFail, AttemptStep::kFail},
      {ErrorCode::kNotFound, AttemptStep::kFail, AttemptStep::kFail},
      {ErrorCode::kUnimplemented, AttemptStep::kFail, AttemptStep::kFail},
      {ErrorCode::kPermissionDenied, AttemptStep::kFail, AttemptStep::kFail, true},
      {ErrorCode::kUnauthenticated, AttemptStep::kFail, AttemptStep::kFail, true},
      {ErrorCode::kResourceExhausted, AttemptStep::kRetry, AttemptStep::kFail, false, true},
      {ErrorCode::kUnavailable, AttemptStep::kRetry, AttemptStep::kFail, false, true},
      {ErrorCode::kDeadlineExceeded, AttemptStep::kRetry, AttemptStep::kFail, false, true},
      {ErrorCode::kUnknown, AttemptStep::kRetry, AttemptStep::kMarkUnknown, false, false, true},
      {ErrorCode::kInternal, AttemptStep::kRetry, AttemptStep::kMarkUnknown, false, false, true},
      {ErrorCode::kAborted, AttemptStep::kRetry, AttemptStep::kMarkUnknown, false, false, true},
      {ErrorCode::kCancelled, AttemptStep::kRetry, AttemptStep::kMarkUnknown, false, false, true},
      {ErrorCode::kAlreadyExists, AttemptStep::kRetry, AttemptStep::kMarkUnknown, false, false,
       true},
  };
  return rows;
}

TEST(AttemptDecisionTest, EveryAnswerOfASendByKindAndPosition) {
  const RetryPolicy retry = Policy();
  const int max = retry.options().max_attempts;
  for (const CodeRow& row : CodeTable()) {
    for (IdempotencyKind kind :
         {IdempotencyKind::kNative, IdempotencyKind::kReconcile, IdempotencyKind::kNone}) {
      for (Position pos :
           {Position::kFirst, Position::kRetry, Position::kLast, Position::kResumed}) {
        SCOPED_TRACE(std::string(base::ErrorCodeName(row.code)) + " / " + KindName(kind) + " / " +
                     PositionName(pos));
        AttemptFacts f = Ready(kind);
        int sends_before = pos == Position::kFirst   ? 0
                           : pos == Position::kRetry ? 2
                           : pos == Position::kLast  ? max - 1
                                                     : 3;
        f.target_attempts = sends_before;
        if (pos == Position::kResumed) {
          f.target_status = TargetStatus::kPublishing;
          if (kind == IdempotencyKind::kNone) {
            // Never sent again: unknown before anything reaches the network.
            AttemptDecision d = DecidePublish(f, retry);
            EXPECT_EQ(d.step, AttemptStep::kMarkUnknown) << AttemptStepName(d.step);
            EXPECT_THAT(d.reason, HasSubstr("interrupted"));
            continue;
          }
          if (kind == IdempotencyKind::kReconcile) {
            AttemptDecision find = DecidePublish(f, retry);
            ASSERT_EQ(find.step, AttemptStep::kFind) << AttemptStepName(find.step);
            f.found = false;  // certainly absent
          }
        }
        AttemptDecision send = DecidePublish(f, retry);
        ASSERT_EQ(send.step, AttemptStep::kSend) << AttemptStepName(send.step);
        f.target_attempts = sends_before + 1;  // marked publishing
        base::Error error(row.code, "the network said no");
        f.sent = error;
        AttemptDecision d = DecidePublish(f, retry);

        const bool last = f.target_attempts >= max;
        AttemptStep want = last ? row.on_last : row.while_attempts_remain;
        if (row.unclear && kind == IdempotencyKind::kNone) want = AttemptStep::kMarkUnknown;
        EXPECT_EQ(d.step, want) << AttemptStepName(d.step) << " want " << AttemptStepName(want);
        EXPECT_THAT(d.reason, HasSubstr("the network said no"));
        if (want == AttemptStep::kFail) {
          EXPECT_EQ(d.needs_reauth, row.needs_reauth);
          EXPECT_THAT(d.reason, ::testing::StartsWith("Net: "));
        }
        if (want == AttemptStep::kRetry) {
          EXPECT_EQ(d.back_to_queued, row.back_to_queued);
          EXPECT_GE(d.run_at, kNow + retry.options().min_delay);
          EXPECT_THAT(d.reason, HasSubstr("attempt " + std::to_string(f.target_attempts)));
        }
        if (last && row.while_attempts_remain == AttemptStep::kRetry && !row.unclear) {
          EXPECT_THAT(d.reason, HasSubstr("gave up after " + std::to_string(max)));
        }
        EXPECT_FALSE(d.account_not_before.has_value());
      }
    }
  }
}

TEST(AttemptDecisionTest, SuccessRecordsPublishedWhateverTheKind) {
  for (IdempotencyKind kind :
       {IdempotencyKind::kNative, IdempotencyKind::kReconcile, IdempotencyKind::kNone}) {
    AttemptFacts f = Ready(kind);
    f.target_attempts = 1;
    f.sent = base::Ok();
    AttemptDecision d = DecidePublish(f, Policy());
    EXPECT_EQ(d.step, AttemptStep::kRecordPublished);
    EXPECT_FALSE(d.reconciled);
  }
}

TEST(AttemptDecisionTest, RetryAfterPausesTheAccountAndIsHonoured) {
  AttemptFacts f = Ready();
  f.target_attempts = 1;
  base::Error limited = base::ResourceExhausted("slow down");
  limited.set_retry_after(90s);
  f.sent = limited;
  f.now = kNow + 5s;  // the answer arrived later than the claim
  AttemptDecision d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kRetry);
  ASSERT_TRUE(d.account_not_before.has_value());
  EXPECT_EQ(*d.account_not_before, kNow + 5s + 90s);
  EXPECT_GE(d.run_at, kNow + 5s + 90s);
  EXPECT_TRUE(d.back_to_queued);
}

TEST(AttemptDecisionTest, ASpentQuotaWaitsUncountedAndIsNeverGivenUp) {
  AttemptFacts f = Ready();
  f.target_attempts = 100;  // far past max_attempts: a quota wait still does not give up
  base::Error spent = base::ResourceExhausted("the daily limit of 100 posts is reached");
  spent.set_retry_after(std::chrono::hours(7)).set_quota_wait();
  f.sent = spent;
  AttemptDecision d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kRetry);
  EXPECT_TRUE(d.quota_wait);
  EXPECT_TRUE(d.back_to_queued);
  EXPECT_EQ(d.run_at, kNow + std::chrono::hours(7));
  EXPECT_THAT(d.reason, ::testing::HasSubstr("the daily limit of 100 posts is reached"));
  EXPECT_THAT(d.reason, ::testing::HasSubstr("not counted as a failed attempt"));

  // Without the flag the same answer is an ordinary rate limit, and attempts run out.
  base::Error limited = base::ResourceExhausted("slow down");
  limited.set_retry_after(std::chrono::hours(7));
  f.sent = limited;
  d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kFail);
  EXPECT_FALSE(d.quota_wait);
}

// ---- before the send ----

TEST(AttemptDecisionTest, LoadErrors) {
  const RetryPolicy retry = Policy();
  AttemptFacts gone;
  gone.load_error = base::NotFound("no target");
  gone.target_found = false;
  EXPECT_EQ(DecidePublish(gone, retry).step, AttemptStep::kFinishJob);

  AttemptFacts missing;
  missing.load_error = base::NotFound("no account");
  AttemptDecision d = DecidePublish(missing, retry);
  EXPECT_EQ(d.step, AttemptStep::kFail);
  EXPECT_EQ(d.reason, "the account or the media of this post no longer exists");

  AttemptFacts busy;
  busy.load_error = base::Unavailable("database busy");
  busy.job_attempts = 2;
  busy.now = kNow;
  d = DecidePublish(busy, retry);
  EXPECT_EQ(d.step, AttemptStep::kPostpone);
  EXPECT_EQ(d.run_at, kNow + retry.Backoff(2));
}

TEST(AttemptDecisionTest, SettledTargetsOnlyFinishTheJob) {
  for (TargetStatus s : {TargetStatus::kPublished, TargetStatus::kFailed, TargetStatus::kCancelled,
                         TargetStatus::kUnknown}) {
    AttemptFacts f = Fresh();
    f.target_status = s;
    EXPECT_EQ(DecidePublish(f, Policy()).step, AttemptStep::kFinishJob);
  }
}

TEST(AttemptDecisionTest, MissingNetworkFailsOrIsUnknownWhenResumed) {
  AttemptFacts f = Fresh();
  f.platform_available = false;
  f.network = "gone";
  AttemptDecision d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kFail);
  EXPECT_EQ(d.reason, "gone: the network 'gone' is not available in this herald");
  f.target_status = TargetStatus::kPublishing;
  d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kMarkUnknown);
  EXPECT_EQ(d.reason, "the network 'gone' is not available in this herald");
}

TEST(AttemptDecisionTest, InactiveAccountFailsOrIsUnknownWhenResumed) {
  AttemptFacts f = Fresh();
  f.account_status = store::AccountStatus::kNeedsReauth;
  AttemptDecision d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kFail);
  EXPECT_THAT(d.reason, HasSubstr("the Net account @alice is needs_reauth"));
  EXPECT_FALSE(d.needs_reauth);
  f.target_status = TargetStatus::kPublishing;
  d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kMarkUnknown);
  EXPECT_THAT(d.reason, HasSubstr("could not be checked because"));
}

TEST(AttemptDecisionTest, RateLimitsPostponeBeforeAnythingIsSent) {
  AttemptFacts f = Fresh();
  f.account_not_before = kNow + 30s;
  AttemptDecision d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kPostpone);
  EXPECT_EQ(d.run_at, kNow + 30s);

  f = Fresh();
  EXPECT_EQ(DecidePublish(f, Policy()).step, AttemptStep::kTakeRateSlot);
  f.rate_checked = true;
  f.rate_later = kNow + 2s;
  d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kPostpone);
  EXPECT_EQ(d.run_at, kNow + 2s);
  f.rate_later.reset();
  EXPECT_EQ(DecidePublish(f, Policy()).step, AttemptStep::kOpenCredentials);
}

TEST(AttemptDecisionTest, CredentialErrors) {
  const RetryPolicy retry = Policy();
  AttemptFacts f = Fresh();
  f.rate_checked = true;
  f.job_attempts = 3;
  f.credentials = base::Result<void>(base::Unavailable("vault busy"));
  AttemptDecision d = DecidePublish(f, retry);
  EXPECT_EQ(d.step, AttemptStep::kPostpone);
  EXPECT_EQ(d.run_at, kNow + retry.Backoff(3));

  f.credentials = base::Result<void>(base::Unauthenticated("token revoked"));
  d = DecidePublish(f, retry);
  EXPECT_EQ(d.step, AttemptStep::kFail);
  EXPECT_TRUE(d.needs_reauth);
  EXPECT_EQ(d.reason, "Net: token revoked");

  f.credentials = base::Result<void>(base::FailedPrecondition("sealed with another key"));
  d = DecidePublish(f, retry);
  EXPECT_EQ(d.step, AttemptStep::kFail);
  EXPECT_FALSE(d.needs_reauth);

  f.target_status = TargetStatus::kPublishing;
  d = DecidePublish(f, retry);
  EXPECT_EQ(d.step, AttemptStep::kMarkUnknown);
  EXPECT_THAT(d.reason, HasSubstr("sealed with another key"));
}

TEST(AttemptDecisionTest, NoSendAfterTheLastAttempt) {
  AttemptFacts f = Ready();
  f.target_attempts = Policy().options().max_attempts;
  AttemptDecision d = DecidePublish(f, Policy());
  EXPECT_EQ(d.step, AttemptStep::kFail);
  EXPECT_EQ(d.reason, "Net: gave up after 8 attempts");
}

// ---- resumed after a lost lease or an unclear answer ----

TEST(AttemptDecisionTest, ResumedWaitsUntilTheEarlierAttemptCannotBeInFlight) {
  for (IdempotencyKind kind :
       {IdempotencyKind::kNative, IdempotencyKind::kReconcile, IdempotencyKind::kNone}) {
    AttemptFacts f = Ready(kind);
    f.target_status = TargetStatus::kPublishing;
    f.attempt_started = kNow - 10s;
    f.publish_timeout = 45s;
    AttemptDecision d = DecidePublish(f, Policy());
    EXPECT_EQ(d.step, AttemptStep::kPostpone) << KindName(kind);
    EXPECT_EQ(d.run_at, kNow - 10s + 45s + 1s);
  }
}

TEST(AttemptDecisionTest, ResumedNativeResendsWithTheSameIdentity) {
  AttemptFacts f = Ready(IdempotencyKind::kNative);
  f.target_status = TargetStatus::kPublishing;
  EXPECT_EQ(DecidePublish(f, Policy()).step, AttemptStep::kSend);
}

TEST(AttemptDecisionTest, ResumedReconcileFindsFirst) {
  const RetryPolicy retry = Policy();
  AttemptFacts f = Ready(IdempotencyKind::kReconcile);
  f.target_status = TargetStatus::kPublishing;
  EXPECT_EQ(DecidePublish(f, retry).step, AttemptStep::kFind);

  f.found = true;
  AttemptDecision d = DecidePublish(f, retry);
  EXPECT_EQ(d.step, AttemptStep::kRecordPublished);
  EXPECT_TRUE(d.reconciled);

  f.found = false;
  EXPECT_EQ(DecidePublish(f, retry).step, AttemptStep::kSend);

  f.checks = 2;
  base::Error cannot_tell = base::Unavailable("search is down");
  f.found = base::Result<bool>(cannot_tell);
  d = DecidePublish(f, retry);
  EXPECT_EQ(d.step, AttemptStep::kCheckLater);
  EXPECT_EQ(d.checks, 3);
  EXPECT_THAT(d.reason, HasSubstr("could not yet confirm with Net"));
  EXPECT_GE(d.run_at, kNow + retry.options().min_delay);

  cannot_tell.set_retry_after(120s);
  f.found = base::Result<bool>(cannot_tell);
  d = DecidePublish(f, retry);
  EXPECT_GE(d.run_at, kNow + 120s);

  f.checks = retry.options().max_reconcile_attempts - 1;
  d = DecidePublish(f, retry);
  EXPECT_EQ(d.step, AttemptStep::kMarkUnknown);
  EXPECT_THAT(d.reason, HasSubstr("could not confirm with Net"));

  f.checks = 0;
  f.found = base::Result<bool>(base::Unimplemented("no search"));
  EXPECT_EQ(DecidePublish(f, retry).step, AttemptStep::kMarkUnknown);
}

}  // namespace
}  // namespace herald::core
