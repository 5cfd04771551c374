// OAuthProvider: how one network speaks OAuth 2.0 (authorization code grant, RFC 6749, with
// PKCE S256, RFC 7636; token revocation, RFC 7009): its endpoints, scopes, how the client
// authenticates, and the client credentials herald is registered with.
//
// Client credentials come from HERALD_<PLATFORM>_CLIENT_ID / HERALD_<PLATFORM>_CLIENT_SECRET,
// read by the app's configuration and handed in (PlatformEnv::oauth_clients). A network can be listed without them; connecting then fails with a
// message naming the variables (CheckConfigured). A plain value; immutable once built.
#ifndef HERALD_PLATFORMS_OAUTH_OAUTH_PROVIDER_H_
#define HERALD_PLATFORMS_OAUTH_OAUTH_PROVIDER_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace herald::platforms::oauth {

// How the client proves itself at the token and revocation endpoints (RFC 6749 2.3.1).
enum class ClientAuthMethod {
  kBasic,  // Authorization: Basic base64(urlencode(id) ":" urlencode(secret))
  kPost,   // client_id and client_secret in the form body
};

// The OAuth app herald is registered with at one network.
struct OAuthClientCredentials {
  std::string client_id;
  std::string client_secret;  // "" for a public client (PKCE only)
};

// A token request made with an access token itself, for networks without a refresh_token grant
// (Meta): GET <url>?grant_type=<grant_type>&<token_param>=<token>[&client_id][&client_secret],
// answered like a token endpoint ({"access_token", "token_type"?, "expires_in"?}).
//   Threads long-lived:   /access_token, th_exchange_token, access_token, client_secret
//   Threads renewal:      /refresh_access_token, th_refresh_token, access_token
//   Facebook long-lived:  /vNN/oauth/access_token, fb_exchange_token, fb_exchange_token,
//                         client_id + client_secret (the same request renews it)
struct AccessTokenExchange {
  std::string url;
  std::string grant_type;
  std::string token_param = "access_token";
  bool send_client_id = false;
  bool send_client_secret = false;
};

struct OAuthProvider {
  std::string platform;       // network id, e.g. "x"
  std::string display_name;   // "X", for messages
  std::string authorize_url;  // the browser page
  std::string token_url;
  std::string revoke_url;  // "" when the network has no revocation endpoint
  std::vector<std::string> scopes;
  std::string scope_separator = " ";
  ClientAuthMethod client_auth = ClientAuthMethod::kBasic;
  bool pkce = true;  // send code_challenge (S256) and code_verifier
  // Extra authorization-URL parameters, e.g. {"access_type","offline"}, {"prompt","consent"}.
  std::vector<std::pair<std::string, std::string>> extra_authorize_params;
  // OAuth error codes that, answering a refresh, mean the grant is dead as invalid_grant does
  // (X answers a used or revoked refresh token with invalid_request).
  std::vector<std::string> dead_grant_errors;
  // When set, ExchangeCode exchanges the code's (short-lived) access token at once with this
  // request and returns the long-lived tokens (Meta's 60-day user tokens).
  std::optional<AccessTokenExchange> long_lived_exchange;
  // When set, Refresh renews the access token with this request (sending the current access
  // token) instead of a refresh_token grant; no refresh token is needed or kept. A refusal that
  // says the token is dead (a Graph error object with code 190 or 102, or an OAuth error in
  // dead_grant_errors) is kUnauthenticated, like invalid_grant.
  std::optional<AccessTokenExchange> access_token_renewal;
  // Refresh this long before the access token expires.
  std::chrono::seconds refresh_margin{300};
  // Bounds of one token or revocation request (connecting; the whole call).
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{20'000};

  std::string client_id;
  std::string client_secret;  // "" for a public client (PKCE only)
  // The name of the client id in the authorization URL and token requests: "client_id" (RFC
  // 6749); TikTok calls it "client_key". The configuration variable follows it:
  // HERALD_<P>_CLIENT_KEY.
  std::string client_id_param = "client_id";

  // Ok when client_id is set. Errors: kFailedPrecondition "connecting <name> needs
  // HERALD_<P>_CLIENT_ID (or _CLIENT_KEY, see client_id_param) and HERALD_<P>_CLIENT_SECRET ...".
  base::Result<void> CheckConfigured() const;
  // Sets client_id / client_secret (from HERALD_<PLATFORM>_CLIENT_ID / _CLIENT_SECRET).
  void SetClient(const OAuthClientCredentials& client) {
    client_id = client.client_id;
    client_secret = client.client_secret;
  }
};

// A provider for network `platform` ("x"), named `display_name` in messages, with its
// authorization page, token endpoint, scopes, client authentication and PKCE choice; every
// other field keeps its default for the caller to adjust.
OAuthProvider MakeProvider(std::string_view platform, std::string_view display_name,
                           std::string authorize_url, std::string token_url,
                           std::vector<std::string> scopes, ClientAuthMethod client_auth,
                           bool pkce);

// "HERALD_<PLATFORM>_<SUFFIX>" with the platform id upper-cased and '-' turned into '_'.
std::string PlatformEnvName(std::string_view platform, std::string_view suffix);

}  // namespace herald::platforms::oauth

#endif  // HERALD_PLATFORMS_OAUTH_OAUTH_PROVIDER_H_
