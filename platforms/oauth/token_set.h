// TokenSet: what a token endpoint hands out, how herald stores it in an account's (sealed)
// credentials, and how token-endpoint answers and OAuth error bodies (RFC 6749 5.1 / 5.2) map
// to herald errors. Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_OAUTH_TOKEN_SET_H_
#define HERALD_PLATFORMS_OAUTH_TOKEN_SET_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "platforms/http_client.h"

namespace herald::platforms::oauth {

struct TokenSet {
  std::string access_token;
  std::string refresh_token;  // "" when the network gave none
  std::string token_type = "Bearer";
  std::string scope;
  std::optional<base::Time> expires_at;  // from expires_in
  std::optional<base::Time>
      refresh_expires_at;  // from refresh_token_expires_in / refresh_expires_in
  // Other non-secret fields of the token response (user_id, open_id, ...); never a token.
  base::Json extra = base::Json::object();
};

// The credentials JSON of an OAuth account:
// {"kind":"oauth2","access_token","refresh_token","token_type","scope","expires_at"?,
//  "refresh_expires_at"?,"extra"}. Times are RFC 3339.
base::Json TokenSetToCredentials(const TokenSet& tokens);
// Errors: kInvalidArgument when access_token is missing or a time is malformed.
base::Result<TokenSet> TokenSetFromCredentials(const base::Json& credentials);

// Parses a token endpoint answer received at `now`. A 2xx JSON body with access_token is a
// TokenSet; anything else becomes the error ParseOAuthError gives.
base::Result<TokenSet> ParseTokenResponse(const HttpResponse& response, base::Time now,
                                          std::string_view network);

// The OAuth error code of an error answer ("invalid_grant"), or "" when the body has none.
std::string OAuthErrorCode(const HttpResponse& response);

// Maps an error answer of a token or revocation endpoint to an Error whose message names the
// network and quotes its reason:
//   invalid_grant                                       -> kUnauthenticated (the grant is dead:
//                                                          reconnect; the only "definitive" one)
//   invalid_client / unauthorized_client / other 4xx    -> kFailedPrecondition (configuration)
//   429                                                 -> kResourceExhausted (+ Retry-After)
//   5xx, 408                                            -> kUnavailable (transient)
base::Error ParseOAuthError(const HttpResponse& response, std::string_view network);

}  // namespace herald::platforms::oauth

#endif  // HERALD_PLATFORMS_OAUTH_TOKEN_SET_H_
