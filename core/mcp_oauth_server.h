// McpOAuthServer: herald's own OAuth 2.1 authorization server, for MCP clients that connect
// without an API key (Claude and ChatGPT connectors, VS Code, the Inspector). Not the social
// networks' OAuth (that is AccountService).
//
// A client is either registered dynamically (RFC 7591, Register) or identified by the https
// URL of its client ID metadata document, fetched when it asks (ResolveClient). A person
// consents on herald's page with an API key (or a console session): Authorize issues a
// single-use code bound to the client, the redirect URI, the PKCE S256 challenge, the resource
// (RFC 8707: herald's MCP URL), the organization, the role chosen (never above the key's) and
// the consenting key. Exchange turns it into an access token (1 h) and a refresh token (30 d);
// Refresh rotates the refresh token, and presenting a rotated one again revokes every token of
// its family (as does reusing a code). Revoke is RFC 7009. VerifyAccessToken answers the
// base::Caller a token stands for: the consenting key's organization and id (so the audit log
// names the key) with the lesser of the consented role and the key's current role; a revoked
// key ends its tokens at once.
//
// Codes and tokens are opaque random strings with a recognisable prefix (hac_, hat_, hrt_),
// stored only as SHA-256 hex. Errors: the token endpoint's OAuth error codes follow from the
// error code (OAuthErrorName). Store work blocks (run it on a pool); ResolveClient is a
// coroutine (it may fetch a document). Thread-safe.
#ifndef HERALD_CORE_MCP_OAUTH_SERVER_H_
#define HERALD_CORE_MCP_OAUTH_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "store/store.h"

namespace herald::core {

inline constexpr std::string_view kOAuthCodePrefix = "hac_";
inline constexpr std::string_view kOAuthAccessPrefix = "hat_";
inline constexpr std::string_view kOAuthRefreshPrefix = "hrt_";
inline constexpr std::string_view kOAuthClientPrefix = "hc_";
inline constexpr std::string_view kOAuthSecretPrefix = "hcs_";

struct McpOAuthOptions {
  std::chrono::seconds code_ttl{600};
  std::chrono::seconds access_ttl{3600};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  // Client ID metadata documents may be fetched from loopback and private addresses (and over
  // http:// from loopback): HERALD_ALLOW_PRIVATE_NETWORKS.
  bool allow_private_networks = false;
};

// A client as the authorization endpoint sees it.
struct McpOAuthClient {
  std::string client_id;
  std::string client_name;  // as the client calls itself; shown escaped on the consent page
  std::vector<std::string> redirect_uris;
  bool confidential = false;       // has a secret (client_secret_basic / client_secret_post)
  bool metadata_document = false;  // client_id is the URL of its metadata document
  std::string secret_hash;
};

// What POST /oauth/register sends (RFC 7591), already decoded.
struct ClientRegistration {
  std::string client_name;
  std::vector<std::string> redirect_uris;
  // "none" (a public client), "client_secret_basic" or "client_secret_post"; "" is
  // client_secret_basic (RFC 7591's default).
  std::string token_endpoint_auth_method;
};

struct RegisteredClient {
  McpOAuthClient client;
  std::string client_secret;  // "" for a public client; shown once
  std::string token_endpoint_auth_method;
  base::Time issued_at;
};

// The parameters of an authorization request (GET or POST /oauth/authorize).
struct AuthorizationRequest {
  std::string response_type;
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;
  std::string code_challenge_method;
  std::string state;
  std::string resource;
  std::string scope;
};

// A checked authorization request: the client and the redirect URI are trusted from here on.
// `redirect_error` is set when the request is wrong in a way the client must hear at its
// redirect URI (RFC 6749 §4.1.2.1: error and description); the consent page is not shown then.
struct CheckedAuthorization {
  AuthorizationRequest request;  // resource filled in with herald's when it was absent
  McpOAuthClient client;
  struct RedirectError {
    std::string error;
    std::string description;
  };
  std::optional<RedirectError> redirect_error;
};

// What the token endpoint (POST /oauth/token) receives, form fields and client credentials.
struct TokenRequest {
  std::string grant_type;
  std::string code;
  std::string redirect_uri;
  std::string code_verifier;
  std::string refresh_token;
  std::string resource;
  std::string client_id;
  std::string client_secret;
};

struct IssuedTokens {
  std::string access_token;
  std::string refresh_token;
  std::chrono::seconds expires_in{0};
  std::string scope;
};

// The OAuth error code (RFC 6749 §5.2, RFC 8707) of a token or revocation endpoint error:
// kInvalidArgument invalid_request, kUnauthenticated invalid_client, kFailedPrecondition
// invalid_grant, kUnimplemented unsupported_grant_type, kPermissionDenied invalid_target,
// kUnavailable temporarily_unavailable, anything else server_error.
std::string_view OAuthErrorName(const base::Error& error);

// True when `candidate` may stand for the registered `registered` redirect URI: equal strings,
// or both http loopback URIs (127.0.0.1, [::1], localhost) that differ only in port (RFC 8252
// §7.3).
bool RedirectUriMatches(std::string_view registered, std::string_view candidate);

class McpOAuthServer {
 public:
  // `store`, `clock` and `http` (used for client ID metadata documents; may be null: such
  // clients are then refused) must outlive this object. `pool` runs ResolveClient's store read.
  McpOAuthServer(store::Store& store, platforms::HttpClient* http, base::asio::thread_pool& pool,
                 const base::Clock& clock, McpOAuthOptions options = {});

  // Registers a client (RFC 7591). Errors: kInvalidArgument (no redirect URI, one that is not
  // an absolute URI, http:// to a non-loopback host, a fragment; an unknown auth method; an
  // over-long name), kUnavailable.
  base::Result<RegisteredClient> Register(const ClientRegistration& registration);

  // The client `client_id`: a registered one, or (an https URL with a path) its metadata
  // document, fetched and checked (client_id equal to the URL, redirect_uris present).
  // Errors: kNotFound (unknown client), kInvalidArgument (a document that cannot be fetched or
  // is malformed; the message says which), kUnavailable.
  base::Task<base::Result<McpOAuthClient>> ResolveClient(std::string client_id);

  // Checks an authorization request for herald's resource `resource` (its MCP URL). Errors
  // (the caller shows them on its own page, never redirecting): an unknown client, a missing
  // or unregistered redirect_uri. Everything else wrong comes back as redirect_error.
  base::Task<base::Result<CheckedAuthorization>> CheckAuthorization(AuthorizationRequest request,
                                                                    std::string resource);

  // Issues a code for `checked` (no redirect_error) after `consenting` (a verified API key or
  // console session) allowed it with role `role` (lowered to the key's role), and audits it
  // (oauth.authorize, subject the client id; Revoke audits oauth.revoke). Returns the code.
  // Errors: kPermissionDenied for the local operator (no key to bind), kUnavailable.
  base::Result<std::string> Authorize(const CheckedAuthorization& checked,
                                      const base::Caller& consenting, base::Role role);

  // The token endpoint: grant_type authorization_code (PKCE verified) or refresh_token
  // (rotated). Errors per OAuthErrorName.
  base::Result<IssuedTokens> Token(const TokenRequest& request);

  // RFC 7009: revokes the family of `token` (an access or refresh token of the client). Ok for
  // an unknown token. Errors: kUnauthenticated (client authentication failed), kUnavailable.
  base::Result<void> Revoke(std::string_view token, std::string_view client_id,
                            std::string_view client_secret);

  // The caller behind access token `token` (kOAuthAccessPrefix), if its resource passes
  // `accepts_resource`. Errors: kUnauthenticated (unknown, expired, revoked, for another
  // resource, or its key revoked), kUnavailable.
  base::Result<base::Caller> VerifyAccessToken(
      std::string_view token, const std::function<bool(std::string_view)>& accepts_resource);

  // Removes codes and tokens expired for a day; returns how many went.
  base::Result<int> Prune();

  // Rises whenever this server revokes tokens: callers caching verified tokens (the HTTP
  // authenticator) drop their cache when it moved, so a revocation here takes effect at once.
  uint64_t changes() const { return changes_.load(std::memory_order_acquire); }

 private:
  base::Task<base::Result<McpOAuthClient>> FetchMetadataDocument(std::string url);
  base::Result<void> AuthenticateClient(std::string_view client_id, std::string_view client_secret);
  base::Result<IssuedTokens> ExchangeCode(const TokenRequest& request);
  base::Result<IssuedTokens> RefreshTokens(const TokenRequest& request);
  // Inserts a fresh access and refresh token of `family` in `tx`.
  base::Result<IssuedTokens> IssueInto(store::Tx& tx, const store::OAuthToken& like);
  // Revokes `family_id` in `tx` and audits it as `action` (oauth.revoke, oauth.reuse_detected,
  // oauth.key_revoked) by `key_id` about client `client_id`, when anything was revoked.
  base::Result<void> RevokeFamily(store::Tx& tx, const std::string& family_id,
                                  const std::string& org_id, const std::string& key_id,
                                  const std::string& client_id, std::string_view action,
                                  base::Time now);

  store::Store& store_;
  platforms::HttpClient* http_;
  base::asio::thread_pool& pool_;
  const base::Clock& clock_;
  const McpOAuthOptions options_;
  std::atomic<uint64_t> changes_{0};
};

}  // namespace herald::core

#endif  // HERALD_CORE_MCP_OAUTH_SERVER_H_
