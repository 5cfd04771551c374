// PostService: approving and rejecting posts that wait for approval (require_approval).
#include <utility>

#include "base/time.h"
#include "core/post_service.h"
#include "core/post_service_internal.h"
#include "core/webhook_events.h"

namespace herald::core {

using base::Time;
using store::PostStatus;
using store::TargetStatus;

namespace {

constexpr size_t kMaxNoteLength = 2000;

base::Error NotPending(const store::Post& post) {
  return base::FailedPrecondition("post " + Quote(post.id) + " is " +
                                  std::string(store::PostStatusName(post.status)) +
                                  ", not pending_approval; only a post waiting for approval can "
                                  "be approved or rejected (list_posts with status "
                                  "\"pending_approval\" shows them)");
}

// The approval record of `post`, or a fresh pending one for a post that has none.
Result<store::PostApproval> ApprovalOf(store::Tx& tx, const store::Post& post) {
  auto found = tx.GetPostApproval(post.org_id, post.id);
  if (found.ok() || found.error().code() != base::ErrorCode::kNotFound) return found;
  store::PostApproval fresh;
  fresh.post_id = post.id;
  fresh.org_id = post.org_id;
  fresh.requested_by = post.created_by.empty() ? "local" : post.created_by;
  fresh.requested_at = post.updated_at;
  return fresh;
}

}  // namespace

Result<PostState> PostService::ApproveSync(const base::Caller& caller, const std::string& post_id,
                                           const std::string& comment) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kApprover));
  if (comment.size() > kMaxNoteLength) {
    return FieldError("comment", "at most " + std::to_string(kMaxNoteLength) + " bytes");
  }
  PostState out;
  auto r = store_.Write([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
    HERALD_ASSIGN_OR_RETURN(post, tx.LockPost(caller.org_id, post.id));
    if (post.status != PostStatus::kPendingApproval) return NotPending(post);
    HERALD_ASSIGN_OR_RETURN(store::PostApproval approval, ApprovalOf(tx, post));
    Time run_at = approval.immediate || !post.publish_at ? now : *post.publish_at;
    if (!approval.immediate && post.publish_at && *post.publish_at < now - options_.past_grace) {
      return base::FailedPrecondition(
          "post " + Quote(post.id) + " was to be published at " +
          base::FormatRfc3339(*post.publish_at) +
          ", which passed while it waited for approval; it was not published. Set a new time "
          "with reschedule_post (it stays pending_approval), then approve it");
    }
    if (run_at < now) run_at = now;
    HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
    std::vector<store::Job> jobs;
    for (auto& t : targets) {
      if (t.status != TargetStatus::kQueued) continue;
      t.next_attempt_at = run_at;
      t.updated_at = now;
      HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
      jobs.push_back(NewPublishJob(t, run_at, now));
    }
    HERALD_RETURN_IF_ERROR(tx.InsertJobs(jobs));
    post.status = PostStatus::kScheduled;
    post.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.SetPostStatus(caller.org_id, post.id, post.status, now));
    approval.state = store::ApprovalState::kApproved;
    approval.decided_by = caller.actor();
    approval.decided_at = now;
    approval.note = comment;
    HERALD_RETURN_IF_ERROR(tx.PutPostApproval(approval));
    Audit(tx, caller, "post.approve", post.id, Json{{"comment", comment}}, now);
    HERALD_RETURN_IF_ERROR(EmitWebhookEvent(
        tx, post.org_id, "post.approved",
        Json{{"post_id", post.id}, {"approved_by", caller.actor()}, {"comment", comment}}, now));
    HERALD_RETURN_IF_ERROR(EmitPostEvent(tx, post, now));  // post.scheduled
    HERALD_ASSIGN_OR_RETURN(auto stored, tx.ListTargets(caller.org_id, post.id));
    out = PostState{std::move(post), std::move(stored)};
    out.approval = std::move(approval);
    return base::Ok();
  });
  if (!r.ok()) return std::move(r).error();
  return out;
}

Result<PostState> PostService::RejectSync(const base::Caller& caller, const std::string& post_id,
                                          const std::string& reason) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kApprover));
  if (IsBlank(reason)) {
    return FieldError("reason", "required: say what the author should change");
  }
  if (reason.size() > kMaxNoteLength) {
    return FieldError("reason", "at most " + std::to_string(kMaxNoteLength) + " bytes");
  }
  PostState out;
  auto r = store_.Write([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
    HERALD_ASSIGN_OR_RETURN(post, tx.LockPost(caller.org_id, post.id));
    if (post.status != PostStatus::kPendingApproval) return NotPending(post);
    HERALD_ASSIGN_OR_RETURN(store::PostApproval approval, ApprovalOf(tx, post));
    post.status = PostStatus::kDraft;
    post.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.SetPostStatus(caller.org_id, post.id, post.status, now));
    // A draft is not due: its targets lose the time they were to be sent at.
    HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
    for (store::PostTarget& t : targets) {
      if (!t.next_attempt_at) continue;
      t.next_attempt_at.reset();
      t.updated_at = now;
      HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
    }
    approval.state = store::ApprovalState::kRejected;
    approval.decided_by = caller.actor();
    approval.decided_at = now;
    approval.note = reason;
    HERALD_RETURN_IF_ERROR(tx.PutPostApproval(approval));
    Audit(tx, caller, "post.reject", post.id, Json{{"reason", reason}}, now);
    HERALD_RETURN_IF_ERROR(EmitWebhookEvent(
        tx, post.org_id, "post.rejected",
        Json{{"post_id", post.id}, {"rejected_by", caller.actor()}, {"reason", reason}}, now));
    HERALD_ASSIGN_OR_RETURN(auto stored, tx.ListTargets(caller.org_id, post.id));
    out = PostState{std::move(post), std::move(stored)};
    out.approval = std::move(approval);
    return base::Ok();
  });
  if (!r.ok()) return std::move(r).error();
  return out;
}

Task<Result<PostState>> PostService::Approve(base::Caller caller, std::string post_id,
                                             std::string comment) {
  co_return co_await base::RunBlocking(blocking_,
                                       [&] { return ApproveSync(caller, post_id, comment); });
}

Task<Result<PostState>> PostService::Reject(base::Caller caller, std::string post_id,
                                            std::string reason) {
  co_return co_await base::RunBlocking(blocking_,
                                       [&] { return RejectSync(caller, post_id, reason); });
}

}  // namespace herald::core
