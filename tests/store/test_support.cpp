#include "tests/store/test_support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "base/crypto.h"
#include "base/ids.h"

extern char** environ;

namespace herald::store::testing {

std::string BackendName(BackendKind kind) {
  switch (kind) {
    case BackendKind::kSqliteFile: return "sqlite_file";
    case BackendKind::kSqliteMemory: return "sqlite_memory";
    case BackendKind::kPostgres: return "postgres";
  }
  return "unknown";
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                     "/herald-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

class SqliteFileDatabase final : public TestDatabase {
 public:
  BackendKind kind() const override { return BackendKind::kSqliteFile; }
  std::string url() const override { return "sqlite:" + path(); }
  std::string path() const override { return dir_.File("herald.db"); }
  base::Result<std::optional<std::string>> RawQuery(const std::string& sql) override {
    sqlite3* db = nullptr;
    if (sqlite3_open(path().c_str(), &db) != SQLITE_OK) {
      sqlite3_close(db);
      return base::Internal("cannot open sqlite file");
    }
    sqlite3_busy_timeout(db, 5000);
    std::optional<std::string> first;
    char* err = nullptr;
    int rc = sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int n, char** values, char**) -> int {
          auto* o = static_cast<std::optional<std::string>*>(out);
          if (!o->has_value() && n > 0) *o = values[0] != nullptr ? values[0] : "";
          return 0;
        },
        &first, &err);
    std::string message = err != nullptr ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    if (rc != SQLITE_OK) return base::Internal("raw sqlite: " + message);
    return first;
  }

 private:
  TempDir dir_;
};

class SqliteMemoryDatabase final : public TestDatabase {
 public:
  BackendKind kind() const override { return BackendKind::kSqliteMemory; }
  std::string url() const override { return "sqlite::memory:"; }
  base::Result<std::optional<std::string>> RawQuery(const std::string&) override {
    return base::Unimplemented("no raw access to an in-memory database");
  }
};

base::Result<std::optional<std::string>> PgRawQuery(const std::string& url, const std::string& sql) {
  try {
    pqxx::connection conn(url);
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec(sql);
    std::optional<std::string> out;
    if (!r.empty() && r.columns() > 0 && !r[0][0].is_null()) out = r[0][0].c_str();
    return out;
  } catch (const std::exception& e) {
    return base::Internal(std::string("raw postgres: ") + e.what());
  }
}

class PgDatabase final : public TestDatabase {
 public:
  explicit PgDatabase(std::string admin) : admin_(std::move(admin)) {
    name_ = "herald_t_" + base::HexEncode(base::RandomBytes(8));
  }
  ~PgDatabase() override {
    (void)PgRawQuery(admin_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  base::Result<void> Create() {
    auto r = PgRawQuery(admin_, "CREATE DATABASE " + name_);
    if (!r.ok()) return std::move(r).error();
    return base::Ok();
  }
  BackendKind kind() const override { return BackendKind::kPostgres; }
  std::string url() const override { return PgUrlWithDatabase(admin_, name_); }
  base::Result<std::optional<std::string>> RawQuery(const std::string& sql) override {
    return PgRawQuery(url(), sql);
  }

 private:
  std::string admin_;
  std::string name_;
};

}  // namespace

std::string PgAdminUrl() {
  const char* v = std::getenv("HERALD_TEST_PG_URL");
  return v != nullptr ? v : "";
}

std::string PgUrlWithDatabase(const std::string& url, const std::string& dbname) {
  size_t scheme = url.find("://");
  size_t start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) return url + "/" + dbname;
  size_t end = url.find('?', start);
  return url.substr(0, start + 1) + dbname + (end == std::string::npos ? "" : url.substr(end));
}

base::Result<std::unique_ptr<TestDatabase>> MakeTestDatabase(BackendKind kind) {
  switch (kind) {
    case BackendKind::kSqliteFile:
      return std::unique_ptr<TestDatabase>(std::make_unique<SqliteFileDatabase>());
    case BackendKind::kSqliteMemory:
      return std::unique_ptr<TestDatabase>(std::make_unique<SqliteMemoryDatabase>());
    case BackendKind::kPostgres: {
      std::string admin = PgAdminUrl();
      if (admin.empty()) {
        return base::FailedPrecondition(
            "HERALD_TEST_PG_URL is not set: run scripts/test.sh, or `source scripts/lib.sh; "
            "start_postgres` first");
      }
      auto db = std::make_unique<PgDatabase>(admin);
      HERALD_RETURN_IF_ERROR(db->Create());
      return std::unique_ptr<TestDatabase>(std::move(db));
    }
  }
  return base::Internal("unknown backend");
}

base::Result<std::unique_ptr<Store>> OpenTestStore(const std::string& url, bool migrate) {
  StoreOptions options;
  options.url = url;
  options.migrate = migrate;
  options.pool_size = 4;
  options.busy_timeout = std::chrono::milliseconds(5000);
  options.connect_timeout = std::chrono::seconds(5);
  return OpenStore(options);
}

// ---- builders ----

Organization MakeOrg(base::Time now, const std::string& name) {
  Organization o;
  o.id = base::NewId(base::kOrgPrefix, now);
  o.name = name.empty() ? "org-" + o.id : name;
  o.created_at = now;
  return o;
}

Account MakeAccount(const std::string& org_id, base::Time now, const std::string& platform) {
  Account a;
  a.id = base::NewId(base::kAccountPrefix, now);
  a.org_id = org_id;
  a.platform = platform;
  a.external_id = "ext-" + a.id;
  a.handle = "@alice@example.social";
  a.display_name = "Alice";
  a.base_url = "https://example.social";
  a.settings = {{"visibility", "public"}};
  a.credentials_sealed = "v1.test.sealed";
  a.created_at = now;
  a.updated_at = now;
  return a;
}

Post MakePost(const std::string& org_id, base::Time now) {
  Post p;
  p.id = base::NewId(base::kPostPrefix, now);
  p.org_id = org_id;
  p.status = PostStatus::kScheduled;
  p.publish_at = now + std::chrono::hours(1);
  p.time_zone = "Europe/Paris";
  p.content = {{"text", "hello, world"}, {"media", Json::array()}};
  p.created_by = "key_test";
  p.created_at = now;
  p.updated_at = now;
  return p;
}

PostTarget MakeTarget(const Post& post, const Account& account, base::Time now) {
  PostTarget t;
  t.id = base::NewId(base::kTargetPrefix, now);
  t.post_id = post.id;
  t.org_id = post.org_id;
  t.account_id = account.id;
  t.platform = account.platform;
  t.idempotency_key = "idem-" + t.id;
  t.created_at = now;
  t.updated_at = now;
  return t;
}

Job MakeJob(const std::string& org_id, const std::string& target_id, const std::string& account_id,
            base::Time run_at, base::Time now) {
  Job j;
  j.id = base::NewId(base::kJobPrefix, now);
  j.org_id = org_id;
  j.kind = JobKind::kPublish;
  j.target_id = target_id;
  j.account_id = account_id;
  j.run_at = run_at;
  j.payload = {{"n", 1}};
  j.created_at = now;
  j.updated_at = now;
  return j;
}

// ---- processes ----

base::Result<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    return base::Internal("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);

  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    return base::Internal("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = pid;
  child->in_ = in[1];
  child->out_fd_ = out[0];
  child->err_fd_ = err[0];
  return child;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  for (int fd : {in_, out_fd_, err_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

bool ChildProcess::Write(const std::string& text) {
  if (in_ < 0) return false;
  return ::write(in_, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

void ChildProcess::CloseStdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

bool ChildProcess::Pump(std::chrono::milliseconds timeout, bool until_line) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    if (until_line && out_.find('\n', line_pos_) != std::string::npos) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fds[2];
    int n = 0;
    if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    int rc = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(left.count()));
    if (rc < 0 && errno != EINTR) return false;
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      char buf[65536];
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      bool is_out = fds[i].fd == out_fd_;
      if (got <= 0) {
        ::close(fds[i].fd);
        (is_out ? out_fd_ : err_fd_) = -1;
      } else {
        (is_out ? out_ : err_).append(buf, static_cast<size_t>(got));
      }
    }
  }
  return until_line ? out_.find('\n', line_pos_) != std::string::npos : true;
}

std::optional<std::string> ChildProcess::ReadLine(std::chrono::milliseconds timeout) {
  if (!Pump(timeout, /*until_line=*/true)) return std::nullopt;
  size_t nl = out_.find('\n', line_pos_);
  if (nl == std::string::npos) return std::nullopt;
  std::string line = out_.substr(line_pos_, nl - line_pos_);
  line_pos_ = nl + 1;
  return line;
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Pump(timeout, /*until_line=*/false);
  // Output closed; the child is exiting. Reap it within what is left of the timeout.
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      return -1;
    }
    // The pipes are closed, so the exit is imminent; block briefly on a poll with no fds.
    ::poll(nullptr, 0, 1);
  }
}

RunResult Run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
              std::chrono::milliseconds timeout) {
  RunResult result;
  auto child = ChildProcess::Start(argv, env);
  if (!child.ok()) {
    result.err = child.error().ToString();
    return result;
  }
  (*child)->CloseStdin();
  result.code = (*child)->Wait(timeout);
  result.out = (*child)->out();
  result.err = (*child)->err();
  return result;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace herald::store::testing
