// SqlTx: teams — organization settings, post approvals, audit queries and pruning, webhooks and
// their delivery outbox.
#include <algorithm>
#include <utility>

#include "store/sql/sql_rows.h"
#include "store/sql/sql_tx.h"

namespace herald::store::sql {
namespace {

constexpr std::string_view kApprovalCols =
    "post_id, org_id, state, immediate, requested_by, requested_at, decided_by, decided_at, note";
constexpr std::string_view kWebhookCols =
    "id, org_id, url, events, secret_sealed, created_by, created_at";
constexpr std::string_view kDeliveryCols =
    "id, webhook_id, org_id, event_id, event_type, payload, state, attempts, next_attempt_at, "
    "lease_owner, lease_until, last_status, last_response, created_at, updated_at";
constexpr int kDeliveryColCount = 15;

PostApproval DecodeApproval(RowReader& r) {
  PostApproval a;
  a.post_id = r.Text();
  a.org_id = r.Text();
  a.state = r.Enum<ApprovalState>(ParseApprovalState);
  a.immediate = r.Int() != 0;
  a.requested_by = r.Text();
  a.requested_at = r.TimeValue();
  a.decided_by = r.Text();
  a.decided_at = r.OptTime();
  a.note = r.Text();
  return a;
}

Webhook DecodeWebhook(RowReader& r) {
  Webhook w;
  w.id = r.Text();
  w.org_id = r.Text();
  w.url = r.Text();
  Json events = r.JsonValue();
  if (events.is_array()) {
    for (const auto& e : events) {
      if (e.is_string()) w.events.push_back(e.get<std::string>());
    }
  }
  w.secret_sealed = r.Text();
  w.created_by = r.Text();
  w.created_at = r.TimeValue();
  return w;
}

WebhookDelivery DecodeDelivery(RowReader& r) {
  WebhookDelivery d;
  d.id = r.Text();
  d.webhook_id = r.Text();
  d.org_id = r.Text();
  d.event_id = r.Text();
  d.event_type = r.Text();
  d.payload = r.JsonValue();
  d.state = r.Enum<DeliveryState>(ParseDeliveryState);
  d.attempts = static_cast<int>(r.Int());
  d.next_attempt_at = r.TimeValue();
  d.lease_owner = r.Text();
  d.lease_until = r.OptTime();
  d.last_status = static_cast<int>(r.Int());
  d.last_response = r.Text();
  d.created_at = r.TimeValue();
  d.updated_at = r.TimeValue();
  return d;
}

}  // namespace

// ---- keys ----

Result<void> SqlTx::SetApiKeyRole(std::string_view id, base::Role role) {
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec("UPDATE api_keys SET role = ? WHERE id = ?",
                                          {Txt(base::RoleName(role)), Txt(id)}));
  if (rows.affected() == 0) return base::NotFound("no API key " + std::string(id));
  return base::Ok();
}

// ---- organization settings ----

Result<OrganizationSettings> SqlTx::GetOrganizationSettings(std::string_view org_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("SELECT require_approval, updated_at FROM organization_settings "
                      "WHERE org_id = ?",
                      {Txt(org_id)}));
  OrganizationSettings out;
  out.org_id = std::string(org_id);
  if (rows.empty()) return out;
  RowReader reader(rows, 0);
  out.require_approval = reader.Int() != 0;
  out.updated_at = reader.TimeValue();
  if (!reader.ok()) return reader.error();
  return out;
}

Result<void> SqlTx::PutOrganizationSettings(const OrganizationSettings& s) {
  auto r = Exec(
      "INSERT INTO organization_settings (org_id, require_approval, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (org_id) DO UPDATE SET require_approval = excluded.require_approval, "
      "updated_at = excluded.updated_at",
      {Txt(s.org_id), Int(s.require_approval ? 1 : 0), Tm(s.updated_at)});
  if (!r.ok()) return Named(std::move(r).error(), "settings of organization " + s.org_id);
  return base::Ok();
}

// ---- approvals ----

Result<void> SqlTx::PutPostApproval(const PostApproval& a) {
  auto r = Exec(Sql({"INSERT INTO post_approvals (", kApprovalCols,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (post_id) DO UPDATE SET "
                     "state = excluded.state, immediate = excluded.immediate, "
                     "requested_by = excluded.requested_by, requested_at = excluded.requested_at, "
                     "decided_by = excluded.decided_by, decided_at = excluded.decided_at, "
                     "note = excluded.note"}),
                {Txt(a.post_id), Txt(a.org_id), Txt(ApprovalStateName(a.state)),
                 Int(a.immediate ? 1 : 0), Txt(a.requested_by), Tm(a.requested_at),
                 Txt(a.decided_by), OptTm(a.decided_at), Txt(a.note)});
  if (!r.ok()) return Named(std::move(r).error(), "approval of post " + a.post_id);
  return base::Ok();
}

Result<PostApproval> SqlTx::GetPostApproval(std::string_view org_id, std::string_view post_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kApprovalCols,
                           " FROM post_approvals WHERE post_id = ? AND org_id = ?"}),
                      {Txt(post_id), Txt(org_id)}));
  return DecodeOne<PostApproval>(rows, DecodeApproval,
                                 "no approval record for post " + std::string(post_id));
}

// ---- audit queries ----

Result<std::vector<AuditEntry>> SqlTx::ListAuditEvents(const AuditQuery& q) {
  std::string sql = Sql({"SELECT ", kAuditCols, " FROM audit_log WHERE org_id = ?"});
  Params params{Txt(q.org_id)};
  if (q.from) {
    sql += " AND at >= ?";
    params.push_back(Tm(*q.from));
  }
  if (q.to) {
    sql += " AND at < ?";
    params.push_back(Tm(*q.to));
  }
  if (!q.subject.empty()) {
    sql += " AND subject = ?";
    params.push_back(Txt(q.subject));
  }
  if (!q.actor.empty()) {
    sql += " AND actor = ?";
    params.push_back(Txt(q.actor));
  }
  if (q.before_id > 0) {
    sql += " AND id < ?";
    params.push_back(Int(q.before_id));
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(Int(std::clamp(q.limit, 1, 10'000)));
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  return DecodeAll<AuditEntry>(rows, DecodeAudit);
}

Result<int> SqlTx::DeleteAuditBefore(Time cutoff, int limit) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? "
                      "ORDER BY at LIMIT ?)",
                      {Tm(cutoff), Int(std::max(limit, 1))}));
  return static_cast<int>(rows.affected());
}

// ---- webhooks ----

Result<int> SqlTx::DeleteSettledWebhookDeliveries(Time cutoff, int limit) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE "
           "state <> 'pending' AND updated_at < ? ORDER BY updated_at LIMIT ?)",
           {Tm(cutoff), Int(std::max(limit, 1))}));
  return static_cast<int>(rows.affected());
}

Result<void> SqlTx::InsertWebhook(const Webhook& w) {
  auto r = Exec(Sql({"INSERT INTO webhooks (", kWebhookCols,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(w.id), Txt(w.org_id), Txt(w.url), Jsn(Json(w.events)), Txt(w.secret_sealed),
                 Txt(w.created_by), Tm(w.created_at)});
  if (!r.ok()) return Named(std::move(r).error(), "webhook " + w.id);
  if (r->affected() == 0) return base::AlreadyExists("webhook " + w.id + " already exists");
  return base::Ok();
}

Result<Webhook> SqlTx::GetWebhook(std::string_view org_id, std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kWebhookCols, " FROM webhooks WHERE id = ? AND org_id = ?"}),
                      {Txt(id), Txt(org_id)}));
  return DecodeOne<Webhook>(rows, DecodeWebhook, "no webhook " + std::string(id));
}

Result<std::vector<Webhook>> SqlTx::ListWebhooks(std::string_view org_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kWebhookCols,
                           " FROM webhooks WHERE org_id = ? ORDER BY created_at, id"}),
                      {Txt(org_id)}));
  return DecodeAll<Webhook>(rows, DecodeWebhook);
}

Result<void> SqlTx::DeleteWebhook(std::string_view org_id, std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec("DELETE FROM webhooks WHERE id = ? AND org_id = ?",
                                          {Txt(id), Txt(org_id)}));
  if (rows.affected() == 0) return base::NotFound("no webhook " + std::string(id));
  HERALD_RETURN_IF_ERROR(Exec(
      "DELETE FROM webhook_deliveries WHERE webhook_id = ? AND org_id = ? AND state = 'pending'",
      {Txt(id), Txt(org_id)}));
  return base::Ok();
}

Result<void> SqlTx::InsertWebhookDeliveries(const std::vector<WebhookDelivery>& deliveries) {
  for (size_t start = 0; start < deliveries.size(); start += kMaxRowsPerInsert) {
    size_t end = std::min(deliveries.size(), start + kMaxRowsPerInsert);
    Params p;
    for (size_t i = start; i < end; ++i) {
      const WebhookDelivery& d = deliveries[i];
      for (Value v : {Txt(d.id), Txt(d.webhook_id), Txt(d.org_id), Txt(d.event_id),
                      Txt(d.event_type), Jsn(d.payload), Txt(DeliveryStateName(d.state)),
                      Int(d.attempts), Tm(d.next_attempt_at), Txt(d.lease_owner),
                      OptTm(d.lease_until), Int(d.last_status), Txt(d.last_response),
                      Tm(d.created_at), Tm(d.updated_at)}) {
        p.push_back(std::move(v));
      }
    }
    HERALD_ASSIGN_OR_RETURN(int64_t inserted, InsertRows("webhook_deliveries", kDeliveryCols,
                                                         kDeliveryColCount, end - start, p));
    if (inserted != static_cast<int64_t>(end - start)) {
      return base::AlreadyExists("a webhook delivery with this id already exists");
    }
  }
  return base::Ok();
}

Result<std::vector<WebhookDelivery>> SqlTx::ClaimWebhookDeliveries(std::string_view owner,
                                                                   Time now, Time lease_until,
                                                                   int limit) {
  if (owner.empty()) return base::InvalidArgument("a claim needs a lease owner");
  if (limit <= 0) return std::vector<WebhookDelivery>{};
  constexpr std::string_view kDue =
      "state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)";
  std::string select =
      Sql({"SELECT id FROM webhook_deliveries WHERE ", kDue, " ORDER BY next_attempt_at, id "
                                                             "LIMIT ?"});
  if (!dialect_.claim_lock_clause.empty()) {
    select += " ";
    select += dialect_.claim_lock_clause;
  }
  HERALD_ASSIGN_OR_RETURN(Rows candidates, Exec(select, {Tm(now), Tm(now), Int(limit)}));
  std::vector<WebhookDelivery> out;
  for (size_t i = 0; i < candidates.size(); ++i) {
    RowReader reader(candidates, i);
    std::string id = reader.Text();
    if (!reader.ok()) return reader.error();
    // Conditional: a concurrent claimer that took it first makes this change nothing.
    HERALD_ASSIGN_OR_RETURN(
        Rows updated,
        Exec(Sql({"UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ? WHERE id = ? "
                  "AND ",
                  kDue}),
             {Txt(owner), Tm(lease_until), Txt(id), Tm(now), Tm(now)}));
    if (updated.affected() == 0) continue;
    HERALD_ASSIGN_OR_RETURN(
        Rows row,
        Exec(Sql({"SELECT ", kDeliveryCols, " FROM webhook_deliveries WHERE id = ?"}), {Txt(id)}));
    HERALD_ASSIGN_OR_RETURN(WebhookDelivery d,
                            DecodeOne<WebhookDelivery>(row, DecodeDelivery, "delivery " + id));
    out.push_back(std::move(d));
  }
  return out;
}

Result<void> SqlTx::FinishWebhookAttempt(const WebhookDelivery& d, std::string_view owner) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt_at = ?, "
           "last_status = ?, last_response = ?, updated_at = ?, lease_owner = '', "
           "lease_until = NULL WHERE id = ? AND lease_owner = ?",
           {Txt(DeliveryStateName(d.state)), Int(d.attempts), Tm(d.next_attempt_at),
            Int(d.last_status), Txt(d.last_response), Tm(d.updated_at), Txt(d.id), Txt(owner)}));
  if (rows.affected() == 0) return base::Aborted("lease lost on webhook delivery " + d.id);
  return base::Ok();
}

Result<std::vector<WebhookDelivery>> SqlTx::ListWebhookDeliveries(std::string_view org_id,
                                                                  std::string_view webhook_id,
                                                                  int limit) {
  std::string sql = Sql({"SELECT ", kDeliveryCols, " FROM webhook_deliveries WHERE org_id = ?"});
  Params params{Txt(org_id)};
  if (!webhook_id.empty()) {
    sql += " AND webhook_id = ?";
    params.push_back(Txt(webhook_id));
  }
  sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
  params.push_back(Int(std::clamp(limit, 1, 1'000)));
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  return DecodeAll<WebhookDelivery>(rows, DecodeDelivery);
}

Result<std::optional<Time>> SqlTx::NextWebhookDeliveryTime() {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'",
                      {}));
  std::optional<Time> out;
  if (rows.empty() || rows.at(0, 0).is_null()) return out;
  RowReader reader(rows, 0);
  out = reader.TimeValue();
  if (!reader.ok()) return reader.error();
  return out;
}

}  // namespace herald::store::sql
