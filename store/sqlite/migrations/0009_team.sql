-- herald schema, version 9 (SQLite): teams. Organization settings (require_approval 1 = posts
-- created or changed by editors wait for an approver), the approval record of each post that
-- needed one (state pending | approved | rejected; note = the comment or the rejection's reason;
-- immediate 1 = asked for with publish_post), webhooks (the whsec_ secret sealed like platform
-- tokens; events a JSON array, [] = every event) and their delivery outbox (one row per event
-- and webhook, written in the transaction of the change; state pending | delivered | failed;
-- event_id is the Standard Webhooks message id, the same on every retry), and an index to prune
-- the audit log by age. Times are Unix microseconds. The postgres twin is
-- store/postgres/migrations/0009_team.sql.
CREATE TABLE organization_settings (
  org_id TEXT PRIMARY KEY REFERENCES organizations (id),
  require_approval INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE post_approvals (
  post_id TEXT PRIMARY KEY REFERENCES posts (id),
  org_id TEXT NOT NULL REFERENCES organizations (id),
  state TEXT NOT NULL,
  immediate INTEGER NOT NULL DEFAULT 0,
  requested_by TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  decided_by TEXT NOT NULL DEFAULT '',
  decided_at INTEGER,
  note TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations (id),
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret_sealed TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX webhooks_org ON webhooks (org_id, created_at);
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until INTEGER,
  last_status INTEGER NOT NULL DEFAULT 0,
  last_response TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_org ON webhook_deliveries (org_id, created_at);
CREATE INDEX audit_log_at ON audit_log (at);
