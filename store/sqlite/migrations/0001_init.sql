-- herald schema, version 1 (SQLite). Times are unix microseconds (INTEGER), JSON is TEXT,
-- ids are prefixed ULIDs. The PostgreSQL twin is store/postgres/migrations/0001_init.sql.
-- Tables keyed by text ids are WITHOUT ROWID: one b-tree per table instead of a rowid table
-- plus a primary-key index, so each insert writes fewer pages (ULIDs append at the end).
-- media (large blobs) and the integer-keyed logs keep their rowid.

CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- API keys: only the SHA-256 of a key and its visible prefix are stored.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  prefix TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);

-- Connected accounts; credentials are sealed (AES-256-GCM) before they reach the store.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  platform TEXT NOT NULL,
  external_id TEXT NOT NULL,
  handle TEXT NOT NULL,
  display_name TEXT NOT NULL,
  base_url TEXT NOT NULL,
  settings TEXT NOT NULL,
  credentials_sealed TEXT NOT NULL,
  status TEXT NOT NULL,
  token_expires_at INTEGER,
  last_error TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (org_id, platform, external_id)
) WITHOUT ROWID;
CREATE INDEX accounts_org ON accounts (org_id, created_at);

CREATE TABLE posts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  status TEXT NOT NULL,
  publish_at INTEGER,
  time_zone TEXT NOT NULL,
  content TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
-- ListPosts: newest first within an organization.
CREATE INDEX posts_org_newest ON posts (org_id, created_at DESC, id DESC);

CREATE TABLE post_targets (
  id TEXT PRIMARY KEY,
  post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  org_id TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  platform TEXT NOT NULL,
  status TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  external_id TEXT NOT NULL,
  url TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  next_attempt_at INTEGER,
  published_at INTEGER,
  remote_state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX post_targets_post ON post_targets (post_id, id);
CREATE INDEX post_targets_account ON post_targets (account_id, post_id);

-- The durable job queue. target_id is NULL for account-level jobs.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  target_id TEXT REFERENCES post_targets (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL,
  run_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  lease_owner TEXT NOT NULL,
  lease_until INTEGER,
  last_error TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Due work, earliest first; expired leases; the one-lease-per-account check; jobs of a target.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'leased';
CREATE INDEX jobs_account_leases ON jobs (account_id, lease_until) WHERE state = 'leased';
CREATE INDEX jobs_target ON jobs (target_id);

CREATE TABLE media (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  mime_type TEXT NOT NULL,
  file_name TEXT NOT NULL,
  alt_text TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL
);

-- target_id is '' for account-level metrics.
CREATE TABLE metrics (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  target_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  metric_values TEXT NOT NULL
);
CREATE INDEX metrics_target ON metrics (org_id, target_id, fetched_at);
CREATE INDEX metrics_account ON metrics (org_id, account_id, target_id, fetched_at);

CREATE TABLE oauth_states (
  state_hash TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  created_by TEXT NOT NULL,
  verifier_sealed TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);

CREATE TABLE idempotency (
  org_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  tool TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, idem_key)
) WITHOUT ROWID;
CREATE INDEX idempotency_expiry ON idempotency (expires_at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
