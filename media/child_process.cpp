#include "media/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>


namespace herald::media {
namespace {

// The whole environment of a child: herald's own (secrets included) is never passed on.
constexpr const char* kChildEnvironment[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C",
                                             "HOME=/nonexistent", nullptr};

using Clock = std::chrono::steady_clock;

// Closes the descriptor it holds, once.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// A close-on-exec pipe whose ends are above the standard descriptors, so the child's dup2 onto
// 0..3 never clobbers one it still needs.
bool MakePipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  for (int& fd : fds) {
    if (fd <= 3) {
      const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 4);
      close(fd);
      fd = moved;
    }
  }
  read_end.Reset(fds[0]);
  write_end.Reset(fds[1]);
  return fds[0] >= 0 && fds[1] >= 0;
}

// The executable `program` names: itself when it holds a '/', else the first match in PATH.
std::string FindProgram(const std::string& program) {
  auto executable = [](const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  };
  if (program.find('/') != std::string::npos) return executable(program) ? program : "";
  // The tools are Debian's: a fixed search path, the same the child gets (kChildEnvironment).
  const std::string path = "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string dir = end > start ? path.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + program;
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

base::Error NotInstalled(const ChildCommand& command) {
  const std::string& program = command.argv[0];
  std::string message = program + " is not installed";
  if (!command.package.empty()) message += " (install the Debian package " + command.package + ")";
  return base::Error(base::ErrorCode::kInternal, message);
}

void SetLimit(int resource, int64_t soft, int64_t hard) {
  rlimit limit{static_cast<rlim_t>(soft), static_cast<rlim_t>(hard)};
  setrlimit(resource, &limit);
}

// In the child, between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecChild(const char* path, char* const* argv, int null_fd, int out_fd,
                            int err_fd, int status_fd, const ChildLimits& limits) {
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGPIPE, SIGXFSZ, SIGXCPU, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) {
    signal(sig, SIG_DFL);
  }
  if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
      dup2(err_fd, STDERR_FILENO) < 0 || dup2(status_fd, 3) < 0 ||
      fcntl(3, F_SETFD, FD_CLOEXEC) < 0) {
    _exit(126);
  }
  close_range(4, ~0U, 0);
  if (limits.max_memory_bytes > 0) {
    SetLimit(RLIMIT_AS, limits.max_memory_bytes, limits.max_memory_bytes);
  }
  if (limits.max_file_bytes > 0) {
    SetLimit(RLIMIT_FSIZE, limits.max_file_bytes, limits.max_file_bytes);
  }
  if (limits.max_cpu_seconds > 0) {
    // SIGXCPU at the soft limit, SIGKILL one second later.
    SetLimit(RLIMIT_CPU, limits.max_cpu_seconds, limits.max_cpu_seconds + 1);
  }
  execve(path, argv, const_cast<char* const*>(kChildEnvironment));
  const int error = errno;
  [[maybe_unused]] ssize_t ignored = write(3, &error, sizeof error);
  _exit(127);
}

// Appends what `fd` has to `out` up to `cap` bytes (dropping the rest); false at end of file.
bool Drain(int fd, std::string& out, size_t cap, bool& truncated) {
  char buffer[16384];
  const ssize_t n = read(fd, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  const size_t room = out.size() < cap ? cap - out.size() : 0;
  const size_t keep = std::min(room, static_cast<size_t>(n));
  out.append(buffer, keep);
  if (keep < static_cast<size_t>(n)) truncated = true;
  return true;
}

// Reads what `fd` has and hands every complete line to `on_line`, keeping a partial one in
// `pending` (at most `cap` bytes of it); false at end of file, after the last partial line.
bool DrainLines(int fd, std::string& pending, size_t cap, const LineSink& on_line) {
  char buffer[16384];
  const ssize_t n = read(fd, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) {
    if (!pending.empty()) on_line(pending);
    pending.clear();
    return false;
  }
  std::string_view chunk(buffer, static_cast<size_t>(n));
  while (!chunk.empty()) {
    const size_t newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      pending.append(chunk.substr(0, cap > pending.size() ? cap - pending.size() : 0));
      break;
    }
    pending.append(chunk.substr(0, newline));
    if (!pending.empty() && pending.back() == '\r') pending.pop_back();
    on_line(pending);
    pending.clear();
    chunk.remove_prefix(newline + 1);
  }
  return true;
}

std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of(" \r\n\t");
  if (end == std::string::npos) return "";
  const size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

}  // namespace

std::string ChildResult::Describe() const {
  std::string what;
  if (signal == SIGXCPU) {
    what = "stopped by the CPU time limit";
  } else if (signal == SIGXFSZ) {
    what = "stopped by the output size limit";
  } else if (signal != 0) {
    what = "killed by signal " + std::to_string(signal);
  } else {
    what = "exited with status " + std::to_string(exit_code);
  }
  const std::string line = LastLine(err);
  return line.empty() ? what : what + ": " + line;
}

base::Result<ChildResult> RunChild(const ChildCommand& command, const ChildLimits& limits,
                                   const LineSink& on_stdout_line) {
  if (command.argv.empty() || command.argv[0].empty()) {
    return base::InvalidArgument("no program to run");
  }
  const std::string path = FindProgram(command.argv[0]);
  if (path.empty()) return NotInstalled(command);

  // Everything the child touches is prepared here: it must not allocate.
  std::vector<std::string> args = command.argv;
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  Fd null_fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
  Fd out_r, out_w, err_r, err_w, status_r, status_w;
  if (null_fd.get() < 0 || !MakePipe(out_r, out_w) || !MakePipe(err_r, err_w) ||
      !MakePipe(status_r, status_w)) {
    return base::Internal(std::string("cannot make pipes for a child process: ") +
                          std::strerror(errno));
  }
  const pid_t pid = fork();
  if (pid < 0) return base::Internal(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    ExecChild(path.c_str(), argv.data(), null_fd.get(), out_w.get(), err_w.get(), status_w.get(),
              limits);
  }
  setpgid(pid, pid);  // also done by the child; whichever runs first wins the race
  out_w.Reset();
  err_w.Reset();
  status_w.Reset();
  null_fd.Reset();

  // The status pipe closes on exec (success) or carries errno (failure).
  int exec_error = 0;
  ssize_t got;
  do {
    got = read(status_r.get(), &exec_error, sizeof exec_error);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof exec_error)) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (exec_error == ENOENT) return NotInstalled(command);
    return base::Internal("cannot run " + command.argv[0] + ": " + std::strerror(exec_error));
  }

  const auto deadline = Clock::now() + limits.timeout;
  Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  ChildResult result;
  std::string pending_line;  // on_stdout_line: the line read so far
  bool out_open = true;
  bool err_open = true;
  bool exited = false;
  int status = 0;
  while (out_open || err_open || !exited) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      kill(-pid, SIGKILL);
      if (!exited) waitpid(pid, &status, 0);
      return base::DeadlineExceeded(command.argv[0] + " took longer than the limit of " +
                                    std::to_string(limits.timeout.count()) + " ms and was stopped");
    }
    pollfd fds[3];
    nfds_t n = 0;
    int out_index = -1, err_index = -1, pid_index = -1;
    if (out_open) out_index = static_cast<int>(n), fds[n++] = {out_r.get(), POLLIN, 0};
    if (err_open) err_index = static_cast<int>(n), fds[n++] = {err_r.get(), POLLIN, 0};
    if (!exited && pidfd.get() >= 0)
      pid_index = static_cast<int>(n), fds[n++] = {pidfd.get(), POLLIN, 0};
    // Without a pidfd, look at the child every 50 ms.
    const int wait_ms =
        static_cast<int>(pidfd.get() < 0 && !exited ? std::min<int64_t>(left, 50) : left);
    const int ready = poll(fds, n, wait_ms);
    if (ready < 0 && errno != EINTR) {
      kill(-pid, SIGKILL);
      if (!exited) waitpid(pid, &status, 0);
      return base::Internal(std::string("poll failed: ") + std::strerror(errno));
    }
    if (ready <= 0 && pidfd.get() >= 0) continue;
    if (out_index >= 0 && fds[out_index].revents != 0) {
      out_open = on_stdout_line
                     ? DrainLines(out_r.get(), pending_line, limits.max_stdout_bytes,
                                  on_stdout_line)
                     : Drain(out_r.get(), result.out, limits.max_stdout_bytes,
                             result.out_truncated);
    }
    if (err_index >= 0 && fds[err_index].revents != 0) {
      err_open = Drain(err_r.get(), result.err, limits.max_stderr_bytes, result.err_truncated);
    }
    if (!exited && (pid_index < 0 || fds[pid_index].revents != 0)) {
      // Look without reaping: while the child is a zombie its group id cannot be reused, so
      // whatever it left running in its group goes with it safely.
      siginfo_t info{};
      if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          info.si_pid == pid) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        exited = true;
      }
    }
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace herald::media
