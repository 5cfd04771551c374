// SqlTx: what backups and restores need. The table list, columns, keys and foreign keys come
// from the database's own catalog (sqlite_master and pragmas; pg_catalog), so a table added by
// any later migration is backed up without being named here.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "store/sql/sql_rows.h"
#include "store/sql/sql_tx.h"

namespace herald::store::sql {
namespace {

// Rows read per statement while scanning a table.
constexpr int kScanPage = 500;
// Parameters per INSERT statement (SQLite allows 32766, PostgreSQL 65535).
constexpr size_t kMaxInsertParams = 8'000;

// The bookkeeping table of migrations: recreated by migrating, never restored.
constexpr std::string_view kMigrationsTable = "schema_migrations";

std::string QuoteName(std::string_view identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
  return out;
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) {
    if (!out.empty()) out += ", ";
    out += QuoteName(c);
  }
  return out;
}

std::vector<std::string> TextColumn(const Rows& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(rows.at(i, 0).str());
  return out;
}

// Orders `names` so that every table comes after the tables it references (`parents`), ties
// by name. A cycle (none today) keeps the remaining tables in name order.
std::vector<std::string> ParentsFirst(std::vector<std::string> names,
                                      std::map<std::string, std::set<std::string>> parents) {
  std::sort(names.begin(), names.end());
  std::vector<std::string> out;
  std::set<std::string> placed;
  while (out.size() < names.size()) {
    bool progressed = false;
    for (const std::string& n : names) {
      if (placed.contains(n)) continue;
      bool ready = std::all_of(parents[n].begin(), parents[n].end(), [&](const std::string& p) {
        return p == n || placed.contains(p) ||
               std::find(names.begin(), names.end(), p) == names.end();
      });
      if (!ready) continue;
      out.push_back(n);
      placed.insert(n);
      progressed = true;
    }
    if (!progressed) {
      for (const std::string& n : names) {
        if (!placed.contains(n)) out.push_back(n);
      }
      break;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<BackupTable>> SqlTx::ListBackupTables() {
  const bool pg = dialect_.backend == "postgres";
  HERALD_ASSIGN_OR_RETURN(
      Rows table_rows,
      Exec(pg ? "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() AND c.relname <> ? "
                "ORDER BY c.relname"
              : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name <> ? ORDER BY name",
           {Txt(kMigrationsTable)}));
  std::vector<std::string> names = TextColumn(table_rows);
  std::map<std::string, BackupTable> tables;
  std::map<std::string, std::set<std::string>> parents;
  for (const std::string& name : names) {
    BackupTable table;
    table.name = name;
    if (pg) {
      // The first column of a catalog query about this table, as names.
      auto names_of = [&](std::string_view sql) -> Result<std::vector<std::string>> {
        HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(sql, {Txt(name)}));
        return TextColumn(rows);
      };
      HERALD_ASSIGN_OR_RETURN(
          table.columns,
          names_of("SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = ? AND "
                   "n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped "
                   "ORDER BY a.attnum"));
      HERALD_ASSIGN_OR_RETURN(
          table.primary_key,
          names_of("SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON "
                   "a.attrelid = c.oid AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND "
                   "c.relname = ? AND n.nspname = current_schema() "
                   "ORDER BY array_position(i.indkey::int2[], a.attnum)"));
      HERALD_ASSIGN_OR_RETURN(
          std::vector<std::string> refs,
          names_of("SELECT p.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                   "JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace n ON "
                   "n.oid = c.relnamespace WHERE k.contype = 'f' AND c.relname = ? AND "
                   "n.nspname = current_schema()"));
      for (std::string& p : refs) parents[name].insert(std::move(p));
    } else {
      HERALD_ASSIGN_OR_RETURN(
          Rows cols, Exec("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", {Txt(name)}));
      std::vector<std::pair<int64_t, std::string>> keys;
      for (size_t i = 0; i < cols.size(); ++i) {
        table.columns.push_back(cols.at(i, 0).str());
        if (cols.at(i, 1).int_value() > 0)
          keys.emplace_back(cols.at(i, 1).int_value(), cols.at(i, 0).str());
      }
      std::sort(keys.begin(), keys.end());
      for (auto& [order, column] : keys) table.primary_key.push_back(std::move(column));
      HERALD_ASSIGN_OR_RETURN(
          Rows refs,
          Exec("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", {Txt(name)}));
      for (std::string& p : TextColumn(refs)) parents[name].insert(std::move(p));
    }
    tables.emplace(name, std::move(table));
  }
  std::vector<BackupTable> out;
  for (const std::string& name : ParentsFirst(names, std::move(parents))) {
    out.push_back(std::move(tables[name]));
  }
  return out;
}

Result<int64_t> SqlTx::CountBackupRows(const BackupTable& table) {
  HERALD_ASSIGN_OR_RETURN(Rows rows, Exec("SELECT COUNT(*) FROM " + QuoteName(table.name), {}));
  if (rows.empty()) return base::Internal("COUNT returned no row");
  return rows.at(0, 0).int_value();
}

Result<void> SqlTx::ScanBackupRows(const BackupTable& table,
                                   const std::function<Result<void>(BackupRow&)>& sink) {
  const std::string select =
      "SELECT " + ColumnList(table.columns) + " FROM " + QuoteName(table.name);
  const int width = static_cast<int>(table.columns.size());
  auto emit = [&](Rows& rows) -> Result<void> {
    BackupRow row;
    for (size_t r = 0; r < rows.size(); ++r) {
      row.clear();
      for (int c = 0; c < width; ++c) row.push_back(std::move(rows.mutable_at(r, c)));
      HERALD_RETURN_IF_ERROR(sink(row));
    }
    return base::Ok();
  };
  if (table.primary_key.empty()) {
    HERALD_ASSIGN_OR_RETURN(Rows rows, Exec(select, {}));
    return emit(rows);
  }
  // Keyset paging on the primary key: `(k1, k2) > (?, ?)` resumes after the last row read.
  std::vector<int> key_at;
  for (const std::string& k : table.primary_key) {
    auto it = std::find(table.columns.begin(), table.columns.end(), k);
    if (it == table.columns.end()) return base::Internal("primary key column missing: " + k);
    key_at.push_back(static_cast<int>(it - table.columns.begin()));
  }
  const std::string keys = "(" + ColumnList(table.primary_key) + ")";
  std::string after = "(";
  for (size_t i = 0; i < key_at.size(); ++i) after += i == 0 ? "?" : ", ?";
  after += ")";
  const std::string order =
      " ORDER BY " + ColumnList(table.primary_key) + " LIMIT " + std::to_string(kScanPage);
  Params last;
  while (true) {
    HERALD_ASSIGN_OR_RETURN(
        Rows rows,
        Exec(last.empty() ? select + order : select + " WHERE " + keys + " > " + after + order,
             last));
    if (rows.empty()) return base::Ok();
    last.clear();
    for (int k : key_at) last.push_back(rows.at(rows.size() - 1, k));
    const bool more = rows.size() == static_cast<size_t>(kScanPage);
    HERALD_RETURN_IF_ERROR(emit(rows));
    if (!more) return base::Ok();
  }
}

Result<void> SqlTx::InsertBackupRows(const BackupTable& table,
                                     const std::vector<std::string>& columns,
                                     const std::vector<BackupRow>& rows) {
  for (const std::string& c : columns) {
    if (std::find(table.columns.begin(), table.columns.end(), c) == table.columns.end()) {
      return base::InvalidArgument("table " + table.name + " has no column " + c +
                                   " (the backup is from another schema)");
    }
  }
  if (columns.empty() || rows.empty()) return base::Ok();
  const size_t per_statement = std::max<size_t>(1, kMaxInsertParams / columns.size());
  const std::string list = ColumnList(columns);
  for (size_t start = 0; start < rows.size(); start += per_statement) {
    const size_t n = std::min(per_statement, rows.size() - start);
    Params params;
    params.reserve(n * columns.size());
    for (size_t r = start; r < start + n; ++r) {
      if (rows[r].size() != columns.size()) {
        return base::InvalidArgument("a row of " + table.name + " has " +
                                     std::to_string(rows[r].size()) + " cells, expected " +
                                     std::to_string(columns.size()));
      }
      params.insert(params.end(), rows[r].begin(), rows[r].end());
    }
    HERALD_ASSIGN_OR_RETURN(
        int64_t inserted,
        InsertRows(QuoteName(table.name), list, static_cast<int>(columns.size()), n, params));
    if (inserted != static_cast<int64_t>(n)) {
      return base::AlreadyExists("table " + table.name + " already holds " +
                                 std::to_string(static_cast<int64_t>(n) - inserted) +
                                 " of the restored rows");
    }
  }
  return base::Ok();
}

Result<void> SqlTx::FinishBackupRestore(const BackupTable& table) {
  if (dialect_.backend != "postgres") return base::Ok();  // SQLite moves AUTOINCREMENT itself
  for (const std::string& column : table.columns) {
    HERALD_ASSIGN_OR_RETURN(Rows seq, Exec("SELECT pg_get_serial_sequence(?, ?)",
                                           {Txt(QuoteName(table.name)), Txt(column)}));
    if (seq.empty() || seq.at(0, 0).is_null()) continue;
    HERALD_RETURN_IF_ERROR(Exec("SELECT setval(?::regclass, GREATEST(COALESCE(MAX(" +
                                    QuoteName(column) + "), 0), 1), MAX(" + QuoteName(column) +
                                    ") IS NOT NULL) FROM " + QuoteName(table.name),
                                {seq.at(0, 0)}));
  }
  return base::Ok();
}

}  // namespace herald::store::sql
