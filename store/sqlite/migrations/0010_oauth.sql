-- herald schema, version 10 (SQLite): herald's own OAuth 2.1 authorization server for MCP
-- clients (not the social networks' OAuth, which is oauth_states and oauth_grants). Clients
-- registered dynamically (RFC 7591; redirect_uris a JSON array; secret_hash '' for a public
-- client), authorization codes (single use: used_at is set by the exchange) and tokens (kind
-- access | refresh; a family is every token descending from one code: reusing a rotated refresh
-- token revokes it). Codes and tokens are stored only as SHA-256 hex; each carries the
-- organization, the role consented to and the API key that consented. Times are Unix
-- microseconds. The postgres twin is store/postgres/migrations/0010_oauth.sql.
CREATE TABLE oauth_clients (
  client_id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL DEFAULT '',
  client_name TEXT NOT NULL DEFAULT '',
  redirect_uris TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE oauth_codes (
  code_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  resource TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  org_id TEXT NOT NULL REFERENCES organizations (id),
  key_id TEXT NOT NULL,
  role TEXT NOT NULL,
  family_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX oauth_codes_expiry ON oauth_codes (expires_at);
CREATE TABLE oauth_tokens (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  family_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  key_id TEXT NOT NULL,
  role TEXT NOT NULL,
  resource TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX oauth_tokens_family ON oauth_tokens (family_id);
CREATE INDEX oauth_tokens_expiry ON oauth_tokens (expires_at);
