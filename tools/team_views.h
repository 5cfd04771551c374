// What the team tools (keys, settings, audit log, webhooks) show: JSON views of the core's
// values, matching their output schemas. Never a secret (a key's hash, a webhook's sealed
// secret); the tools that create one add it themselves, once.
#ifndef HERALD_TOOLS_TEAM_VIEWS_H_
#define HERALD_TOOLS_TEAM_VIEWS_H_

#include "base/json.h"
#include "core/team_service.h"
#include "store/model.h"

namespace herald::tools {

using base::Json;

// {key_id, name, role, prefix, created_at, last_used_at, revoked_at}
Json KeyView(const store::ApiKey& key);
// {organization_id, require_approval}
Json SettingsView(const store::OrganizationSettings& settings);
// {events: [{id, at, key, action, object, detail}], next_cursor}
Json AuditPageView(const core::AuditPage& page);
// {webhook_id, url, events, created_at}
Json WebhookView(const store::Webhook& webhook);
// {delivery_id, webhook_id, event_id, event_type, state, attempts, last_status, last_response,
//  next_attempt_at, created_at, updated_at}
Json DeliveryView(const store::WebhookDelivery& delivery);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_TEAM_VIEWS_H_
