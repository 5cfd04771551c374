// SqlTx: herald's OAuth authorization server for MCP clients (tables oauth_clients,
// oauth_codes, oauth_tokens, migration 0010).
#include <utility>

#include "store/sql/sql_rows.h"
#include "store/sql/sql_tx.h"

namespace herald::store::sql {
namespace {

constexpr std::string_view kClientCols =
    "client_id, secret_hash, client_name, redirect_uris, created_at";
constexpr std::string_view kCodeCols =
    "code_hash, client_id, redirect_uri, code_challenge, resource, scope, org_id, key_id, role, "
    "family_id, created_at, expires_at, used_at";
constexpr std::string_view kTokenCols =
    "token_hash, kind, family_id, client_id, org_id, key_id, role, resource, scope, created_at, "
    "expires_at, used_at, revoked_at";

OAuthClient DecodeClient(RowReader& r) {
  OAuthClient c;
  c.client_id = r.Text();
  c.secret_hash = r.Text();
  c.client_name = r.Text();
  Json uris = r.JsonValue();
  if (uris.is_array()) {
    for (const auto& u : uris) {
      if (u.is_string()) c.redirect_uris.push_back(u.get<std::string>());
    }
  }
  c.created_at = r.TimeValue();
  return c;
}

OAuthCode DecodeCode(RowReader& r) {
  OAuthCode c;
  c.code_hash = r.Text();
  c.client_id = r.Text();
  c.redirect_uri = r.Text();
  c.code_challenge = r.Text();
  c.resource = r.Text();
  c.scope = r.Text();
  c.org_id = r.Text();
  c.key_id = r.Text();
  c.role = r.Enum<base::Role>(base::ParseRole);
  c.family_id = r.Text();
  c.created_at = r.TimeValue();
  c.expires_at = r.TimeValue();
  c.used_at = r.OptTime();
  return c;
}

OAuthToken DecodeToken(RowReader& r) {
  OAuthToken t;
  t.token_hash = r.Text();
  t.kind = r.Enum<OAuthTokenKind>(ParseOAuthTokenKind);
  t.family_id = r.Text();
  t.client_id = r.Text();
  t.org_id = r.Text();
  t.key_id = r.Text();
  t.role = r.Enum<base::Role>(base::ParseRole);
  t.resource = r.Text();
  t.scope = r.Text();
  t.created_at = r.TimeValue();
  t.expires_at = r.TimeValue();
  t.used_at = r.OptTime();
  t.revoked_at = r.OptTime();
  return t;
}

}  // namespace

// ---- herald's OAuth authorization server ----

Result<void> SqlTx::InsertOAuthClient(const OAuthClient& c) {
  Json uris = Json::array();
  for (const auto& u : c.redirect_uris) uris.push_back(u);
  auto r = Exec(Sql({"INSERT INTO oauth_clients (", kClientCols,
                     ") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(c.client_id), Txt(c.secret_hash), Txt(c.client_name), Txt(uris.dump()),
                 Tm(c.created_at)});
  if (!r.ok()) return Named(std::move(r).error(), "OAuth client");
  if (r->affected() == 0) return base::AlreadyExists("OAuth client already registered");
  return base::Ok();
}

Result<OAuthClient> SqlTx::GetOAuthClient(std::string_view client_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kClientCols, " FROM oauth_clients WHERE client_id = ?"}),
                      {Txt(client_id)}));
  return DecodeOne<OAuthClient>(rows, DecodeClient, "unknown OAuth client");
}

Result<void> SqlTx::InsertOAuthCode(const OAuthCode& c) {
  auto r = Exec(
      Sql({"INSERT INTO oauth_codes (", kCodeCols,
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
      {Txt(c.code_hash), Txt(c.client_id), Txt(c.redirect_uri), Txt(c.code_challenge),
       Txt(c.resource), Txt(c.scope), Txt(c.org_id), Txt(c.key_id), Txt(base::RoleName(c.role)),
       Txt(c.family_id), Tm(c.created_at), Tm(c.expires_at), OptTm(c.used_at)});
  if (!r.ok()) return Named(std::move(r).error(), "OAuth code");
  if (r->affected() == 0) return base::AlreadyExists("OAuth code already exists");
  return base::Ok();
}

Result<OAuthCode> SqlTx::GetOAuthCode(std::string_view code_hash) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec(Sql({"SELECT ", kCodeCols, " FROM oauth_codes WHERE code_hash = ?"}), {Txt(code_hash)}));
  return DecodeOne<OAuthCode>(rows, DecodeCode, "unknown authorization code");
}

Result<void> SqlTx::MarkOAuthCodeUsed(std::string_view code_hash, Time at) {
  HERALD_ASSIGN_OR_RETURN(
      Rows r, Exec("UPDATE oauth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
                   {Tm(at), Txt(code_hash)}));
  if (r.affected() > 0) return base::Ok();
  HERALD_ASSIGN_OR_RETURN(OAuthCode existing, GetOAuthCode(code_hash));
  (void)existing;
  return base::Aborted("authorization code already used");
}

Result<void> SqlTx::InsertOAuthToken(const OAuthToken& t) {
  auto r = Exec(
      Sql({"INSERT INTO oauth_tokens (", kTokenCols,
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
      {Txt(t.token_hash), Txt(OAuthTokenKindName(t.kind)), Txt(t.family_id), Txt(t.client_id),
       Txt(t.org_id), Txt(t.key_id), Txt(base::RoleName(t.role)), Txt(t.resource), Txt(t.scope),
       Tm(t.created_at), Tm(t.expires_at), OptTm(t.used_at), OptTm(t.revoked_at)});
  if (!r.ok()) return Named(std::move(r).error(), "OAuth token");
  if (r->affected() == 0) return base::AlreadyExists("OAuth token already exists");
  return base::Ok();
}

Result<OAuthToken> SqlTx::GetOAuthToken(std::string_view token_hash) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kTokenCols, " FROM oauth_tokens WHERE token_hash = ?"}),
                      {Txt(token_hash)}));
  return DecodeOne<OAuthToken>(rows, DecodeToken, "unknown OAuth token");
}

Result<void> SqlTx::MarkOAuthTokenUsed(std::string_view token_hash, Time at) {
  HERALD_ASSIGN_OR_RETURN(
      Rows r, Exec("UPDATE oauth_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                   {Tm(at), Txt(token_hash)}));
  if (r.affected() > 0) return base::Ok();
  HERALD_ASSIGN_OR_RETURN(OAuthToken existing, GetOAuthToken(token_hash));
  (void)existing;
  return base::Aborted("OAuth token already used");
}

Result<int> SqlTx::RevokeOAuthTokenFamily(std::string_view family_id, Time at) {
  HERALD_ASSIGN_OR_RETURN(Rows r,
                          Exec("UPDATE oauth_tokens SET revoked_at = ? WHERE family_id = ? AND "
                               "revoked_at IS NULL",
                               {Tm(at), Txt(family_id)}));
  return static_cast<int>(r.affected());
}

Result<int> SqlTx::DeleteExpiredOAuthGrants(Time cutoff) {
  HERALD_ASSIGN_OR_RETURN(Rows codes,
                          Exec("DELETE FROM oauth_codes WHERE expires_at < ?", {Tm(cutoff)}));
  HERALD_ASSIGN_OR_RETURN(Rows tokens,
                          Exec("DELETE FROM oauth_tokens WHERE expires_at < ?", {Tm(cutoff)}));
  // Clients registered before the cutoff that hold no code or token any more: registration
  // needs no sign-in, so clients nobody completed a consent with must not pile up.
  HERALD_ASSIGN_OR_RETURN(
      Rows clients,
      Exec("DELETE FROM oauth_clients WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM "
           "oauth_codes k WHERE k.client_id = oauth_clients.client_id) AND NOT EXISTS (SELECT 1 "
           "FROM oauth_tokens t WHERE t.client_id = oauth_clients.client_id)",
           {Tm(cutoff)}));
  return static_cast<int>(codes.affected() + tokens.affected() + clients.affected());
}

}  // namespace herald::store::sql
