#include "tests/emulators/common/emulator_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace herald::emulators {

std::string EmulatorProcess::DefaultBinary(const char* built) {
  if (const char* env = std::getenv("HERALD_EMULATOR_BIN"); env != nullptr && *env != '\0') {
    return env;
  }
  return built != nullptr && *built != '\0' ? built : "herald-emulator";
}

base::Result<std::unique_ptr<EmulatorProcess>> EmulatorProcess::Start(
    const std::string& binary, const std::string& network, std::vector<std::string> extra_args,
    std::chrono::milliseconds timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return base::Unavailable("pipe failed", std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<std::string> args = {binary, network};
  for (auto& a : extra_args) args.push_back(std::move(a));
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return base::Unavailable("cannot start " + binary, std::strerror(rc));
  }
  std::unique_ptr<EmulatorProcess> process(new EmulatorProcess(pid, fds[0], 0));

  // Read stdout until the "listening on HOST:PORT" line, within the timeout.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string line;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return base::Unavailable(network + " emulator printed no port in time");
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buf[256];
    const ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n <= 0) return base::Unavailable(network + " emulator exited before listening");
    line.append(buf, static_cast<size_t>(n));
    const size_t eol = line.find('\n');
    if (eol == std::string::npos) continue;
    const std::string first = line.substr(0, eol);
    const size_t colon = first.rfind(':');
    if (first.rfind("listening on ", 0) != 0 || colon == std::string::npos) {
      return base::Unavailable("unexpected first line from the emulator: " + first);
    }
    process->port_ = static_cast<uint16_t>(std::atoi(first.c_str() + colon + 1));
    return process;
  }
}

EmulatorProcess::~EmulatorProcess() {
  if (!reaped_) {
    Signal(SIGTERM);
    if (Wait(std::chrono::seconds(5)) == -1) {
      Signal(SIGKILL);
      Wait(std::chrono::seconds(5));
    }
  }
  close(stdout_fd_);
}

void EmulatorProcess::Signal(int signal) {
  if (!reaped_) kill(pid_, signal);
}

int EmulatorProcess::Wait(std::chrono::milliseconds timeout) {
  if (reaped_) return 0;
  // A pidfd becomes readable when the child exits: wait on it instead of polling waitpid.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int ready;
    do {
      ready = poll(&p, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    close(pidfd);
    if (ready == 0) return -1;
  }
  int status = 0;
  const pid_t r = waitpid(pid_, &status, pidfd >= 0 ? 0 : WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    return status;
  }
  if (r < 0) reaped_ = true;
  return -1;
}

}  // namespace herald::emulators
