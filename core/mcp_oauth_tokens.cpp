// McpOAuthServer: the token endpoint (authorization_code with PKCE, refresh_token with
// rotation and reuse detection) and revocation (RFC 7009).
#include <algorithm>
#include <utility>

#include "base/crypto.h"
#include "core/mcp_oauth_server.h"

namespace herald::core {
namespace {

constexpr size_t kMaxTokenLength = 128;

base::Error InvalidGrant(std::string message) {
  return base::FailedPrecondition(std::move(message));
}

bool LooksLikeUrl(std::string_view client_id) {
  return client_id.rfind("https://", 0) == 0 || client_id.rfind("http://", 0) == 0;
}

std::string TrimSlash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

// base64url(SHA-256(verifier)) == challenge, RFC 7636 §4.6 (S256 only).
bool PkceMatches(std::string_view verifier, std::string_view challenge) {
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  return base::ConstantTimeEqual(base::Base64UrlEncode(base::Sha256(verifier)), challenge);
}

// The outcome of marking a code or refresh token used: false the first time, true when it was
// used already (kAborted), or the store's error.
base::Result<bool> FirstUse(base::Result<void> marked) {
  if (marked.ok()) return false;
  if (marked.error().code() == base::ErrorCode::kAborted) return true;
  return std::move(marked).error();
}

}  // namespace

base::Result<void> McpOAuthServer::AuthenticateClient(std::string_view client_id,
                                                      std::string_view client_secret) {
  if (client_id.empty()) return base::Unauthenticated("client_id is missing");
  // Metadata-document clients are public: they have no secret to present.
  if (LooksLikeUrl(client_id)) return base::Ok();
  store::OAuthClient client;
  base::Result<void> read = store_.Read([&](store::Tx& tx) -> base::Result<void> {
    HERALD_ASSIGN_OR_RETURN(client, tx.GetOAuthClient(client_id));
    return base::Ok();
  });
  if (!read.ok()) {
    if (read.error().code() == base::ErrorCode::kNotFound) {
      return base::Unauthenticated("unknown client");
    }
    return std::move(read).error();
  }
  if (client.secret_hash.empty()) return base::Ok();
  if (client_secret.empty() ||
      !base::ConstantTimeEqual(base::Sha256Hex(client_secret), client.secret_hash)) {
    return base::Unauthenticated("client authentication failed");
  }
  return base::Ok();
}

base::Result<IssuedTokens> McpOAuthServer::Token(const TokenRequest& request) {
  if (request.grant_type == "authorization_code") return ExchangeCode(request);
  if (request.grant_type == "refresh_token") return RefreshTokens(request);
  if (request.grant_type.empty()) return base::InvalidArgument("grant_type is missing");
  return base::Unimplemented("grant_type must be authorization_code or refresh_token");
}

base::Result<IssuedTokens> McpOAuthServer::IssueInto(store::Tx& tx, const store::OAuthToken& like) {
  const base::Time now = clock_.Now();
  IssuedTokens out;
  out.access_token = std::string(kOAuthAccessPrefix) + base::RandomToken();
  out.refresh_token = std::string(kOAuthRefreshPrefix) + base::RandomToken();
  out.expires_in = options_.access_ttl;
  out.scope = like.scope;
  store::OAuthToken access = like;
  access.token_hash = base::Sha256Hex(out.access_token);
  access.kind = store::OAuthTokenKind::kAccess;
  access.created_at = now;
  access.expires_at = now + options_.access_ttl;
  access.used_at.reset();
  access.revoked_at.reset();
  store::OAuthToken refresh = access;
  refresh.token_hash = base::Sha256Hex(out.refresh_token);
  refresh.kind = store::OAuthTokenKind::kRefresh;
  // A rotated refresh token keeps the expiry of the one it replaces: a grant lasts refresh_ttl
  // from the consent, however often it is refreshed.
  refresh.expires_at = like.kind == store::OAuthTokenKind::kRefresh
                           ? std::min(like.expires_at, now + options_.refresh_ttl)
                           : now + options_.refresh_ttl;
  HERALD_RETURN_IF_ERROR(tx.InsertOAuthToken(access));
  HERALD_RETURN_IF_ERROR(tx.InsertOAuthToken(refresh));
  return out;
}

base::Result<IssuedTokens> McpOAuthServer::ExchangeCode(const TokenRequest& request) {
  if (request.code.empty()) return base::InvalidArgument("code is missing");
  if (request.code_verifier.empty()) return base::InvalidArgument("code_verifier is missing");
  HERALD_RETURN_IF_ERROR(AuthenticateClient(request.client_id, request.client_secret));
  if (request.code.size() > kMaxTokenLength) return InvalidGrant("invalid authorization code");
  const std::string hash = base::Sha256Hex(request.code);
  const base::Time now = clock_.Now();
  std::optional<base::Error> refused;
  IssuedTokens issued;
  HERALD_RETURN_IF_ERROR(store_.Write([&](store::Tx& tx) -> base::Result<void> {
    base::Result<store::OAuthCode> code = tx.GetOAuthCode(hash);
    if (!code.ok()) {
      if (code.error().code() != base::ErrorCode::kNotFound) return std::move(code).error();
      refused = InvalidGrant("invalid authorization code");
      return base::Ok();
    }
    if (code->client_id != request.client_id) {
      refused = InvalidGrant("the authorization code was issued to another client");
      return base::Ok();
    }
    HERALD_ASSIGN_OR_RETURN(bool reused, FirstUse(tx.MarkOAuthCodeUsed(hash, now)));
    if (code->used_at || reused) {
      // RFC 6749 §4.1.2: a code used twice revokes what it granted.
      if (auto r = RevokeFamily(tx, code->family_id, code->org_id, code->key_id, code->client_id,
                                "oauth.reuse_detected", now);
          !r.ok())
        return r;
      refused = InvalidGrant("the authorization code was already used");
      return base::Ok();
    }
    if (code->expires_at <= now) {
      refused = InvalidGrant("the authorization code expired");
      return base::Ok();
    }
    if (!request.redirect_uri.empty() && request.redirect_uri != code->redirect_uri) {
      refused = InvalidGrant("redirect_uri does not match the authorization request");
      return base::Ok();
    }
    if (!PkceMatches(request.code_verifier, code->code_challenge)) {
      refused = InvalidGrant("code_verifier does not match the code_challenge");
      return base::Ok();
    }
    if (!request.resource.empty() && TrimSlash(request.resource) != TrimSlash(code->resource)) {
      refused = base::PermissionDenied("resource does not match the authorization request");
      return base::Ok();
    }
    store::OAuthToken like;
    like.family_id = code->family_id;
    like.client_id = code->client_id;
    like.org_id = code->org_id;
    like.key_id = code->key_id;
    like.role = code->role;
    like.resource = code->resource;
    like.scope = code->scope;
    HERALD_ASSIGN_OR_RETURN(issued, IssueInto(tx, like));
    return base::Ok();
  }));
  if (refused) return *refused;
  return issued;
}

base::Result<IssuedTokens> McpOAuthServer::RefreshTokens(const TokenRequest& request) {
  if (request.refresh_token.empty()) return base::InvalidArgument("refresh_token is missing");
  HERALD_RETURN_IF_ERROR(AuthenticateClient(request.client_id, request.client_secret));
  if (request.refresh_token.size() > kMaxTokenLength ||
      request.refresh_token.rfind(kOAuthRefreshPrefix, 0) != 0) {
    return InvalidGrant("invalid refresh token");
  }
  const std::string hash = base::Sha256Hex(request.refresh_token);
  const base::Time now = clock_.Now();
  std::optional<base::Error> refused;
  IssuedTokens issued;
  HERALD_RETURN_IF_ERROR(store_.Write([&](store::Tx& tx) -> base::Result<void> {
    base::Result<store::OAuthToken> token = tx.GetOAuthToken(hash);
    if (!token.ok()) {
      if (token.error().code() != base::ErrorCode::kNotFound) return std::move(token).error();
      refused = InvalidGrant("invalid refresh token");
      return base::Ok();
    }
    if (token->kind != store::OAuthTokenKind::kRefresh || token->client_id != request.client_id) {
      refused = InvalidGrant("invalid refresh token");
      return base::Ok();
    }
    if (token->revoked_at) {
      refused = InvalidGrant("the refresh token was revoked");
      return base::Ok();
    }
    HERALD_ASSIGN_OR_RETURN(bool reused, FirstUse(tx.MarkOAuthTokenUsed(hash, now)));
    if (token->used_at || reused) {
      // A rotated refresh token presented again: someone holds a copy. End the whole family.
      if (auto r = RevokeFamily(tx, token->family_id, token->org_id, token->key_id,
                                token->client_id, "oauth.reuse_detected", now);
          !r.ok())
        return r;
      refused = InvalidGrant(
          "the refresh token was already used; every token of this "
          "authorization is now revoked");
      return base::Ok();
    }
    if (token->expires_at <= now) {
      refused = InvalidGrant("the refresh token expired");
      return base::Ok();
    }
    if (!request.resource.empty() && TrimSlash(request.resource) != TrimSlash(token->resource)) {
      refused = base::PermissionDenied("resource does not match the authorization");
      return base::Ok();
    }
    base::Result<store::ApiKey> key = tx.GetApiKey(token->key_id);
    if (!key.ok() || key->revoked_at) {
      if (auto r = RevokeFamily(tx, token->family_id, token->org_id, token->key_id,
                                token->client_id, "oauth.key_revoked", now);
          !r.ok())
        return r;
      refused = InvalidGrant("the API key that authorized this client was revoked");
      return base::Ok();
    }
    HERALD_ASSIGN_OR_RETURN(issued, IssueInto(tx, *token));
    return base::Ok();
  }));
  if (refused) return *refused;
  return issued;
}

base::Result<void> McpOAuthServer::Revoke(std::string_view token, std::string_view client_id,
                                          std::string_view client_secret) {
  HERALD_RETURN_IF_ERROR(AuthenticateClient(client_id, client_secret));
  if (token.empty() || token.size() > kMaxTokenLength) return base::Ok();
  const std::string hash = base::Sha256Hex(token);
  const base::Time now = clock_.Now();
  base::Result<void> revoked = store_.Write([&](store::Tx& tx) -> base::Result<void> {
    base::Result<store::OAuthToken> row = tx.GetOAuthToken(hash);
    if (!row.ok()) {
      if (row.error().code() == base::ErrorCode::kNotFound) return base::Ok();
      return std::move(row).error();
    }
    // RFC 7009 §2.1: a token of another client is not revoked (and that is not said).
    if (row->client_id != client_id) return base::Ok();
    return RevokeFamily(tx, row->family_id, row->org_id, row->key_id, row->client_id,
                        "oauth.revoke", now);
  });
  changes_.fetch_add(1, std::memory_order_acq_rel);  // after the commit too: see changes()
  return revoked;
}

base::Result<void> McpOAuthServer::RevokeFamily(store::Tx& tx, const std::string& family_id,
                                                const std::string& org_id,
                                                const std::string& key_id,
                                                const std::string& client_id,
                                                std::string_view action, base::Time now) {
  HERALD_ASSIGN_OR_RETURN(int revoked, tx.RevokeOAuthTokenFamily(family_id, now));
  // Counted even if the transaction is rolled back later: a spurious cache drop is harmless.
  changes_.fetch_add(1, std::memory_order_acq_rel);
  if (revoked == 0) return base::Ok();
  store::AuditEntry audit;
  audit.org_id = org_id;
  audit.actor = key_id;
  audit.action = std::string(action);
  audit.subject = client_id;
  audit.detail = base::Json{{"tokens_revoked", revoked}};
  audit.at = now;
  return tx.AppendAudit(audit);
}

}  // namespace herald::core
