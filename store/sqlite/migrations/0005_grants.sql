-- herald schema, version 5 (SQLite): OAuth grants shared by several accounts.
-- One OAuth authorization (a grant) may yield several accounts (a LinkedIn member and the
-- organizations they administer, Facebook Pages, ...). The grant holds the sealed tokens, their
-- expiry and the refresh lease (refresh_lease_owner '' when free, refresh_lease_until in Unix
-- microseconds, taken with a conditional UPDATE: Tx::TakeGrantRefreshLease); accounts point at it
-- with grant_id ('' for token networks, and for OAuth accounts connected before version 5 until
-- their first refresh moves their tokens into a grant). status: active | needs_reauth |
-- disconnected. The PostgreSQL twin is store/postgres/migrations/0005_grants.sql.
CREATE TABLE oauth_grants (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  platform TEXT NOT NULL,
  credentials_sealed TEXT NOT NULL,
  status TEXT NOT NULL,
  token_expires_at INTEGER,
  last_error TEXT NOT NULL,
  refresh_lease_owner TEXT NOT NULL DEFAULT '',
  refresh_lease_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX oauth_grants_org ON oauth_grants (org_id, created_at);
ALTER TABLE accounts ADD COLUMN grant_id TEXT NOT NULL DEFAULT '';
-- 1 unless the account's token expires and cannot be renewed (no refresh token): then it has to
-- be reconnected before token_expires_at.
ALTER TABLE accounts ADD COLUMN token_refreshable INTEGER NOT NULL DEFAULT 1;
CREATE INDEX accounts_grant ON accounts (org_id, grant_id);
