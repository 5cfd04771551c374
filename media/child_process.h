// Running a helper program (ffprobe, ffmpeg) as a child process under limits.
//
// The program runs from an argv (no shell) in a process group of its own, with stdin from
// /dev/null, no other file descriptor of herald, default signal handling, and resource limits:
// address space (memory), size of the files it writes, CPU time. Its stdout and stderr are
// captured up to a cap each (the rest is read and dropped, so the child never blocks). Past the
// wall-clock timeout the whole group is killed. Safe to call from any thread: only
// async-signal-safe calls run between fork and exec.
#ifndef HERALD_MEDIA_CHILD_PROCESS_H_
#define HERALD_MEDIA_CHILD_PROCESS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace herald::media {

struct ChildCommand {
  std::vector<std::string> argv;  // argv[0]: a program name (looked up in PATH) or a path
  std::string package;            // the Debian package providing it, for "not installed" errors
};

// Receives a child's stdout line by line (without the newline) as it arrives, on the thread
// that runs the child; a last unterminated line too.
using LineSink = std::function<void(std::string_view line)>;

struct ChildLimits {
  std::chrono::milliseconds timeout{30'000};  // wall clock, for the whole group
  int64_t max_memory_bytes = 0;               // RLIMIT_AS; 0 = unlimited
  int64_t max_file_bytes = 0;                 // RLIMIT_FSIZE; 0 = unlimited
  int64_t max_cpu_seconds = 0;                // RLIMIT_CPU; 0 = unlimited
  size_t max_stdout_bytes = 4 << 20;
  size_t max_stderr_bytes = 64 << 10;
};

struct ChildResult {
  int exit_code = -1;  // when the child exited; -1 when a signal ended it
  int signal = 0;      // the signal that ended it, else 0
  std::string out;     // stdout, up to the cap
  std::string err;     // stderr, up to the cap
  bool out_truncated = false;
  bool err_truncated = false;

  bool ok() const { return signal == 0 && exit_code == 0; }
  // "exited with status 1", "stopped by the CPU time limit", "stopped by the output size
  // limit", "killed by signal 11", each followed by ": <last line of stderr>" when there is one.
  std::string Describe() const;
};

// Runs `command` to completion under `limits`. A child that ends badly is still Ok (see
// ChildResult::ok). Errors: kDeadlineExceeded when it ran past the timeout (the group was
// killed); kInternal when the program is not installed (the message names the Debian package)
// or the process could not be started. With `on_stdout_line`, stdout is not captured but
// handed to it line by line (ffmpeg's -progress output).
base::Result<ChildResult> RunChild(const ChildCommand& command, const ChildLimits& limits,
                                   const LineSink& on_stdout_line = {});

}  // namespace herald::media

#endif  // HERALD_MEDIA_CHILD_PROCESS_H_
