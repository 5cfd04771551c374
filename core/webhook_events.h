// Webhook events: what herald tells subscribed systems, written to the delivery outbox in the
// transaction of the change (so an event exists exactly when its change committed).
//
// Every event is one JSON body {type, timestamp, data} with a stable id (msg_...), delivered to
// each webhook of the organization that subscribed to its type (or to every type) by
// WebhookDeliverer, signed per Standard Webhooks.
#ifndef HERALD_CORE_WEBHOOK_EVENTS_H_
#define HERALD_CORE_WEBHOOK_EVENTS_H_

#include <array>
#include <string_view>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "store/store.h"

namespace herald::core {

using base::Result;

// Every event type herald emits, as users subscribe to them.
inline constexpr std::array<std::string_view, 14> kWebhookEventTypes{
    "post.scheduled",          // queued for its time (created, rescheduled or approved)
    "post.approval_requested", // an editor's post waits for an approver
    "post.approved",           // with the approver's comment
    "post.rejected",           // back to draft, with the reason
    "post.published",          // every target published
    "post.partially_published",
    "post.failed",
    "post.cancelled",
    "target.published",        // with the post's URL on the network
    "target.failed",           // with the reason
    "target.unknown",          // herald cannot tell whether it was published
    "target.cancelled",
    "account.needs_reauth",    // the account must be reconnected
    "account.token_expiring",  // a token that cannot be renewed expires soon
};

// True if `type` is one of kWebhookEventTypes.
bool IsWebhookEventType(std::string_view type);

// Writes event `type` about `data` to the outbox of every webhook of `org_id` subscribed to it,
// in `tx`. Does nothing when none is. The body is {type, timestamp (RFC 3339), data}.
Result<void> EmitWebhookEvent(store::Tx& tx, std::string_view org_id, std::string_view type,
                              base::Json data, base::Time now);

// The post-level event for a post now in `status` (scheduled, published, partially_published,
// failed, cancelled, pending_approval), or "" when that status has none.
std::string_view PostStatusEvent(store::PostStatus status);
// The target-level event for a target now in `status` (published, failed, unknown,
// cancelled), or "".
std::string_view TargetStatusEvent(store::TargetStatus status);

// Emits the target's event (TargetStatusEvent of its status) with {post_id, target_id,
// account_id, platform, status, url?, reason?}.
Result<void> EmitTargetEvent(store::Tx& tx, const store::PostTarget& target, base::Time now);
// Emits the post's event (PostStatusEvent of its status) with {post_id, status, publish_at}.
Result<void> EmitPostEvent(store::Tx& tx, const store::Post& post, base::Time now);

}  // namespace herald::core

#endif  // HERALD_CORE_WEBHOOK_EVENTS_H_
