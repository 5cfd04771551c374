#include "core/post_service_internal.h"

#include <algorithm>
#include <utility>

#include "base/crypto.h"
#include "base/ids.h"
#include "core/webhook_events.h"

namespace herald::core {

using base::ErrorCode;
using base::Time;
using store::PostStatus;
using store::TargetStatus;

base::Error FieldError(std::string_view field, std::string message) {
  return base::InvalidArgument(std::string(field) + ": " + std::move(message));
}

std::string Quote(std::string_view s) {
  return "'" + std::string(s.substr(0, 80)) + (s.size() > 80 ? "…'" : "'");
}

Result<void> RequireRole(const base::Caller& caller, base::Role need) {
  if (base::RoleAllows(caller.role, need)) return base::Ok();
  return base::PermissionDenied("this needs the " + std::string(base::RoleName(need)) +
                                " role; the API key has the " +
                                std::string(base::RoleName(caller.role)) + " role");
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
}

// The same "not found" for a post that does not exist and one of another organization.
base::Error PostNotFound(std::string_view id) {
  return base::NotFound("no post " + Quote(id) + " (list_posts shows your posts)");
}

Result<store::Post> GetVisiblePost(store::Tx& tx, const base::Caller& caller, std::string_view id) {
  if (!base::IsValidId(id, base::kPostPrefix)) {
    return FieldError("post_id", Quote(id) + " is not a post id (post_...)");
  }
  auto post = tx.GetPost(caller.org_id, id);
  if (!post.ok() && post.error().code() == ErrorCode::kNotFound) return PostNotFound(id);
  return post;
}

Result<bool> NeedsApproval(store::Tx& tx, const base::Caller& caller) {
  if (base::RoleAllows(caller.role, base::Role::kApprover)) return false;
  HERALD_ASSIGN_OR_RETURN(auto settings, tx.GetOrganizationSettings(caller.org_id));
  return settings.require_approval;
}

Result<void> RequestApproval(store::Tx& tx, const base::Caller& caller, const store::Post& post,
                             bool immediate, Time now) {
  store::PostApproval approval;
  approval.post_id = post.id;
  approval.org_id = post.org_id;
  approval.state = store::ApprovalState::kPending;
  approval.immediate = immediate;
  approval.requested_by = caller.actor();
  approval.requested_at = now;
  HERALD_RETURN_IF_ERROR(tx.PutPostApproval(approval));
  Audit(tx, caller, "post.approval_request", post.id, Json{{"immediate", immediate}}, now);
  return EmitPostEvent(tx, post, now);
}

// The publish job of a target that is still waiting, if any (the newest first).
Result<std::vector<store::Job>> PublishJobs(store::Tx& tx, std::string_view target_id) {
  HERALD_ASSIGN_OR_RETURN(auto jobs, tx.ListJobsForTarget(target_id));
  std::vector<store::Job> out;
  for (auto& j : jobs) {
    if (j.kind == store::JobKind::kPublish) out.push_back(std::move(j));
  }
  return out;
}

base::Error BusyError(std::string_view post_id) {
  return base::FailedPrecondition(
      "post " + Quote(post_id) +
      " is being published right now, so it can no longer be changed; get_post shows the "
      "outcome");
}

store::Job NewPublishJob(const store::PostTarget& target, Time run_at, Time now) {
  store::Job job;
  job.id = base::NewId(base::kJobPrefix, now);
  job.org_id = target.org_id;
  job.kind = store::JobKind::kPublish;
  job.target_id = target.id;
  job.account_id = target.account_id;
  job.run_at = run_at;
  job.state = store::JobState::kQueued;
  job.payload = Json{{"post_id", target.post_id}};
  job.created_at = now;
  job.updated_at = now;
  return job;
}

store::PostTarget NewTarget(const store::Post& post, const store::Account& account, Time now) {
  store::PostTarget t;
  t.id = base::NewId(base::kTargetPrefix, now);
  t.post_id = post.id;
  t.org_id = post.org_id;
  t.account_id = account.id;
  t.platform = account.platform;
  t.status = TargetStatus::kQueued;
  // The stable identity every attempt reuses (Idempotency-Key, record key, nonce): 128 random
  // bits in hex, accepted by every network's key syntax.
  t.idempotency_key = base::HexEncode(base::RandomBytes(16));
  if (post.status != PostStatus::kDraft) t.next_attempt_at = post.publish_at;
  t.created_at = now;
  t.updated_at = now;
  return t;
}

// Where media id `id` is first referenced, for error messages ("thread[1].media[0]").
std::string MediaField(const PostContent& content, std::string_view id) {
  for (size_t i = 0; i < content.media.size(); ++i) {
    if (content.media[i] == id) return "media[" + std::to_string(i) + "]";
  }
  for (size_t p = 0; p < content.thread.size(); ++p) {
    const auto& m = content.thread[p].media;
    for (size_t i = 0; i < m.size(); ++i) {
      if (m[i] == id) return "thread[" + std::to_string(p) + "].media[" + std::to_string(i) + "]";
    }
  }
  for (const auto& [account_id, o] : content.overrides) {
    if (!o.media) continue;
    for (size_t i = 0; i < o.media->size(); ++i) {
      if ((*o.media)[i] == id) {
        return "overrides." + account_id + ".media[" + std::to_string(i) + "]";
      }
    }
  }
  return "media";
}

// Maps an adapter's violation field (about the parts it was given) onto the request's fields.
std::string RequestField(std::string_view field, const PostContent& content,
                         std::string_view account_id) {
  bool overridden = content.overrides.count(account_id) > 0;
  auto override_of = [&](std::string_view what) -> bool {
    auto it = content.overrides.find(account_id);
    if (it == content.overrides.end()) return false;
    return what == "text" ? it->second.text.has_value() : it->second.media.has_value();
  };
  if (overridden && (field == "text" || field.rfind("text", 0) == 0) && override_of("text")) {
    return "overrides." + std::string(account_id) + "." + std::string(field);
  }
  if (overridden && field.rfind("media", 0) == 0 && override_of("media")) {
    return "overrides." + std::string(account_id) + "." + std::string(field);
  }
  return std::string(field);
}

std::string AccountLabel(const store::Account& account, const std::string& platform_name,
                         size_t index) {
  std::string label = platform_name + " account";
  if (!account.handle.empty()) label += " " + account.handle;
  return label + " (accounts[" + std::to_string(index) + "])";
}

TargetOutcome OutcomeFor(const store::PostTarget& target) {
  TargetOutcome out;
  out.target_id = target.id;
  out.account_id = target.account_id;
  out.platform = target.platform;
  out.status = target.status;
  return out;
}

}  // namespace herald::core
