// SqlTx: media, metrics, idempotency records, the audit log and housekeeping.
#include "store/sql/sql_tx.h"

#include <algorithm>
#include <utility>

#include "store/sql/sql_rows.h"

namespace herald::store::sql {

// ---- media ----

Result<void> SqlTx::InsertMedia(const Media& m) {
  auto r = Exec(Sql({"INSERT INTO media (", kMediaCols,
                     ", data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT DO NOTHING"}),
                {Txt(m.id), Txt(m.org_id), Txt(m.mime_type), Txt(m.file_name), Txt(m.alt_text),
                 Txt(m.sha256), Int(m.size), Tm(m.created_at), Txt(m.storage_key), Txt(m.kind),
                 Jsn(m.probe), Txt(m.thumbnail_key), Int(m.keep ? 1 : 0), OptTm(m.last_used_at),
                 Value::Blob(m.data)});
  if (!r.ok()) return Named(std::move(r).error(), "media " + m.id);
  if (r->affected() == 0) return base::AlreadyExists("media " + m.id + " already exists");
  return base::Ok();
}

Result<Media> SqlTx::GetMedia(std::string_view org_id, std::string_view id, bool with_data) {
  std::string sql = with_data ? Sql({"SELECT ", kMediaCols, ", data FROM media"})
                              : Sql({"SELECT ", kMediaCols, " FROM media"});
  sql += " WHERE id = ? AND org_id = ?";
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, {Txt(id), Txt(org_id)}));
  HERALD_ASSIGN_OR_RETURN(
      Media media, DecodeOne<Media>(rows, DecodeMedia, "media " + std::string(id) + " not found"));
  if (with_data) media.data = std::move(rows.mutable_at(0, kMediaColCount).mutable_str());
  return media;
}

Result<Media> SqlTx::GetMediaUnscoped(std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(Rows rows,
                          Exec(Sql({"SELECT ", kMediaCols, " FROM media WHERE id = ?"}), {Txt(id)}));
  return DecodeOne<Media>(rows, DecodeMedia, "media " + std::string(id) + " not found");
}

Result<std::vector<Media>> SqlTx::ListMedia(std::string_view org_id, std::string_view kind,
                                            std::string_view before_id, int limit) {
  Params params{Txt(org_id)};
  std::string sql = Sql({"SELECT ", kMediaCols, " FROM media m WHERE m.org_id = ?"});
  if (!kind.empty()) {
    sql += " AND m.kind = ?";
    params.push_back(Txt(kind));
  }
  if (!before_id.empty()) {
    HERALD_ASSIGN_OR_RETURN(Rows cursor,
                            Exec("SELECT created_at FROM media WHERE id = ? AND org_id = ?",
                                 {Txt(before_id), Txt(org_id)}));
    if (cursor.empty()) {
      return base::InvalidArgument("before_id '" + std::string(before_id.substr(0, 64)) +
                                   "' is not a media item of this organization");
    }
    RowReader reader(cursor, 0);
    int64_t created = reader.Int();
    if (!reader.ok()) return reader.error();
    sql += " AND (m.created_at < ? OR (m.created_at = ? AND m.id < ?))";
    params.push_back(Int(created));
    params.push_back(Int(created));
    params.push_back(Txt(before_id));
  }
  sql += " ORDER BY m.created_at DESC, m.id DESC LIMIT ?";
  params.push_back(Int(std::max(1, limit)));
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  return DecodeAll<Media>(rows, DecodeMedia);
}

Result<void> SqlTx::UpdateMediaUse(std::string_view org_id, std::string_view id,
                                   std::optional<bool> keep, std::optional<Time> last_used_at) {
  if (keep) {
    HERALD_ASSIGN_OR_RETURN(Rows r, Exec("UPDATE media SET keep = ? WHERE id = ? AND org_id = ?",
                                         {Int(*keep ? 1 : 0), Txt(id), Txt(org_id)}));
    if (r.affected() == 0) return base::NotFound("media " + std::string(id) + " not found");
  }
  if (last_used_at) {
    HERALD_ASSIGN_OR_RETURN(
        Rows r, Exec("UPDATE media SET last_used_at = ? WHERE id = ? AND org_id = ? AND "
                     "(last_used_at IS NULL OR last_used_at < ?)",
                     {Tm(*last_used_at), Txt(id), Txt(org_id), Tm(*last_used_at)}));
    (void)r;
  }
  return base::Ok();
}

Result<void> SqlTx::DeleteMedia(std::string_view org_id, std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(Rows exists, Exec("SELECT id FROM media WHERE id = ? AND org_id = ?",
                                            {Txt(id), Txt(org_id)}));
  if (exists.empty()) return base::NotFound("media " + std::string(id) + " not found");
  HERALD_RETURN_IF_ERROR(Exec("DELETE FROM media_variants WHERE media_id = ?", {Txt(id)}));
  HERALD_RETURN_IF_ERROR(
      Exec("DELETE FROM media WHERE id = ? AND org_id = ?", {Txt(id), Txt(org_id)}));
  return base::Ok();
}

Result<std::vector<std::string>> SqlTx::PendingPostsUsingMedia(std::string_view org_id,
                                                               std::string_view media_id) {
  // Media ids are med_ + a ULID: quoted in the content JSON they cannot match anything else.
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("SELECT id FROM posts WHERE org_id = ? AND status IN ('draft', 'scheduled', "
           "'publishing') AND content LIKE ? ORDER BY created_at, id LIMIT 20",
           {Txt(org_id), Txt("%\"" + std::string(media_id) + "\"%")}));
  std::vector<std::string> ids;
  for (size_t i = 0; i < rows.size(); ++i) {
    RowReader reader(rows, i);
    ids.push_back(reader.Text());
    if (!reader.ok()) return reader.error();
  }
  return ids;
}

Result<std::vector<Media>> SqlTx::ListUnusedMedia(Time cutoff, int limit) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kMediaCols,
                           " FROM media WHERE keep = 0 AND created_at < ? AND "
                           "(last_used_at IS NULL OR last_used_at < ?) "
                           "ORDER BY created_at, id LIMIT ?"}),
                      {Tm(cutoff), Tm(cutoff), Int(std::max(1, limit))}));
  return DecodeAll<Media>(rows, DecodeMedia);
}

Result<void> SqlTx::InsertMediaVariant(const MediaVariant& v) {
  auto r = Exec(Sql({"INSERT INTO media_variants (", kMediaVariantCols,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(v.media_id), Txt(v.spec_key), Txt(v.storage_key), Txt(v.mime_type),
                 Int(v.size), Jsn(v.probe), Tm(v.created_at)});
  if (!r.ok()) return Named(std::move(r).error(), "media variant of " + v.media_id);
  if (r->affected() == 0) {
    return base::AlreadyExists("media " + v.media_id + " already has this conversion");
  }
  return base::Ok();
}

Result<MediaVariant> SqlTx::GetMediaVariant(std::string_view media_id, std::string_view spec_key) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kMediaVariantCols,
                           " FROM media_variants WHERE media_id = ? AND spec_key = ?"}),
                      {Txt(media_id), Txt(spec_key)}));
  return DecodeOne<MediaVariant>(rows, DecodeMediaVariant, "no such conversion");
}

Result<std::vector<MediaVariant>> SqlTx::ListMediaVariants(std::string_view media_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kMediaVariantCols,
                           " FROM media_variants WHERE media_id = ? ORDER BY created_at"}),
                      {Txt(media_id)}));
  return DecodeAll<MediaVariant>(rows, DecodeMediaVariant);
}

// ---- metrics ----

Result<void> SqlTx::InsertMetrics(const Metrics& m) {
  HERALD_RETURN_IF_ERROR(Exec(Sql({"INSERT INTO metrics (", kMetricsCols, ") VALUES (?, ?, ?, ?, ?)"}),
                              {Txt(m.org_id), Txt(m.target_id), Txt(m.account_id),
                               Tm(m.fetched_at), Jsn(m.values)}));
  return base::Ok();
}

Result<Metrics> SqlTx::LatestMetrics(std::string_view org_id, std::string_view account_id,
                                     std::string_view target_id) {
  Result<Rows> rows =
      !target_id.empty()
          ? Exec(Sql({"SELECT ", kMetricsCols,
                      " FROM metrics WHERE org_id = ? AND target_id = ? "
                      "ORDER BY fetched_at DESC, id DESC LIMIT 1"}),
                 {Txt(org_id), Txt(target_id)})
          : Exec(Sql({"SELECT ", kMetricsCols,
                      " FROM metrics WHERE org_id = ? AND account_id = ? AND target_id = '' "
                      "ORDER BY fetched_at DESC, id DESC LIMIT 1"}),
                 {Txt(org_id), Txt(account_id)});
  if (!rows.ok()) return std::move(rows).error();
  return DecodeOne<Metrics>(*rows, DecodeMetrics, "no metrics yet");
}

// ---- idempotency ----

Result<std::optional<IdempotencyRecord>> SqlTx::GetIdempotency(std::string_view org_id,
                                                               std::string_view key, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kIdemCols,
                           " FROM idempotency WHERE org_id = ? AND idem_key = ? AND expires_at > ?"}),
                      {Txt(org_id), Txt(key), Tm(now)}));
  std::optional<IdempotencyRecord> out;
  if (rows.empty()) return out;
  RowReader reader(rows, 0);
  out = DecodeIdem(reader);
  if (!reader.ok()) return reader.error();
  return out;
}

Result<void> SqlTx::InsertIdempotency(const IdempotencyRecord& r) {
  auto rows = Exec(
      Sql({"INSERT INTO idempotency (", kIdemCols,
           ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, idem_key) DO UPDATE SET "
           "tool = excluded.tool, request_hash = excluded.request_hash, "
           "response = excluded.response, created_at = excluded.created_at, "
           "expires_at = excluded.expires_at WHERE idempotency.expires_at <= ?"}),
      {Txt(r.org_id), Txt(r.key), Txt(r.tool), Txt(r.request_hash), Jsn(r.response),
       Tm(r.created_at), Tm(r.expires_at), Tm(r.created_at)});
  if (!rows.ok()) return Named(std::move(rows).error(), "idempotency record");
  if (rows->affected() == 0) {
    return base::AlreadyExists("a request with this idempotency key is already recorded");
  }
  return base::Ok();
}

// ---- audit ----

Result<void> SqlTx::AppendAudit(const AuditEntry& e) {
  HERALD_RETURN_IF_ERROR(
      Exec("INSERT INTO audit_log (org_id, actor, action, subject, detail, at) "
           "VALUES (?, ?, ?, ?, ?, ?)",
           {Txt(e.org_id), Txt(e.actor), Txt(e.action), Txt(e.subject), Jsn(e.detail), Tm(e.at)}));
  return base::Ok();
}

Result<std::vector<AuditEntry>> SqlTx::ListAudit(std::string_view org_id, int limit) {
  const int64_t n = std::clamp(limit, 1, 10'000);
  Result<Rows> rows =
      org_id.empty()
          ? Exec(Sql({"SELECT ", kAuditCols, " FROM audit_log ORDER BY id DESC LIMIT ?"}), {Int(n)})
          : Exec(Sql({"SELECT ", kAuditCols,
                      " FROM audit_log WHERE org_id = ? ORDER BY id DESC LIMIT ?"}),
                 {Txt(org_id), Int(n)});
  if (!rows.ok()) return std::move(rows).error();
  return DecodeAll<AuditEntry>(*rows, DecodeAudit);
}

// ---- housekeeping ----

Result<int> SqlTx::DeleteExpired(Time now) {
  HERALD_ASSIGN_OR_RETURN(Rows states,
                          Exec("DELETE FROM oauth_states WHERE expires_at <= ?", {Tm(now)}));
  HERALD_ASSIGN_OR_RETURN(Rows idem,
                          Exec("DELETE FROM idempotency WHERE expires_at <= ?", {Tm(now)}));
  return static_cast<int>(states.affected() + idem.affected());
}

}  // namespace herald::store::sql
