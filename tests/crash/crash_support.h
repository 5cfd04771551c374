// Crash-test support: what every crash test of herald shares. Each network group has its own
// test file (crash_test.cpp: Mastodon, Telegram, X, LinkedIn; one per new network group) on
// these pieces:
//  - HeraldProcess: `herald worker` (or serve) as a child process, watched and SIGKILLed;
//  - ConnectOAuth: connect_account for an OAuth network through its emulator's redirect;
//  - DropAfterAccept: arm an emulator to lose answers after applying the request;
//  - StartWorkers / RunUntilSettled: start N processes, wait (bounded, never sleeping through a
//    child's death) until no post is scheduled or publishing;
//  - CrashCases: the backends every crash test runs on (SQLite, PostgreSQL, two processes on
//    one PostgreSQL).
#ifndef HERALD_TESTS_CRASH_CRASH_SUPPORT_H_
#define HERALD_TESTS_CRASH_CRASH_SUPPORT_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/services.h"
#include "core/account_service.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/store/test_support.h"

namespace herald::crash {

using std::chrono::milliseconds;

// `herald worker` as a child: stdout read for the ready line, stderr to a log file.
class HeraldProcess {
 public:
  // Forks and execs `argv` with `env` added; nullptr when it could not.
  static std::unique_ptr<HeraldProcess> Start(const std::vector<std::string>& argv,
                                              const std::map<std::string, std::string>& env,
                                              const std::string& log_path);
  ~HeraldProcess();

  // Waits (bounded) for a stdout line containing `text`.
  bool WaitFor(const std::string& text, milliseconds timeout);
  // Sends `sig` and reaps the child (bounded; SIGKILL after 15 s). Returns the wait status.
  int Kill(int sig);
  // Reads (and drops) the child's output until `deadline`; false as soon as its stdout closes
  // (the child exited on its own). Returns true when the deadline passed with the child alive.
  bool WatchUntil(std::chrono::steady_clock::time_point deadline);

 private:
  HeraldProcess() = default;
  pid_t pid_ = -1;
  int out_ = -1;
  int status_ = -1;
  std::string buffer_;
};

// connect_account for an OAuth network: starts it, plays the browser (the emulator approves at
// once and redirects with code and state) and completes it as the callback route does.
// Returns the callback's outcome.
core::OAuthCallbackResult ConnectOAuth(app::Services& services, const base::Caller& caller,
                                       const std::string& platform, emulators::EmulatorClient& ctl,
                                       const std::string& emulator_url);

// Arms `ctl` to apply the next `count` requests matching `method` `path` and then drop the
// connection without an answer. False when the emulator refused.
bool DropAfterAccept(emulators::EmulatorClient& ctl, const char* method, const char* path,
                     int count);

// Starts `count` processes of `argv` and waits (bounded) until each printed `ready`.
// Empty (with a gtest failure) when one did not start.
std::vector<std::unique_ptr<HeraldProcess>> StartWorkers(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
    const std::string& log, int count, const std::string& ready = "worker running");

// True when no post of the default organization is scheduled or publishing.
bool AllSettled(app::Services& services);

// Watches `procs` until AllSettled or `timeout`; false when a process exited on its own.
bool RunUntilSettled(app::Services& services, std::vector<std::unique_ptr<HeraldProcess>>& procs,
                     std::chrono::seconds timeout);

struct CrashCase {
  const char* name;
  store::testing::BackendKind backend;
  int processes;
};

// SQLite, PostgreSQL, and two processes sharing one PostgreSQL.
std::vector<CrashCase> CrashCases();

}  // namespace herald::crash

#endif  // HERALD_TESTS_CRASH_CRASH_SUPPORT_H_
