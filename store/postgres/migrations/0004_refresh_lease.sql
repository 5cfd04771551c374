-- herald schema, version 4 (PostgreSQL): single-flight OAuth token refresh across processes.
-- The process refreshing an account's tokens holds its refresh lease: refresh_lease_owner is
-- that process's lease id ('' when free) and refresh_lease_until (Unix microseconds) when the
-- lease lapses if the holder died. Taken with a conditional UPDATE (Tx::TakeRefreshLease).
-- The SQLite twin is store/sqlite/migrations/0004_refresh_lease.sql.
ALTER TABLE accounts ADD COLUMN refresh_lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN refresh_lease_until BIGINT NOT NULL DEFAULT 0;
