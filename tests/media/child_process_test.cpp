// RunChild (media/child_process.h): helper programs under time, memory, output and CPU limits.
#include "media/child_process.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::media {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ChildCommand Shell(std::string script) { return {{"/bin/sh", "-c", std::move(script)}, "dash"}; }

ChildLimits Limits(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  ChildLimits limits;
  limits.timeout = timeout;
  return limits;
}

TEST(ChildProcessTest, CapturesOutputAndExitStatus) {
  auto r = RunChild(Shell("echo out; echo err >&2; exit 3"), Limits());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->Describe(), "exited with status 3: err");

  r = RunChild({{"echo", "looked up in PATH"}, "coreutils"}, Limits());
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->out, "looked up in PATH\n");
}

TEST(ChildProcessTest, HandsStdoutLineByLineWhenAskedInsteadOfCapturing) {
  std::vector<std::string> lines;
  // Lines split across writes, CRLF, an empty line and a last line without a newline.
  auto r = RunChild(Shell("printf 'one\\ntw'; printf 'o\\r\\n\\nthree'"), Limits(),
                    [&](std::string_view line) { lines.emplace_back(line); });
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "", "three"}));
  EXPECT_EQ(r->out, "");  // handed over, not captured
}

TEST(ChildProcessTest, AMissingProgramNamesItsPackage) {
  auto r = RunChild({{"herald-no-such-program", "-v"}, "ffmpeg"}, Limits());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInternal);
  EXPECT_THAT(r.error().message(), HasSubstr("herald-no-such-program is not installed"));
  EXPECT_THAT(r.error().message(), HasSubstr("Debian package ffmpeg"));
  r = RunChild({{"/nonexistent/ffprobe"}, "ffmpeg"}, Limits());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("Debian package ffmpeg"));
}

TEST(ChildProcessTest, StdinIsEmptyAndNoOtherDescriptorLeaks) {
  // A descriptor of ours without close-on-exec must not reach the child.
  const int fd = open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  auto r = RunChild(Shell("cat; ls /proc/$$/fd"), Limits());
  close(fd);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->ok()) << r->Describe();
  EXPECT_EQ(r->out.find("\n" + std::to_string(fd) + "\n"), std::string::npos) << r->out;
  EXPECT_EQ(r->out.rfind(std::to_string(fd) + "\n", 0), std::string::npos) << r->out;
}

TEST(ChildProcessTest, OutputIsCappedAndTheRestDrained) {
  ChildLimits limits = Limits();
  limits.max_stdout_bytes = 1000;
  auto r = RunChild(Shell("head -c 300000 /dev/zero"), limits);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->out.size(), 1000u);
  EXPECT_TRUE(r->out_truncated);
}

TEST(ChildProcessTest, ALoopingChildIsKilledWithItsGroupAtTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  // The shell waits on a background sleep: both are in the group and both go.
  auto r = RunChild(Shell("sleep 30 & wait"), Limits(std::chrono::milliseconds(300)));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kDeadlineExceeded);
  EXPECT_THAT(r.error().message(), HasSubstr("took longer than the limit of 300 ms"));
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(ChildProcessTest, LeftoversInTheGroupDoNotHoldTheCallerUp) {
  // The child exits at once, leaving a grandchild holding stdout open.
  const auto start = std::chrono::steady_clock::now();
  auto r = RunChild(Shell("sleep 30 & echo done"), Limits());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->out, "done\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ChildProcessTest, AChildThatAllocatesTooMuchFails) {
  ChildLimits limits = Limits();
  limits.max_memory_bytes = 64LL << 20;
  auto r = RunChild(Shell("x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo ${#x}"), limits);
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->ok());
  EXPECT_THAT(r->out, Not(HasSubstr("100000000")));
}

TEST(ChildProcessTest, FileSizeLimitStopsTheWriter) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("herald-child-fsize-" + std::to_string(getpid())))
          .string();
  ChildLimits limits = Limits();
  limits.max_file_bytes = 4096;
  auto r = RunChild(Shell("exec head -c 1000000 /dev/zero > " + path), limits);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->signal, SIGXFSZ);
  EXPECT_THAT(r->Describe(), HasSubstr("stopped by the output size limit"));
  EXPECT_LE(std::filesystem::file_size(path), 4096u);
  std::filesystem::remove(path);
}

TEST(ChildProcessTest, CpuLimitStopsASpinningChild) {
  ChildLimits limits = Limits(std::chrono::seconds(60));
  limits.max_cpu_seconds = 1;
  auto r = RunChild(Shell("exec /bin/sh -c 'while :; do :; done'"), limits);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->signal == SIGXCPU || r->signal == SIGKILL) << r->Describe();
}

}  // namespace
}  // namespace herald::media
