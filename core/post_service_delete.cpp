// PostService: deleting a post: cancels what was not sent and queues a delete job for each
// published target (PublishWorker deletes it from the network).
#include "core/post_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/ids.h"
#include "base/time.h"
#include "core/platform_name.h"
#include "core/post_service_internal.h"
#include "core/post_status.h"
#include "core/webhook_events.h"

namespace herald::core {

using base::ErrorCode;
using base::Time;
using store::PostStatus;
using store::TargetStatus;

// ---- delete ----

Task<Result<PostOutcome>> PostService::Delete(base::Caller caller, std::string post_id) {
  HERALD_CO_RETURN_IF_ERROR(RequireRole(caller, base::Role::kEditor));
  // One transaction: cancel what has not been sent, and queue a delete job for each target on
  // a network that can delete it (the worker deletes it with a lease, retries and
  // reconciliation; get_post shows the progress). Nothing waits for a network here.
  PostOutcome out;
  auto done = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      out.targets.clear();  // a retried transaction starts over
      const Time now = clock_.Now();
      HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
      HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
      std::vector<store::Job> delete_jobs;
      for (auto& t : targets) {
        TargetOutcome report = OutcomeFor(t);
        const std::string name = PlatformName(platforms_, t.platform);
        std::string result, message;
        if (t.status == TargetStatus::kQueued) {
          HERALD_ASSIGN_OR_RETURN(auto jobs, PublishJobs(tx, t.id));
          bool busy = false;
          for (const auto& job : jobs) {
            if (job.state == store::JobState::kLeased) busy = true;
            if (job.state != store::JobState::kQueued) continue;
            auto r = tx.CancelJob(job.id, now);
            if (!r.ok() && r.error().code() != ErrorCode::kFailedPrecondition) {
              return std::move(r).error();
            }
            if (!r.ok()) busy = true;
          }
          if (busy) {
            result = "busy";
            message = "a worker is sending it right now; try delete_post again in a moment";
          } else {
            t.status = TargetStatus::kCancelled;
            t.updated_at = now;
            HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
            HERALD_RETURN_IF_ERROR(EmitTargetEvent(tx, t, now));
            result = "cancelled";
            message = "had not been published; cancelled";
          }
        } else if (t.status == TargetStatus::kPublishing) {
          result = "busy";
          message = "it is being sent or confirmed right now; try delete_post again in a moment";
        } else if (t.status == TargetStatus::kPublished &&
                   t.deletion == store::DeletionStatus::kDeleting) {
          result = "deleting";
          message = "already being deleted from " + name + "; get_post shows the progress";
        } else if (t.status == TargetStatus::kPublished) {
          platforms::Platform* platform = platforms_.Find(t.platform);
          if (platform == nullptr || !platform->Info().features.delete_posts) {
            result = "not_supported";
            message = name + " does not let herald delete posts; it stays published";
          } else if (!tx.GetAccount(caller.org_id, t.account_id).ok()) {
            result = "failed";
            message = "the account is no longer connected; delete it on " + name;
          } else {
            t.deletion = store::DeletionStatus::kDeleting;
            t.deletion_error.clear();
            t.updated_at = now;
            HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
            store::Job job = NewPublishJob(t, now, now);
            job.kind = store::JobKind::kDelete;
            delete_jobs.push_back(std::move(job));
            result = "deleting";
            message = "queued for deletion from " + name + "; get_post shows the progress";
          }
        } else if (t.status == TargetStatus::kUnknown) {
          result = "unknown";
          message = "herald does not know whether it was published, so it cannot delete it; "
                    "remove it on the network if it is there";
        } else if (t.deletion == store::DeletionStatus::kDeleted) {
          result = "deleted";
          message = "already deleted from " + name;
        } else {
          result = "not_published";
          message = "was not published; nothing to delete";
        }
        report.result = std::move(result);
        report.message = std::move(message);
        out.targets.push_back(std::move(report));
      }
      HERALD_RETURN_IF_ERROR(tx.InsertJobs(delete_jobs));
      if (post.status == PostStatus::kDraft || post.status == PostStatus::kPendingApproval) {
        post.status = PostStatus::kCancelled;
        post.updated_at = now;
        HERALD_RETURN_IF_ERROR(tx.UpdatePost(post));
        HERALD_RETURN_IF_ERROR(EmitPostEvent(tx, post, now));
      } else {
        HERALD_ASSIGN_OR_RETURN(post, RollUpPost(tx, caller.org_id, post.id, now));
      }
      Audit(tx, caller, "post.delete", post.id, Json::object(), now);
      out.post_id = post.id;
      out.status = post.status;
      return base::Ok();
    });
  });
  HERALD_CO_RETURN_IF_ERROR(done);
  co_return out;
}

}  // namespace herald::core
