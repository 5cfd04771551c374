// Helpers for the backup tests: fill a store with rows of every kind (a blob, text that is not
// UTF-8, generated ids) and read every table back in a comparable form.
#ifndef HERALD_TESTS_STORE_BACKUP_TEST_SUPPORT_H_
#define HERALD_TESTS_STORE_BACKUP_TEST_SUPPORT_H_

#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace herald::store::testing {

// Adds an organization with an account, `posts` posts with a target and a job each, a media
// item whose bytes are in the database, metrics, an audit entry and an idempotency record.
base::Result<void> FillForBackup(Store& store, base::Time now, int posts);

// Every table of `store` (ListBackupTables) as table -> rows, each row its cells rendered as
// text with their type, rows sorted: equal maps mean equal data.
base::Result<std::map<std::string, std::vector<std::string>>> DumpTables(Store& store);

}  // namespace herald::store::testing

#endif  // HERALD_TESTS_STORE_BACKUP_TEST_SUPPORT_H_
