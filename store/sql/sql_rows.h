// Private to store/sql: the pieces every SqlTx statement group shares (parameter builders,
// column lists, the row reader and decoders of each table, error renaming). Not part of the
// Store interface; included only by store/sql/sql_tx*.cpp.
#ifndef HERALD_STORE_SQL_SQL_ROWS_H_
#define HERALD_STORE_SQL_SQL_ROWS_H_

#include <cstddef>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/connection.h"
#include "store/store.h"

namespace herald::store::sql {

using base::Error;
using base::ErrorCode;

// ---- parameters ----

inline Value Txt(std::string_view s) { return Value::Text(std::string(s)); }
inline Value Int(int64_t v) { return Value::Int(v); }
inline Value Tm(Time t) { return Value::Int(base::ToUnixMicros(t)); }
inline Value OptTm(const std::optional<Time>& t) {
  return t ? Value::Int(base::ToUnixMicros(*t)) : Value();
}
inline Value Jsn(const Json& j) { return Value::Text(base::DumpJson(j)); }
inline Value NullIfEmpty(std::string_view s) { return s.empty() ? Value() : Txt(s); }

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

// Column lists, in the order the decoders read them.
inline constexpr std::string_view kOrgCols = "id, name, created_at";
inline constexpr std::string_view kKeyCols =
    "id, org_id, name, role, prefix, hash, created_at, last_used_at, revoked_at";
inline constexpr std::string_view kAccountCols =
    "id, org_id, platform, external_id, handle, display_name, base_url, settings, "
    "credentials_sealed, status, token_expires_at, last_error, created_at, updated_at, grant_id, "
    "token_refreshable";
inline constexpr std::string_view kGrantCols =
    "id, org_id, platform, credentials_sealed, status, token_expires_at, last_error, created_at, "
    "updated_at";
inline constexpr std::string_view kPostCols =
    "id, org_id, status, publish_at, time_zone, content, created_by, created_at, updated_at";
inline constexpr std::string_view kTargetCols =
    "id, post_id, org_id, account_id, platform, status, idempotency_key, external_id, url, "
    "attempts, last_error, next_attempt_at, published_at, remote_state, created_at, updated_at, "
    "deletion, deletion_error";
inline constexpr std::string_view kJobCols =
    "id, org_id, kind, target_id, account_id, run_at, state, attempts, lease_owner, "
    "lease_until, last_error, payload, created_at, updated_at";
inline constexpr std::string_view kMediaCols =
    "id, org_id, mime_type, file_name, alt_text, sha256, size, created_at, storage_key, kind, "
    "probe, thumbnail_key, keep, last_used_at";
inline constexpr int kMediaColCount = 14;
inline constexpr std::string_view kMediaVariantCols =
    "media_id, spec_key, storage_key, mime_type, size, probe, created_at";
inline constexpr std::string_view kMetricsCols =
    "org_id, target_id, account_id, fetched_at, metric_values";
inline constexpr std::string_view kOAuthCols =
    "state_hash, org_id, platform, created_by, verifier_sealed, redirect_uri, data, created_at, "
    "expires_at, used_at";
inline constexpr std::string_view kIdemCols =
    "org_id, idem_key, tool, request_hash, response, created_at, expires_at";
inline constexpr std::string_view kAuditCols = "id, org_id, actor, action, subject, detail, at";

inline constexpr int kTargetColCount = 18;
inline constexpr int kJobColCount = 14;
// Rows per multi-row INSERT (SQLite allows 32766 parameters per statement).
inline constexpr size_t kMaxRowsPerInsert = 500;

// Appends the parameters of one row of post_targets / jobs, in kTargetCols / kJobCols order.
void AppendTarget(const PostTarget& t, Params& p);
void AppendJob(const Job& j, Params& p);

// Concatenates `parts` into one statement.
std::string Sql(std::initializer_list<std::string_view> parts);

template <class T>
using Decoder = T (*)(RowReader&);

// One row of each table, read in its column list's order.
Organization DecodeOrg(RowReader& r);
ApiKey DecodeKey(RowReader& r);
Account DecodeAccount(RowReader& r);
OAuthGrant DecodeGrant(RowReader& r);
Post DecodePost(RowReader& r);
PostTarget DecodeTarget(RowReader& r);
Job DecodeJob(RowReader& r);
Media DecodeMedia(RowReader& r);
MediaVariant DecodeMediaVariant(RowReader& r);
Metrics DecodeMetrics(RowReader& r);
OAuthState DecodeOAuth(RowReader& r);
IdempotencyRecord DecodeIdem(RowReader& r);
AuditEntry DecodeAudit(RowReader& r);

// Every row of `rows`, or the first decoding error.
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
Error Named(Error e, std::string_view what);

// `id` in single quotes (for ids herald generated, never user text).
std::string Quote(std::string_view id);

// A PostgreSQL array literal of text values: {"a","b"}.
std::string ArrayLiteral(const std::vector<std::string>& items);

}  // namespace herald::store::sql

#endif  // HERALD_STORE_SQL_SQL_ROWS_H_
