#include "tests/store/backup_test_support.h"

#include <algorithm>
#include <utility>

#include "base/ids.h"
#include "tests/store/test_support.h"

namespace herald::store::testing {

base::Result<void> FillForBackup(Store& store, base::Time now, int posts) {
  return store.Write([&](Tx& tx) -> base::Result<void> {
    Organization org = MakeOrg(now);
    HERALD_RETURN_IF_ERROR(tx.InsertOrganization(org));
    Account account = MakeAccount(org.id, now);
    account.credentials_sealed = "v1.sealed-elsewhere";
    HERALD_RETURN_IF_ERROR(tx.UpsertAccount(account));
    for (int i = 0; i < posts; ++i) {
      Post post = MakePost(org.id, now);
      PostTarget target = MakeTarget(post, account, now);
      HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
      HERALD_RETURN_IF_ERROR(tx.InsertTarget(target));
      HERALD_RETURN_IF_ERROR(tx.InsertJob(MakeJob(org.id, target.id, account.id, now, now)));
    }
    Media media;
    media.id = base::NewId(base::kMediaPrefix, now);
    media.org_id = org.id;
    media.mime_type = "image/png";
    media.file_name = "caf\xc3\xa9.png";
    media.sha256 = "00";
    media.data = std::string("\x89PNG\0\x01\x02\xff", 8);
    media.size = static_cast<int64_t>(media.data.size());
    media.created_at = now;
    HERALD_RETURN_IF_ERROR(tx.InsertMedia(media));
    Metrics metrics{.org_id = org.id,
                    .target_id = "",
                    .account_id = account.id,
                    .fetched_at = now,
                    .values = {{"followers", 12}}};
    HERALD_RETURN_IF_ERROR(tx.InsertMetrics(metrics));
    AuditEntry audit;
    audit.org_id = org.id;
    audit.actor = "local";
    audit.action = "post.create";
    audit.subject = account.id;
    audit.at = now;
    HERALD_RETURN_IF_ERROR(tx.AppendAudit(audit));
    IdempotencyRecord idem{.org_id = org.id,
                           .key = "k-" + org.id,
                           .tool = "schedule_post",
                           .request_hash = "ab",
                           .response = {{"ok", true}},
                           .created_at = now,
                           .expires_at = now + std::chrono::hours(24)};
    return tx.InsertIdempotency(idem);
  });
}

base::Result<std::map<std::string, std::vector<std::string>>> DumpTables(Store& store) {
  std::map<std::string, std::vector<std::string>> out;
  auto r = store.Read([&](Tx& tx) -> base::Result<void> {
    HERALD_ASSIGN_OR_RETURN(std::vector<BackupTable> tables, tx.ListBackupTables());
    for (const BackupTable& t : tables) {
      std::vector<std::string>& rows = out[t.name];
      auto scanned = tx.ScanBackupRows(t, [&](BackupRow& row) -> base::Result<void> {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) {
          const sql::Value& v = row[c];
          line += t.columns[c] + "=";
          switch (v.type()) {
            case sql::Value::Type::kNull:
              line += "null";
              break;
            case sql::Value::Type::kInt:
              line += "i:" + std::to_string(v.int_value());
              break;
            case sql::Value::Type::kText:
              line += "t:" + v.str();
              break;
            case sql::Value::Type::kBlob:
              line += "b:" + v.str();
              break;
          }
          line += '|';
        }
        rows.push_back(std::move(line));
        return base::Ok();
      });
      if (!scanned.ok()) return scanned;
      std::sort(rows.begin(), rows.end());
    }
    return base::Ok();
  });
  if (!r.ok()) return std::move(r).error();
  return out;
}

}  // namespace herald::store::testing
