#include "tests/crash/crash_support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "platforms/http/form_urlencoded.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::crash {

using ::herald::matchers::IsOk;

std::unique_ptr<HeraldProcess> HeraldProcess::Start(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
    const std::string& log_path) {
  int out[2];
  if (pipe(out) != 0) return nullptr;
  pid_t pid = fork();
  if (pid < 0) return nullptr;
  if (pid == 0) {
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(out[1], STDOUT_FILENO);
    if (log >= 0) dup2(log, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    close(out[0]);
    close(out[1]);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  auto p = std::unique_ptr<HeraldProcess>(new HeraldProcess());
  p->pid_ = pid;
  p->out_ = out[0];
  return p;
}

HeraldProcess::~HeraldProcess() {
  Kill(SIGKILL);
  if (out_ >= 0) close(out_);
}

bool HeraldProcess::WaitFor(const std::string& text, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (buffer_.find(text) == std::string::npos) {
    auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = read(out_, buf, sizeof(buf));
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
  }
  return true;
}

// Waits on the child's exit (a pidfd becomes readable when it exits), not on time.
int HeraldProcess::Kill(int sig) {
  if (pid_ <= 0) return status_;
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  kill(pid_, sig);
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    if (poll(&p, 1, 15'000) <= 0) kill(pid_, SIGKILL);  // not gone in time
    close(pidfd);
  } else if (sig != SIGKILL) {
    kill(pid_, SIGKILL);  // no pidfd (old kernel): no bounded wait, so no grace either
  }
  int status = 0;
  waitpid(pid_, &status, 0);  // exited, or killed just now
  pid_ = -1;
  status_ = status;
  return status;
}

bool HeraldProcess::WatchUntil(std::chrono::steady_clock::time_point deadline) {
  while (true) {
    auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    pollfd p{out_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (ready == 0) return true;
    char buf[4096];
    ssize_t n = read(out_, buf, sizeof(buf));
    if (n <= 0) return false;
  }
}

core::OAuthCallbackResult ConnectOAuth(app::Services& services, const base::Caller& caller,
                                       const std::string& platform, emulators::EmulatorClient& ctl,
                                       const std::string& emulator_url) {
  core::OAuthCallbackResult failed;
  auto started =
      testing::Await(services.accounts->Connect(caller, platform, base::Json::object()));
  EXPECT_THAT(started, IsOk());
  if (!started.ok()) return failed;
  EXPECT_TRUE(started->pending_authorization);
  const std::string& url = started->authorization_url;
  EXPECT_EQ(url.rfind(emulator_url, 0), 0u) << url;
  auto redirect = ctl.Send("GET", url.substr(emulator_url.size()));
  EXPECT_THAT(redirect, IsOk());
  if (!redirect.ok()) return failed;
  EXPECT_EQ(redirect->status, 302) << redirect->body;
  // HERALD_PUBLIC_URL/oauth/callback/{callback platform}?state&code, as the route reads it.
  const std::string location = redirect->Header("Location");
  const size_t query_at = std::min(location.size(), location.find('?'));
  const std::string path = location.substr(0, query_at);
  const auto query = platforms::http::ParseFormUrlEncoded(
      location.substr(std::min(location.size(), query_at + 1)));
  return testing::Await(services.accounts->CompleteOAuth(
      path.substr(path.rfind('/') + 1), platforms::http::FormValue(query, "state"),
      platforms::http::FormValue(query, "code"), platforms::http::FormValue(query, "error"),
      platforms::http::FormValue(query, "error_description")));
}

bool DropAfterAccept(emulators::EmulatorClient& ctl, const char* method, const char* path,
                     int count) {
  return ctl
      .ArmFault({{"kind", "drop_after_accept"},
                 {"method", method},
                 {"path", path},
                 {"count", count}})
      .ok();
}

std::vector<std::unique_ptr<HeraldProcess>> StartWorkers(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
    const std::string& log, int count, const std::string& ready) {
  std::vector<std::unique_ptr<HeraldProcess>> procs;
  for (int p = 0; p < count; ++p) {
    auto proc = HeraldProcess::Start(argv, env, log);
    if (proc == nullptr) {
      ADD_FAILURE() << "could not start " << argv[0];
      return {};
    }
    procs.push_back(std::move(proc));
  }
  for (auto& p : procs) {
    if (!p->WaitFor(ready, std::chrono::seconds(30))) {
      ADD_FAILURE() << "herald did not say '" << ready << "' in time; see " << log;
      return {};
    }
  }
  return procs;
}

bool AllSettled(app::Services& services) {
  for (auto status : {store::PostStatus::kScheduled, store::PostStatus::kPublishing}) {
    store::PostQuery q;
    q.org_id = services.default_org.id;
    q.status = status;
    q.limit = 1;
    auto r = store::ReadValue<std::vector<store::Post>>(
        *services.store, [&](store::Tx& tx) { return tx.ListPosts(q); });
    if (!r.ok() || !r->empty()) return false;
  }
  return true;
}

// Between looks at the database, waits on the herald processes (poll on their output, at most
// 200 ms): one that exits ends the wait at once instead of sleeping through it.
bool RunUntilSettled(app::Services& services, std::vector<std::unique_ptr<HeraldProcess>>& procs,
                     std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!AllSettled(services) && std::chrono::steady_clock::now() < deadline) {
    for (auto& p : procs) {
      if (!p->WatchUntil(std::min(deadline, std::chrono::steady_clock::now() + milliseconds(200)))) {
        return false;
      }
    }
  }
  return true;
}

std::vector<CrashCase> CrashCases() {
  return {{"sqlite", store::testing::BackendKind::kSqliteFile, 1},
          {"postgres", store::testing::BackendKind::kPostgres, 1},
          {"postgres_two_processes", store::testing::BackendKind::kPostgres, 2}};
}

}  // namespace herald::crash
