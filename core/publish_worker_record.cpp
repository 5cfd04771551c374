// PublishWorker, recording: each outcome of an attempt written with the job's fate in one
// transaction fenced by the lease (see the exactly-once notes at the top of publish_worker.cpp).
#include <spdlog/spdlog.h>

#include <utility>

#include "base/time.h"
#include "core/account_service_internal.h"
#include "core/analytics_plan.h"
#include "core/post_status.h"
#include "core/publish_worker.h"
#include "core/publish_worker_attempt.h"
#include "core/webhook_events.h"

// GCC 12 at -O2 reports a false "mismatched new/delete" for Asio's awaitable frame operator
// delete in large coroutines (GCC bug 109224); the frame is allocated and freed by Asio's own
// matching operators.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace herald::core {

namespace worker_internal {

base::Json MergeRemoteState(const base::Json& old, const base::Json& fresh) {
  base::Json out = fresh.is_object() ? fresh : base::Json::object();
  if (old.is_object()) {
    for (const auto& [k, v] : old.items()) {
      if (k.rfind("herald_", 0) == 0 && !out.contains(k)) out[k] = v;
    }
  }
  return out;
}

}  // namespace worker_internal

using base::ErrorCode;
using base::Time;
using store::TargetStatus;
using worker_internal::kChecksKey;
using worker_internal::MergeRemoteState;

Task<Result<void>> PublishWorker::Commit(std::function<Result<void>(store::Tx&)> fn) {
  Result<void> r = base::Ok();
  for (int i = 0; i <= options_.store_retries; ++i) {
    r = co_await base::RunBlocking(blocking_, [&] { return store_.WriteBatched(fn); });
    if (r.ok() || r.error().code() != ErrorCode::kUnavailable) break;
  }
  co_return r;
}

Task<Result<void>> PublishWorker::MarkPublishing(Attempt& a) {
  store::PostTarget marked;
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_RETURN_IF_ERROR(tx.ExtendLease(a.job.id, options_.owner, now + options_.lease_for));
    HERALD_ASSIGN_OR_RETURN(marked, tx.GetTarget(a.job.org_id, a.target.id));
    if (IsSettled(marked.status)) return base::Aborted("the target was settled meanwhile");
    marked.status = TargetStatus::kPublishing;
    marked.attempts += 1;
    marked.updated_at = now;  // the attempt's start: reconciliation waits publish_timeout
    marked.next_attempt_at.reset();
    HERALD_RETURN_IF_ERROR(tx.UpdateTarget(marked));
    if (a.post.status != store::PostStatus::kPublishing &&
        a.post.status != store::PostStatus::kDraft) {
      // A target publishing makes the post publishing whatever the others are (RollUpStatus).
      HERALD_RETURN_IF_ERROR(
          tx.SetPostStatus(a.job.org_id, a.post.id, store::PostStatus::kPublishing, now));
    }
    return base::Ok();
  });
  if (r.ok()) a.target = std::move(marked);
  co_return r;
}

Task<void> PublishWorker::RecordPublished(Attempt& a, const platforms::PublishReceipt& receipt) {
  // What the analytics keep of the target (core/analytics_plan.h).
  const std::string_view text =
      a.content.parts.empty() ? std::string_view() : std::string_view(a.content.parts[0].text);
  const bool measurable = a.platform != nullptr && a.platform->Info().features.post_metrics;
  auto apply = [&](store::PostTarget& t, Time now) {
    t.status = TargetStatus::kPublished;
    t.external_id = receipt.external_id;
    t.url = receipt.url;
    t.remote_state = MergeRemoteState(
        t.remote_state, receipt.remote_state.is_object() && !receipt.remote_state.empty()
                            ? receipt.remote_state
                            : t.remote_state);
    t.remote_state.erase(std::string(kChecksKey));
    t.remote_state.erase(std::string(worker_internal::kWaitingKey));
    t.published_at = now;
    t.last_error.clear();
    t.next_attempt_at.reset();
    t.updated_at = now;
  };
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_RETURN_IF_ERROR(tx.CompleteJob(a.job.id, options_.owner, now));
    HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(a.job.org_id, a.target.id));
    apply(t, now);
    HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
    HERALD_RETURN_IF_ERROR(EmitTargetEvent(tx, t, now));
    HERALD_RETURN_IF_ERROR(PlanPublishedTarget(tx, t, text, measurable));
    HERALD_RETURN_IF_ERROR(RollUpPost(tx, a.job.org_id, a.post.id, now));
    return base::Ok();
  });
  if (r.ok()) {
    std::lock_guard lock(mu_);
    ++stats_.published;
    co_return;
  }
  if (r.error().code() != ErrorCode::kAborted) {
    spdlog::error("job {}: published on {} as {} but could not record it: {}", a.job.id,
                  a.target.platform, receipt.external_id, r.error().ToLogString());
    co_return;
  }
  // The lease was lost while the post went through. Record the fact without touching the job;
  // the new holder reconciles to the same answer.
  {
    std::lock_guard lock(mu_);
    ++stats_.lease_lost;
  }
  auto late = co_await Commit([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(a.job.org_id, a.target.id));
    if (t.status != TargetStatus::kPublishing && t.status != TargetStatus::kUnknown) {
      return base::Ok();
    }
    apply(t, now);
    HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
    HERALD_RETURN_IF_ERROR(EmitTargetEvent(tx, t, now));
    HERALD_RETURN_IF_ERROR(PlanPublishedTarget(tx, t, text, measurable));
    HERALD_RETURN_IF_ERROR(RollUpPost(tx, a.job.org_id, a.post.id, now));
    return base::Ok();
  });
  if (!late.ok())
    spdlog::warn("job {}: late success not recorded: {}", a.job.id, late.error().ToLogString());
}

Task<void> PublishWorker::RecordFailed(Attempt& a, const std::string& reason, bool needs_reauth) {
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_RETURN_IF_ERROR(tx.FailJob(a.job.id, options_.owner, reason, now));
    auto fresh = tx.GetTarget(a.job.org_id, a.job.target_id);
    if (!fresh.ok()) {
      return fresh.error().code() == ErrorCode::kNotFound ? base::Ok()
                                                          : base::Result<void>(fresh.error());
    }
    store::PostTarget t = std::move(*fresh);
    t.status = TargetStatus::kFailed;
    t.last_error = reason;
    t.next_attempt_at.reset();
    t.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
    HERALD_RETURN_IF_ERROR(EmitTargetEvent(tx, t, now));
    if (needs_reauth) {
      HERALD_RETURN_IF_ERROR(
          worker_internal::MarkNeedsReauth(tx, a.job.org_id, t.account_id, reason, now));
    }
    HERALD_RETURN_IF_ERROR(RollUpPost(tx, a.job.org_id, t.post_id, now));
    return base::Ok();
  });
  if (r.ok()) {
    std::lock_guard lock(mu_);
    ++stats_.failed;
  } else if (r.error().code() == ErrorCode::kAborted) {
    std::lock_guard lock(mu_);
    ++stats_.lease_lost;
  } else {
    spdlog::warn("job {}: could not record a failure: {}", a.job.id, r.error().ToLogString());
  }
}

namespace worker_internal {

Result<void> MarkNeedsReauth(store::Tx& tx, std::string_view org_id, std::string_view account_id,
                             const std::string& reason, Time now) {
  auto account = tx.GetAccount(org_id, account_id);
  if (!account.ok() || account->status != store::AccountStatus::kActive) return base::Ok();
  account->status = store::AccountStatus::kNeedsReauth;
  account->last_error = account_internal::Clip(reason);
  account->updated_at = now;
  HERALD_RETURN_IF_ERROR(tx.UpdateAccount(*account));
  return account_internal::AnnounceNeedsReauth(tx, *account, now);
}

}  // namespace worker_internal

Task<void> PublishWorker::RecordUnknown(Attempt& a, std::string reason) {
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_RETURN_IF_ERROR(tx.FailJob(a.job.id, options_.owner, reason, now));
    HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(a.job.org_id, a.target.id));
    if (t.status == TargetStatus::kPublished) return base::Ok();  // a late success won
    t.status = TargetStatus::kUnknown;
    t.last_error = reason;
    t.next_attempt_at.reset();
    t.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
    HERALD_RETURN_IF_ERROR(EmitTargetEvent(tx, t, now));
    HERALD_RETURN_IF_ERROR(RollUpPost(tx, a.job.org_id, t.post_id, now));
    return base::Ok();
  });
  if (r.ok()) {
    std::lock_guard lock(mu_);
    ++stats_.unknown;
  } else if (r.error().code() == ErrorCode::kAborted) {
    std::lock_guard lock(mu_);
    ++stats_.lease_lost;
  } else {
    spdlog::warn("job {}: could not record an unknown outcome: {}", a.job.id,
                 r.error().ToLogString());
  }
}

Task<void> PublishWorker::RecordRetry(Attempt& a, const AttemptDecision& d) {
  const Time run_at = d.run_at;
  const std::string& reason = d.reason;
  const bool back_to_queued = d.back_to_queued;
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(
        tx.RescheduleJob(a.job.id, options_.owner, run_at, reason, clock_.Now()));
    HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(a.job.org_id, a.target.id));
    if (back_to_queued) t.status = TargetStatus::kQueued;
    if (d.quota_wait && t.attempts > 0) t.attempts -= 1;  // a quota wait is not a failure
    t.last_error = reason;
    t.next_attempt_at = run_at;
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
    spdlog::warn("job {}: could not reschedule: {}", a.job.id, r.error().ToLogString());
  }
}

Task<void> PublishWorker::RecordCheckLater(Attempt& a, const AttemptDecision& d) {
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(
        tx.RescheduleJob(a.job.id, options_.owner, d.run_at, d.reason, clock_.Now()));
    HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(a.job.org_id, a.target.id));
    t.remote_state[std::string(kChecksKey)] = d.checks;
    t.last_error = d.reason;
    t.next_attempt_at = d.run_at;
    t.updated_at = clock_.Now();
    return tx.UpdateTarget(t);
  });
  if (!r.ok()) spdlog::warn("job {}: {}", a.job.id, r.error().ToLogString());
}

Task<void> PublishWorker::Postpone(Attempt& a, Time run_at, std::string reason, bool hold_account) {
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(
        tx.RescheduleJob(a.job.id, options_.owner, run_at, reason, clock_.Now()));
    if (hold_account) {
      HERALD_ASSIGN_OR_RETURN(int held,
                              tx.DeferAccountPublishJobs(a.account.id, run_at, clock_.Now()));
      (void)held;
    }
    if (a.target.id.empty() || a.job.kind != store::JobKind::kPublish) return base::Ok();
    auto t = tx.GetTarget(a.job.org_id, a.target.id);
    if (!t.ok()) return base::Ok();
    t->next_attempt_at = run_at;
    if (!t->remote_state.is_object()) t->remote_state = base::Json::object();
    if (reason.empty()) {
      t->remote_state.erase(std::string(worker_internal::kWaitingKey));
    } else {
      t->remote_state[std::string(worker_internal::kWaitingKey)] = {
          {"reason", reason}, {"until", base::FormatRfc3339(run_at)}};
    }
    return tx.UpdateTarget(*t);
  });
  if (!r.ok() && r.error().code() != ErrorCode::kAborted) {
    spdlog::warn("job {}: could not postpone: {}", a.job.id, r.error().ToLogString());
  }
}

Task<void> PublishWorker::FinishJob(Attempt& a) {
  auto r = co_await Commit([&](store::Tx& tx) -> Result<void> {
    return tx.CompleteJob(a.job.id, options_.owner, clock_.Now());
  });
  if (!r.ok() && r.error().code() != ErrorCode::kAborted) {
    spdlog::warn("job {}: could not complete: {}", a.job.id, r.error().ToLogString());
  }
}

}  // namespace herald::core
