#include "store/sql/sql_rows.h"

#include <utility>

namespace herald::store::sql {

void AppendTarget(const PostTarget& t, Params& p) {
  p.push_back(Txt(t.id));
  p.push_back(Txt(t.post_id));
  p.push_back(Txt(t.org_id));
  p.push_back(Txt(t.account_id));
  p.push_back(Txt(t.platform));
  p.push_back(Txt(TargetStatusName(t.status)));
  p.push_back(Txt(t.idempotency_key));
  p.push_back(Txt(t.external_id));
  p.push_back(Txt(t.url));
  p.push_back(Int(t.attempts));
  p.push_back(Txt(t.last_error));
  p.push_back(OptTm(t.next_attempt_at));
  p.push_back(OptTm(t.published_at));
  p.push_back(Jsn(t.remote_state));
  p.push_back(Tm(t.created_at));
  p.push_back(Tm(t.updated_at));
  p.push_back(Txt(DeletionStatusName(t.deletion)));
  p.push_back(Txt(t.deletion_error));
}

void AppendJob(const Job& j, Params& p) {
  p.push_back(Txt(j.id));
  p.push_back(Txt(j.org_id));
  p.push_back(Txt(JobKindName(j.kind)));
  p.push_back(NullIfEmpty(j.target_id));
  p.push_back(Txt(j.account_id));
  p.push_back(Tm(j.run_at));
  p.push_back(Txt(JobStateName(j.state)));
  p.push_back(Int(j.attempts));
  p.push_back(Txt(j.lease_owner));
  p.push_back(OptTm(j.lease_until));
  p.push_back(Txt(j.last_error));
  p.push_back(Jsn(j.payload));
  p.push_back(Tm(j.created_at));
  p.push_back(Tm(j.updated_at));
}

std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

Organization DecodeOrg(RowReader& r) {
  Organization o;
  o.id = r.Text();
  o.name = r.Text();
  o.created_at = r.TimeValue();
  return o;
}

ApiKey DecodeKey(RowReader& r) {
  ApiKey k;
  k.id = r.Text();
  k.org_id = r.Text();
  k.name = r.Text();
  k.role = r.Enum<base::Role>(base::ParseRole);
  k.prefix = r.Text();
  k.hash = r.Text();
  k.created_at = r.TimeValue();
  k.last_used_at = r.OptTime();
  k.revoked_at = r.OptTime();
  return k;
}

Account DecodeAccount(RowReader& r) {
  Account a;
  a.id = r.Text();
  a.org_id = r.Text();
  a.platform = r.Text();
  a.external_id = r.Text();
  a.handle = r.Text();
  a.display_name = r.Text();
  a.base_url = r.Text();
  a.settings = r.JsonValue();
  a.credentials_sealed = r.Text();
  a.status = r.Enum<AccountStatus>(ParseAccountStatus);
  a.token_expires_at = r.OptTime();
  a.last_error = r.Text();
  a.created_at = r.TimeValue();
  a.updated_at = r.TimeValue();
  a.grant_id = r.Text();
  a.token_refreshable = r.Int() != 0;
  return a;
}

OAuthGrant DecodeGrant(RowReader& r) {
  OAuthGrant g;
  g.id = r.Text();
  g.org_id = r.Text();
  g.platform = r.Text();
  g.credentials_sealed = r.Text();
  g.status = r.Enum<AccountStatus>(ParseAccountStatus);
  g.token_expires_at = r.OptTime();
  g.last_error = r.Text();
  g.created_at = r.TimeValue();
  g.updated_at = r.TimeValue();
  return g;
}

Post DecodePost(RowReader& r) {
  Post p;
  p.id = r.Text();
  p.org_id = r.Text();
  p.status = r.Enum<PostStatus>(ParsePostStatus);
  p.publish_at = r.OptTime();
  p.time_zone = r.Text();
  p.content = r.JsonValue();
  p.created_by = r.Text();
  p.created_at = r.TimeValue();
  p.updated_at = r.TimeValue();
  return p;
}

PostTarget DecodeTarget(RowReader& r) {
  PostTarget t;
  t.id = r.Text();
  t.post_id = r.Text();
  t.org_id = r.Text();
  t.account_id = r.Text();
  t.platform = r.Text();
  t.status = r.Enum<TargetStatus>(ParseTargetStatus);
  t.idempotency_key = r.Text();
  t.external_id = r.Text();
  t.url = r.Text();
  t.attempts = static_cast<int>(r.Int());
  t.last_error = r.Text();
  t.next_attempt_at = r.OptTime();
  t.published_at = r.OptTime();
  t.remote_state = r.JsonValue();
  t.created_at = r.TimeValue();
  t.updated_at = r.TimeValue();
  t.deletion = r.Enum<DeletionStatus>(ParseDeletionStatus);
  t.deletion_error = r.Text();
  return t;
}

Job DecodeJob(RowReader& r) {
  Job j;
  j.id = r.Text();
  j.org_id = r.Text();
  j.kind = r.Enum<JobKind>(ParseJobKind);
  j.target_id = r.Text();
  j.account_id = r.Text();
  j.run_at = r.TimeValue();
  j.state = r.Enum<JobState>(ParseJobState);
  j.attempts = static_cast<int>(r.Int());
  j.lease_owner = r.Text();
  j.lease_until = r.OptTime();
  j.last_error = r.Text();
  j.payload = r.JsonValue();
  j.created_at = r.TimeValue();
  j.updated_at = r.TimeValue();
  return j;
}

Media DecodeMedia(RowReader& r) {
  Media m;
  m.id = r.Text();
  m.org_id = r.Text();
  m.mime_type = r.Text();
  m.file_name = r.Text();
  m.alt_text = r.Text();
  m.sha256 = r.Text();
  m.size = r.Int();
  m.created_at = r.TimeValue();
  m.storage_key = r.Text();
  m.kind = r.Text();
  m.probe = r.JsonValue();
  m.thumbnail_key = r.Text();
  m.keep = r.Int() != 0;
  m.last_used_at = r.OptTime();
  return m;
}

MediaVariant DecodeMediaVariant(RowReader& r) {
  MediaVariant v;
  v.media_id = r.Text();
  v.spec_key = r.Text();
  v.storage_key = r.Text();
  v.mime_type = r.Text();
  v.size = r.Int();
  v.probe = r.JsonValue();
  v.created_at = r.TimeValue();
  return v;
}

Metrics DecodeMetrics(RowReader& r) {
  Metrics m;
  m.org_id = r.Text();
  m.target_id = r.Text();
  m.account_id = r.Text();
  m.fetched_at = r.TimeValue();
  m.values = r.JsonValue();
  return m;
}

OAuthState DecodeOAuth(RowReader& r) {
  OAuthState s;
  s.state_hash = r.Text();
  s.org_id = r.Text();
  s.platform = r.Text();
  s.created_by = r.Text();
  s.verifier_sealed = r.Text();
  s.redirect_uri = r.Text();
  s.data = r.JsonValue();
  s.created_at = r.TimeValue();
  s.expires_at = r.TimeValue();
  s.used_at = r.OptTime();
  return s;
}

IdempotencyRecord DecodeIdem(RowReader& r) {
  IdempotencyRecord rec;
  rec.org_id = r.Text();
  rec.key = r.Text();
  rec.tool = r.Text();
  rec.request_hash = r.Text();
  rec.response = r.JsonValue();
  rec.created_at = r.TimeValue();
  rec.expires_at = r.TimeValue();
  return rec;
}

AuditEntry DecodeAudit(RowReader& r) {
  AuditEntry e;
  e.id = r.Int();
  e.org_id = r.Text();
  e.actor = r.Text();
  e.action = r.Text();
  e.subject = r.Text();
  e.detail = r.JsonValue();
  e.at = r.TimeValue();
  return e;
}

// Rewrites the generic driver messages of unique and foreign-key violations into ones naming
// the object.
Error Named(Error e, std::string_view what) {
  if (e.code() == ErrorCode::kAlreadyExists) {
    return Error(ErrorCode::kAlreadyExists, std::string(what) + " already exists", e.detail());
  }
  if (e.code() == ErrorCode::kFailedPrecondition &&
      e.message() == "refers to a row that does not exist") {
    return Error(ErrorCode::kFailedPrecondition,
                 std::string(what) +
                     " refers to an organization, post, account or target that does not exist",
                 e.detail());
  }
  return e;
}

std::string Quote(std::string_view id) { return "'" + std::string(id) + "'"; }

// A PostgreSQL array literal of text values: {"a","b"}.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace herald::store::sql
