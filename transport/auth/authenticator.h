// Authenticator: who is calling over HTTP. Every HTTP route except /healthz and /readyz asks it
// for the base::Caller behind a request's Authorization header.
//
// ApiKeyAuthenticator verifies "Authorization: Bearer <api key>" with core::KeyService. Verify
// may touch the store (blocking), so a cache miss runs it on a blocking thread pool; a hit is
// answered on the calling I/O thread from a short cache (keyed by the key's SHA-256). A key
// revoked or given another role in this process stops working as it was at once (the cache
// follows KeyService::changes()); in other processes within KeyService's cache period plus
// kAuthCacheTtl.
// NoAuthAuthenticator (--auth none, --conformance-fixtures; loopback only) answers every request
// as the default organization's admin.
// Implementations are thread-safe.
#ifndef HERALD_TRANSPORT_AUTH_AUTHENTICATOR_H_
#define HERALD_TRANSPORT_AUTH_AUTHENTICATOR_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/result.h"

namespace herald::core {
class KeyService;
}

namespace herald::transport {

inline constexpr std::chrono::milliseconds kAuthCacheTtl{1'000};

class Authenticator {
 public:
  virtual ~Authenticator() = default;

  // The caller presenting `authorization` (the Authorization header's value; "" when absent).
  // Errors: kUnauthenticated (missing, malformed, unknown or revoked key; the message says
  // which of "missing" / "invalid" without revealing more), kUnavailable (store unreachable).
  virtual base::Task<base::Result<base::Caller>> Authenticate(std::string authorization) = 0;

  // The same answer when it needs no blocking work (a missing or malformed header, a key
  // verified moments ago, authentication off); nullopt when Authenticate must be awaited.
  virtual std::optional<base::Result<base::Caller>> TryAuthenticate(
      std::string_view /*authorization*/) {
    return std::nullopt;
  }

  // False when every request is let in (no 401 is ever answered).
  virtual bool required() const = 0;
};

// The token of "Bearer <token>" (scheme case-insensitive, surrounding spaces ignored), or "".
std::string_view BearerToken(std::string_view authorization);

class ApiKeyAuthenticator final : public Authenticator {
 public:
  // `keys`, `pool` and `clock` must outlive this object.
  ApiKeyAuthenticator(core::KeyService& keys, base::asio::thread_pool& pool,
                      const base::Clock& clock, std::chrono::milliseconds cache_ttl = kAuthCacheTtl);

  base::Task<base::Result<base::Caller>> Authenticate(std::string authorization) override;
  std::optional<base::Result<base::Caller>> TryAuthenticate(std::string_view authorization) override;
  bool required() const override { return true; }

 private:
  struct Entry {
    base::Caller caller;
    base::Time expires;
    uint64_t key_changes = 0;  // KeyService::changes() when verified
  };

  core::KeyService& keys_;
  base::asio::thread_pool& pool_;
  const base::Clock& clock_;
  const std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // SHA-256 hex of the key -> caller
};

class NoAuthAuthenticator final : public Authenticator {
 public:
  explicit NoAuthAuthenticator(base::Caller caller) : caller_(std::move(caller)) {}
  base::Task<base::Result<base::Caller>> Authenticate(std::string) override { co_return caller_; }
  std::optional<base::Result<base::Caller>> TryAuthenticate(std::string_view) override {
    return base::Result<base::Caller>(caller_);
  }
  bool required() const override { return false; }

 private:
  base::Caller caller_;
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_AUTH_AUTHENTICATOR_H_
