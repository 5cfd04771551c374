// TokenRegistry: opaque bearer tokens an emulator accepts (Mastodon access tokens, bot tokens),
// each bound to an account, revocable. Tokens are chosen by the test or made deterministically
// from a counter. Bounded (kMaxTokens); thread-safe.
#ifndef HERALD_TESTS_EMULATORS_COMMON_TOKEN_REGISTRY_H_
#define HERALD_TESTS_EMULATORS_COMMON_TOKEN_REGISTRY_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::emulators {

using base::Json;

struct TokenInfo {
  std::string token;
  std::string account;  // the network's account id the token acts for
  bool revoked = false;
  Json extra = Json::object();  // scopes, bot flags, ...
};

class TokenRegistry {
 public:
  static constexpr size_t kMaxTokens = 10'000;

  // Registers `token` for `account` (a fresh "<prefix>-<n>" token when `token` is empty) and
  // returns it. Re-registering a token rebinds it and clears `revoked`. Errors:
  // kResourceExhausted when full.
  base::Result<std::string> Issue(std::string account, std::string token = {},
                                  Json extra = Json::object(), std::string_view prefix = "tok");
  // The token's record (revoked ones too), or nullopt.
  std::optional<TokenInfo> Find(std::string_view token) const;
  // Errors: kNotFound.
  base::Result<void> Revoke(std::string_view token);
  std::vector<TokenInfo> List() const;
  void Clear();

 private:
  mutable std::mutex mu_;
  std::map<std::string, TokenInfo, std::less<>> tokens_;
  int next_ = 1;
};

// NetworkEmulator::ExpireTokens for a network that keeps its own access tokens in `access` (a
// map from the token to a record with an `expires_at`): `token`, or every one when empty, now
// expires at `now`. Errors: kNotFound for an unknown token. The caller holds its lock.
template <class AccessMap>
base::Result<void> ExpireAccessTokens(AccessMap& access, std::string_view token, base::Time now) {
  if (token.empty()) {
    for (auto& entry : access) entry.second.expires_at = now;
    return base::Ok();
  }
  auto it = access.find(std::string(token));
  if (it == access.end()) return base::NotFound("unknown access token");
  it->second.expires_at = now;
  return base::Ok();
}

// The token of an "Authorization: Bearer <token>" header value, or "" (scheme case-insensitive).
std::string BearerToken(std::string_view authorization);

// POST /__emulator/tokens/expire for emulators that keep their access tokens in a map of
// records with an `expires_at`: expires `token` now, or every token when it is empty. Errors:
// kNotFound for an unknown token. The caller holds its lock.
template <class TokenMap>
base::Result<void> ExpireTokensIn(TokenMap& tokens, std::string_view token, base::Time now) {
  if (token.empty()) {
    for (auto& entry : tokens) entry.second.expires_at = now;
    return base::Ok();
  }
  auto it = tokens.find(std::string(token));
  if (it == tokens.end()) return base::NotFound("unknown access token");
  it->second.expires_at = now;
  return base::Ok();
}

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_TOKEN_REGISTRY_H_
