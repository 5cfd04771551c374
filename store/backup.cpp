#include "store/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <utility>

#include "base/crypto.h"
#include "base/json.h"
#include "base/time.h"

namespace herald::store {
namespace {

constexpr std::string_view kFormat = "herald-backup";
constexpr int kFormatVersion = 1;
// Rows handed to the store per insert call while restoring.
constexpr size_t kRestoreBatch = 500;

using base::Json;

// A cell as JSON. `text_as_base64` encodes text as {"t64": ...} (text that is not UTF-8).
Json CellToJson(const sql::Value& v, bool text_as_base64) {
  switch (v.type()) {
    case sql::Value::Type::kNull:
      return nullptr;
    case sql::Value::Type::kInt:
      return v.int_value();
    case sql::Value::Type::kText:
      if (text_as_base64) return Json{{"t64", base::Base64Encode(v.str())}};
      return v.str();
    case sql::Value::Type::kBlob:
      return Json{{"b64", base::Base64Encode(v.str())}};
  }
  return nullptr;
}

base::Result<sql::Value> CellFromJson(const Json& j) {
  if (j.is_null()) return sql::Value();
  if (j.is_number_integer()) return sql::Value::Int(j.get<int64_t>());
  if (j.is_string()) return sql::Value::Text(j.get<std::string>());
  if (j.is_object() && j.size() == 1) {
    const bool blob = j.contains("b64");
    const Json& encoded = blob ? j["b64"] : j.contains("t64") ? j["t64"] : Json();
    if (encoded.is_string()) {
      auto bytes = base::Base64Decode(encoded.get<std::string>());
      if (!bytes.ok()) return base::InvalidArgument("a cell's base64 does not decode");
      return blob ? sql::Value::Blob(std::move(*bytes)) : sql::Value::Text(std::move(*bytes));
    }
  }
  return base::InvalidArgument("a cell is neither null, an integer, text nor {\"b64\": ...}");
}

std::string RowLine(const std::string& table, const BackupRow& row) {
  for (bool base64_text : {false, true}) {
    Json cells = Json::array();
    for (const sql::Value& v : row) cells.push_back(CellToJson(v, base64_text));
    try {
      return Json{{"t", table}, {"r", std::move(cells)}}.dump();
    } catch (const Json::exception&) {
      // Text that is not valid UTF-8: written again with text cells in base64.
    }
  }
  return {};
}

// Reads a backup line by line: the manifest, then rows, then the end line.
class BackupReader {
 public:
  explicit BackupReader(const std::string& path) : path_(path), in_(path, std::ios::binary) {}

  base::Result<BackupManifest> Open() {
    if (!in_) return base::NotFound("cannot read the backup file " + path_);
    HERALD_ASSIGN_OR_RETURN(Json first, NextJson());
    if (!first.is_object() || first.value("format", "") != kFormat) {
      return base::InvalidArgument(path_ + " is not a herald backup (line 1 has no \"format\": \"" +
                                   std::string(kFormat) + "\")");
    }
    if (first.value("format_version", 0) != kFormatVersion) {
      return base::InvalidArgument(path_ + " has backup format version " +
                                   first.value("format_version", Json()).dump() +
                                   "; this herald reads version " + std::to_string(kFormatVersion));
    }
    auto manifest = BackupManifest::FromJson(first);
    if (!manifest.ok()) return Bad(manifest.error().message());
    return manifest;
  }

  // The next row as (table, cells), or nullopt after the end line (whose total is checked
  // against `expected_total`).
  base::Result<std::optional<std::pair<std::string, BackupRow>>> Next(int64_t expected_total) {
    HERALD_ASSIGN_OR_RETURN(Json j, NextJson());
    if (j.is_object() && j.contains("end")) {
      if (!j["rows"].is_number_integer() || j["rows"].get<int64_t>() != expected_total) {
        return Bad("the end line counts " + j.value("rows", Json()).dump() + " rows, expected " +
                   std::to_string(expected_total));
      }
      std::string rest;
      if (std::getline(in_, rest) && !rest.empty()) return Bad("text after the end line");
      return std::optional<std::pair<std::string, BackupRow>>();
    }
    if (!j.is_object() || !j["t"].is_string() || !j["r"].is_array()) {
      return Bad("expected a row {\"t\": table, \"r\": [cells]} or the end line");
    }
    BackupRow row;
    row.reserve(j["r"].size());
    for (const Json& cell : j["r"]) {
      auto v = CellFromJson(cell);
      if (!v.ok()) return Bad(v.error().message());
      row.push_back(std::move(*v));
    }
    return std::optional(std::make_pair(j["t"].get<std::string>(), std::move(row)));
  }

  base::Error Bad(const std::string& what) const {
    return base::InvalidArgument("backup " + path_ + ", line " + std::to_string(line_) + ": " +
                                 what);
  }

 private:
  base::Result<Json> NextJson() {
    std::string text;
    if (!std::getline(in_, text)) {
      ++line_;
      return Bad("the file ends early (no end line: an unfinished or cut-off backup)");
    }
    ++line_;
    auto j = base::ParseJson(text);
    if (!j.ok()) return Bad(j.error().message());
    return std::move(*j);
  }

  std::string path_;
  std::ifstream in_;
  int64_t line_ = 0;
};

// Follows the rows of a backup against its manifest: tables in order, each with its columns'
// width and its count. Shared by verification and restore.
class RowTally {
 public:
  explicit RowTally(const BackupManifest& manifest) : manifest_(manifest) {}

  // The index of the manifest table `table`'s row belongs to; an error when out of order,
  // unknown, too wide or too many.
  base::Result<size_t> Count(const std::string& table, const BackupRow& row) {
    while (at_ < manifest_.tables.size() && manifest_.tables[at_].name != table) {
      HERALD_RETURN_IF_ERROR(CloseTable());
      ++at_;
      seen_ = 0;
    }
    if (at_ == manifest_.tables.size()) {
      return base::InvalidArgument("a row of table '" + table +
                                   "' that the manifest does not list at this point");
    }
    const auto& t = manifest_.tables[at_];
    if (row.size() != t.columns.size()) {
      return base::InvalidArgument("a row of " + table + " has " + std::to_string(row.size()) +
                                   " cells; the manifest lists " +
                                   std::to_string(t.columns.size()) + " columns");
    }
    if (++seen_ > t.rows) {
      return base::InvalidArgument("table " + table + " has more rows than the manifest's " +
                                   std::to_string(t.rows));
    }
    ++total_;
    return at_;
  }

  // Checks the tables not yet closed at the end line.
  base::Result<void> Finish() {
    for (; at_ < manifest_.tables.size(); ++at_, seen_ = 0) HERALD_RETURN_IF_ERROR(CloseTable());
    return base::Ok();
  }

 private:
  base::Result<void> CloseTable() {
    const auto& t = manifest_.tables[at_];
    if (seen_ != t.rows) {
      return base::InvalidArgument("table " + t.name + " has " + std::to_string(seen_) +
                                   " rows; the manifest says " + std::to_string(t.rows));
    }
    return base::Ok();
  }

  const BackupManifest& manifest_;
  size_t at_ = 0;
  int64_t seen_ = 0;
  int64_t total_ = 0;
};

base::Error WriteError(const std::string& path, const std::string& why) {
  return base::Unavailable("cannot write the backup " + path + ": " + why);
}

}  // namespace

int64_t BackupManifest::total_rows() const {
  int64_t n = 0;
  for (const Table& t : tables) n += t.rows;
  return n;
}

Json BackupManifest::ToJson() const {
  Json list = Json::array();
  for (const Table& t : tables) {
    list.push_back({{"name", t.name}, {"columns", t.columns}, {"rows", t.rows}});
  }
  return {{"format", kFormat},
          {"format_version", kFormatVersion},
          {"herald_version", herald_version},
          {"schema_version", schema_version},
          {"backend", backend},
          {"created_at", base::FormatRfc3339(created_at)},
          {"secret_key_id", secret_key_id},
          {"tables", std::move(list)}};
}

base::Result<BackupManifest> BackupManifest::FromJson(const Json& j) {
  BackupManifest m;
  auto bad = [](std::string_view field, std::string_view expected) {
    return base::InvalidArgument("the manifest's \"" + std::string(field) + "\" must be " +
                                 std::string(expected));
  };
  if (!j.is_object()) return bad("manifest", "a JSON object");
  if (!j.value("schema_version", Json()).is_number_integer()) {
    return bad("schema_version", "an integer");
  }
  m.schema_version = j["schema_version"].get<int>();
  m.herald_version = j.value("herald_version", "");
  m.backend = j.value("backend", "");
  m.secret_key_id = j.value("secret_key_id", "");
  auto created = base::ParseRfc3339(j.value("created_at", ""));
  if (!created.ok()) return bad("created_at", "an RFC 3339 time");
  m.created_at = *created;
  if (!j.value("tables", Json()).is_array()) return bad("tables", "an array");
  for (const Json& t : j["tables"]) {
    if (!t.is_object() || !t.value("name", Json()).is_string() ||
        !t.value("columns", Json()).is_array() || !t.value("rows", Json()).is_number_integer() ||
        t["rows"].get<int64_t>() < 0) {
      return bad("tables", "objects with a name, columns and a row count");
    }
    Table table;
    table.name = t["name"].get<std::string>();
    table.rows = t["rows"].get<int64_t>();
    for (const Json& c : t["columns"]) {
      if (!c.is_string()) return bad("tables[].columns", "column names");
      table.columns.push_back(c.get<std::string>());
    }
    m.tables.push_back(std::move(table));
  }
  return m;
}

base::Result<BackupManifest> WriteBackup(Store& store, const BackupInfo& info, std::ostream& out) {
  BackupManifest manifest;
  manifest.herald_version = info.herald_version;
  manifest.backend = std::string(store.backend());
  manifest.created_at = info.now;
  manifest.secret_key_id = info.secret_key_id;
  HERALD_ASSIGN_OR_RETURN(manifest.schema_version, store.SchemaVersion());
  auto read = store.Read([&](Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(std::vector<BackupTable> tables, tx.ListBackupTables());
    for (const BackupTable& t : tables) {
      HERALD_ASSIGN_OR_RETURN(int64_t rows, tx.CountBackupRows(t));
      manifest.tables.push_back({.name = t.name, .columns = t.columns, .rows = rows});
    }
    out << manifest.ToJson().dump() << '\n';
    for (size_t i = 0; i < tables.size(); ++i) {
      int64_t written = 0;
      auto scanned = tx.ScanBackupRows(tables[i], [&](BackupRow& row) -> Result<void> {
        out << RowLine(tables[i].name, row) << '\n';
        ++written;
        if (!out) return base::Internal("the backup stream failed");
        return base::Ok();
      });
      if (!scanned.ok()) return scanned;
      if (written != manifest.tables[i].rows) {
        return base::Internal("table " + tables[i].name + " changed within the backup snapshot");
      }
    }
    out << Json{{"end", true}, {"rows", manifest.total_rows()}}.dump() << '\n';
    out.flush();
    if (!out) return base::Internal("the backup stream failed");
    return base::Ok();
  });
  if (!read.ok()) return std::move(read).error();
  return manifest;
}

base::Result<BackupManifest> WriteBackupFile(Store& store, const BackupInfo& info,
                                             const std::string& path) {
  const std::string partial = path + ".partial";
  std::optional<base::Result<BackupManifest>> written;
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) return WriteError(path, "cannot create " + partial);
    written.emplace(WriteBackup(store, info, out));
    out.close();
    if (written->ok() && !out) written.emplace(WriteError(path, "writing failed (disk full?)"));
  }
  if (!written->ok()) {
    std::remove(partial.c_str());
    if (written->error().code() == base::ErrorCode::kInternal) {
      return WriteError(path, written->error().message());
    }
    return std::move(*written);
  }
  int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
  bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!synced || std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
    return WriteError(path, "cannot sync or rename " + partial);
  }
  return std::move(*written);
}

base::Result<BackupManifest> ReadBackupManifest(const std::string& path) {
  BackupReader reader(path);
  return reader.Open();
}

base::Result<BackupManifest> VerifyBackupFile(const std::string& path) {
  BackupReader reader(path);
  HERALD_ASSIGN_OR_RETURN(BackupManifest manifest, reader.Open());
  RowTally tally(manifest);
  while (true) {
    HERALD_ASSIGN_OR_RETURN(auto next, reader.Next(manifest.total_rows()));
    if (!next) break;
    if (auto at = tally.Count(next->first, next->second); !at.ok()) {
      return reader.Bad(at.error().message());
    }
  }
  if (auto done = tally.Finish(); !done.ok()) return reader.Bad(done.error().message());
  return manifest;
}

base::Result<std::pair<std::string, int64_t>> FirstNonEmptyTable(Store& store) {
  std::pair<std::string, int64_t> out;
  auto read = store.Read([&](Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(std::vector<BackupTable> tables, tx.ListBackupTables());
    for (const BackupTable& t : tables) {
      HERALD_ASSIGN_OR_RETURN(int64_t rows, tx.CountBackupRows(t));
      if (rows > 0) {
        out = {t.name, rows};
        break;
      }
    }
    return base::Ok();
  });
  if (!read.ok()) return std::move(read).error();
  return out;
}

base::Result<BackupManifest> RestoreBackupFile(Store& store, const std::string& path) {
  BackupReader reader(path);
  HERALD_ASSIGN_OR_RETURN(BackupManifest manifest, reader.Open());
  if (manifest.schema_version > store.KnownSchemaVersion()) {
    return base::FailedPrecondition(
        "the backup " + path + " is from a newer herald (schema version " +
        std::to_string(manifest.schema_version) + "; this herald knows up to " +
        std::to_string(store.KnownSchemaVersion()) + "): restore it with that version");
  }
  auto wrote = store.Write([&](Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(std::vector<BackupTable> tables, tx.ListBackupTables());
    std::map<std::string, const BackupTable*> by_name;
    for (const BackupTable& t : tables) {
      HERALD_ASSIGN_OR_RETURN(int64_t rows, tx.CountBackupRows(t));
      if (rows > 0) {
        return base::FailedPrecondition(
            "the database is not empty (table " + t.name + " has " + std::to_string(rows) +
            " rows): restore only into an empty database; nothing was changed");
      }
      by_name[t.name] = &t;
    }
    for (const auto& t : manifest.tables) {
      if (!by_name.contains(t.name)) {
        return base::InvalidArgument("the backup's table " + t.name +
                                     " does not exist in this database");
      }
    }
    RowTally tally(manifest);
    std::vector<BackupRow> batch;
    size_t batch_table = 0;
    auto flush = [&]() -> Result<void> {
      if (batch.empty()) return base::Ok();
      const auto& t = manifest.tables[batch_table];
      auto r = tx.InsertBackupRows(*by_name[t.name], t.columns, batch);
      batch.clear();
      return r;
    };
    while (true) {
      HERALD_ASSIGN_OR_RETURN(auto next, reader.Next(manifest.total_rows()));
      if (!next) break;
      auto at = tally.Count(next->first, next->second);
      if (!at.ok()) return reader.Bad(at.error().message());
      if (*at != batch_table || batch.size() >= kRestoreBatch) {
        HERALD_RETURN_IF_ERROR(flush());
        batch_table = *at;
      }
      batch.push_back(std::move(next->second));
    }
    HERALD_RETURN_IF_ERROR(flush());
    if (auto done = tally.Finish(); !done.ok()) return reader.Bad(done.error().message());
    for (const auto& t : manifest.tables) {
      HERALD_ASSIGN_OR_RETURN(int64_t rows, tx.CountBackupRows(*by_name[t.name]));
      if (rows != t.rows) {
        return base::Internal("table " + t.name + " holds " + std::to_string(rows) +
                              " rows after the restore, expected " + std::to_string(t.rows));
      }
      HERALD_RETURN_IF_ERROR(tx.FinishBackupRestore(*by_name[t.name]));
    }
    return base::Ok();
  });
  if (!wrote.ok()) return std::move(wrote).error();
  return manifest;
}

}  // namespace herald::store
