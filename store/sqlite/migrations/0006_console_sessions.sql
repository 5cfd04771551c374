-- herald schema, version 6 (sqlite): web console sessions. A browser that signed in with an API
-- key holds a random session cookie; only its SHA-256 (token_hash) is stored, with the key it
-- stands for (the role is read from the key on each request, so revoking the key ends the
-- session) and when it expires (Unix microseconds). Signing out deletes the row.
-- The twin is store/postgres/migrations/0006_console_sessions.sql.
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
