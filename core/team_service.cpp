#include "core/team_service.h"

#include <charconv>
#include <utility>

#include "base/ids.h"
#include "base/time.h"
#include "core/limits.h"
#include "core/post_service_internal.h"
#include "core/webhook_events.h"

namespace herald::core {

using base::Time;

namespace {

constexpr int kMaxAuditPage = 500;
constexpr int kPruneBatch = 5'000;

Result<base::Role> RoleField(const std::string& role) {
  auto parsed = base::ParseRole(role);
  if (!parsed.ok()) return FieldError("role", parsed.error().message());
  return parsed;
}

}  // namespace

TeamService::TeamService(store::Store& store, KeyService& keys, const base::Clock& clock,
                         base::asio::thread_pool& blocking)
    : store_(store), keys_(keys), clock_(clock), blocking_(blocking) {}

Result<store::OrganizationSettings> TeamService::GetSettingsSync(const base::Caller& caller) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  return store::ReadValue<store::OrganizationSettings>(
      store_, [&](store::Tx& tx) { return tx.GetOrganizationSettings(caller.org_id); });
}

Result<store::OrganizationSettings> TeamService::UpdateSettingsSync(const base::Caller& caller,
                                                                    const SettingsUpdate& update) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  return store::WriteValue<store::OrganizationSettings>(
      store_, [&](store::Tx& tx) -> Result<store::OrganizationSettings> {
        const Time now = clock_.Now();
        HERALD_ASSIGN_OR_RETURN(auto settings, tx.GetOrganizationSettings(caller.org_id));
        Json changed = Json::object();
        if (update.require_approval && *update.require_approval != settings.require_approval) {
          settings.require_approval = *update.require_approval;
          changed["require_approval"] = settings.require_approval;
        }
        if (changed.empty()) return settings;
        settings.updated_at = now;
        HERALD_RETURN_IF_ERROR(tx.PutOrganizationSettings(settings));
        Audit(tx, caller, "organization.update_settings", caller.org_id, std::move(changed), now);
        return settings;
      });
}

Result<CreatedKey> TeamService::CreateKeySync(const base::Caller& caller, const std::string& name,
                                              const std::string& role) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  if (IsBlank(name) || name.size() > 100) {
    return FieldError("name", "1 to 100 characters, not only spaces");
  }
  HERALD_ASSIGN_OR_RETURN(base::Role parsed, RoleField(role));
  return keys_.Create(caller.org_id, name, parsed, caller.actor());
}

Result<std::vector<store::ApiKey>> TeamService::ListKeysSync(const base::Caller& caller) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  return keys_.List(caller.org_id);
}

Result<store::ApiKey> TeamService::VisibleKey(const base::Caller& caller,
                                              const std::string& key_id) {
  if (!base::IsValidId(key_id, base::kKeyPrefix)) {
    return FieldError("key_id", Quote(key_id) + " is not a key id (key_...)");
  }
  auto key = store::ReadValue<store::ApiKey>(store_,
                                             [&](store::Tx& tx) { return tx.GetApiKey(key_id); });
  if ((!key.ok() && key.error().code() == base::ErrorCode::kNotFound) ||
      (key.ok() && key->org_id != caller.org_id)) {
    return base::NotFound("no API key " + Quote(key_id) + " (list_api_keys shows your keys)");
  }
  return key;
}

Result<store::ApiKey> TeamService::RevokeKeySync(const base::Caller& caller,
                                                 const std::string& key_id) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  HERALD_ASSIGN_OR_RETURN(store::ApiKey key, VisibleKey(caller, key_id));
  if (key.id == caller.key_id) {
    return base::FailedPrecondition(
        "this is the key you are using; revoke it with another admin key");
  }
  if (key.revoked_at) return key;  // already revoked: nothing to do
  HERALD_RETURN_IF_ERROR(keys_.Revoke(caller.org_id, key.id, caller.actor()));
  key.revoked_at = clock_.Now();
  return key;
}

Result<store::ApiKey> TeamService::SetKeyRoleSync(const base::Caller& caller,
                                                  const std::string& key_id,
                                                  const std::string& role) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  HERALD_ASSIGN_OR_RETURN(base::Role parsed, RoleField(role));
  HERALD_ASSIGN_OR_RETURN(store::ApiKey key, VisibleKey(caller, key_id));
  if (key.id == caller.key_id) {
    return base::FailedPrecondition(
        "this is the key you are using; change its role with another admin key");
  }
  return keys_.SetRole(caller.org_id, key.id, parsed, caller.actor());
}

Result<AuditPage> TeamService::ListAuditSync(const base::Caller& caller,
                                             const AuditRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  store::AuditQuery query;
  query.org_id = caller.org_id;
  if (!request.from.empty()) {
    auto t = base::ParseRfc3339(request.from);
    if (!t.ok()) return FieldError("from", t.error().message());
    query.from = *t;
  }
  if (!request.to.empty()) {
    auto t = base::ParseRfc3339(request.to);
    if (!t.ok()) return FieldError("to", t.error().message());
    query.to = *t;
  }
  if (query.from && query.to && *query.to <= *query.from) {
    return FieldError("to", "must be after from");
  }
  if (request.limit < 1 || request.limit > kMaxAuditPage) {
    return FieldError("limit", "must be 1 to " + std::to_string(kMaxAuditPage));
  }
  if (!request.cursor.empty()) {
    int64_t before = 0;
    const std::string& c = request.cursor;
    auto [p, ec] = std::from_chars(c.data(), c.data() + c.size(), before);
    if (ec != std::errc() || p != c.data() + c.size() || before <= 0) {
      return FieldError("cursor", "not a cursor from a previous page's next_cursor");
    }
    query.before_id = before;
  }
  query.subject = request.object;
  query.actor = request.key;
  query.limit = request.limit + 1;  // one more tells whether there is a next page
  HERALD_ASSIGN_OR_RETURN(auto events, store::ReadValue<std::vector<store::AuditEntry>>(
                                           store_, [&](store::Tx& tx) {
                                             return tx.ListAuditEvents(query);
                                           }));
  AuditPage page;
  if (static_cast<int>(events.size()) > request.limit) {
    events.resize(request.limit);
    page.next_cursor = std::to_string(events.back().id);
  }
  page.events = std::move(events);
  return page;
}

Result<int> TeamService::WarnExpiringTokens(std::chrono::hours ahead) {
  const Time now = clock_.Now();
  HERALD_ASSIGN_OR_RETURN(auto orgs, store::ReadValue<std::vector<store::Organization>>(
                                         store_, [](store::Tx& tx) { return tx.ListOrganizations(); }));
  int warned = 0;
  for (const auto& org : orgs) {
    Result<void> written = store_.Write([&](store::Tx& tx) -> Result<void> {
      // Several herald processes run this pass: one at a time per organization, so the
      // "warned already?" check below sees the other's warning.
      HERALD_RETURN_IF_ERROR(tx.LockOrganization(org.id));
      HERALD_ASSIGN_OR_RETURN(auto accounts, tx.ListAccounts(org.id));
      for (const auto& a : accounts) {
        if (a.status != store::AccountStatus::kActive || a.token_refreshable ||
            !a.token_expires_at || *a.token_expires_at > now + ahead ||
            *a.token_expires_at <= now) {
          continue;
        }
        // Once per expiry: a warning recorded since this expiry came into view counts.
        store::AuditQuery seen;
        seen.org_id = org.id;
        seen.subject = a.id;
        seen.actor = "system";
        seen.from = *a.token_expires_at - ahead;
        seen.limit = 50;
        HERALD_ASSIGN_OR_RETURN(auto entries, tx.ListAuditEvents(seen));
        bool already = false;
        for (const auto& e : entries) already = already || e.action == "account.token_expiring";
        if (already) continue;
        Json data{{"account_id", a.id},
                  {"platform", a.platform},
                  {"handle", a.handle},
                  {"expires_at", base::FormatRfc3339(*a.token_expires_at)}};
        HERALD_RETURN_IF_ERROR(EmitWebhookEvent(tx, org.id, "account.token_expiring", data, now));
        store::AuditEntry entry;
        entry.org_id = org.id;
        entry.actor = "system";
        entry.action = "account.token_expiring";
        entry.subject = a.id;
        entry.detail = std::move(data);
        entry.at = now;
        HERALD_RETURN_IF_ERROR(tx.AppendAudit(entry));
        ++warned;
      }
      return base::Ok();
    });
    if (!written.ok()) return std::move(written).error();
  }
  return warned;
}

Result<int> TeamService::PruneAudit(std::chrono::hours retention) {
  const Time cutoff = clock_.Now() - retention;
  int total = 0;
  for (;;) {
    HERALD_ASSIGN_OR_RETURN(int n, store::WriteValue<int>(store_, [&](store::Tx& tx) {
                              return tx.DeleteAuditBefore(cutoff, kPruneBatch);
                            }));
    total += n;
    if (n < kPruneBatch) return total;
  }
}

Task<Result<store::OrganizationSettings>> TeamService::UpdateSettings(base::Caller caller,
                                                                      SettingsUpdate update) {
  co_return co_await base::RunBlocking(blocking_,
                                       [&] { return UpdateSettingsSync(caller, update); });
}
Task<Result<CreatedKey>> TeamService::CreateKey(base::Caller caller, std::string name,
                                                std::string role) {
  co_return co_await base::RunBlocking(blocking_,
                                       [&] { return CreateKeySync(caller, name, role); });
}
Task<Result<std::vector<store::ApiKey>>> TeamService::ListKeys(base::Caller caller) {
  co_return co_await base::RunBlocking(blocking_, [&] { return ListKeysSync(caller); });
}
Task<Result<store::ApiKey>> TeamService::RevokeKey(base::Caller caller, std::string key_id) {
  co_return co_await base::RunBlocking(blocking_, [&] { return RevokeKeySync(caller, key_id); });
}
Task<Result<store::ApiKey>> TeamService::SetKeyRole(base::Caller caller, std::string key_id,
                                                    std::string role) {
  co_return co_await base::RunBlocking(blocking_,
                                       [&] { return SetKeyRoleSync(caller, key_id, role); });
}
Task<Result<AuditPage>> TeamService::ListAudit(base::Caller caller, AuditRequest request) {
  co_return co_await base::RunBlocking(blocking_,
                                       [&] { return ListAuditSync(caller, request); });
}

}  // namespace herald::core
