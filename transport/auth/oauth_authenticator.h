// OAuthAuthenticator: API keys and herald's own OAuth access tokens side by side. A bearer
// token with the access-token prefix (core::kOAuthAccessPrefix, "hat_") is verified by
// core::McpOAuthServer (its resource must pass `accepts_resource`, RFC 8707: tokens for
// anything but herald's MCP URL are refused); every other one goes to `api_keys`. Verified
// tokens are cached like API keys (keyed by SHA-256, kAuthCacheTtl); a token revoked through
// this process's McpOAuthServer stops working at once (the cache follows its changes()), one
// revoked elsewhere within that period. Thread-safe.
#ifndef HERALD_TRANSPORT_AUTH_OAUTH_AUTHENTICATOR_H_
#define HERALD_TRANSPORT_AUTH_OAUTH_AUTHENTICATOR_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "transport/auth/authenticator.h"

namespace herald::core {
class McpOAuthServer;
}

namespace herald::transport {

class OAuthAuthenticator final : public Authenticator {
 public:
  // Whether an access token issued for `resource` may be used here.
  using ResourceCheck = std::function<bool(std::string_view resource)>;

  // `api_keys`, `oauth`, `pool` and `clock` must outlive this object.
  OAuthAuthenticator(Authenticator& api_keys, core::McpOAuthServer& oauth,
                     ResourceCheck accepts_resource, base::asio::thread_pool& pool,
                     const base::Clock& clock, std::chrono::milliseconds cache_ttl = kAuthCacheTtl);

  base::Task<base::Result<base::Caller>> Authenticate(std::string authorization) override;
  std::optional<base::Result<base::Caller>> TryAuthenticate(
      std::string_view authorization) override;
  bool required() const override { return true; }

 private:
  struct Entry {
    base::Caller caller;
    base::Time expires;
    uint64_t oauth_changes = 0;  // McpOAuthServer::changes() when verified
  };

  Authenticator& api_keys_;
  core::McpOAuthServer& oauth_;
  const ResourceCheck accepts_resource_;
  base::asio::thread_pool& pool_;
  const base::Clock& clock_;
  const std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // SHA-256 hex of the token -> caller
};

// A ResourceCheck for herald's MCP URL: with `public_url` (HERALD_PUBLIC_URL), exactly
// <public_url>/mcp; without, any http(s) URL whose path is /mcp and whose host `host_allowed`
// accepts (the Host-header policy that also decides which base URLs herald answers to).
OAuthAuthenticator::ResourceCheck McpResourceCheck(
    std::string public_url, std::function<bool(std::string_view host)> host_allowed);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_AUTH_OAUTH_AUTHENTICATOR_H_
