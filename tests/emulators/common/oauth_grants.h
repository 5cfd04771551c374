// OAuthGrants: what an OAuth 2.0 network's emulator remembers of the authorizations it gave:
// grants (a user's consent to scopes), single-use authorization codes bound to a redirect URI
// and an optional PKCE challenge, access tokens that expire by the emulator's clock, and
// refresh tokens. A network keeps its own rules (rotation, error bodies, scopes) and asks this
// for the bookkeeping, so emulators do not each write it again. Bounded (kMaxGrants grants,
// kMaxTokens tokens of each kind); not thread-safe: the network calls it under its own lock.
#ifndef HERALD_TESTS_EMULATORS_COMMON_OAUTH_GRANTS_H_
#define HERALD_TESTS_EMULATORS_COMMON_OAUTH_GRANTS_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::emulators {

class OAuthGrants {
 public:
  static constexpr size_t kMaxGrants = 10'000;
  static constexpr size_t kMaxTokens = 100'000;

  struct Grant {
    std::string user;
    std::string scope;
    bool revoked = false;
  };
  struct Code {
    std::string user;
    std::string scope;
    std::string redirect_uri;
    std::string challenge;  // PKCE; "" = none asked
    std::string method;     // "S256" | "plain"
    bool offline = false;   // the grant gets a refresh token
    base::Time expires_at{};
  };

  void Clear();

  // Records `grant` under `id` (a seeded one) or a fresh "g<n>". Errors: kResourceExhausted.
  base::Result<std::string> AddGrant(Grant grant, std::string id = {});
  // nullptr when unknown.
  Grant* FindGrant(std::string_view id);
  size_t grant_count() const { return grants_.size(); }

  // Stores `code` under `prefix` + a random token, and returns that.
  std::string AddCode(Code code, std::string_view prefix);
  // The code, spent now (single use); nullopt when unknown, spent or expired at `now`.
  std::optional<Code> TakeCode(std::string_view value, base::Time now);
  // True when `code` asked no PKCE challenge, or `verifier` answers it.
  static bool VerifierMatches(const Code& code, std::string_view verifier);

  // A new access token (`prefix` + random, or `token` when given) for `grant_id`, valid `ttl`.
  std::string IssueAccess(const std::string& grant_id, std::chrono::seconds ttl, base::Time now,
                          std::string_view prefix, std::string token = {});
  // A new refresh token (`prefix` + random, or `token`) for `grant_id`.
  std::string IssueRefresh(const std::string& grant_id, std::string_view prefix,
                           std::string token = {});
  // The grant an access token acts for: nullopt when unknown, expired at `now` or revoked.
  std::optional<std::string> AccessGrant(std::string_view token, base::Time now);
  // The grant of a refresh token that is not revoked, or nullopt.
  std::optional<std::string> RefreshGrant(std::string_view token);
  // Revokes the grant of a refresh or an access token. Errors: kNotFound.
  base::Result<void> RevokeByToken(std::string_view token);
  // Makes one access token expire at `now` (every one when `token` is empty). Errors:
  // kNotFound for an unknown token.
  base::Result<void> ExpireAccess(std::string_view token, base::Time now);
  // Sets when an access token expires (a test's own lifetime). No-op when unknown.
  void SetAccessExpiry(std::string_view token, base::Time expires_at);

 private:
  struct Access {
    std::string grant;
    base::Time expires_at{};
  };
  std::map<std::string, Grant, std::less<>> grants_;
  std::map<std::string, Code, std::less<>> codes_;
  std::map<std::string, Access, std::less<>> access_;
  std::map<std::string, std::string, std::less<>> refresh_;  // token -> grant
};

// True if `scopes`, a list separated by `separator` as the network writes it, holds `scope`.
bool ScopeListHas(std::string_view scopes, char separator, std::string_view scope);

// True when an authorization may redirect to `uri`: an http(s) URL, and one of the config's
// "redirect_uris" when that list is not empty (the URIs registered with the app).
bool RedirectUriAllowed(const base::Json& config, std::string_view uri);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_OAUTH_GRANTS_H_
