#include "store/sql/sql_tx.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>
#include <utility>

namespace herald::store::sql {
namespace {

using base::Error;
using base::ErrorCode;

// ---- parameters ----

Value Txt(std::string_view s) { return Value::Text(std::string(s)); }
Value Int(int64_t v) { return Value::Int(v); }
Value Tm(Time t) { return Value::Int(base::ToUnixMicros(t)); }
Value OptTm(const std::optional<Time>& t) {
  return t ? Value::Int(base::ToUnixMicros(*t)) : Value();
}
Value Jsn(const Json& j) { return Value::Text(base::DumpJson(j)); }
Value NullIfEmpty(std::string_view s) { return s.empty() ? Value() : Txt(s); }

// ---- result decoding ----

// Reads the columns of one row left to right, remembering the first decoding error.
class RowReader {
 public:
  RowReader(const Rows& rows, size_t row) : rows_(rows), row_(row) {}

  std::string Text() {
    const Value& v = Next();
    if (v.type() == Value::Type::kInt) return std::to_string(v.int_value());
    return v.str();
  }
  int64_t Int() {
    const Value& v = Next();
    switch (v.type()) {
      case Value::Type::kInt:
        return v.int_value();
      case Value::Type::kText: {
        int64_t out = 0;
        const std::string& s = v.str();
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec != std::errc() || p != s.data() + s.size()) Fail("integer column holds '" + s + "'");
        return out;
      }
      case Value::Type::kNull:
        return 0;
      case Value::Type::kBlob:
        Fail("integer column holds a blob");
        return 0;
    }
    return 0;
  }
  Time TimeValue() { return base::FromUnixMicros(Int()); }
  std::optional<Time> OptTime() {
    if (Peek().is_null()) {
      ++column_;
      return std::nullopt;
    }
    return TimeValue();
  }
  Json JsonValue() {
    const Value& v = Next();
    if (v.is_null() || v.str().empty()) return Json::object();
    // What herald stored itself (client JSON inside its own wrappers) must read back.
    auto parsed = base::ParseJson(v.str(), 4 * base::kMaxJsonDepth);
    if (!parsed.ok()) {
      Fail("JSON column does not parse: " + parsed.error().message());
      return Json::object();
    }
    return std::move(parsed).value();
  }
  template <class E>
  E Enum(base::Result<E> (*parse)(std::string_view)) {
    std::string text = Text();
    auto r = parse(text);
    if (!r.ok()) {
      Fail("unknown enum value '" + text + "'");
      return E{};
    }
    return *r;
  }

  bool ok() const { return !error_.has_value(); }
  Error error() const { return *error_; }

 private:
  const Value& Peek() const { return rows_.at(row_, column_); }
  const Value& Next() { return rows_.at(row_, column_++); }
  void Fail(std::string what) {
    if (!error_) error_ = base::Internal("stored row is malformed (column " +
                                        std::to_string(column_ - 1) + "): " + what);
  }

  const Rows& rows_;
  size_t row_;
  int column_ = 0;
  std::optional<Error> error_;
};

constexpr std::string_view kOrgCols = "id, name, created_at";
constexpr std::string_view kKeyCols =
    "id, org_id, name, role, prefix, hash, created_at, last_used_at, revoked_at";
constexpr std::string_view kAccountCols =
    "id, org_id, platform, external_id, handle, display_name, base_url, settings, "
    "credentials_sealed, status, token_expires_at, last_error, created_at, updated_at";
constexpr std::string_view kPostCols =
    "id, org_id, status, publish_at, time_zone, content, created_by, created_at, updated_at";
constexpr std::string_view kTargetCols =
    "id, post_id, org_id, account_id, platform, status, idempotency_key, external_id, url, "
    "attempts, last_error, next_attempt_at, published_at, remote_state, created_at, updated_at";
constexpr std::string_view kJobCols =
    "id, org_id, kind, target_id, account_id, run_at, state, attempts, lease_owner, "
    "lease_until, last_error, payload, created_at, updated_at";
constexpr std::string_view kMediaCols =
    "id, org_id, mime_type, file_name, alt_text, sha256, size, created_at";
constexpr std::string_view kMetricsCols =
    "org_id, target_id, account_id, fetched_at, metric_values";
constexpr std::string_view kOAuthCols =
    "state_hash, org_id, platform, created_by, verifier_sealed, redirect_uri, data, created_at, "
    "expires_at, used_at";
constexpr std::string_view kIdemCols =
    "org_id, idem_key, tool, request_hash, response, created_at, expires_at";
constexpr std::string_view kAuditCols = "id, org_id, actor, action, subject, detail, at";

constexpr int kTargetColCount = 16;
constexpr int kJobColCount = 14;
// Rows per multi-row INSERT (SQLite allows 32766 parameters per statement).
constexpr size_t kMaxRowsPerInsert = 500;

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

template <class T>
using Decoder = T (*)(RowReader&);

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
  k.role = r.Enum<Role>(ParseRole);
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
  return a;
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
  return m;
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

template <class T>
Result<std::vector<T>> DecodeAll(const Rows& rows, Decoder<T> decode) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    RowReader reader(rows, i);
    out.push_back(decode(reader));
    if (!reader.ok()) return reader.error();
  }
  return out;
}

// The single row of `rows`, or kNotFound with `what`.
template <class T>
Result<T> DecodeOne(const Rows& rows, Decoder<T> decode, std::string what) {
  if (rows.empty()) return base::NotFound(std::move(what));
  RowReader reader(rows, 0);
  T out = decode(reader);
  if (!reader.ok()) return reader.error();
  return out;
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

}  // namespace

// ---- plumbing ----

Result<Rows> SqlTx::Exec(std::string_view sql, const Params& params) {
  auto r = conn_.Exec(sql, params);
  if (!r.ok() && !first_error_) first_error_ = r.error();
  return r;
}

std::string SqlTx::IdSet(std::string_view column, const std::vector<std::string>& ids,
                         Params& params) const {
  if (dialect_.array_params) {
    params.push_back(Value::Text(ArrayLiteral(ids)));
    return std::string(column) + " = ANY(?::text[])";
  }
  std::string out = std::string(column) + " IN (";
  for (size_t i = 0; i < ids.size(); ++i) {
    out += i == 0 ? "?" : ", ?";
    params.push_back(Txt(ids[i]));
  }
  out += ")";
  return out;
}

Result<int64_t> SqlTx::InsertRows(std::string_view table, std::string_view column_list,
                                  int columns, size_t rows, const Params& params) {
  std::string sql = Sql({"INSERT INTO ", table, " (", column_list, ") VALUES "});
  std::string row = "(";
  for (int c = 0; c < columns; ++c) row += c == 0 ? "?" : ", ?";
  row += ")";
  for (size_t r = 0; r < rows; ++r) {
    if (r > 0) sql += ", ";
    sql += row;
  }
  sql += " ON CONFLICT DO NOTHING";
  HERALD_ASSIGN_OR_RETURN(Rows result, Exec(sql, params));
  return result.affected();
}

// ---- organizations ----

Result<void> SqlTx::InsertOrganization(const Organization& org) {
  auto r = Exec(
      "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      {Txt(org.id), Txt(org.name), Tm(org.created_at)});
  if (!r.ok()) return Named(std::move(r).error(), "organization " + org.id);
  if (r->affected() == 0) {
    return base::AlreadyExists("an organization with id " + org.id + " or name '" + org.name +
                               "' already exists");
  }
  return base::Ok();
}

Result<Organization> SqlTx::GetOrganization(std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(Rows rows,
                          Exec(Sql({"SELECT ", kOrgCols, " FROM organizations WHERE id = ?"}),
                               {Txt(id)}));
  return DecodeOne<Organization>(rows, DecodeOrg, "organization " + std::string(id) + " not found");
}

Result<Organization> SqlTx::GetOrganizationByName(std::string_view name) {
  HERALD_ASSIGN_OR_RETURN(Rows rows,
                          Exec(Sql({"SELECT ", kOrgCols, " FROM organizations WHERE name = ?"}),
                               {Txt(name)}));
  return DecodeOne<Organization>(rows, DecodeOrg,
                                 "no organization named '" + std::string(name) + "'");
}

Result<std::vector<Organization>> SqlTx::ListOrganizations() {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec(Sql({"SELECT ", kOrgCols, " FROM organizations ORDER BY created_at, id"}), {}));
  return DecodeAll<Organization>(rows, DecodeOrg);
}

// ---- API keys ----

Result<void> SqlTx::InsertApiKey(const ApiKey& key) {
  auto r = Exec(Sql({"INSERT INTO api_keys (", kKeyCols,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(key.id), Txt(key.org_id), Txt(key.name), Txt(RoleName(key.role)),
                 Txt(key.prefix), Txt(key.hash), Tm(key.created_at), OptTm(key.last_used_at),
                 OptTm(key.revoked_at)});
  if (!r.ok()) return Named(std::move(r).error(), "API key " + key.id);
  if (r->affected() == 0) {
    return base::AlreadyExists("an API key with id " + key.id + " or that prefix already exists");
  }
  return base::Ok();
}

Result<ApiKey> SqlTx::FindApiKeyByPrefix(std::string_view prefix) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kKeyCols, " FROM api_keys WHERE prefix = ?"}), {Txt(prefix)}));
  return DecodeOne<ApiKey>(rows, DecodeKey, "no API key with that prefix");
}

Result<ApiKey> SqlTx::GetApiKey(std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kKeyCols, " FROM api_keys WHERE id = ?"}), {Txt(id)}));
  return DecodeOne<ApiKey>(rows, DecodeKey, "API key " + std::string(id) + " not found");
}

Result<std::vector<ApiKey>> SqlTx::ListApiKeys(std::string_view org_id) {
  Result<Rows> rows =
      org_id.empty()
          ? Exec(Sql({"SELECT ", kKeyCols, " FROM api_keys ORDER BY created_at, id"}), {})
          : Exec(Sql({"SELECT ", kKeyCols,
                      " FROM api_keys WHERE org_id = ? ORDER BY created_at, id"}),
                 {Txt(org_id)});
  if (!rows.ok()) return std::move(rows).error();
  return DecodeAll<ApiKey>(*rows, DecodeKey);
}

Result<void> SqlTx::RevokeApiKey(std::string_view id, Time at) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", {Tm(at), Txt(id)}));
  if (rows.affected() > 0) return base::Ok();
  HERALD_ASSIGN_OR_RETURN(Rows exists, Exec("SELECT 1 FROM api_keys WHERE id = ?", {Txt(id)}));
  if (exists.empty()) return base::NotFound("API key " + std::string(id) + " not found");
  return base::FailedPrecondition("API key " + std::string(id) + " is already revoked");
}

Result<void> SqlTx::TouchApiKey(std::string_view id, Time at) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("UPDATE api_keys SET last_used_at = ? WHERE id = ?", {Tm(at), Txt(id)}));
  if (rows.affected() == 0) return base::NotFound("API key " + std::string(id) + " not found");
  return base::Ok();
}

// ---- accounts ----

Result<Account> SqlTx::UpsertAccount(const Account& a) {
  auto r = Exec(
      Sql({"INSERT INTO accounts (", kAccountCols,
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
           "ON CONFLICT (org_id, platform, external_id) DO UPDATE SET "
           "handle = excluded.handle, display_name = excluded.display_name, "
           "base_url = excluded.base_url, settings = excluded.settings, "
           "credentials_sealed = excluded.credentials_sealed, status = excluded.status, "
           "token_expires_at = excluded.token_expires_at, last_error = excluded.last_error, "
           "updated_at = excluded.updated_at RETURNING ",
           kAccountCols}),
      {Txt(a.id), Txt(a.org_id), Txt(a.platform), Txt(a.external_id), Txt(a.handle),
       Txt(a.display_name), Txt(a.base_url), Jsn(a.settings), Txt(a.credentials_sealed),
       Txt(AccountStatusName(a.status)), OptTm(a.token_expires_at), Txt(a.last_error),
       Tm(a.created_at), Tm(a.updated_at)});
  if (!r.ok()) return Named(std::move(r).error(), "account " + a.id);
  return DecodeOne<Account>(*r, DecodeAccount, "account upsert returned no row");
}

Result<Account> SqlTx::GetAccount(std::string_view org_id, std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kAccountCols, " FROM accounts WHERE id = ? AND org_id = ?"}),
                      {Txt(id), Txt(org_id)}));
  return DecodeOne<Account>(rows, DecodeAccount, "account " + std::string(id) + " not found");
}

Result<std::vector<Account>> SqlTx::ListAccounts(std::string_view org_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec(Sql({"SELECT ", kAccountCols, " FROM accounts WHERE org_id = ? ORDER BY created_at, id"}),
           {Txt(org_id)}));
  return DecodeAll<Account>(rows, DecodeAccount);
}

Result<void> SqlTx::UpdateAccount(const Account& a) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE accounts SET handle = ?, display_name = ?, base_url = ?, settings = ?, "
           "credentials_sealed = ?, status = ?, token_expires_at = ?, last_error = ?, "
           "updated_at = ? WHERE id = ? AND org_id = ?",
           {Txt(a.handle), Txt(a.display_name), Txt(a.base_url), Jsn(a.settings),
            Txt(a.credentials_sealed), Txt(AccountStatusName(a.status)), OptTm(a.token_expires_at),
            Txt(a.last_error), Tm(a.updated_at), Txt(a.id), Txt(a.org_id)}));
  if (rows.affected() == 0) return base::NotFound("account " + a.id + " not found");
  return base::Ok();
}

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
           "updated_at = ? WHERE id = ? AND org_id = ?",
           {Txt(TargetStatusName(t.status)), Txt(t.external_id), Txt(t.url), Int(t.attempts),
            Txt(t.last_error), OptTm(t.next_attempt_at), OptTm(t.published_at),
            Jsn(t.remote_state), Tm(t.updated_at), Txt(t.id), Txt(t.org_id)}));
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

// ---- jobs ----

Result<void> SqlTx::InsertJob(const Job& j) {
  Params params;
  AppendJob(j, params);
  auto inserted = InsertRows("jobs", kJobCols, kJobColCount, 1, params);
  if (!inserted.ok()) return Named(std::move(inserted).error(), "job " + j.id);
  if (*inserted == 0) return base::AlreadyExists("job " + j.id + " already exists");
  jobs_changed_ = true;
  return base::Ok();
}

Result<void> SqlTx::InsertJobs(const std::vector<Job>& jobs) {
  for (size_t start = 0; start < jobs.size(); start += kMaxRowsPerInsert) {
    const size_t n = std::min(kMaxRowsPerInsert, jobs.size() - start);
    Params params;
    params.reserve(n * kJobColCount);
    for (size_t i = start; i < start + n; ++i) AppendJob(jobs[i], params);
    auto inserted = InsertRows("jobs", kJobCols, kJobColCount, n, params);
    if (!inserted.ok()) return Named(std::move(inserted).error(), "a job");
    if (inserted.value() > 0) jobs_changed_ = true;
    if (*inserted != static_cast<int64_t>(n)) {
      return base::AlreadyExists("one of the jobs already exists");
    }
  }
  return base::Ok();
}

Result<Job> SqlTx::GetJob(std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(Rows rows,
                          Exec(Sql({"SELECT ", kJobCols, " FROM jobs WHERE id = ?"}), {Txt(id)}));
  return DecodeOne<Job>(rows, DecodeJob, "job " + std::string(id) + " not found");
}

Result<std::vector<Job>> SqlTx::ListJobsForTarget(std::string_view target_id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kJobCols,
                           " FROM jobs WHERE target_id = ? ORDER BY created_at, id"}),
                      {Txt(target_id)}));
  return DecodeAll<Job>(rows, DecodeJob);
}

Result<std::vector<Job>> SqlTx::ClaimJobs(const ClaimRequest& req) {
  if (req.owner.empty()) return base::InvalidArgument("a claim needs a lease owner");
  if (req.limit <= 0) return std::vector<Job>{};
  const int64_t now = base::ToUnixMicros(req.now);
  const int64_t until =
      now + std::chrono::duration_cast<base::Micros>(req.lease_for).count();

  // 1. Candidates: jobs whose lease expired (a crashed claimer's; few, reconciled first), then
  // queued due jobs, earliest first; skipping accounts that hold an unexpired lease. On
  // PostgreSQL the rows are locked and rows locked by a concurrent claimer are skipped. Two
  // statements, not one with OR: each walks its own partial index (jobs_leases, jobs_due) in
  // order and stops at the LIMIT, where the OR made the database sort every due job per claim.
  std::string kinds;
  if (!req.kinds.empty()) {
    // Kind names are constants from the enum, never user text.
    kinds = " AND j.kind IN (";
    for (size_t i = 0; i < req.kinds.size(); ++i) {
      if (i > 0) kinds += ", ";
      kinds += Quote(JobKindName(req.kinds[i]));
    }
    kinds += ")";
  }
  // Room for several jobs of one account in the window: only the first of each is claimed.
  const int64_t window = static_cast<int64_t>(req.limit) * 4 + 16;
  auto candidates_where = [&](std::string_view due, std::string_view order) {
    std::string sql = Sql({"SELECT j.id, j.account_id FROM jobs j WHERE ", due, kinds,
                           " AND NOT EXISTS (SELECT 1 FROM jobs l WHERE l.account_id = "
                           "j.account_id AND l.account_id <> '' AND l.state = 'leased' AND "
                           "l.lease_until > ?) ORDER BY ",
                           order, " LIMIT ?"});
    if (!dialect_.claim_lock_clause.empty()) {
      sql += " ";
      sql += dialect_.claim_lock_clause;
    }
    return Exec(sql, {Int(now), Int(now), Int(window)});
  };
  HERALD_ASSIGN_OR_RETURN(
      Rows expired,
      candidates_where("j.state = 'leased' AND j.lease_until <= ?", "j.lease_until, j.id"));
  HERALD_ASSIGN_OR_RETURN(
      Rows queued, candidates_where("j.state = 'queued' AND j.run_at <= ?", "j.run_at, j.id"));

  // 2. At most one per account.
  struct Pick {
    std::string id;
    std::string account;
  };
  std::vector<Pick> picks;
  std::unordered_set<std::string> seen;
  for (const Rows* candidates : {&expired, &queued}) {
    for (size_t i = 0; i < candidates->size(); ++i) {
      RowReader reader(*candidates, i);
      Pick p{reader.Text(), reader.Text()};
      if (!reader.ok()) return reader.error();
      if (!p.account.empty() && !seen.insert(p.account).second) continue;
      picks.push_back(std::move(p));
    }
  }

  // 3. Across processes (PostgreSQL): take a transaction-scoped advisory lock per account, then
  // re-check, in a new statement (a fresh snapshot, taken after the lock), that no other claimer
  // committed a lease for it. A concurrent claimer of the same account fails the try-lock.
  if (dialect_.account_advisory_locks && !seen.empty()) {
    std::vector<std::string> accounts(seen.begin(), seen.end());
    Params lock_params{Value::Text(ArrayLiteral(accounts))};
    HERALD_ASSIGN_OR_RETURN(
        Rows locked,
        Exec("SELECT k FROM unnest(?::text[]) AS k "
             "WHERE pg_try_advisory_xact_lock(hashtextextended(k, 0))",
             lock_params));
    std::unordered_set<std::string> usable;
    for (size_t i = 0; i < locked.size(); ++i) {
      RowReader reader(locked, i);
      usable.insert(reader.Text());
    }
    if (!usable.empty()) {
      std::vector<std::string> locked_accounts(usable.begin(), usable.end());
      Params busy_params;
      std::string busy_sql = "SELECT DISTINCT account_id FROM jobs WHERE " +
                             IdSet("account_id", locked_accounts, busy_params) +
                             " AND state = 'leased' AND lease_until > ?";
      busy_params.push_back(Int(now));
      HERALD_ASSIGN_OR_RETURN(Rows busy, Exec(busy_sql, busy_params));
      for (size_t i = 0; i < busy.size(); ++i) {
        RowReader reader(busy, i);
        usable.erase(reader.Text());
      }
    }
    std::erase_if(picks, [&](const Pick& p) {
      return !p.account.empty() && usable.count(p.account) == 0;
    });
  }
  if (picks.size() > static_cast<size_t>(req.limit)) picks.resize(static_cast<size_t>(req.limit));
  if (picks.empty()) return std::vector<Job>{};

  // 4. Lease them.
  std::vector<std::string> ids;
  ids.reserve(picks.size());
  for (auto& p : picks) ids.push_back(std::move(p.id));
  Params update_params{Txt(req.owner), Int(until), Int(now)};
  std::string update =
      "UPDATE jobs SET state = 'leased', lease_owner = ?, lease_until = ?, "
      "attempts = attempts + 1, updated_at = ? WHERE " +
      IdSet("id", ids, update_params) + Sql({" RETURNING ", kJobCols});
  HERALD_ASSIGN_OR_RETURN(Rows leased, Exec(update, update_params));
  HERALD_ASSIGN_OR_RETURN(std::vector<Job> jobs, DecodeAll<Job>(leased, DecodeJob));
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
    return a.run_at != b.run_at ? a.run_at < b.run_at : a.id < b.id;
  });
  return jobs;
}

Result<void> SqlTx::FencedJobUpdate(std::string_view sql, Params params) {
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, params));
  if (rows.affected() == 0) return base::Aborted("lease lost");
  return base::Ok();
}

Result<void> SqlTx::CompleteJob(std::string_view id, std::string_view owner, Time now) {
  return FencedJobUpdate(
      "UPDATE jobs SET state = 'done', lease_until = NULL, updated_at = ? "
      "WHERE id = ? AND state = 'leased' AND lease_owner = ?",
      {Tm(now), Txt(id), Txt(owner)});
}

Result<void> SqlTx::RescheduleJob(std::string_view id, std::string_view owner, Time run_at,
                                  std::string_view error, Time now) {
  HERALD_RETURN_IF_ERROR(FencedJobUpdate(
      "UPDATE jobs SET state = 'queued', run_at = ?, last_error = ?, lease_owner = '', "
      "lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?",
      {Tm(run_at), Txt(error), Tm(now), Txt(id), Txt(owner)}));
  jobs_changed_ = true;
  return base::Ok();
}

Result<void> SqlTx::FailJob(std::string_view id, std::string_view owner, std::string_view error,
                            Time now) {
  return FencedJobUpdate(
      "UPDATE jobs SET state = 'failed', last_error = ?, lease_until = NULL, updated_at = ? "
      "WHERE id = ? AND state = 'leased' AND lease_owner = ?",
      {Txt(error), Tm(now), Txt(id), Txt(owner)});
}

Result<void> SqlTx::ExtendLease(std::string_view id, std::string_view owner, Time until) {
  return FencedJobUpdate(
      "UPDATE jobs SET lease_until = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?",
      {Tm(until), Txt(id), Txt(owner)});
}

Result<bool> SqlTx::JobExists(std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec("SELECT state FROM jobs WHERE id = ?", {Txt(id)}));
  return !rows.empty();
}

Result<void> SqlTx::SetJobRunAt(std::string_view id, Time run_at, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec("UPDATE jobs SET run_at = ?, updated_at = ? WHERE id = ? AND state = 'queued'",
                      {Tm(run_at), Tm(now), Txt(id)}));
  if (rows.affected() > 0) {
    jobs_changed_ = true;
    return base::Ok();
  }
  HERALD_ASSIGN_OR_RETURN(bool exists, JobExists(id));
  if (!exists) return base::NotFound("job " + std::string(id) + " not found");
  return base::FailedPrecondition("job " + std::string(id) + " is not queued");
}

Result<void> SqlTx::CancelJob(std::string_view id, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE id = ? AND state = 'queued'",
           {Tm(now), Txt(id)}));
  if (rows.affected() > 0) return base::Ok();
  HERALD_ASSIGN_OR_RETURN(Rows state, Exec("SELECT state FROM jobs WHERE id = ?", {Txt(id)}));
  if (state.empty()) return base::NotFound("job " + std::string(id) + " not found");
  RowReader reader(state, 0);
  std::string name = reader.Text();
  if (name == JobStateName(JobState::kCancelled)) return base::Ok();  // idempotent
  return base::FailedPrecondition("job " + std::string(id) + " is " + name +
                                  " and can no longer be cancelled");
}

Result<int> SqlTx::ReclaimExpiredLeases(Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("UPDATE jobs SET state = 'queued', lease_owner = '', lease_until = NULL, "
           "updated_at = ? WHERE state = 'leased' AND lease_until <= ?",
           {Tm(now), Tm(now)}));
  if (rows.affected() > 0) jobs_changed_ = true;
  return static_cast<int>(rows.affected());
}

Result<std::optional<Time>> SqlTx::NextDueTime() {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows,
      Exec("SELECT (SELECT MIN(run_at) FROM jobs WHERE state = 'queued'), "
           "(SELECT MIN(lease_until) FROM jobs WHERE state = 'leased')",
           {}));
  std::optional<Time> out;
  if (rows.empty()) return out;
  RowReader reader(rows, 0);
  std::optional<Time> queued = reader.OptTime();
  std::optional<Time> leased = reader.OptTime();
  if (!reader.ok()) return reader.error();
  if (queued) out = queued;
  if (leased && (!out || *leased < *out)) out = leased;
  return out;
}

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

// ---- OAuth states ----

Result<void> SqlTx::InsertOAuthState(const OAuthState& s) {
  auto r = Exec(Sql({"INSERT INTO oauth_states (", kOAuthCols,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(s.state_hash), Txt(s.org_id), Txt(s.platform), Txt(s.created_by),
                 Txt(s.verifier_sealed), Txt(s.redirect_uri), Jsn(s.data), Tm(s.created_at),
                 Tm(s.expires_at), OptTm(s.used_at)});
  if (!r.ok()) return Named(std::move(r).error(), "OAuth state");
  if (r->affected() == 0) return base::AlreadyExists("OAuth state already exists");
  return base::Ok();
}

Result<OAuthState> SqlTx::ConsumeOAuthState(std::string_view state_hash, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND "
                           "used_at IS NULL AND expires_at > ? RETURNING ",
                           kOAuthCols}),
                      {Tm(now), Txt(state_hash), Tm(now)}));
  return DecodeOne<OAuthState>(rows, DecodeOAuth,
                               "unknown, expired or already used OAuth state");
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
