#include "core/post_status.h"

#include "core/webhook_events.h"

namespace herald::core {

using store::PostStatus;
using store::TargetStatus;

bool IsSettled(TargetStatus status) {
  return status != TargetStatus::kQueued && status != TargetStatus::kPublishing;
}

PostStatus RollUpStatus(const std::vector<store::PostTarget>& targets) {
  int queued = 0, publishing = 0, published = 0, failed = 0, cancelled = 0, attempted = 0;
  for (const auto& t : targets) {
    switch (t.status) {
      case TargetStatus::kQueued: ++queued; break;
      case TargetStatus::kPublishing: ++publishing; break;
      case TargetStatus::kPublished: ++published; break;
      case TargetStatus::kFailed:
      case TargetStatus::kUnknown: ++failed; break;
      case TargetStatus::kCancelled: ++cancelled; break;
    }
    if (t.attempts > 0) ++attempted;
  }
  if (queued + publishing > 0) {
    return (publishing == 0 && published == 0 && failed == 0 && attempted == 0)
               ? PostStatus::kScheduled
               : PostStatus::kPublishing;
  }
  if (published == 0 && failed == 0) return PostStatus::kCancelled;
  if (failed == 0) return PostStatus::kPublished;
  if (published > 0) return PostStatus::kPartiallyPublished;
  return PostStatus::kFailed;
}

base::Result<store::Post> RollUpPost(store::Tx& tx, std::string_view org_id,
                                     std::string_view post_id, base::Time now) {
  // The row lock first: a concurrent roll-up of the same post waits, then reads our targets.
  HERALD_ASSIGN_OR_RETURN(store::Post post, tx.LockPost(org_id, post_id));
  if (post.status == PostStatus::kDraft || post.status == PostStatus::kPendingApproval) return post;
  HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(org_id, post_id));
  PostStatus status = RollUpStatus(targets);
  if (status != post.status) {
    post.status = status;
    post.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.SetPostStatus(org_id, post_id, status, now));
    HERALD_RETURN_IF_ERROR(EmitPostEvent(tx, post, now));  // in the same transaction
  }
  return post;
}

std::string UnknownExplanation(std::string_view platform_name) {
  std::string name(platform_name);
  return "herald could not confirm whether this post reached " + name +
         ": the request was sent but the answer was lost, and " + name +
         " offers no way to check. It was not sent again so that it cannot appear twice. Look "
         "at the account: if the post is missing, retry_post with include_unknown=true sends it "
         "again (it may then appear twice if it was in fact published).";
}

}  // namespace herald::core
