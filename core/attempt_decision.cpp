#include "core/attempt_decision.h"

#include <algorithm>

#include "base/time.h"
#include "core/post_status.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using base::Time;
using platforms::IdempotencyKind;
using store::TargetStatus;

enum class ErrorClass { kPermanent, kAuth, kTransient, kUnknown };

// The error convention of platforms/platform.h.
ErrorClass Classify(const base::Error& e) {
  switch (e.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kNotFound:
    case ErrorCode::kUnimplemented:
      return ErrorClass::kPermanent;
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated:
      return ErrorClass::kAuth;
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
      return ErrorClass::kTransient;
    default:
      // kUnknown, and anything unexpected (kInternal, kAborted, kCancelled, kAlreadyExists):
      // the request may have been applied; reconcile before sending again.
      return ErrorClass::kUnknown;
  }
}

AttemptDecision Step(AttemptStep step) {
  AttemptDecision d;
  d.step = step;
  return d;
}

AttemptDecision Postpone(Time run_at) {
  AttemptDecision d = Step(AttemptStep::kPostpone);
  d.run_at = run_at;
  return d;
}

AttemptDecision Fail(std::string reason, bool needs_reauth = false) {
  AttemptDecision d = Step(AttemptStep::kFail);
  d.reason = std::move(reason);
  d.needs_reauth = needs_reauth;
  return d;
}

// A failure with the network's name in front, as the target's last_error shows it.
AttemptDecision FailOn(const AttemptFacts& f, const std::string& message,
                       bool needs_reauth = false) {
  return Fail(f.network.empty() ? message : f.network + ": " + message, needs_reauth);
}

// A spent quota: wait until it frees up (retry_after; an hour when the network did not say),
// uncounted, back to queued (a quota refusal means nothing was posted).
AttemptDecision WaitForQuota(const AttemptFacts& f, const base::Error& error) {
  AttemptDecision d = Step(AttemptStep::kRetry);
  d.run_at = f.now + error.retry_after().value_or(std::chrono::hours(1));
  d.reason = f.network + ": " + error.message() + " (waiting until " +
             base::FormatRfc3339(d.run_at) + "; not counted as a failed attempt)";
  d.back_to_queued = true;
  d.quota_wait = true;
  return d;
}

AttemptDecision Unknown(std::string reason) {
  AttemptDecision d = Step(AttemptStep::kMarkUnknown);
  d.reason = std::move(reason);
  return d;
}

AttemptDecision Retry(const AttemptFacts& f, const base::Error& error, bool back_to_queued,
                      const RetryPolicy& retry) {
  AttemptDecision d = Step(AttemptStep::kRetry);
  d.run_at = f.now + retry.Delay(std::max(1, f.target_attempts), error);
  d.reason = f.network + ": " + error.message() + " (attempt " + std::to_string(f.target_attempts) +
             "; next at " + base::FormatRfc3339(d.run_at) + ")";
  d.back_to_queued = back_to_queued;
  return d;
}

// A load error, or a state that ends the claim before anything is asked of the network.
// Shared by publish and delete; nullopt when the claim goes on.
std::optional<AttemptDecision> DecideLoadError(const AttemptFacts& f, const RetryPolicy& retry) {
  if (!f.load_error) return std::nullopt;
  if (f.load_error->code() == ErrorCode::kNotFound && !f.target_found) {
    // The target is gone (removed by an edit before the claim): nothing to do.
    return Step(AttemptStep::kFinishJob);
  }
  if (f.load_error->code() == ErrorCode::kNotFound) {
    return Fail("the account or the media of this post no longer exists");
  }
  // The rows could not be read: try again later.
  return Postpone(f.now + retry.Backoff(std::min(f.job_attempts, 10)));
}

// The pauses, budgets and credentials every send needs, shared by publish and delete: a pause
// the network asked for or a rate slot not yet free postpones, the two gathering steps come
// first, and credentials that failed transiently postpone. nullopt when the claim goes on (the
// credentials are open, or failed for good: the caller says what that means).
std::optional<AttemptDecision> DecideBudgets(const AttemptFacts& f, const RetryPolicy& retry) {
  if (f.account_not_before) return Postpone(*f.account_not_before);
  if (f.paced_until) {
    AttemptDecision d = Postpone(*f.paced_until);
    d.reason = f.paced_reason;
    return d;
  }
  if (!f.rate_checked) return Step(AttemptStep::kTakeRateSlot);
  if (f.rate_later) return Postpone(*f.rate_later);
  if (!f.credentials) return Step(AttemptStep::kOpenCredentials);
  if (!f.credentials->ok() && Classify(f.credentials->error()) == ErrorClass::kTransient) {
    return Postpone(f.started + retry.Backoff(std::min(f.job_attempts, 10)));
  }
  return std::nullopt;
}

}  // namespace

std::string_view AttemptStepName(AttemptStep step) {
  switch (step) {
    case AttemptStep::kTakeRateSlot:
      return "take_rate_slot";
    case AttemptStep::kOpenCredentials:
      return "open_credentials";
    case AttemptStep::kFind:
      return "find";
    case AttemptStep::kSend:
      return "send";
    case AttemptStep::kFinishJob:
      return "finish_job";
    case AttemptStep::kPostpone:
      return "postpone";
    case AttemptStep::kRecordPublished:
      return "record_published";
    case AttemptStep::kRecordDeleted:
      return "record_deleted";
    case AttemptStep::kRetry:
      return "retry";
    case AttemptStep::kCheckLater:
      return "check_later";
    case AttemptStep::kFail:
      return "fail";
    case AttemptStep::kMarkUnknown:
      return "mark_unknown";
  }
  return "?";
}

AttemptDecision DecidePublish(const AttemptFacts& f, const RetryPolicy& retry) {
  if (auto d = DecideLoadError(f, retry)) return *d;
  const bool interrupted = f.target_status == TargetStatus::kPublishing;
  if (IsSettled(f.target_status)) return Step(AttemptStep::kFinishJob);  // e.g. a duplicate job

  // Before anything reaches the network: the network, the account, the budgets.
  if (!f.platform_available) {
    std::string why = "the network '" + f.network + "' is not available in this herald";
    return interrupted ? Unknown(why) : FailOn(f, why);
  }
  if (f.account_status != store::AccountStatus::kActive) {
    std::string why = "the " + f.network + " account " + f.account_name + " is " +
                      std::string(store::AccountStatusName(f.account_status)) +
                      ": reconnect it with connect_account, then use retry_post";
    if (!interrupted) return FailOn(f, why);
    return Unknown("an earlier attempt was interrupted and could not be checked because " + why);
  }
  if (auto d = DecideBudgets(f, retry)) return *d;
  if (!f.credentials->ok()) {
    const base::Error& e = f.credentials->error();
    ErrorClass cls = Classify(e);
    if (interrupted) {
      return Unknown("an earlier attempt was interrupted and could not be checked: " + e.message());
    }
    return FailOn(f, e.message(), cls == ErrorClass::kAuth);
  }

  // Resumed: an earlier attempt may have reached the network. Let it finish first if it could
  // still be in flight somewhere, then find out before sending anything.
  if (interrupted && !f.sent) {
    Time settle = f.attempt_started + f.publish_timeout + std::chrono::seconds(1);
    if (f.started < settle) return Postpone(settle);
    if (f.idempotency == IdempotencyKind::kNone) {
      return Unknown("the attempt to publish on " + f.network +
                     " was interrupted before its answer arrived, and " + f.network +
                     " offers no way to check whether it went through");
    }
    if (f.idempotency == IdempotencyKind::kReconcile) {
      if (!f.found) return Step(AttemptStep::kFind);
      if (f.found->ok() && **f.found) {
        AttemptDecision d = Step(AttemptStep::kRecordPublished);
        d.reconciled = true;
        return d;
      }
      if (!f.found->ok()) {
        const base::Error& e = f.found->error();
        int checks = f.checks + 1;
        if (e.code() == ErrorCode::kUnimplemented ||
            checks >= retry.options().max_reconcile_attempts) {
          return Unknown("could not confirm with " + f.network +
                         " whether an interrupted attempt went through (" + e.message() + ")");
        }
        base::Error later =
            base::Unavailable("could not yet confirm with " + f.network +
                              " whether an interrupted attempt went through: " + e.message());
        if (auto hint = e.retry_after()) later.set_retry_after(*hint);
        AttemptDecision d = Step(AttemptStep::kCheckLater);
        d.run_at = f.started + retry.Delay(checks, later);
        d.reason = later.message();
        d.checks = checks;
        return d;
      }
      // Certainly absent: send.
    }
    // kNative: resend with the same identity; the network deduplicates.
  }

  if (!f.sent) {
    if (!retry.MayRetry(f.target_attempts)) {
      return FailOn(f, "gave up after " + std::to_string(f.target_attempts) + " attempts");
    }
    return Step(AttemptStep::kSend);
  }

  // The answer of the send (target_attempts now counts it).
  if (f.sent->ok()) return Step(AttemptStep::kRecordPublished);
  const base::Error& error = f.sent->error();
  std::optional<Time> not_before;
  if (auto hint = error.retry_after()) not_before = f.now + *hint;
  AttemptDecision d;
  switch (Classify(error)) {
    case ErrorClass::kPermanent:
      d = FailOn(f, error.message());
      break;
    case ErrorClass::kAuth:
      d = FailOn(f, error.message(), true);
      break;
    case ErrorClass::kTransient:
      if (error.quota_wait() && error.code() == ErrorCode::kResourceExhausted) {
        d = WaitForQuota(f, error);
      } else if (retry.MayRetry(f.target_attempts)) {
        d = Retry(f, error, /*back_to_queued=*/true, retry);
      } else {
        d = FailOn(f, "gave up after " + std::to_string(f.target_attempts) +
                          " attempts; the last answer was: " + error.message());
      }
      break;
    case ErrorClass::kUnknown:
      if (f.idempotency == IdempotencyKind::kNone) {
        d = Unknown("no clear answer from " + f.network + " (" + error.message() + "), and " +
                    f.network + " offers no way to check whether the post went through");
      } else if (!retry.MayRetry(f.target_attempts)) {
        d = Unknown("no clear answer from " + f.network + " after " +
                    std::to_string(f.target_attempts) +
                    " attempts; the last was: " + error.message());
      } else {
        d = Retry(f, error, /*back_to_queued=*/false, retry);  // reconcile next time
      }
      break;
  }
  d.account_not_before = not_before;
  return d;
}

AttemptDecision DecideDelete(const AttemptFacts& f, const RetryPolicy& retry) {
  if (f.load_error) {
    if (f.load_error->code() == ErrorCode::kNotFound && !f.target_found) {
      return Step(AttemptStep::kFinishJob);  // the target is gone: nothing to delete
    }
    if (f.load_error->code() == ErrorCode::kNotFound) {
      return Fail("the account of this post no longer exists; delete the post on the network");
    }
    return Postpone(f.now + retry.Backoff(std::min(f.job_attempts, 10)));
  }
  // Only a deletion in progress is worked on (a duplicate job, or one whose deletion ended).
  if (f.deletion != store::DeletionStatus::kDeleting) return Step(AttemptStep::kFinishJob);
  const std::string cannot = "could not delete it from " + f.network + ": ";
  if (!f.platform_available) {
    return Fail(cannot + "the network '" + f.network + "' is not available in this herald");
  }
  if (!f.platform_deletes) {
    return Fail(f.network + " does not let herald delete posts; it stays published");
  }
  if (f.account_status != store::AccountStatus::kActive) {
    return Fail(cannot + "the account " + f.account_name + " is " +
                std::string(store::AccountStatusName(f.account_status)) +
                ": reconnect it with connect_account, then use delete_post again");
  }
  if (auto d = DecideBudgets(f, retry)) return *d;
  if (!f.credentials->ok()) {
    const base::Error& e = f.credentials->error();
    ErrorClass cls = Classify(e);
    return Fail("could not use the account's credentials: " + e.message(),
                cls == ErrorClass::kAuth);
  }
  if (!f.sent) {
    if (!retry.MayRetry(f.target_attempts)) {
      return Fail(cannot + "gave up after " + std::to_string(f.target_attempts) + " attempts");
    }
    return Step(AttemptStep::kSend);
  }

  // The answer (target_attempts now counts this attempt). Deleting twice is harmless, so an
  // unclear answer is retried like a transient one; a post already gone counts as deleted.
  if (f.sent->ok() || f.sent->error().code() == ErrorCode::kNotFound) {
    return Step(AttemptStep::kRecordDeleted);
  }
  const base::Error& error = f.sent->error();
  std::optional<Time> not_before;
  if (auto hint = error.retry_after()) not_before = f.now + *hint;
  AttemptDecision d;
  if (error.code() == ErrorCode::kUnimplemented) {
    d = Fail(f.network + " does not let herald delete posts; it stays published");
  } else {
    switch (Classify(error)) {
      case ErrorClass::kPermanent:
        d = Fail(cannot + error.message());
        break;
      case ErrorClass::kAuth:
        d = Fail(cannot + error.message(), true);
        break;
      case ErrorClass::kTransient:
      case ErrorClass::kUnknown:
        if (retry.MayRetry(f.target_attempts)) {
          d = Retry(f, error, /*back_to_queued=*/false, retry);
        } else {
          d = Fail(cannot + "gave up after " + std::to_string(f.target_attempts) +
                   " attempts; the last answer was: " + error.message());
        }
        break;
    }
  }
  d.account_not_before = not_before;
  return d;
}

}  // namespace herald::core
