#include "core/webhook_events.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/time.h"

namespace herald::core {

using base::Json;

bool IsWebhookEventType(std::string_view type) {
  return std::find(kWebhookEventTypes.begin(), kWebhookEventTypes.end(), type) !=
         kWebhookEventTypes.end();
}

Result<void> EmitWebhookEvent(store::Tx& tx, std::string_view org_id, std::string_view type,
                              Json data, base::Time now) {
  HERALD_ASSIGN_OR_RETURN(auto hooks, tx.ListWebhooks(org_id));
  if (hooks.empty()) return base::Ok();
  const std::string event_id = base::NewId(base::kEventPrefix, now);
  Json body{{"type", type}, {"timestamp", base::FormatRfc3339(now)}, {"data", std::move(data)}};
  std::vector<store::WebhookDelivery> out;
  for (const auto& hook : hooks) {
    if (!hook.events.empty() &&
        std::find(hook.events.begin(), hook.events.end(), type) == hook.events.end()) {
      continue;
    }
    store::WebhookDelivery d;
    d.id = base::NewId(base::kDeliveryPrefix, now);
    d.webhook_id = hook.id;
    d.org_id = std::string(org_id);
    d.event_id = event_id;
    d.event_type = std::string(type);
    d.payload = body;
    d.next_attempt_at = now;
    d.created_at = now;
    d.updated_at = now;
    out.push_back(std::move(d));
  }
  if (out.empty()) return base::Ok();
  return tx.InsertWebhookDeliveries(out);
}

std::string_view PostStatusEvent(store::PostStatus status) {
  switch (status) {
    case store::PostStatus::kScheduled: return "post.scheduled";
    case store::PostStatus::kPublished: return "post.published";
    case store::PostStatus::kPartiallyPublished: return "post.partially_published";
    case store::PostStatus::kFailed: return "post.failed";
    case store::PostStatus::kCancelled: return "post.cancelled";
    case store::PostStatus::kPendingApproval: return "post.approval_requested";
    case store::PostStatus::kDraft:
    case store::PostStatus::kPublishing: return "";
  }
  return "";
}

std::string_view TargetStatusEvent(store::TargetStatus status) {
  switch (status) {
    case store::TargetStatus::kPublished: return "target.published";
    case store::TargetStatus::kFailed: return "target.failed";
    case store::TargetStatus::kUnknown: return "target.unknown";
    case store::TargetStatus::kCancelled: return "target.cancelled";
    case store::TargetStatus::kQueued:
    case store::TargetStatus::kPublishing: return "";
  }
  return "";
}

Result<void> EmitTargetEvent(store::Tx& tx, const store::PostTarget& t, base::Time now) {
  std::string_view type = TargetStatusEvent(t.status);
  if (type.empty()) return base::Ok();
  Json data{{"post_id", t.post_id},   {"target_id", t.id},
            {"account_id", t.account_id}, {"platform", t.platform},
            {"status", store::TargetStatusName(t.status)}};
  if (!t.url.empty()) data["url"] = t.url;
  if (!t.external_id.empty()) data["external_id"] = t.external_id;
  if (!t.last_error.empty()) data["reason"] = t.last_error;
  return EmitWebhookEvent(tx, t.org_id, type, std::move(data), now);
}

Result<void> EmitPostEvent(store::Tx& tx, const store::Post& post, base::Time now) {
  std::string_view type = PostStatusEvent(post.status);
  if (type.empty()) return base::Ok();
  Json data{{"post_id", post.id}, {"status", store::PostStatusName(post.status)}};
  data["publish_at"] = post.publish_at ? Json(base::FormatRfc3339(*post.publish_at)) : Json();
  return EmitWebhookEvent(tx, post.org_id, type, std::move(data), now);
}

}  // namespace herald::core
