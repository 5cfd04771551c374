-- herald schema, version 8 (PostgreSQL): a revision on each analytics post, so a reader can keep the
-- organization's analytics in memory and fetch only what changed since it last looked.
-- * analytics_revisions: per organization, the revision of the last write to analytics_posts.
--   A writer raises it (a row lock on PostgreSQL) in the transaction that writes the post, so
--   revisions become visible in the order they were handed out.
-- * analytics_posts.revision: the organization's revision when the row was last written (0 for
--   rows written before this version; a reader starting from -1 reads them all). A reader
--   pages through the changes in (revision, account_id, remote_id) order, which the index walks.
-- The SQLite twin is store/sqlite/migrations/0008_analytics_revision.sql.
CREATE TABLE analytics_revisions (
  org_id TEXT NOT NULL PRIMARY KEY,
  revision BIGINT NOT NULL
);
ALTER TABLE analytics_posts ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX analytics_posts_revision ON analytics_posts (org_id, revision, account_id, remote_id);
