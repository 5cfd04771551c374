// SqlTx: media, metrics, idempotency records, the audit log and housekeeping.
#include "store/sql/sql_tx.h"

#include <algorithm>
#include <utility>

#include "store/sql/sql_rows.h"

namespace herald::store::sql {

// ---- media ----

Result<void> SqlTx::InsertMedia(const Media& m) {
  auto r = Exec(Sql({"INSERT INTO media (", kMediaCols,
                     ", data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(m.id), Txt(m.org_id), Txt(m.mime_type), Txt(m.file_name), Txt(m.alt_text),
                 Txt(m.sha256), Int(m.size), Tm(m.created_at), Value::Blob(m.data)});
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
  if (with_data) media.data = std::move(rows.mutable_at(0, 8).mutable_str());
  return media;
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
