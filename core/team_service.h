// TeamService: what an organization's admins manage besides posts and accounts: its settings
// (require_approval), its API keys (create, list, revoke, change role) and its audit log (read,
// and pruned by age in the background).
//
// Every operation is scoped to the caller's organization and needs the admin role (the local
// operator of stdio is admin); a key of another organization is reported like one that does
// not exist. Every change is recorded in the audit log with the caller's key id. Blocking
// (`...Sync`) and coroutine forms; thread-safe.
#ifndef HERALD_CORE_TEAM_SERVICE_H_
#define HERALD_CORE_TEAM_SERVICE_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/result.h"
#include "core/key_service.h"
#include "store/store.h"

namespace herald::core {

using base::Result;
using base::Task;

struct SettingsUpdate {
  std::optional<bool> require_approval;
};

struct AuditRequest {
  std::string from;     // RFC 3339; "" = none
  std::string to;       // RFC 3339; "" = none
  std::string object;   // the id acted on; "" = any
  std::string key;      // the key id that acted (or "local", "system"); "" = any
  int limit = 100;
  std::string cursor;   // from a previous page's next_cursor
};

struct AuditPage {
  std::vector<store::AuditEntry> events;
  std::string next_cursor;  // "" on the last page
};

class TeamService {
 public:
  // `blocking` runs the store work of the coroutine forms; it outlives the service.
  TeamService(store::Store& store, KeyService& keys, const base::Clock& clock,
              base::asio::thread_pool& blocking);

  // The organization's settings. Errors: kPermissionDenied below admin.
  Result<store::OrganizationSettings> GetSettingsSync(const base::Caller& caller);
  // Changes the settings given in `update` (the others stay); returns them all.
  Result<store::OrganizationSettings> UpdateSettingsSync(const base::Caller& caller,
                                                         const SettingsUpdate& update);

  // Keys of the caller's organization. CreateKey returns the key itself once. RevokeKey and
  // SetKeyRole refuse the caller's own key (kFailedPrecondition: use another admin key), so an
  // admin cannot lock the organization out by mistake. Errors: kInvalidArgument naming the
  // field; kNotFound; kPermissionDenied below admin.
  Result<CreatedKey> CreateKeySync(const base::Caller& caller, const std::string& name,
                                   const std::string& role);
  Result<std::vector<store::ApiKey>> ListKeysSync(const base::Caller& caller);
  Result<store::ApiKey> RevokeKeySync(const base::Caller& caller, const std::string& key_id);
  Result<store::ApiKey> SetKeyRoleSync(const base::Caller& caller, const std::string& key_id,
                                       const std::string& role);

  // A page of the audit log, newest first. Errors: kInvalidArgument naming the field.
  Result<AuditPage> ListAuditSync(const base::Caller& caller, const AuditRequest& request);

  // For every active account whose token cannot be renewed and expires within `ahead`, emits
  // account.token_expiring (with an audit entry by "system") once per expiry; returns how many.
  Result<int> WarnExpiringTokens(std::chrono::hours ahead);

  // Deletes audit entries older than now - `retention`, in batches; returns how many went.
  Result<int> PruneAudit(std::chrono::hours retention);

  Task<Result<store::OrganizationSettings>> UpdateSettings(base::Caller caller,
                                                           SettingsUpdate update);
  Task<Result<CreatedKey>> CreateKey(base::Caller caller, std::string name, std::string role);
  Task<Result<std::vector<store::ApiKey>>> ListKeys(base::Caller caller);
  Task<Result<store::ApiKey>> RevokeKey(base::Caller caller, std::string key_id);
  Task<Result<store::ApiKey>> SetKeyRole(base::Caller caller, std::string key_id,
                                         std::string role);
  Task<Result<AuditPage>> ListAudit(base::Caller caller, AuditRequest request);

 private:
  // The key `key_id` of the caller's organization, else kNotFound (another organization's too).
  Result<store::ApiKey> VisibleKey(const base::Caller& caller, const std::string& key_id);

  store::Store& store_;
  KeyService& keys_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_TEAM_SERVICE_H_
