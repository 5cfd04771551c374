// PublishWorker: delete jobs. delete_post marks a published target `deleting` and enqueues a
// delete job for it; the worker claims it with a lease like a publish job, runs DecideDelete
// (attempt_decision.h) and applies its steps: count the attempt (lease-fenced), ask the network
// to delete, then record `deleted` (the target is also cancelled), a retry at the policy's time
// (transient and unclear answers: deleting twice is harmless, and a post already gone counts as
// deleted), or `delete_failed` with the reason. A lost lease is taken over by the next claimer,
// which simply asks again.
#include "core/publish_worker.h"

// GCC 12 false positive in large coroutines (see publish_worker.cpp).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

#include "base/time.h"
#include "core/post_status.h"
#include "core/publish_worker_attempt.h"
#include "core/webhook_events.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using base::Time;
using store::DeletionStatus;
using store::TargetStatus;

// Deletion attempts so far, kept in the target's remote_state beside herald's other keys.
constexpr std::string_view kDeleteAttemptsKey = "herald_delete_attempts";

int DeleteAttemptsOf(const store::PostTarget& t) {
  auto it = t.remote_state.find(kDeleteAttemptsKey);
  return (it != t.remote_state.end() && it->is_number_integer()) ? it->get<int>() : 0;
}

}  // namespace

Task<void> PublishWorker::ProcessDelete(Attempt& a) {
  AttemptFacts f = FactsOf(a);
  f.target_attempts = a.loaded.ok() ? DeleteAttemptsOf(a.target) : 0;
  std::optional<platforms::AccountContext> account;
  for (;;) {
    f.now = clock_.Now();
    const AttemptDecision d = DecideDelete(f, retry_);
    if (d.account_not_before) SetAccountNotBefore(a.account.id, *d.account_not_before);
    if (co_await Gather(a, d.step, f, account)) continue;
    switch (d.step) {
      case AttemptStep::kTakeRateSlot:
      case AttemptStep::kOpenCredentials:
        break;  // gathered above
      case AttemptStep::kSend: {
        auto marked = co_await MarkDeleting(a);
        if (!marked.ok()) {
          if (marked.error().code() == ErrorCode::kAborted) {
            std::lock_guard lock(mu_);
            ++stats_.lease_lost;
          } else {
            spdlog::warn("delete job {}: could not count the attempt ({}); not sent", a.job.id,
                         marked.error().ToLogString());
          }
          co_return;  // nothing was sent; the lease decides who goes next
        }
        f.target_attempts = DeleteAttemptsOf(a.target);
        platforms::PublishReceipt receipt;
        receipt.external_id = a.target.external_id;
        receipt.url = a.target.url;
        receipt.remote_state = a.target.remote_state;
        f.sent = co_await DeleteWithTimeout(*a.platform, std::move(*account), std::move(receipt));
        break;
      }
      case AttemptStep::kFinishJob:
        co_await FinishJob(a);
        co_return;
      case AttemptStep::kPostpone:
        co_await Postpone(a, d.run_at, "");
        co_return;
      case AttemptStep::kRecordDeleted:
        co_await RecordDeleted(a);
        co_return;
      case AttemptStep::kRetry:
        co_await RecordDeleteRetry(a, d);
        co_return;
      case AttemptStep::kFail:
        co_await RecordDeleteFailed(a, d.reason, d.needs_reauth);
        co_return;
      case AttemptStep::kFind:
      case AttemptStep::kRecordPublished:
      case AttemptStep::kCheckLater:
      case AttemptStep::kMarkUnknown:
        spdlog::error("delete job {}: a publish decision ({}); left to its lease", a.job.id,
                      AttemptStepName(d.step));
        co_return;
    }
  }
}

Task<Result<void>> PublishWorker::DeleteWithTimeout(platforms::Platform& platform,
                                                    platforms::AccountContext account,
                                                    platforms::PublishReceipt receipt) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(options_.publish_timeout).count();
  return worker_internal::WithTimeout(
      platform.Delete(std::move(account), std::move(receipt)), options_.publish_timeout,
      base::Unknown("no answer within " + std::to_string(seconds) +
                    " s; the post may or may not have been deleted"));
}

Task<Result<void>> PublishWorker::MarkDeleting(Attempt& a) {
  store::PostTarget marked;
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_RETURN_IF_ERROR(tx.ExtendLease(a.job.id, options_.owner, now + options_.lease_for));
    HERALD_ASSIGN_OR_RETURN(marked, tx.GetTarget(a.job.org_id, a.target.id));
    if (marked.deletion != DeletionStatus::kDeleting) {
      return base::Aborted("the deletion ended meanwhile");
    }
    if (!marked.remote_state.is_object()) marked.remote_state = base::Json::object();
    marked.remote_state[std::string(kDeleteAttemptsKey)] = DeleteAttemptsOf(marked) + 1;
    marked.updated_at = now;
    return tx.UpdateTarget(marked);
  });
  if (r.ok()) a.target = std::move(marked);
  co_return r;
}

Task<void> PublishWorker::RecordDeleted(Attempt& a) {
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_RETURN_IF_ERROR(tx.CompleteJob(a.job.id, options_.owner, now));
    HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(a.job.org_id, a.target.id));
    t.status = TargetStatus::kCancelled;
    t.deletion = DeletionStatus::kDeleted;
    t.deletion_error.clear();
    if (!t.remote_state.is_object()) t.remote_state = base::Json::object();
    t.remote_state["herald_deleted_at"] = base::FormatRfc3339(now);
    t.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
    HERALD_RETURN_IF_ERROR(EmitTargetEvent(tx, t, now));
    HERALD_RETURN_IF_ERROR(RollUpPost(tx, a.job.org_id, t.post_id, now));
    return base::Ok();
  });
  if (r.ok()) {
    std::lock_guard lock(mu_);
    ++stats_.deleted;
  } else if (r.error().code() == ErrorCode::kAborted) {
    std::lock_guard lock(mu_);
    ++stats_.lease_lost;  // the new holder asks again and learns it is gone
  } else {
    spdlog::warn("delete job {}: deleted but could not record it: {}", a.job.id,
                 r.error().ToLogString());
  }
}

Task<void> PublishWorker::RecordDeleteRetry(Attempt& a, const AttemptDecision& d) {
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(
        tx.RescheduleJob(a.job.id, options_.owner, d.run_at, d.reason, clock_.Now()));
    HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(a.job.org_id, a.target.id));
    t.deletion_error = d.reason;  // still deleting; the last transient answer
    t.updated_at = clock_.Now();
    return tx.UpdateTarget(t);
  });
  if (r.ok()) {
    std::lock_guard lock(mu_);
    ++stats_.retried;
  } else if (r.error().code() == ErrorCode::kAborted) {
    std::lock_guard lock(mu_);
    ++stats_.lease_lost;
  } else {
    spdlog::warn("delete job {}: could not reschedule: {}", a.job.id, r.error().ToLogString());
  }
}

Task<void> PublishWorker::RecordDeleteFailed(Attempt& a, const std::string& reason,
                                             bool needs_reauth) {
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_RETURN_IF_ERROR(tx.FailJob(a.job.id, options_.owner, reason, now));
    auto fresh = tx.GetTarget(a.job.org_id, a.job.target_id);
    if (!fresh.ok()) {
      return fresh.error().code() == ErrorCode::kNotFound ? base::Ok()
                                                          : base::Result<void>(fresh.error());
    }
    store::PostTarget t = std::move(*fresh);
    t.deletion = DeletionStatus::kFailed;
    t.deletion_error = reason;
    t.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
    if (needs_reauth) {
      HERALD_RETURN_IF_ERROR(
          worker_internal::MarkNeedsReauth(tx, a.job.org_id, t.account_id, reason, now));
    }
    return base::Ok();
  });
  if (r.ok()) {
    std::lock_guard lock(mu_);
    ++stats_.delete_failed;
  } else if (r.error().code() == ErrorCode::kAborted) {
    std::lock_guard lock(mu_);
    ++stats_.lease_lost;
  } else {
    spdlog::warn("delete job {}: could not record a failure: {}", a.job.id,
                 r.error().ToLogString());
  }
}

}  // namespace herald::core
