// Backups: one portable file holding every row of every herald table, written from one
// consistent snapshot while herald runs, and restored into an empty database of either backend
// (SQLite to PostgreSQL and back).
//
// The file is JSON Lines. Line 1 is the manifest:
//   {"format":"herald-backup","format_version":1,"herald_version":"...","schema_version":5,
//    "backend":"sqlite","created_at":"RFC 3339","secret_key_id":"1a2b3c4d",
//    "tables":[{"name":"organizations","columns":[...],"rows":N}, ...]}
// then one line per row, tables in the manifest's order (parents before children):
//   {"t":"organizations","r":[cell, ...]}   cell = null | integer | "text" | {"b64":"..."}
// and a last line {"end":true,"rows":TOTAL}, so a cut-off file is recognised.
// Sealed credentials are copied as they are (still sealed): restoring them needs the same
// secret key (secret_key_id names it, never the key itself).
#ifndef HERALD_STORE_BACKUP_H_
#define HERALD_STORE_BACKUP_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/store.h"

namespace herald::store {

// What a backup says about itself (its first line).
struct BackupManifest {
  std::string herald_version;
  int schema_version = 0;
  std::string backend;  // the database it was taken from: "sqlite" | "postgres"
  Time created_at;
  std::string secret_key_id;  // base::Keyring::KeyIdOf of the key that sealed its credentials
  struct Table {
    std::string name;
    std::vector<std::string> columns;
    int64_t rows = 0;
  };
  std::vector<Table> tables;

  int64_t total_rows() const;
  // The manifest as the first line's JSON.
  base::Json ToJson() const;
  // Errors: kInvalidArgument naming the field that is missing or malformed.
  static base::Result<BackupManifest> FromJson(const base::Json& json);
};

// What the writer records about the running herald.
struct BackupInfo {
  std::string herald_version;
  std::string secret_key_id;
  Time now;
};

// Writes a backup of `store` to `out` from one read transaction (a consistent snapshot; on
// PostgreSQL REPEATABLE READ). Returns the manifest written. Errors: the store's; kInternal
// when the stream fails or a table changed size within the snapshot (never expected).
base::Result<BackupManifest> WriteBackup(Store& store, const BackupInfo& info, std::ostream& out);

// WriteBackup into `path`, through `path`.partial, synced and then renamed, so `path` only ever
// holds a whole backup. Errors: kUnavailable when the file cannot be written (the message names
// it); nothing is left behind on failure.
base::Result<BackupManifest> WriteBackupFile(Store& store, const BackupInfo& info,
                                             const std::string& path);

// Reads the whole file at `path` and checks it: the manifest, every row line, each table's row
// count against the manifest, and the end line. Errors: kNotFound for a missing file;
// kInvalidArgument naming the line that is wrong (a truncated or corrupt file).
base::Result<BackupManifest> VerifyBackupFile(const std::string& path);

// Reads only the manifest of the backup at `path`. Errors as VerifyBackupFile.
base::Result<BackupManifest> ReadBackupManifest(const std::string& path);

// The first table of `store` holding rows, with its count, or an empty name when every table
// is empty.
base::Result<std::pair<std::string, int64_t>> FirstNonEmptyTable(Store& store);

// Restores the backup at `path` into `store` in one transaction: nothing is written unless
// every row went in and each table's count matches the manifest. The store must be migrated
// to at least the backup's schema version. Errors: kFailedPrecondition when the database is
// not empty (naming a table and its count) or the backup is from a newer schema;
// kInvalidArgument for a malformed file or rows that do not fit the schema; the store's errors.
base::Result<BackupManifest> RestoreBackupFile(Store& store, const std::string& path);

}  // namespace herald::store

#endif  // HERALD_STORE_BACKUP_H_
