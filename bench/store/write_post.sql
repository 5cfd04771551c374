-- The store's "schedule a post" write as a raw pgbench script: one post, two targets, two jobs,
-- in one transaction, with the statements herald's SqlTx sends (InsertPost, then InsertTargets
-- and InsertJobs as multi-row ON CONFLICT DO NOTHING inserts) and the NOTIFY herald issues
-- before COMMIT when jobs were enqueued. One transaction per call: the baseline for the store.
--   pgbench -n -M prepared -f bench/store/write_post.sql -c 32 -j 2 -T 20 \
--     -D org=ORG_ID -D acc1=ACCOUNT_ID -D acc2=ACCOUNT_ID postgresql://...
\set r random(1, 9000000000000000000)
BEGIN;
INSERT INTO posts (id, org_id, status, publish_at, time_zone, content, created_by, created_at, updated_at) VALUES ('post_' || :r::text, :org, 'scheduled', 1767229200000000, 'Europe/Paris', '{"media":[],"text":"hello, world"}', 'key_bench', 1767225600000000, 1767225600000000) ON CONFLICT DO NOTHING;
INSERT INTO post_targets (id, post_id, org_id, account_id, platform, status, idempotency_key, external_id, url, attempts, last_error, next_attempt_at, published_at, remote_state, created_at, updated_at) VALUES ('tgt_a' || :r::text, 'post_' || :r::text, :org, :acc1, 'mastodon', 'queued', 'idem_a' || :r::text, '', '', 0, '', NULL, NULL, '{}', 1767225600000000, 1767225600000000), ('tgt_b' || :r::text, 'post_' || :r::text, :org, :acc2, 'mastodon', 'queued', 'idem_b' || :r::text, '', '', 0, '', NULL, NULL, '{}', 1767225600000000, 1767225600000000) ON CONFLICT DO NOTHING;
INSERT INTO jobs (id, org_id, kind, target_id, account_id, run_at, state, attempts, lease_owner, lease_until, last_error, payload, created_at, updated_at) VALUES ('job_a' || :r::text, :org, 'publish', 'tgt_a' || :r::text, :acc1, 1767229200000000, 'queued', 0, '', NULL, '', '{"n":1}', 1767225600000000, 1767225600000000), ('job_b' || :r::text, :org, 'publish', 'tgt_b' || :r::text, :acc2, 1767229200000000, 'queued', 0, '', NULL, '', '{"n":1}', 1767225600000000, 1767225600000000) ON CONFLICT DO NOTHING;
NOTIFY herald_jobs;
END;
