#include "transport/auth/authenticator.h"

#include "base/crypto.h"
#include "core/key_service.h"
#include "http/http_message.h"

namespace herald::transport {

std::string_view BearerToken(std::string_view authorization) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  authorization = trim(authorization);
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() + 1) return {};
  if (!http::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) return {};
  if (authorization[kScheme.size()] != ' ') return {};
  return trim(authorization.substr(kScheme.size() + 1));
}

ApiKeyAuthenticator::ApiKeyAuthenticator(core::KeyService& keys, base::asio::thread_pool& pool,
                                         const base::Clock& clock,
                                         std::chrono::milliseconds cache_ttl)
    : keys_(keys), pool_(pool), clock_(clock), ttl_(cache_ttl) {}

namespace {

base::Error MissingKey() {
  return base::Unauthenticated("missing API key: send the header 'Authorization: Bearer <api key>'");
}

}  // namespace

std::optional<base::Result<base::Caller>> ApiKeyAuthenticator::TryAuthenticate(
    std::string_view authorization) {
  std::string_view token = BearerToken(authorization);
  if (token.empty()) return base::Result<base::Caller>(MissingKey());
  std::string hash = base::Sha256Hex(token);
  const base::Time now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(hash);
  if (it != cache_.end() && it->second.expires > now && it->second.key_changes == keys_.changes()) {
    return base::Result<base::Caller>(it->second.caller);
  }
  return std::nullopt;
}

base::Task<base::Result<base::Caller>> ApiKeyAuthenticator::Authenticate(
    std::string authorization) {
  std::string token(BearerToken(authorization));
  if (token.empty()) co_return MissingKey();
  std::string hash = base::Sha256Hex(token);
  const base::Time now = clock_.Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      if (it->second.expires > now && it->second.key_changes == keys_.changes()) {
        co_return it->second.caller;
      }
      cache_.erase(it);
    }
  }
  const uint64_t changes = keys_.changes();  // before verifying: a change during it counts
  core::KeyService* keys = &keys_;
  // The lambda is named on purpose: GCC 12 destroys a lambda temporary written inside a
  // co_await expression twice (a double free when it captures a std::string).
  auto verify = [keys, token] { return keys->Verify(token); };
  base::Result<base::Caller> verified = co_await base::RunBlocking(pool_, std::move(verify));
  if (verified.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() > 10'000) cache_.clear();
    cache_[hash] =
        Entry{*verified, clock_.Now() + std::chrono::duration_cast<base::Micros>(ttl_), changes};
  }
  co_return verified;
}

}  // namespace herald::transport
