-- herald schema, version 2 (SQLite): deleting published posts through the job queue.
-- A post target's deletion from its network: '' (never asked), 'deleting' (a delete job is
-- queued or running), 'deleted', 'delete_failed' (deletion_error says why). Delete jobs use the
-- existing jobs table with kind = 'delete'. The PostgreSQL twin is
-- store/postgres/migrations/0002_target_deletion.sql.
ALTER TABLE post_targets ADD COLUMN deletion TEXT NOT NULL DEFAULT '';
ALTER TABLE post_targets ADD COLUMN deletion_error TEXT NOT NULL DEFAULT '';
