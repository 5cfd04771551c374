-- herald schema, version 3 (SQLite): the media pipeline. The bytes of new media live in the
-- MediaStore (local directory or S3) under storage_key; rows made before this version keep
-- their bytes in `data` (storage_key = ''). probe is the MediaProbe as JSON. A media item not
-- kept and not used by any post for 7 days is removed (last_used_at: when a post last took
-- it). media_variants caches one conversion per (media, ConversionSpec key).
-- The PostgreSQL twin is store/postgres/migrations/0003_media_pipeline.sql.
ALTER TABLE media ADD COLUMN storage_key TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN kind TEXT NOT NULL DEFAULT 'image';
ALTER TABLE media ADD COLUMN probe TEXT NOT NULL DEFAULT '{}';
ALTER TABLE media ADD COLUMN thumbnail_key TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN keep INTEGER NOT NULL DEFAULT 0;
ALTER TABLE media ADD COLUMN last_used_at INTEGER;
CREATE INDEX media_org_newest ON media (org_id, created_at DESC, id DESC);

CREATE TABLE media_variants (
  media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
  spec_key TEXT NOT NULL,
  storage_key TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  probe TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (media_id, spec_key)
) WITHOUT ROWID;
