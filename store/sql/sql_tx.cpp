// SqlTx: statement plumbing, organizations and API keys.
#include "store/sql/sql_tx.h"

#include <algorithm>
#include <utility>

#include "store/sql/sql_rows.h"

namespace herald::store::sql {

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

Result<void> SqlTx::LockOrganization(std::string_view id) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT id FROM organizations WHERE id = ?", dialect_.row_lock_clause}),
                      {Txt(id)}));
  if (rows.empty()) return base::NotFound("organization " + std::string(id) + " not found");
  return base::Ok();
}

// ---- API keys ----

Result<void> SqlTx::InsertApiKey(const ApiKey& key) {
  auto r = Exec(
      Sql({"INSERT INTO api_keys (", kKeyCols,
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
      {Txt(key.id), Txt(key.org_id), Txt(key.name), Txt(base::RoleName(key.role)), Txt(key.prefix),
       Txt(key.hash), Tm(key.created_at), OptTm(key.last_used_at), OptTm(key.revoked_at)});
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

}  // namespace herald::store::sql
