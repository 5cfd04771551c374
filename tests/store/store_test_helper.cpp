// store_test_helper: a second process for the multi-process store tests.
//
//   store_test_helper migrate URL
//       Opens without migrating, runs Migrate(), prints "applied N".
//   store_test_helper claim URL OWNER NOW_MICROS LIMIT
//       Opens, prints "ready", waits for a line on stdin, then claims (leases of one hour) until
//       a claim returns nothing, printing each claimed job id, then "done".
//   store_test_helper lock PATH
//       Takes an exclusive SQLite lock on PATH, prints "locked", holds it until stdin closes.
// Exit code 0 on success, 1 on error (the error on stderr).
#include <sqlite3.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "tests/store/test_support.h"

namespace {

using herald::store::Tx;

int Fail(const herald::base::Error& e) {
  std::fprintf(stderr, "%s [%s]\n", e.ToString().c_str(), e.detail().c_str());
  return 1;
}

int Migrate(const std::string& url) {
  auto store = herald::store::testing::OpenTestStore(url, /*migrate=*/false);
  if (!store.ok()) return Fail(store.error());
  auto applied = (*store)->Migrate();
  if (!applied.ok()) return Fail(applied.error());
  std::printf("applied %d\n", *applied);
  return 0;
}

int Claim(const std::string& url, const std::string& owner, int64_t now, int limit) {
  auto store = herald::store::testing::OpenTestStore(url, /*migrate=*/false);
  if (!store.ok()) return Fail(store.error());
  std::printf("ready\n");
  std::fflush(stdout);
  std::string go;
  if (!std::getline(std::cin, go)) return 1;
  herald::store::ClaimRequest req{owner, herald::base::FromUnixMicros(now),
                                  std::chrono::hours(1), limit, {}};
  while (true) {
    std::vector<herald::store::Job> jobs;
    auto r = (*store)->Write([&](Tx& tx) -> herald::base::Result<void> {
      HERALD_ASSIGN_OR_RETURN(jobs, tx.ClaimJobs(req));
      return herald::base::Ok();
    });
    if (!r.ok()) {
      if (r.error().code() == herald::base::ErrorCode::kUnavailable) continue;
      return Fail(r.error());
    }
    if (jobs.empty()) break;
    for (const auto& j : jobs) std::printf("%s\n", j.id.c_str());
    std::fflush(stdout);
  }
  std::printf("done\n");
  return 0;
}

int Lock(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
  char* err = nullptr;
  if (sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;", nullptr, nullptr,
                   &err) != SQLITE_OK) {
    std::fprintf(stderr, "lock failed: %s\n", err != nullptr ? err : "?");
    return 1;
  }
  std::printf("locked\n");
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "migrate" && argc == 3) return Migrate(argv[2]);
  if (cmd == "claim" && argc == 6) return Claim(argv[2], argv[3], std::stoll(argv[4]), std::stoi(argv[5]));
  if (cmd == "lock" && argc == 3) return Lock(argv[2]);
  std::fprintf(stderr, "usage: store_test_helper migrate URL | claim URL OWNER NOW LIMIT | lock PATH\n");
  return 2;
}
