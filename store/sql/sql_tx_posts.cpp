// SqlTx: posts and their targets.
#include "store/sql/sql_tx.h"

#include <algorithm>
#include <utility>

#include "store/sql/sql_rows.h"

namespace herald::store::sql {

// ---- posts ----

Result<void> SqlTx::InsertPost(const Post& p) {
  auto r = Exec(Sql({"INSERT INTO posts (", kPostCols,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(p.id), Txt(p.org_id), Txt(PostStatusName(p.status)), OptTm(p.publish_at),
                 Txt(p.time_zone), Jsn(p.content), Txt(p.created_by), Tm(p.created_at),
                 Tm(p.updated_at)});
  if (!r.ok()) return Named(std::move(r).error(), "post " + p.id);
  if (r->affected() == 0) return base::AlreadyExists("post " + p.id + " already exists");
  return base::Ok();
}

Result<Post> SqlTx::GetPost(std::string_view org_id, std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kPostCols, " FROM posts WHERE id = ? AND org_id = ?"}),
                      {Txt(id), Txt(org_id)}));
  return DecodeOne<Post>(rows, DecodePost, "post " + std::string(id) + " not found");
}

Result<void> SqlTx::UpdatePost(const Post& p) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("UPDATE posts SET status = ?, publish_at = ?, time_zone = ?, content = ?, "
                      "updated_at = ? WHERE id = ? AND org_id = ?",
                      {Txt(PostStatusName(p.status)), OptTm(p.publish_at), Txt(p.time_zone),
                       Jsn(p.content), Tm(p.updated_at), Txt(p.id), Txt(p.org_id)}));
  if (rows.affected() == 0) return base::NotFound("post " + p.id + " not found");
  return base::Ok();
}

Result<Post> SqlTx::LockPost(std::string_view org_id, std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kPostCols, " FROM posts WHERE id = ? AND org_id = ?",
                           dialect_.row_lock_clause}),
                      {Txt(id), Txt(org_id)}));
  return DecodeOne<Post>(rows, DecodePost, "post " + std::string(id) + " not found");
}

Result<void> SqlTx::SetPostStatus(std::string_view org_id, std::string_view id,
                                  PostStatus status, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("UPDATE posts SET status = ?, updated_at = ? WHERE id = ? AND org_id = ?",
                      {Txt(PostStatusName(status)), Tm(now), Txt(id), Txt(org_id)}));
  if (rows.affected() == 0) return base::NotFound("post " + std::string(id) + " not found");
  return base::Ok();
}

Result<std::vector<Post>> SqlTx::ListPosts(const PostQuery& q) {
  Params params{Txt(q.org_id)};
  std::string sql = Sql({"SELECT ", kPostCols, " FROM posts p WHERE p.org_id = ?"});
  if (q.status) {
    sql += " AND p.status = ?";
    params.push_back(Txt(PostStatusName(*q.status)));
  }
  if (q.from) {
    sql += " AND p.publish_at >= ?";
    params.push_back(Tm(*q.from));
  }
  if (q.to) {
    sql += " AND p.publish_at < ?";
    params.push_back(Tm(*q.to));
  }
  if (!q.account_id.empty()) {
    sql += " AND EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.account_id = ?)";
    params.push_back(Txt(q.account_id));
  }
  if (!q.after_id.empty()) {
    HERALD_ASSIGN_OR_RETURN(Rows cursor,
                            Exec("SELECT created_at FROM posts WHERE id = ? AND org_id = ?",
                                 {Txt(q.after_id), Txt(q.org_id)}));
    if (cursor.empty()) {
      return base::InvalidArgument("after_id '" + q.after_id.substr(0, 64) +
                                   "' is not a post of this organization");
    }
    RowReader reader(cursor, 0);
    int64_t created = reader.Int();
    if (!reader.ok()) return reader.error();
    sql += " AND (p.created_at < ? OR (p.created_at = ? AND p.id < ?))";
    params.push_back(Int(created));
    params.push_back(Int(created));
    params.push_back(Txt(q.after_id));
  }
  sql += " ORDER BY p.created_at DESC, p.id DESC LIMIT ?";
  params.push_back(Int(std::clamp(q.limit, 1, 1000)));
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  return DecodeAll<Post>(rows, DecodePost);
}

// ---- targets ----

Result<void> SqlTx::InsertTarget(const PostTarget& t) {
  Params params;
  AppendTarget(t, params);
  auto inserted = InsertRows("post_targets", kTargetCols, kTargetColCount, 1, params);
  if (!inserted.ok()) return Named(std::move(inserted).error(), "post target " + t.id);
  if (*inserted == 0) return base::AlreadyExists("post target " + t.id + " already exists");
  return base::Ok();
}

Result<void> SqlTx::InsertTargets(const std::vector<PostTarget>& targets) {
  for (size_t start = 0; start < targets.size(); start += kMaxRowsPerInsert) {
    const size_t n = std::min(kMaxRowsPerInsert, targets.size() - start);
    Params params;
    params.reserve(n * kTargetColCount);
    for (size_t i = start; i < start + n; ++i) AppendTarget(targets[i], params);
    auto inserted = InsertRows("post_targets", kTargetCols, kTargetColCount, n, params);
    if (!inserted.ok()) return Named(std::move(inserted).error(), "a post target");
    if (*inserted != static_cast<int64_t>(n)) {
      return base::AlreadyExists("one of the post targets already exists");
    }
  }
  return base::Ok();
}

Result<PostTarget> SqlTx::GetTarget(std::string_view org_id, std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec(Sql({"SELECT ", kTargetCols, " FROM post_targets WHERE id = ? AND org_id = ?"}),
           {Txt(id), Txt(org_id)}));
  return DecodeOne<PostTarget>(rows, DecodeTarget, "post target " + std::string(id) + " not found");
}

Result<std::vector<PostTarget>> SqlTx::ListTargets(std::string_view org_id,
                                                   std::string_view post_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kTargetCols,
                           " FROM post_targets WHERE post_id = ? AND org_id = ? ORDER BY id"}),
                      {Txt(post_id), Txt(org_id)}));
  return DecodeAll<PostTarget>(rows, DecodeTarget);
}

Result<void> SqlTx::UpdateTarget(const PostTarget& t) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE post_targets SET status = ?, external_id = ?, url = ?, attempts = ?, "
           "last_error = ?, next_attempt_at = ?, published_at = ?, remote_state = ?, "
           "updated_at = ?, deletion = ?, deletion_error = ? WHERE id = ? AND org_id = ?",
           {Txt(TargetStatusName(t.status)), Txt(t.external_id), Txt(t.url), Int(t.attempts),
            Txt(t.last_error), OptTm(t.next_attempt_at), OptTm(t.published_at),
            Jsn(t.remote_state), Tm(t.updated_at), Txt(DeletionStatusName(t.deletion)),
            Txt(t.deletion_error), Txt(t.id), Txt(t.org_id)}));
  if (rows.affected() == 0) return base::NotFound("post target " + t.id + " not found");
  return base::Ok();
}

Result<void> SqlTx::DeleteTarget(std::string_view org_id, std::string_view id) {
  // Its jobs go with it (jobs.target_id REFERENCES post_targets ON DELETE CASCADE).
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec("DELETE FROM post_targets WHERE id = ? AND org_id = ?",
                                          {Txt(id), Txt(org_id)}));
  if (rows.affected() == 0) return base::NotFound("post target " + std::string(id) + " not found");
  return base::Ok();
}

}  // namespace herald::store::sql
