// PostService: creating a post (schedule, publish now, draft).
#include "core/post_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "core/limits.h"
#include "core/post_service_internal.h"
#include "core/post_status.h"
#include "core/webhook_events.h"

namespace herald::core {

using base::ErrorCode;
using base::Time;
using store::PostStatus;
using store::TargetStatus;

// ---- create ----

Result<PostState> PostService::CreateSync(const base::Caller& caller,
                                          const CreatePostRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kEditor));
  const Time now = clock_.Now();
  const std::string& operation = request.operation;
  if (request.idempotency_key.size() > limits::kMaxIdempotencyKeyLength &&
      limits::TextLength(request.idempotency_key) > limits::kMaxIdempotencyKeyLength) {
    return FieldError("idempotency_key", "at most " +
                                             std::to_string(limits::kMaxIdempotencyKeyLength) +
                                             " characters");
  }
  // The request's fingerprint: a repeated key must come with the same arguments.
  Json canonical = Json{{"tool", operation},
                        {"accounts", request.accounts},
                        {"content", request.content.ToJson()},
                        {"publish_at", request.publish_at},
                        {"timezone", request.time_zone}};
  const std::string request_hash = base::Sha256Hex(base::DumpJson(canonical));
  auto replay = [&](const store::IdempotencyRecord& record) -> Result<PostState> {
    if (record.tool != operation || record.request_hash != request_hash) {
      return base::AlreadyExists(
          "idempotency_key " + Quote(request.idempotency_key) +
          " was already used in the last 24 hours for a different request (" + record.tool +
          " with other arguments); repeat the original arguments to get its result, or use a "
          "new key for a new post");
    }
    return PostStateFromSnapshot(record.response);
  };
  if (!request.idempotency_key.empty()) {
    HERALD_ASSIGN_OR_RETURN(auto existing, store::ReadValue<std::optional<store::IdempotencyRecord>>(
                                               store_, [&](store::Tx& tx) {
                                                 return tx.GetIdempotency(
                                                     caller.org_id, request.idempotency_key, now);
                                               }));
    if (existing) return replay(*existing);  // even if publish_at has passed meanwhile
  }

  HERALD_RETURN_IF_ERROR(CheckShape(request.accounts, request.content));

  std::optional<Time> publish_at;
  switch (request.mode) {
    case CreateMode::kSchedule: {
      if (request.resolved_publish_at) {
        if (*request.resolved_publish_at < now) {
          return FieldError("publish_at", "the chosen time has passed; ask again");
        }
        publish_at = request.resolved_publish_at;
        break;
      }
      HERALD_ASSIGN_OR_RETURN(publish_at, ResolvePublishAt(request.publish_at, request.time_zone,
                                                           /*required=*/true, now));
      break;
    }
    case CreateMode::kDraft: {
      HERALD_ASSIGN_OR_RETURN(publish_at, ResolvePublishAt(request.publish_at, request.time_zone,
                                                           /*required=*/false, now));
      break;
    }
    case CreateMode::kPublishNow: {
      HERALD_RETURN_IF_ERROR(ResolvePublishAt("", request.time_zone, false, now));
      publish_at = now;
      break;
    }
  }

  // Accounts, media and each network's rules, checked before anything is written.
  HERALD_ASSIGN_OR_RETURN(Checked checked, store::ReadValue<Checked>(store_, [&](store::Tx& tx) {
                            return CheckContent(tx, caller, request.accounts, request.content,
                                                /*for_validate_tool=*/false, nullptr);
                          }));

  // An editor's post to be sent waits for an approver when the organization requires it.
  bool gated = false;
  if (request.mode != CreateMode::kDraft) {
    HERALD_ASSIGN_OR_RETURN(gated, store::ReadValue<bool>(store_, [&](store::Tx& tx) {
                              return NeedsApproval(tx, caller);
                            }));
  }

  store::Post post;
  post.id = base::NewId(base::kPostPrefix, now);
  post.org_id = caller.org_id;
  post.status = request.mode == CreateMode::kDraft ? PostStatus::kDraft
                : gated                            ? PostStatus::kPendingApproval
                                                   : PostStatus::kScheduled;
  post.publish_at = publish_at;
  post.time_zone = request.time_zone;
  post.content = request.content.ToJson();
  post.created_by = caller.key_id;
  post.created_at = now;
  post.updated_at = now;
  std::vector<store::PostTarget> targets;
  for (const auto& t : checked.targets) targets.push_back(NewTarget(post, t.account, now));
  PostState created{post, targets};

  std::optional<store::IdempotencyRecord> replayed;
  auto written = store_.WriteBatched([&](store::Tx& tx) -> Result<void> {
    if (!request.idempotency_key.empty()) {
      HERALD_ASSIGN_OR_RETURN(auto existing,
                              tx.GetIdempotency(caller.org_id, request.idempotency_key, now));
      if (existing) {
        replayed = std::move(existing);
        return base::Ok();
      }
    }
    HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
    HERALD_RETURN_IF_ERROR(tx.InsertTargets(targets));  // one statement where the backend can
    for (const auto& id : request.content.AllMediaIds()) {  // in use: not removed as unused
      HERALD_RETURN_IF_ERROR(tx.UpdateMediaUse(caller.org_id, id, std::nullopt, now));
    }
    if (post.status == PostStatus::kScheduled) {
      std::vector<store::Job> jobs;
      jobs.reserve(targets.size());
      for (const auto& t : targets) jobs.push_back(NewPublishJob(t, *post.publish_at, now));
      HERALD_RETURN_IF_ERROR(tx.InsertJobs(jobs));
      HERALD_RETURN_IF_ERROR(EmitPostEvent(tx, post, now));
    } else if (post.status == PostStatus::kPendingApproval) {
      HERALD_RETURN_IF_ERROR(
          RequestApproval(tx, caller, post, request.mode == CreateMode::kPublishNow, now));
    }
    if (!request.idempotency_key.empty()) {
      store::IdempotencyRecord record;
      record.org_id = caller.org_id;
      record.key = request.idempotency_key;
      record.tool = operation;
      record.request_hash = request_hash;
      record.response = PostSnapshotJson(created);
      record.created_at = now;
      record.expires_at = now + options_.idempotency_ttl;
      HERALD_RETURN_IF_ERROR(tx.InsertIdempotency(record));
    }
    Audit(tx, caller, "post.create", post.id,
          Json{{"tool", operation}, {"targets", targets.size()}}, now);
    return base::Ok();
  });
  if (!written.ok()) {
    // A concurrent call with the same key committed first: answer as a repeat.
    if (written.error().code() == ErrorCode::kAlreadyExists && !request.idempotency_key.empty()) {
      HERALD_ASSIGN_OR_RETURN(auto existing,
                              store::ReadValue<std::optional<store::IdempotencyRecord>>(
                                  store_, [&](store::Tx& tx) {
                                    return tx.GetIdempotency(caller.org_id,
                                                             request.idempotency_key, now);
                                  }));
      if (existing) return replay(*existing);
    }
    return std::move(written).error();
  }
  if (replayed) return replay(*replayed);
  return created;
}

}  // namespace herald::core
