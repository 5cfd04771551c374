// Test support for the store and CLI tests: a fresh database per test (SQLite file in a
// temporary directory, SQLite in memory, or a new PostgreSQL database with a random name on the
// server named by HERALD_TEST_PG_URL), raw SQL access for setting up odd states, model
// builders, and a child-process runner with bounded waits.
#ifndef HERALD_TESTS_STORE_TEST_SUPPORT_H_
#define HERALD_TESTS_STORE_TEST_SUPPORT_H_

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace herald::store::testing {

enum class BackendKind { kSqliteFile, kSqliteMemory, kPostgres };
std::string BackendName(BackendKind kind);  // "sqlite_file", "sqlite_memory", "postgres"
inline void PrintTo(BackendKind kind, std::ostream* os) { *os << BackendName(kind); }

// A temporary directory, removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// One fresh database. PostgreSQL databases are created with a random name and dropped (with
// their connections terminated) when destroyed.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  virtual BackendKind kind() const = 0;
  virtual std::string url() const = 0;
  // The SQLite file path ("" otherwise).
  virtual std::string path() const { return ""; }
  // Runs SQL outside the store (not for in-memory SQLite). Returns the first column of the
  // first row, if any.
  virtual base::Result<std::optional<std::string>> RawQuery(const std::string& sql) = 0;
};

// Fails (kFailedPrecondition) for kPostgres when HERALD_TEST_PG_URL is unset.
base::Result<std::unique_ptr<TestDatabase>> MakeTestDatabase(BackendKind kind);

// HERALD_TEST_PG_URL, or "" when unset.
std::string PgAdminUrl();
// `url` with its database name replaced by `dbname`.
std::string PgUrlWithDatabase(const std::string& url, const std::string& dbname);

// Opens with small timeouts suited to tests.
base::Result<std::unique_ptr<Store>> OpenTestStore(const std::string& url, bool migrate = true);

// ---- model builders (ids from base::NewId; times from `now`) ----
Organization MakeOrg(base::Time now, const std::string& name = "");
Account MakeAccount(const std::string& org_id, base::Time now, const std::string& platform = "mastodon");
Post MakePost(const std::string& org_id, base::Time now);
PostTarget MakeTarget(const Post& post, const Account& account, base::Time now);
Job MakeJob(const std::string& org_id, const std::string& target_id, const std::string& account_id,
            base::Time run_at, base::Time now);

// A child process with pipes on stdin/stdout/stderr. Every wait is bounded.
class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`; `env` entries are added to (or override) the environment.
  static base::Result<std::unique_ptr<ChildProcess>> Start(
      const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
  ~ChildProcess();  // kills the child if still running

  // Writes to the child's stdin.
  bool Write(const std::string& text);
  void CloseStdin();
  // The next line of stdout (without '\n'), or nullopt on EOF or timeout.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // Waits for exit, collecting the rest of stdout/stderr. Returns the exit code (-1 on timeout
  // or signal; the child is then killed).
  int Wait(std::chrono::milliseconds timeout);
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }
  int pid() const { return pid_; }

 private:
  ChildProcess() = default;
  bool Pump(std::chrono::milliseconds timeout, bool until_line);

  int pid_ = -1;
  int in_ = -1, out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  size_t line_pos_ = 0;  // how much of out_ ReadLine has consumed
};

// Runs a command to completion (bounded) and returns {exit code, stdout, stderr}.
struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};
RunResult Run(const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& env = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Reads a whole file ("" if missing).
std::string ReadFileBytes(const std::string& path);
bool FileExists(const std::string& path);

}  // namespace herald::store::testing

#endif  // HERALD_TESTS_STORE_TEST_SUPPORT_H_
