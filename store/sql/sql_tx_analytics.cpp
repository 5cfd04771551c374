// SqlTx: analytics (metric samples over time, the posts they measure, the collection plan).
#include <map>
#include <string>
#include <utility>

#include "store/sql/sql_rows.h"
#include "store/sql/sql_tx.h"

namespace herald::store::sql {
namespace {

constexpr std::string_view kAnalyticsPostCols =
    "org_id, account_id, remote_id, platform, post_id, target_id, url, published_at, "
    "text_excerpt, metric_values, collected_at, revision";
constexpr std::string_view kPlanCols =
    "org_id, account_id, target_id, platform, published_at, next_at, stage, failures, "
    "last_error, lease_owner, lease_until";

AnalyticsPost DecodeAnalyticsPost(RowReader& r) {
  AnalyticsPost p;
  p.org_id = r.Text();
  p.account_id = r.Text();
  p.remote_id = r.Text();
  p.platform = r.Text();
  p.post_id = r.Text();
  p.target_id = r.Text();
  p.url = r.Text();
  p.published_at = r.TimeValue();
  p.text_excerpt = r.Text();
  p.metrics = r.JsonValue();
  p.collected_at = r.OptTime();
  p.revision = r.Int();
  return p;
}

CollectionTask DecodePlan(RowReader& r) {
  CollectionTask t;
  t.org_id = r.Text();
  t.account_id = r.Text();
  t.target_id = r.Text();
  t.platform = r.Text();
  t.published_at = r.TimeValue();
  t.next_at = r.TimeValue();
  t.stage = static_cast<int>(r.Int());
  t.failures = static_cast<int>(r.Int());
  t.last_error = r.Text();
  t.lease_owner = r.Text();
  const int64_t until = r.Int();
  if (!t.lease_owner.empty()) t.lease_until = base::FromUnixMicros(until);
  return t;
}

// Keeps the stored value of `column` when the new one is empty.
std::string KeepIfEmpty(std::string_view column) {
  return Sql({column, " = CASE WHEN excluded.", column, " <> '' THEN excluded.", column,
              " ELSE analytics_posts.", column, " END"});
}

}  // namespace

Result<std::vector<Metrics>> SqlTx::ListMetrics(std::string_view org_id,
                                                std::string_view account_id,
                                                std::string_view target_id, Time from, Time to,
                                                int limit) {
  Params params{Txt(org_id)};
  std::string sql = Sql({"SELECT ", kMetricsCols, " FROM metrics WHERE org_id = ? AND "});
  if (!target_id.empty()) {
    sql += "target_id = ?";
    params.push_back(Txt(target_id));
  } else {
    sql += "account_id = ? AND target_id = ''";
    params.push_back(Txt(account_id));
  }
  sql += " AND fetched_at >= ? AND fetched_at < ? ORDER BY fetched_at, id";
  params.push_back(Tm(from));
  params.push_back(Tm(to));
  if (limit > 0) {
    sql += " LIMIT ?";
    params.push_back(Int(limit));
  }
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  return DecodeAll<Metrics>(rows, DecodeMetrics);
}

Result<void> SqlTx::UpsertAnalyticsPostAt(const AnalyticsPost& p, int64_t revision) {
  if (p.account_id.empty() || p.remote_id.empty()) {
    return base::InvalidArgument("an analytics post needs an account_id and a remote_id");
  }
  const std::string fresh =
      "excluded.collected_at IS NOT NULL AND (analytics_posts.collected_at IS NULL OR "
      "excluded.collected_at >= analytics_posts.collected_at)";
  HERALD_RETURN_IF_ERROR(Exec(
      Sql({"INSERT INTO analytics_posts (", kAnalyticsPostCols,
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, remote_id) DO "
           "UPDATE SET ",
           KeepIfEmpty("platform"), ", ", KeepIfEmpty("post_id"), ", ", KeepIfEmpty("target_id"),
           ", ", KeepIfEmpty("url"), ", ", KeepIfEmpty("text_excerpt"),
           ", published_at = excluded.published_at, metric_values = CASE WHEN ", fresh,
           " THEN excluded.metric_values ELSE analytics_posts.metric_values END, collected_at = "
           "CASE WHEN ",
           fresh,
           " THEN excluded.collected_at ELSE analytics_posts.collected_at END, revision = "
           "excluded.revision WHERE "
           "analytics_posts.org_id = excluded.org_id"}),
      {Txt(p.org_id), Txt(p.account_id), Txt(p.remote_id), Txt(p.platform), Txt(p.post_id),
       Txt(p.target_id), Txt(p.url), Tm(p.published_at), Txt(p.text_excerpt), Jsn(p.metrics),
       OptTm(p.collected_at), Int(revision)}));
  return base::Ok();
}

Result<int64_t> SqlTx::NextAnalyticsRevision(std::string_view org_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("INSERT INTO analytics_revisions (org_id, revision) VALUES (?, 1) ON "
                      "CONFLICT (org_id) DO UPDATE SET revision = analytics_revisions.revision "
                      "+ 1 RETURNING revision",
                      {Txt(org_id)}));
  return DecodeOne<int64_t>(
      rows, [](RowReader& r) { return r.Int(); }, "the analytics revision was not returned");
}

Result<void> SqlTx::UpsertAnalyticsPost(const AnalyticsPost& p) {
  if (p.account_id.empty() || p.remote_id.empty()) {
    return base::InvalidArgument("an analytics post needs an account_id and a remote_id");
  }
  HERALD_ASSIGN_OR_RETURN(int64_t revision, NextAnalyticsRevision(p.org_id));
  return UpsertAnalyticsPostAt(p, revision);
}

Result<void> SqlTx::UpsertAnalyticsPosts(const std::vector<AnalyticsPost>& posts) {
  // One revision per organization for the whole batch.
  std::map<std::string, int64_t, std::less<>> revision_of;
  for (const AnalyticsPost& p : posts) {
    if (p.account_id.empty() || p.remote_id.empty()) {
      return base::InvalidArgument("an analytics post needs an account_id and a remote_id");
    }
    auto it = revision_of.find(p.org_id);
    if (it == revision_of.end()) {
      HERALD_ASSIGN_OR_RETURN(int64_t revision, NextAnalyticsRevision(p.org_id));
      it = revision_of.emplace(p.org_id, revision).first;
    }
    HERALD_RETURN_IF_ERROR(UpsertAnalyticsPostAt(p, it->second));
  }
  return base::Ok();
}

Result<int64_t> SqlTx::GetAnalyticsRevision(std::string_view org_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("SELECT revision FROM analytics_revisions WHERE org_id = ?", {Txt(org_id)}));
  if (rows.empty()) return int64_t{0};
  return DecodeOne<int64_t>(
      rows, [](RowReader& r) { return r.Int(); }, "no analytics revision");
}

Result<std::vector<AnalyticsPost>> SqlTx::ListAnalyticsPostsChanged(
    std::string_view org_id, const AnalyticsChangeCursor& cursor, int64_t up_to, int limit) {
  Params params{Txt(org_id), Int(up_to)};
  std::string sql = Sql({"SELECT ", kAnalyticsPostCols,
                         " FROM analytics_posts WHERE org_id = ? AND revision <= ? AND "});
  if (cursor.account_id.empty()) {
    sql += "revision > ?";
    params.push_back(Int(cursor.revision));
  } else {
    sql += "(revision, account_id, remote_id) > (?, ?, ?)";
    params.push_back(Int(cursor.revision));
    params.push_back(Txt(cursor.account_id));
    params.push_back(Txt(cursor.remote_id));
  }
  sql += " ORDER BY revision, account_id, remote_id";
  if (limit > 0) {
    sql += " LIMIT ?";
    params.push_back(Int(limit));
  }
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  return DecodeAll<AnalyticsPost>(rows, DecodeAnalyticsPost);
}

Result<AnalyticsPost> SqlTx::GetAnalyticsPost(std::string_view org_id, std::string_view account_id,
                                              std::string_view remote_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kAnalyticsPostCols,
                           " FROM analytics_posts WHERE account_id = ? AND remote_id = ? AND "
                           "org_id = ?"}),
                      {Txt(account_id), Txt(remote_id), Txt(org_id)}));
  return DecodeOne<AnalyticsPost>(rows, DecodeAnalyticsPost,
                                  "no analytics post '" + std::string(remote_id.substr(0, 64)) +
                                      "' of account '" + std::string(account_id.substr(0, 64)) +
                                      "'");
}

Result<std::vector<AnalyticsPost>> SqlTx::ListAnalyticsPosts(const AnalyticsPostQuery& q) {
  Params params{Txt(q.org_id), Tm(q.from), Tm(q.to)};
  std::string sql = Sql({"SELECT ", kAnalyticsPostCols,
                         " FROM analytics_posts WHERE org_id = ? AND published_at >= ? AND "
                         "published_at < ?"});
  if (!q.account_ids.empty()) {
    sql += " AND ";
    sql += IdSet("account_id", q.account_ids, params);
  }
  sql += " ORDER BY published_at, account_id, remote_id";
  if (q.limit > 0) {
    sql += " LIMIT ?";
    params.push_back(Int(q.limit));
  }
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  return DecodeAll<AnalyticsPost>(rows, DecodeAnalyticsPost);
}

Result<std::vector<AnalyticsPost>> SqlTx::ListAnalyticsPostsOfPost(std::string_view org_id,
                                                                   std::string_view post_id) {
  if (post_id.empty()) return std::vector<AnalyticsPost>{};
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kAnalyticsPostCols,
                           " FROM analytics_posts WHERE org_id = ? AND post_id = ? ORDER BY "
                           "target_id"}),
                      {Txt(org_id), Txt(post_id)}));
  return DecodeAll<AnalyticsPost>(rows, DecodeAnalyticsPost);
}

Result<void> SqlTx::UpsertCollectionTask(const CollectionTask& t) {
  HERALD_RETURN_IF_ERROR(Exec(
      Sql({"INSERT INTO analytics_plan (", kPlanCols,
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0) ON CONFLICT (account_id, target_id) DO "
           "UPDATE SET org_id = excluded.org_id, platform = excluded.platform, published_at = "
           "excluded.published_at, next_at = excluded.next_at, stage = excluded.stage, failures "
           "= excluded.failures, last_error = excluded.last_error, lease_owner = '', "
           "lease_until = 0"}),
      {Txt(t.org_id), Txt(t.account_id), Txt(t.target_id), Txt(t.platform), Tm(t.published_at),
       Tm(t.next_at), Int(t.stage), Int(t.failures), Txt(t.last_error)}));
  return base::Ok();
}

Result<CollectionTask> SqlTx::GetCollectionTask(std::string_view org_id,
                                                std::string_view account_id,
                                                std::string_view target_id) {
  HERALD_ASSIGN_OR_RETURN(Rows rows,
                          Exec(Sql({"SELECT ", kPlanCols,
                                    " FROM analytics_plan WHERE org_id = ? AND account_id = ? AND "
                                    "target_id = ?"}),
                               {Txt(org_id), Txt(account_id), Txt(target_id)}));
  return DecodeOne<CollectionTask>(rows, DecodePlan, "no such entry in the collection plan");
}

Result<std::vector<CollectionTask>> SqlTx::ListCollectionTasks(std::string_view org_id,
                                                               std::string_view account_id) {
  Params params{Txt(org_id)};
  std::string sql = Sql({"SELECT ", kPlanCols, " FROM analytics_plan WHERE org_id = ?"});
  if (!account_id.empty()) {
    sql += " AND account_id = ?";
    params.push_back(Txt(account_id));
  }
  sql += " ORDER BY next_at, account_id, target_id";
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  return DecodeAll<CollectionTask>(rows, DecodePlan);
}

Result<std::vector<CollectionTask>> SqlTx::ClaimCollectionTasks(std::string_view owner, Time now,
                                                                std::chrono::milliseconds lease_for,
                                                                int limit) {
  if (owner.empty()) return base::InvalidArgument("a claim needs a lease owner");
  if (limit <= 0) return std::vector<CollectionTask>{};
  const int64_t now_us = base::ToUnixMicros(now);
  const int64_t until_us = now_us + std::chrono::duration_cast<base::Micros>(lease_for).count();
  std::string sql = Sql({"SELECT ", kPlanCols,
                         " FROM analytics_plan WHERE next_at <= ? AND (lease_owner = '' OR "
                         "lease_until <= ?) ORDER BY next_at, account_id, target_id LIMIT ?"});
  if (!dialect_.claim_lock_clause.empty()) {
    sql += " ";
    sql += dialect_.claim_lock_clause;
  }
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, {Int(now_us), Int(now_us), Int(limit)}));
  HERALD_ASSIGN_OR_RETURN(std::vector<CollectionTask> tasks,
                          DecodeAll<CollectionTask>(rows, DecodePlan));
  std::vector<CollectionTask> claimed;
  for (CollectionTask& t : tasks) {
    // Conditional, so that a claimer that read the row before another took it gets nothing.
    HERALD_ASSIGN_OR_RETURN(
        Rows updated,
        Exec("UPDATE analytics_plan SET lease_owner = ?, lease_until = ? WHERE account_id = ? "
             "AND target_id = ? AND next_at <= ? AND (lease_owner = '' OR lease_until <= ?)",
             {Txt(owner), Int(until_us), Txt(t.account_id), Txt(t.target_id), Int(now_us),
              Int(now_us)}));
    if (updated.affected() != 1) continue;
    t.lease_owner = std::string(owner);
    t.lease_until = base::FromUnixMicros(until_us);
    claimed.push_back(std::move(t));
  }
  return claimed;
}

Result<void> SqlTx::SettleCollectionTask(const CollectionTask& t, std::string_view owner) {
  HERALD_ASSIGN_OR_RETURN(
      Rows updated,
      Exec("UPDATE analytics_plan SET next_at = ?, stage = ?, failures = ?, last_error = ?, "
           "lease_owner = '', lease_until = 0 WHERE org_id = ? AND account_id = ? AND "
           "target_id = ? AND lease_owner = ? AND lease_owner <> ''",
           {Tm(t.next_at), Int(t.stage), Int(t.failures), Txt(t.last_error), Txt(t.org_id),
            Txt(t.account_id), Txt(t.target_id), Txt(owner)}));
  if (updated.affected() != 1) return base::Aborted("lease lost");
  return base::Ok();
}

Result<void> SqlTx::DeleteCollectionTask(std::string_view org_id, std::string_view account_id,
                                         std::string_view target_id) {
  HERALD_RETURN_IF_ERROR(
      Exec("DELETE FROM analytics_plan WHERE org_id = ? AND account_id = ? AND target_id = ?",
           {Txt(org_id), Txt(account_id), Txt(target_id)}));
  return base::Ok();
}

Result<std::optional<Time>> SqlTx::NextCollectionDue() {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("SELECT MIN(CASE WHEN lease_owner = '' OR lease_until < next_at THEN "
                      "next_at ELSE lease_until END) FROM analytics_plan",
                      {}));
  if (rows.empty()) return std::optional<Time>{};
  RowReader reader(rows, 0);
  std::optional<Time> out = reader.OptTime();
  if (!reader.ok()) return reader.error();
  return out;
}

}  // namespace herald::store::sql
