// OAuthClient: the OAuth 2.0 calls herald makes as a client: the authorization URL (with state
// and PKCE S256), the authorization-code exchange, refresh, and revocation (RFC 7009), over the
// shared HttpClient. Stateless apart from its dependencies; thread-safe.
//
// Errors of the network calls:
//   kUnauthenticated    invalid_grant: the code or refresh token is dead (definitive)
//   kFailedPrecondition invalid_client and other refusals (configuration), or an endpoint URL the
//                       HTTPS client refuses
//   kResourceExhausted  rate limited (retry_after when the network said)
//   kUnavailable        transient: network failure, timeout, 5xx (never a reason to
//                       disconnect an account)
#ifndef HERALD_PLATFORMS_OAUTH_OAUTH_CLIENT_H_
#define HERALD_PLATFORMS_OAUTH_OAUTH_CLIENT_H_

#include <string>
#include <string_view>

#include "base/async.h"
#include "base/clock.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "platforms/oauth/oauth_provider.h"
#include "platforms/oauth/token_set.h"

namespace herald::platforms::oauth {

class OAuthClient {
 public:
  // `http` and `clock` outlive the client.
  OAuthClient(HttpClient& http, const base::Clock& clock);

  // provider.authorize_url + response_type=code, client_id, redirect_uri, scope, state,
  // code_challenge + code_challenge_method=S256 (when provider.pkce), and the provider's extra
  // parameters. `code_challenge` may be empty when the provider does not use PKCE.
  static std::string AuthorizationUrl(const OAuthProvider& provider, std::string_view redirect_uri,
                                      std::string_view state, std::string_view code_challenge);

  // grant_type=authorization_code. `code_verifier` is sent when provider.pkce. With
  // provider.long_lived_exchange the answer's access token is exchanged at once and the
  // long-lived tokens returned (fields of the first answer such as user_id kept in `extra`).
  base::Task<base::Result<TokenSet>> ExchangeCode(OAuthProvider provider, std::string code,
                                                  std::string redirect_uri,
                                                  std::string code_verifier);

  // grant_type=refresh_token with current.refresh_token. The result keeps the current refresh
  // token (and its expiry) when the network does not rotate it. Errors as above; a missing
  // refresh token is kUnauthenticated. With provider.access_token_renewal, that request with
  // current.access_token instead (no refresh token needed).
  base::Task<base::Result<TokenSet>> Refresh(OAuthProvider provider, TokenSet current);

  // Revokes `token` (token_type_hint "access_token" or "refresh_token"). Errors as above;
  // kUnimplemented when the provider has no revocation endpoint.
  base::Task<base::Result<void>> Revoke(OAuthProvider provider, std::string token,
                                        std::string token_type_hint);

 private:
  base::Task<base::Result<HttpResponse>> PostForm(
      const OAuthProvider& provider, std::string url,
      std::vector<std::pair<std::string, std::string>> fields, std::string_view what);

  // Sends `exchange` with `token`; the answer's tokens. `what` names it in messages.
  base::Task<base::Result<TokenSet>> Exchange(const OAuthProvider& provider,
                                              const AccessTokenExchange& exchange,
                                              std::string token, std::string_view what);

  HttpClient& http_;
  const base::Clock& clock_;
};

}  // namespace herald::platforms::oauth

#endif  // HERALD_PLATFORMS_OAUTH_OAUTH_CLIENT_H_
