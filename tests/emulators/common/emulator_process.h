// EmulatorProcess: runs `herald-emulator <network>` as a child process, for tests that must
// survive (or cause) a crash on the other side, e.g. the core's crash tests.
//
//   auto emu = EmulatorProcess::Start(EmulatorProcess::DefaultBinary(), "mastodon");
//   ASSERT_THAT(emu, IsOk());
//   std::string base = (*emu)->base_url();
//
// Start waits (bounded) for the "listening on 127.0.0.1:PORT" line. The destructor sends
// SIGTERM and reaps the child (SIGKILL after a grace). Not thread-safe: one owner.
#ifndef HERALD_TESTS_EMULATORS_COMMON_EMULATOR_PROCESS_H_
#define HERALD_TESTS_EMULATORS_COMMON_EMULATOR_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace herald::emulators {

// The HERALD_EMULATOR_BIN compile definition of the including target, if any (see
// tests/emulators/common/CMakeLists.txt).
#ifdef HERALD_EMULATOR_BIN
#define HERALD_EMULATOR_BIN_DEFAULT HERALD_EMULATOR_BIN
#else
#define HERALD_EMULATOR_BIN_DEFAULT nullptr
#endif

class EmulatorProcess {
 public:
  // The herald-emulator binary: $HERALD_EMULATOR_BIN if set, else `built` (by default the
  // caller's HERALD_EMULATOR_BIN compile definition), else "herald-emulator".
  static std::string DefaultBinary(const char* built = HERALD_EMULATOR_BIN_DEFAULT);

  // Starts `binary network extra_args...` and waits up to `timeout` for its port. Errors:
  // kUnavailable when the process cannot start, exits, or prints no port in time.
  static base::Result<std::unique_ptr<EmulatorProcess>> Start(
      const std::string& binary, const std::string& network,
      std::vector<std::string> extra_args = {},
      std::chrono::milliseconds timeout = std::chrono::seconds(15));

  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Sends `signal` (SIGTERM, SIGKILL, ...).
  void Signal(int signal);
  // Waits (bounded) for the child to exit; returns its wait status, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  EmulatorProcess(pid_t pid, int stdout_fd, uint16_t port)
      : pid_(pid), stdout_fd_(stdout_fd), port_(port) {}
  pid_t pid_;
  int stdout_fd_;
  uint16_t port_;
  bool reaped_ = false;
};

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_EMULATOR_PROCESS_H_
