#include "transport/auth/oauth_authenticator.h"

#include <utility>

#include "base/crypto.h"
#include "core/mcp_oauth_server.h"

namespace herald::transport {
namespace {

bool IsOAuthToken(std::string_view token) { return token.rfind(core::kOAuthAccessPrefix, 0) == 0; }

std::string TrimSlash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

OAuthAuthenticator::OAuthAuthenticator(Authenticator& api_keys, core::McpOAuthServer& oauth,
                                       ResourceCheck accepts_resource,
                                       base::asio::thread_pool& pool, const base::Clock& clock,
                                       std::chrono::milliseconds cache_ttl)
    : api_keys_(api_keys),
      oauth_(oauth),
      accepts_resource_(std::move(accepts_resource)),
      pool_(pool),
      clock_(clock),
      ttl_(cache_ttl) {}

std::optional<base::Result<base::Caller>> OAuthAuthenticator::TryAuthenticate(
    std::string_view authorization) {
  std::string_view token = BearerToken(authorization);
  if (!IsOAuthToken(token)) return api_keys_.TryAuthenticate(authorization);
  std::string hash = base::Sha256Hex(token);
  const base::Time now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(hash);
  if (it != cache_.end() && it->second.expires > now &&
      it->second.oauth_changes == oauth_.changes()) {
    return base::Result<base::Caller>(it->second.caller);
  }
  return std::nullopt;
}

base::Task<base::Result<base::Caller>> OAuthAuthenticator::Authenticate(std::string authorization) {
  std::string token(BearerToken(authorization));
  if (!IsOAuthToken(token)) co_return co_await api_keys_.Authenticate(std::move(authorization));
  std::string hash = base::Sha256Hex(token);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      if (it->second.expires > clock_.Now() && it->second.oauth_changes == oauth_.changes()) {
        co_return it->second.caller;
      }
      cache_.erase(it);
    }
  }
  const uint64_t changes = oauth_.changes();  // before verifying: a revocation during it counts
  core::McpOAuthServer* oauth = &oauth_;
  const ResourceCheck* check = &accepts_resource_;
  // Named, not written inside the co_await expression (GCC 12 bug, see authenticator.cpp).
  auto verify = [oauth, check, token] { return oauth->VerifyAccessToken(token, *check); };
  base::Result<base::Caller> verified = co_await base::RunBlocking(pool_, std::move(verify));
  if (verified.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() > 10'000) cache_.clear();
    cache_[hash] =
        Entry{*verified, clock_.Now() + std::chrono::duration_cast<base::Micros>(ttl_), changes};
  }
  co_return verified;
}

OAuthAuthenticator::ResourceCheck McpResourceCheck(
    std::string public_url, std::function<bool(std::string_view host)> host_allowed) {
  return [base_url = TrimSlash(public_url),
          allowed = std::move(host_allowed)](std::string_view resource) {
    std::string r = TrimSlash(resource);
    if (!base_url.empty()) return r == base_url + "/mcp";
    std::string_view rest = r;
    if (rest.rfind("http://", 0) == 0) {
      rest.remove_prefix(7);
    } else if (rest.rfind("https://", 0) == 0) {
      rest.remove_prefix(8);
    } else {
      return false;
    }
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos || rest.substr(slash) != "/mcp") return false;
    return allowed && allowed(rest.substr(0, slash));
  };
}

}  // namespace herald::transport
