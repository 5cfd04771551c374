// SqlTx: accounts and OAuth states.
#include "store/sql/sql_tx.h"

#include <algorithm>
#include <utility>

#include "store/sql/sql_rows.h"

namespace herald::store::sql {

// ---- accounts ----

Result<Account> SqlTx::UpsertAccount(const Account& a) {
  auto r = Exec(
      Sql({"INSERT INTO accounts (", kAccountCols,
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
           "ON CONFLICT (org_id, platform, external_id) DO UPDATE SET "
           "handle = excluded.handle, display_name = excluded.display_name, "
           "base_url = excluded.base_url, settings = excluded.settings, "
           "credentials_sealed = excluded.credentials_sealed, status = excluded.status, "
           "token_expires_at = excluded.token_expires_at, last_error = excluded.last_error, "
           "updated_at = excluded.updated_at, grant_id = excluded.grant_id, "
           "token_refreshable = excluded.token_refreshable RETURNING ",
           kAccountCols}),
      {Txt(a.id), Txt(a.org_id), Txt(a.platform), Txt(a.external_id), Txt(a.handle),
       Txt(a.display_name), Txt(a.base_url), Jsn(a.settings), Txt(a.credentials_sealed),
       Txt(AccountStatusName(a.status)), OptTm(a.token_expires_at), Txt(a.last_error),
       Tm(a.created_at), Tm(a.updated_at), Txt(a.grant_id), Int(a.token_refreshable ? 1 : 0)});
  if (!r.ok()) return Named(std::move(r).error(), "account " + a.id);
  return DecodeOne<Account>(*r, DecodeAccount, "account upsert returned no row");
}

Result<Account> SqlTx::GetAccount(std::string_view org_id, std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kAccountCols, " FROM accounts WHERE id = ? AND org_id = ?"}),
                      {Txt(id), Txt(org_id)}));
  return DecodeOne<Account>(rows, DecodeAccount, "account " + std::string(id) + " not found");
}

Result<std::vector<Account>> SqlTx::ListAccounts(std::string_view org_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec(Sql({"SELECT ", kAccountCols, " FROM accounts WHERE org_id = ? ORDER BY created_at, id"}),
           {Txt(org_id)}));
  return DecodeAll<Account>(rows, DecodeAccount);
}

Result<void> SqlTx::UpdateAccount(const Account& a) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE accounts SET handle = ?, display_name = ?, base_url = ?, settings = ?, "
           "credentials_sealed = ?, status = ?, token_expires_at = ?, last_error = ?, "
           "updated_at = ?, grant_id = ?, token_refreshable = ? WHERE id = ? AND org_id = ?",
           {Txt(a.handle), Txt(a.display_name), Txt(a.base_url), Jsn(a.settings),
            Txt(a.credentials_sealed), Txt(AccountStatusName(a.status)), OptTm(a.token_expires_at),
            Txt(a.last_error), Tm(a.updated_at), Txt(a.grant_id), Int(a.token_refreshable ? 1 : 0),
            Txt(a.id), Txt(a.org_id)}));
  if (rows.affected() == 0) return base::NotFound("account " + a.id + " not found");
  return base::Ok();
}

// ---- OAuth grants ----

Result<void> SqlTx::InsertGrant(const OAuthGrant& g) {
  auto r = Exec(Sql({"INSERT INTO oauth_grants (", kGrantCols,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(g.id), Txt(g.org_id), Txt(g.platform), Txt(g.credentials_sealed),
                 Txt(AccountStatusName(g.status)), OptTm(g.token_expires_at), Txt(g.last_error),
                 Tm(g.created_at), Tm(g.updated_at)});
  if (!r.ok()) return Named(std::move(r).error(), "grant " + g.id);
  if (r->affected() == 0) return base::AlreadyExists("grant " + g.id + " already exists");
  return base::Ok();
}

Result<OAuthGrant> SqlTx::GetGrant(std::string_view org_id, std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec(Sql({"SELECT ", kGrantCols, " FROM oauth_grants WHERE id = ? AND org_id = ?"}),
           {Txt(id), Txt(org_id)}));
  return DecodeOne<OAuthGrant>(rows, DecodeGrant, "grant " + std::string(id) + " not found");
}

Result<void> SqlTx::UpdateGrant(const OAuthGrant& g) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE oauth_grants SET credentials_sealed = ?, status = ?, token_expires_at = ?, "
           "last_error = ?, updated_at = ? WHERE id = ? AND org_id = ?",
           {Txt(g.credentials_sealed), Txt(AccountStatusName(g.status)), OptTm(g.token_expires_at),
            Txt(g.last_error), Tm(g.updated_at), Txt(g.id), Txt(g.org_id)}));
  if (rows.affected() == 0) return base::NotFound("grant " + g.id + " not found");
  return base::Ok();
}

Result<std::vector<Account>> SqlTx::ListGrantAccounts(std::string_view org_id,
                                                      std::string_view grant_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kAccountCols,
                           " FROM accounts WHERE org_id = ? AND grant_id = ? ORDER BY created_at, id"}),
                      {Txt(org_id), Txt(grant_id)}));
  return DecodeAll<Account>(rows, DecodeAccount);
}

Result<bool> SqlTx::AttachAccountToGrant(std::string_view org_id, std::string_view account_id,
                                         std::string_view grant_id,
                                         std::string_view credentials_sealed, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("UPDATE accounts SET grant_id = ?, credentials_sealed = ?, updated_at = ? "
                      "WHERE id = ? AND org_id = ? AND grant_id = ''",
                      {Txt(grant_id), Txt(credentials_sealed), Tm(now), Txt(account_id),
                       Txt(org_id)}));
  if (rows.affected() > 0) return true;
  HERALD_ASSIGN_OR_RETURN(Rows found, Exec("SELECT id FROM accounts WHERE id = ? AND org_id = ?",
                                           {Txt(account_id), Txt(org_id)}));
  if (found.empty()) return base::NotFound("account " + std::string(account_id) + " not found");
  return false;
}

Result<bool> SqlTx::TakeGrantRefreshLease(std::string_view org_id, std::string_view grant_id,
                                          std::string_view credentials_sealed,
                                          std::string_view owner, Time until, Time now) {
  // One statement: under READ COMMITTED (PostgreSQL) the WHERE is re-checked on the row as
  // another transaction left it, so stale credentials cannot take the lease.
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("UPDATE oauth_grants SET refresh_lease_owner = ?, refresh_lease_until = ? "
                      "WHERE id = ? AND org_id = ? AND status = 'active' AND "
                      "credentials_sealed = ? AND (refresh_lease_owner = '' OR "
                      "refresh_lease_owner = ? OR refresh_lease_until <= ?)",
                      {Txt(owner), Tm(until), Txt(grant_id), Txt(org_id),
                       Txt(credentials_sealed), Txt(owner), Tm(now)}));
  if (rows.affected() > 0) return true;
  HERALD_ASSIGN_OR_RETURN(Rows found,
                          Exec("SELECT id FROM oauth_grants WHERE id = ? AND org_id = ?",
                               {Txt(grant_id), Txt(org_id)}));
  if (found.empty()) return base::NotFound("grant " + std::string(grant_id) + " not found");
  return false;
}

Result<void> SqlTx::ReleaseGrantRefreshLease(std::string_view org_id, std::string_view grant_id,
                                             std::string_view owner) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("UPDATE oauth_grants SET refresh_lease_owner = '', refresh_lease_until = 0 "
                      "WHERE id = ? AND org_id = ? AND refresh_lease_owner = ?",
                      {Txt(grant_id), Txt(org_id), Txt(owner)}));
  (void)rows;
  return base::Ok();
}

// ---- OAuth states ----

Result<void> SqlTx::InsertOAuthState(const OAuthState& s) {
  auto r = Exec(Sql({"INSERT INTO oauth_states (", kOAuthCols,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(s.state_hash), Txt(s.org_id), Txt(s.platform), Txt(s.created_by),
                 Txt(s.verifier_sealed), Txt(s.redirect_uri), Jsn(s.data), Tm(s.created_at),
                 Tm(s.expires_at), OptTm(s.used_at)});
  if (!r.ok()) return Named(std::move(r).error(), "OAuth state");
  if (r->affected() == 0) return base::AlreadyExists("OAuth state already exists");
  return base::Ok();
}

Result<OAuthState> SqlTx::ConsumeOAuthState(std::string_view state_hash, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND "
                           "used_at IS NULL AND expires_at > ? RETURNING ",
                           kOAuthCols}),
                      {Tm(now), Txt(state_hash), Tm(now)}));
  return DecodeOne<OAuthState>(rows, DecodeOAuth,
                               "unknown, expired or already used OAuth state");
}

}  // namespace herald::store::sql
