#include "tools/team_views.h"

#include <utility>

#include "base/time.h"
#include "tools/post_views.h"

namespace herald::tools {

Json KeyView(const store::ApiKey& key) {
  return Json{{"key_id", key.id},
              {"name", key.name},
              {"role", base::RoleName(key.role)},
              {"prefix", key.prefix},
              {"created_at", TimeJson(key.created_at)},
              {"last_used_at", TimeJson(key.last_used_at)},
              {"revoked_at", TimeJson(key.revoked_at)}};
}

Json SettingsView(const store::OrganizationSettings& settings) {
  return Json{{"organization_id", settings.org_id},
              {"require_approval", settings.require_approval}};
}

Json AuditPageView(const core::AuditPage& page) {
  Json events = Json::array();
  for (const auto& e : page.events) {
    events.push_back(Json{{"id", e.id},
                          {"at", TimeJson(e.at)},
                          {"key", e.actor},
                          {"action", e.action},
                          {"object", e.subject},
                          {"detail", e.detail.is_object() ? e.detail : Json::object()}});
  }
  return Json{{"events", std::move(events)},
              {"next_cursor", page.next_cursor.empty() ? Json() : Json(page.next_cursor)}};
}

Json WebhookView(const store::Webhook& webhook) {
  return Json{{"webhook_id", webhook.id},
              {"url", webhook.url},
              {"events", webhook.events},
              {"created_at", TimeJson(webhook.created_at)}};
}

Json DeliveryView(const store::WebhookDelivery& d) {
  Json out{{"delivery_id", d.id},
           {"webhook_id", d.webhook_id},
           {"event_id", d.event_id},
           {"event_type", d.event_type},
           {"state", store::DeliveryStateName(d.state)},
           {"attempts", d.attempts},
           {"last_status", d.last_status},
           {"last_response", d.last_response},
           {"created_at", TimeJson(d.created_at)},
           {"updated_at", TimeJson(d.updated_at)}};
  out["next_attempt_at"] =
      d.state == store::DeliveryState::kPending ? TimeJson(d.next_attempt_at) : Json();
  return out;
}

}  // namespace herald::tools
