-- herald schema, version 6 (SQLite): analytics collected over time.
-- metrics (version 1) stays the time series of samples: one row per measurement of a target
-- (target_id set) or an account (target_id ''); metric_values is {"normalized": {...},
-- "raw": {...}}, a metric the network does not report being absent. New here:
-- * analytics_posts: one row per post the analytics know of, published by herald (post_id and
--   target_id set) or imported from the account's history (post_id = target_id = ''), keyed by
--   (account_id, remote_id) so an imported post that herald published merges with its target.
--   metric_values is the latest sample ('{}' before the first), collected_at when it was taken.
-- * analytics_plan: when each target (target_id set) or account (target_id '') is next due for
--   measuring (next_at, Unix microseconds), how many measurements were made (stage), failures in
--   a row, and the collector's lease (lease_owner '' when free).
-- The PostgreSQL twin is store/postgres/migrations/0006_analytics.sql.
CREATE TABLE analytics_posts (
  org_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  post_id TEXT NOT NULL,
  target_id TEXT NOT NULL,
  url TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  text_excerpt TEXT NOT NULL,
  metric_values TEXT NOT NULL,
  collected_at INTEGER,
  PRIMARY KEY (account_id, remote_id)
) WITHOUT ROWID;
CREATE INDEX analytics_posts_org_time ON analytics_posts (org_id, published_at);
CREATE INDEX analytics_posts_account_time ON analytics_posts (org_id, account_id, published_at);
CREATE INDEX analytics_posts_post ON analytics_posts (org_id, post_id);

CREATE TABLE analytics_plan (
  org_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  target_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  next_at INTEGER NOT NULL,
  stage INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  lease_owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL,
  PRIMARY KEY (account_id, target_id)
) WITHOUT ROWID;
CREATE INDEX analytics_plan_due ON analytics_plan (next_at);
CREATE INDEX analytics_plan_org ON analytics_plan (org_id, account_id);
