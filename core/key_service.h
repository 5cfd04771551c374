// KeyService: organizations and API keys.
//
// A key looks like "hk_" + 43 base64url characters (32 random bytes). The store keeps only its
// SHA-256 and its first 12 characters (the visible prefix, used to find it); the clear key is
// returned once, by Create. Verify compares hashes in constant time and caches successful
// lookups briefly (revocation in this process takes effect at once, elsewhere within
// kVerifyCacheTtl). Thread-safe.
#ifndef HERALD_CORE_KEY_SERVICE_H_
#define HERALD_CORE_KEY_SERVICE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/caller.h"
#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace herald::core {

using base::Result;

inline constexpr std::string_view kDefaultOrganization = "default";
inline constexpr std::chrono::seconds kVerifyCacheTtl{2};

struct CreatedKey {
  store::ApiKey key;
  std::string secret;  // the whole key, shown to the user once
};

class KeyService {
 public:
  KeyService(store::Store& store, const base::Clock& clock);

  // The organization named `name`, created if it does not exist.
  Result<store::Organization> EnsureOrganization(std::string_view name);
  // Lookup by name. Errors: kNotFound.
  Result<store::Organization> FindOrganization(std::string_view name);

  // Creates a key in `org_id`; the audit log names `actor` (a key id, or "local") as its
  // maker. Errors: kInvalidArgument for an empty or over-long name.
  Result<CreatedKey> Create(std::string_view org_id, std::string_view name, base::Role role,
                            std::string_view actor = "local");
  // Keys of `org_id` (every organization when empty), oldest first.
  Result<std::vector<store::ApiKey>> List(std::string_view org_id);
  // Revokes key `id`; when `org_id` is not empty the key must belong to it (else kNotFound).
  // Errors: kNotFound; kFailedPrecondition if already revoked.
  Result<void> Revoke(std::string_view org_id, std::string_view id,
                      std::string_view actor = "local");
  // Gives key `id` of `org_id` the role `role` (at once in this process, elsewhere within
  // kVerifyCacheTtl). Errors: kNotFound; kFailedPrecondition for a revoked key.
  Result<store::ApiKey> SetRole(std::string_view org_id, std::string_view id, base::Role role,
                                std::string_view actor);

  // The caller a presented key stands for. Errors: kUnauthenticated ("invalid API key" or
  // "API key revoked"); never says which part was wrong beyond that.
  Result<base::Caller> Verify(std::string_view presented);

  // Rises with every revocation or role change this service makes: callers that cache
  // verifications (the HTTP authenticator) drop theirs when it moved, so a change takes effect
  // at once in this process.
  uint64_t changes() const { return changes_.load(std::memory_order_acquire); }

 private:
  struct CacheEntry {
    base::Caller caller;
    base::Time expires;
  };

  // Forgets cached verifications of key `id`.
  void Forget(std::string_view id);

  store::Store& store_;
  const base::Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, CacheEntry> cache_;  // SHA-256 hex -> caller
  std::atomic<uint64_t> changes_{0};
};

}  // namespace herald::core

#endif  // HERALD_CORE_KEY_SERVICE_H_
