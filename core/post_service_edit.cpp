// PostService: editing, rescheduling, cancelling and retrying a post.
#include "core/post_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "core/post_service_internal.h"
#include "core/post_status.h"
#include "core/webhook_events.h"

namespace herald::core {

using base::ErrorCode;
using base::Time;
using store::PostStatus;
using store::TargetStatus;

// ---- edit ----

Result<void> PostService::EditInTx(store::Tx& tx, const base::Caller& caller,
                                   const UpdatePostRequest& request, bool schedule_draft,
                                   PostState& out) {
  const Time now = clock_.Now();
  HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, request.post_id));
  // Locked, as approve and reject lock it: an edit racing a decision waits for it.
  HERALD_ASSIGN_OR_RETURN(post, tx.LockPost(caller.org_id, post.id));
  HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
  bool editable = post.status == PostStatus::kDraft || post.status == PostStatus::kScheduled ||
                  post.status == PostStatus::kPendingApproval;
  for (const auto& t : targets) {
    if (t.status != TargetStatus::kQueued || t.attempts > 0) editable = false;
  }
  if (!editable) {
    std::string hint = post.status == PostStatus::kCancelled
                           ? "; create a new post instead"
                           : "; use delete_post to remove what was published and create a new "
                             "post, or cancel_post to stop what has not been sent";
    return base::FailedPrecondition("post " + Quote(post.id) + " is " +
                                    std::string(store::PostStatusName(post.status)) +
                                    ", so it can no longer be edited" + hint);
  }

  HERALD_ASSIGN_OR_RETURN(PostContent content, PostContent::FromJson(post.content));
  if (request.text) content.text = *request.text;
  if (request.media) content.media = *request.media;
  if (request.thread) content.thread = *request.thread;
  if (request.overrides) content.overrides = *request.overrides;
  if (request.platform_options) content.platform_options = *request.platform_options;
  if (request.fit) {
    HERALD_ASSIGN_OR_RETURN(content.fit, ParseMediaFit(*request.fit));
  }
  std::vector<std::string> accounts;
  if (request.accounts) {
    accounts = *request.accounts;
  } else {
    for (const auto& t : targets) accounts.push_back(t.account_id);
  }
  // Overrides for accounts the edit removes go with them.
  if (request.accounts && !request.overrides) {
    for (auto it = content.overrides.begin(); it != content.overrides.end();) {
      bool kept = std::find(accounts.begin(), accounts.end(), it->first) != accounts.end();
      it = kept ? std::next(it) : content.overrides.erase(it);
    }
  }
  HERALD_RETURN_IF_ERROR(CheckShape(accounts, content));

  const bool becomes_scheduled = schedule_draft && post.status == PostStatus::kDraft;
  const bool was_pending = post.status == PostStatus::kPendingApproval;
  // Under require_approval, an editor's change to a post that is to be sent (approved or not)
  // makes it wait for an approver again: its jobs are cancelled, none are queued.
  HERALD_ASSIGN_OR_RETURN(const bool gated, NeedsApproval(tx, caller));
  const bool to_pending =
      was_pending || (gated && (post.status == PostStatus::kScheduled || becomes_scheduled));
  const bool scheduled = post.status == PostStatus::kScheduled || becomes_scheduled || was_pending;
  std::string time_zone = request.time_zone ? *request.time_zone : post.time_zone;
  std::optional<Time> publish_at = post.publish_at;
  if (request.publish_at) {
    HERALD_ASSIGN_OR_RETURN(publish_at,
                            ResolvePublishAt(*request.publish_at, time_zone, scheduled, now));
  } else if (request.time_zone && *request.time_zone != post.time_zone && post.publish_at) {
    // A new zone alone keeps the wall-clock time: 09:00 Paris becomes 09:00 New York.
    std::string old_zone = post.time_zone.empty() ? "UTC" : post.time_zone;
    HERALD_ASSIGN_OR_RETURN(std::string local, base::FormatInTimeZone(*post.publish_at, old_zone));
    size_t cut = local.find_last_of("Z+-");
    HERALD_ASSIGN_OR_RETURN(publish_at, ResolvePublishAt(local.substr(0, cut), time_zone,
                                                         scheduled, now));
  } else {
    HERALD_RETURN_IF_ERROR(ResolvePublishAt("", time_zone, false, now));
  }
  if (scheduled && !publish_at) {
    HERALD_RETURN_IF_ERROR(ResolvePublishAt("", time_zone, /*required=*/true, now));
  }

  HERALD_ASSIGN_OR_RETURN(Checked checked, CheckContent(tx, caller, accounts, content,
                                                        /*for_validate_tool=*/false, nullptr));

  // Targets: removed accounts go (their jobs cancelled first: fails if a worker holds one),
  // kept ones get the new time (SetJobRunAt also fails if a worker holds the job), new ones
  // come with their jobs.
  std::map<std::string, store::PostTarget, std::less<>> existing;
  for (auto& t : targets) existing.emplace(t.account_id, std::move(t));
  for (auto& [account_id, t] : existing) {
    bool kept = std::find(accounts.begin(), accounts.end(), account_id) != accounts.end();
    HERALD_ASSIGN_OR_RETURN(auto jobs, PublishJobs(tx, t.id));
    for (const auto& job : jobs) {
      if (job.state == store::JobState::kLeased) return BusyError(post.id);
      if (job.state != store::JobState::kQueued) continue;
      auto r = kept && !to_pending ? tx.SetJobRunAt(job.id, *publish_at, now)
                                   : tx.CancelJob(job.id, now);
      if (!r.ok()) {
        if (r.error().code() == ErrorCode::kFailedPrecondition) return BusyError(post.id);
        return std::move(r).error();
      }
    }
    if (!kept) {
      HERALD_RETURN_IF_ERROR(tx.DeleteTarget(caller.org_id, t.id));
      continue;
    }
    if (becomes_scheduled && !to_pending) {
      HERALD_RETURN_IF_ERROR(tx.InsertJob(NewPublishJob(t, *publish_at, now)));
    }
    t.next_attempt_at = scheduled ? publish_at : std::nullopt;
    t.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
  }
  post.content = content.ToJson();
  post.publish_at = publish_at;
  post.time_zone = time_zone;
  const PostStatus before = post.status;
  if (becomes_scheduled) post.status = PostStatus::kScheduled;
  if (to_pending) post.status = PostStatus::kPendingApproval;
  post.updated_at = now;
  for (const auto& c : checked.targets) {
    if (existing.count(c.account.id) > 0) continue;
    store::PostTarget t = NewTarget(post, c.account, now);
    HERALD_RETURN_IF_ERROR(tx.InsertTarget(t));
    if (scheduled && !to_pending) {
      HERALD_RETURN_IF_ERROR(tx.InsertJob(NewPublishJob(t, *publish_at, now)));
    }
  }
  HERALD_RETURN_IF_ERROR(tx.UpdatePost(post));
  // A pending post given a new time waits for it once approved, even if it was asked for with
  // publish_post (approval.immediate): the approval is asked for again, for that time.
  if (post.status == PostStatus::kPendingApproval &&
      (before != PostStatus::kPendingApproval || request.publish_at)) {
    HERALD_RETURN_IF_ERROR(RequestApproval(tx, caller, post, /*immediate=*/false, now));
  } else if (becomes_scheduled || (post.status == PostStatus::kScheduled && request.publish_at)) {
    HERALD_RETURN_IF_ERROR(EmitPostEvent(tx, post, now));  // queued for (a new) time
  }
  for (const auto& id : content.AllMediaIds()) {  // in use: not removed as unused
    HERALD_RETURN_IF_ERROR(tx.UpdateMediaUse(caller.org_id, id, std::nullopt, now));
  }
  Audit(tx, caller, schedule_draft ? "post.reschedule" : "post.update", post.id, Json::object(),
        now);
  HERALD_ASSIGN_OR_RETURN(auto stored, tx.ListTargets(caller.org_id, post.id));
  out = PostState{std::move(post), std::move(stored)};
  return base::Ok();
}

Result<PostState> PostService::UpdateSync(const base::Caller& caller,
                                          const UpdatePostRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kEditor));
  PostState out;
  Result<void> tx_result = store_.Write([&](store::Tx& tx) {
    return EditInTx(tx, caller, request, /*schedule_draft=*/false, out);
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  return out;
}

Result<PostState> PostService::RescheduleSync(const base::Caller& caller,
                                              const std::string& post_id,
                                              const std::string& publish_at,
                                              const std::string& time_zone) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kEditor));
  UpdatePostRequest request;
  request.post_id = post_id;
  request.publish_at = publish_at;
  if (!time_zone.empty()) request.time_zone = time_zone;
  if (publish_at.empty()) {
    return FieldError("publish_at", "required; use cancel_post to stop a post instead");
  }
  PostState out;
  Result<void> tx_result = store_.Write([&](store::Tx& tx) {
    return EditInTx(tx, caller, request, /*schedule_draft=*/true, out);
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  return out;
}

// ---- cancel, retry ----

Result<PostOutcome> PostService::CancelSync(const base::Caller& caller,
                                            const std::string& post_id) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kEditor));
  PostOutcome out;
  Result<void> tx_result = store_.Write([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
    HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
    std::vector<TargetOutcome> reports;
    for (auto& t : targets) {
      TargetOutcome report = OutcomeFor(t);
      bool stopped = false;
      std::string message;
      switch (t.status) {
        case TargetStatus::kQueued: {
          HERALD_ASSIGN_OR_RETURN(auto jobs, PublishJobs(tx, t.id));
          bool busy = false;
          for (const auto& job : jobs) {
            if (job.state == store::JobState::kLeased) busy = true;
            if (job.state != store::JobState::kQueued) continue;
            auto r = tx.CancelJob(job.id, now);
            if (!r.ok()) {
              if (r.error().code() != ErrorCode::kFailedPrecondition) return std::move(r).error();
              busy = true;
            }
          }
          if (busy) {
            message = "a worker is sending it right now; it could not be stopped";
          } else {
            t.status = TargetStatus::kCancelled;
            t.next_attempt_at.reset();
            t.updated_at = now;
            HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
            HERALD_RETURN_IF_ERROR(EmitTargetEvent(tx, t, now));
            stopped = true;
            message = "cancelled";
          }
          break;
        }
        case TargetStatus::kPublishing:
          message =
              "it was already sent (or is being sent), and herald is confirming the outcome with "
              "the network; it could not be stopped";
          break;
        case TargetStatus::kPublished:
          message = "already published; delete_post removes it from the network";
          break;
        case TargetStatus::kFailed: {
          t.status = TargetStatus::kCancelled;
          t.updated_at = now;
          HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
          HERALD_RETURN_IF_ERROR(EmitTargetEvent(tx, t, now));
          stopped = true;
          message = "had failed; now cancelled (it will not be retried)";
          break;
        }
        case TargetStatus::kUnknown:
          message = "its outcome is unknown (it may be on the network); left as it is";
          break;
        case TargetStatus::kCancelled:
          stopped = true;
          message = "already cancelled";
          break;
      }
      report.status = t.status;
      report.done = stopped;
      report.message = std::move(message);
      reports.push_back(std::move(report));
    }
    if (post.status == PostStatus::kDraft || post.status == PostStatus::kPendingApproval) {
      post.status = PostStatus::kCancelled;
      post.updated_at = now;
      HERALD_RETURN_IF_ERROR(tx.UpdatePost(post));
      HERALD_RETURN_IF_ERROR(EmitPostEvent(tx, post, now));
    } else {
      HERALD_ASSIGN_OR_RETURN(post, RollUpPost(tx, caller.org_id, post.id, now));
    }
    Audit(tx, caller, "post.cancel", post.id, Json::object(), now);
    out = PostOutcome{post.id, post.status, std::move(reports)};
    return base::Ok();
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  return out;
}

Result<PostOutcome> PostService::RetrySync(const base::Caller& caller, const std::string& post_id,
                                           bool include_unknown) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kEditor));
  PostOutcome out;
  Result<void> tx_result = store_.Write([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
    if (post.status == PostStatus::kDraft) {
      return base::FailedPrecondition("post " + Quote(post.id) +
                                      " is a draft; schedule it with reschedule_post");
    }
    if (post.status == PostStatus::kPendingApproval) {
      return base::FailedPrecondition("post " + Quote(post.id) +
                                      " is waiting for approval; an approver approves it with "
                                      "approve_post");
    }
    HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
    std::vector<TargetOutcome> reports;
    int requeued = 0, unknown_left = 0;
    for (auto& t : targets) {
      TargetOutcome report = OutcomeFor(t);
      bool retry = t.status == TargetStatus::kFailed ||
                   (include_unknown && t.status == TargetStatus::kUnknown);
      std::string message;
      if (retry) {
        message = t.status == TargetStatus::kUnknown
                      ? "queued again on request; it may appear twice if the earlier attempt "
                        "was in fact published"
                      : "queued again";
        t.status = TargetStatus::kQueued;
        t.attempts = 0;
        t.last_error.clear();
        t.next_attempt_at = now;
        t.updated_at = now;
        HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
        HERALD_RETURN_IF_ERROR(tx.InsertJob(NewPublishJob(t, now, now)));
        ++requeued;
      } else {
        if (t.status == TargetStatus::kUnknown) ++unknown_left;
        message = t.status == TargetStatus::kUnknown
                      ? "outcome unknown; not retried (pass include_unknown=true to send again)"
                      : "not failed; nothing to retry";
      }
      report.status = t.status;
      report.done = retry;
      report.message = std::move(message);
      reports.push_back(std::move(report));
    }
    if (requeued == 0) {
      std::string why = unknown_left > 0
                            ? std::to_string(unknown_left) +
                                  " target(s) have an unknown outcome; pass include_unknown=true "
                                  "to send them again (this may post twice)"
                            : "no target has failed";
      return base::FailedPrecondition("nothing to retry for post " + Quote(post.id) + ": " + why);
    }
    HERALD_ASSIGN_OR_RETURN(post, RollUpPost(tx, caller.org_id, post.id, now));
    Audit(tx, caller, "post.retry", post.id, Json{{"include_unknown", include_unknown}}, now);
    out = PostOutcome{post.id, post.status, std::move(reports)};
    return base::Ok();
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  return out;
}

}  // namespace herald::core
