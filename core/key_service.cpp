#include "core/key_service.h"

#include "base/crypto.h"
#include "base/ids.h"

namespace herald::core {
namespace {

constexpr std::string_view kKeyMarker = "hk_";
constexpr size_t kPrefixLength = 12;
constexpr size_t kKeyLength = 3 + 43;

}  // namespace

KeyService::KeyService(store::Store& store, const base::Clock& clock)
    : store_(store), clock_(clock) {}

Result<store::Organization> KeyService::EnsureOrganization(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return base::InvalidArgument("organization name must be 1 to 64 characters");
  }
  return store::WriteValue<store::Organization>(store_, [&](store::Tx& tx)
                                                    -> Result<store::Organization> {
    auto found = tx.GetOrganizationByName(name);
    if (found.ok() || found.error().code() != base::ErrorCode::kNotFound) return found;
    store::Organization org;
    org.id = base::NewId(base::kOrgPrefix, clock_.Now());
    org.name = std::string(name);
    org.created_at = clock_.Now();
    HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
    return org;
  });
}

Result<store::Organization> KeyService::FindOrganization(std::string_view name) {
  return store::ReadValue<store::Organization>(
      store_, [&](store::Tx& tx) { return tx.GetOrganizationByName(name); });
}

Result<CreatedKey> KeyService::Create(std::string_view org_id, std::string_view name,
                                      base::Role role, std::string_view actor) {
  if (name.empty() || name.size() > 100) {
    return base::InvalidArgument("key name must be 1 to 100 characters");
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    CreatedKey out;
    out.secret = std::string(kKeyMarker) + base::RandomToken();
    out.key.id = base::NewId(base::kKeyPrefix, clock_.Now());
    out.key.org_id = std::string(org_id);
    out.key.name = std::string(name);
    out.key.role = role;
    out.key.prefix = out.secret.substr(0, kPrefixLength);
    out.key.hash = base::Sha256Hex(out.secret);
    out.key.created_at = clock_.Now();
    auto r = store_.Write([&](store::Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.GetOrganization(org_id));
      HERALD_RETURN_IF_ERROR(tx.InsertApiKey(out.key));
      store::AuditEntry audit;
      audit.org_id = std::string(org_id);
      audit.actor = std::string(actor);
      audit.action = "key.create";
      audit.subject = out.key.id;
      audit.detail = {{"name", out.key.name}, {"role", base::RoleName(role)}};
      audit.at = clock_.Now();
      return tx.AppendAudit(audit);
    });
    if (r.ok()) return out;
    // A prefix collision (54 random bits) is astronomically rare; try a fresh key.
    if (r.error().code() != base::ErrorCode::kAlreadyExists) return std::move(r).error();
  }
  return base::Internal("could not allocate a unique API key prefix");
}

Result<std::vector<store::ApiKey>> KeyService::List(std::string_view org_id) {
  return store::ReadValue<std::vector<store::ApiKey>>(
      store_, [&](store::Tx& tx) { return tx.ListApiKeys(org_id); });
}

Result<void> KeyService::Revoke(std::string_view org_id, std::string_view id,
                               std::string_view actor) {
  auto r = store_.Write([&](store::Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(store::ApiKey key, tx.GetApiKey(id));
    if (!org_id.empty() && key.org_id != org_id) {
      return base::NotFound("no API key with id '" + std::string(id) + "'");
    }
    HERALD_RETURN_IF_ERROR(tx.RevokeApiKey(id, clock_.Now()));
    store::AuditEntry audit;
    audit.org_id = key.org_id;
    audit.actor = std::string(actor);
    audit.action = "key.revoke";
    audit.subject = key.id;
    audit.at = clock_.Now();
    return tx.AppendAudit(audit);
  });
  if (r.ok()) Forget(id);
  return r;
}

Result<base::Caller> KeyService::Verify(std::string_view presented) {
  auto invalid = [] { return base::Unauthenticated("invalid API key"); };
  if (presented.size() != kKeyLength || presented.substr(0, kKeyMarker.size()) != kKeyMarker) {
    return invalid();
  }
  std::string hash = base::Sha256Hex(presented);
  base::Time now = clock_.Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.expires > now) return it->second.caller;
  }
  auto found = store::ReadValue<store::ApiKey>(
      store_, [&](store::Tx& tx) { return tx.FindApiKeyByPrefix(presented.substr(0, kPrefixLength)); });
  if (!found.ok()) {
    if (found.error().code() == base::ErrorCode::kNotFound) return invalid();
    return std::move(found).error();
  }
  if (!base::ConstantTimeEqual(found->hash, hash)) return invalid();
  if (found->revoked_at) return base::Unauthenticated("API key revoked");
  base::Caller caller{found->org_id, found->id, found->role};
  // Record use at most once per cache period, so a busy key does not write on every request.
  (void)store_.Write([&](store::Tx& tx) { return tx.TouchApiKey(found->id, now); });
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() > 10'000) cache_.clear();
  cache_[hash] = CacheEntry{caller, now + kVerifyCacheTtl};
  return caller;
}

Result<store::ApiKey> KeyService::SetRole(std::string_view org_id, std::string_view id,
                                          base::Role role, std::string_view actor) {
  store::ApiKey out;
  auto r = store_.Write([&](store::Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(out, tx.GetApiKey(id));
    if (!org_id.empty() && out.org_id != org_id) {
      return base::NotFound("no API key with id '" + std::string(id) + "'");
    }
    if (out.revoked_at) {
      return base::FailedPrecondition("API key '" + std::string(id) +
                                      "' is revoked; create a new key instead");
    }
    const base::Role before = out.role;
    HERALD_RETURN_IF_ERROR(tx.SetApiKeyRole(id, role));
    out.role = role;
    store::AuditEntry audit;
    audit.org_id = out.org_id;
    audit.actor = std::string(actor);
    audit.action = "key.set_role";
    audit.subject = out.id;
    audit.detail = {{"from", base::RoleName(before)}, {"to", base::RoleName(role)}};
    audit.at = clock_.Now();
    return tx.AppendAudit(audit);
  });
  if (!r.ok()) return std::move(r).error();
  Forget(id);
  return out;
}

void KeyService::Forget(std::string_view id) {
  changes_.fetch_add(1, std::memory_order_acq_rel);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->second.caller.key_id == id ? cache_.erase(it) : std::next(it);
  }
}

}  // namespace herald::core
