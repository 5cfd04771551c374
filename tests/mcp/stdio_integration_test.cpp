// The real `herald stdio` binary, spawned with a temporary --data directory and driven with JSON
// lines over pipes: initialize, tools/list, a tool call, and a clean exit (0) when stdin closes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/json.h"

extern char** environ;

namespace herald::mcp {
namespace {

using base::Json;

class HeraldProcess {
 public:
  // Starts HERALD_BINARY with `args`; `env` entries (NAME=VALUE) are added to this process's
  // environment minus HERALD_API_KEY.
  HeraldProcess(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    int in[2], out[2], err[2];
    EXPECT_EQ(::pipe2(in, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(err, O_CLOEXEC), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<std::string> argv_s{HERALD_BINARY};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry = *e;
      if (entry.rfind("HERALD_", 0) == 0) continue;
      env_s.push_back(entry);
    }
    env_s.insert(env_s.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, HERALD_BINARY, &actions, nullptr, argv.data(), envp.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
  }
  ~HeraldProcess() {
    CloseStdin();
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(stdout_);
    ::close(stderr_);
  }

  void Send(const Json& message) {
    std::string line = message.dump() + "\n";
    ASSERT_EQ(::write(stdin_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }
  void CloseStdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
  }

  // The next stdout line, or "" on EOF/timeout (20 s).
  std::string ReadLine() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      auto nl = out_buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = out_buffer_.substr(0, nl);
        out_buffer_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return "";
      pollfd p{stdout_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
      char chunk[8192];
      ssize_t n = ::read(stdout_, chunk, sizeof chunk);
      if (n <= 0) return "";
      out_buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  // Reads lines until a response with `id` (skipping notifications); null on EOF/timeout.
  Json ReadResponse(const Json& id) {
    for (;;) {
      std::string line = ReadLine();
      if (line.empty()) return nullptr;
      Json j = Json::parse(line);  // every stdout line must be JSON
      if (j.contains("id") && j["id"] == id && !j.contains("method")) return j;
    }
  }
  // Waits up to 30 s for exit (on a pidfd, so the exit itself wakes us), collecting stderr
  // meanwhile; returns the exit code, or -1 on timeout or death by signal.
  int Wait() {
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool stderr_open = true;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        if (pidfd >= 0) ::close(pidfd);
        if (WIFSIGNALED(status)) {
          ADD_FAILURE() << "herald died of signal " << WTERMSIG(status);
          return -1;
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      pollfd fds[2] = {{pidfd, POLLIN, 0}, {stderr_open ? stderr_ : -1, POLLIN, 0}};
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now())
                                      .count());
      if (::poll(fds, 2, std::max(left, 0)) > 0 && (fds[1].revents & (POLLIN | POLLHUP)) != 0) {
        stderr_open = DrainStderr();
      }
    }
    if (pidfd >= 0) ::close(pidfd);
    return -1;
  }
  std::string Stderr() {
    DrainStderr();
    return err_buffer_;
  }
  std::string RemainingStdout() {
    std::string rest = out_buffer_;
    char chunk[8192];
    ssize_t n;
    while ((n = ::read(stdout_, chunk, sizeof chunk)) > 0)
      rest.append(chunk, static_cast<std::size_t>(n));
    return rest;
  }

 private:
  // Reads what stderr has now; false once it reached end of file.
  bool DrainStderr() {
    int flags = ::fcntl(stderr_, F_GETFL);
    ::fcntl(stderr_, F_SETFL, flags | O_NONBLOCK);
    char chunk[8192];
    ssize_t n;
    while ((n = ::read(stderr_, chunk, sizeof chunk)) > 0) {
      err_buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return n != 0;
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int stdin_ = -1, stdout_ = -1, stderr_ = -1;
  std::string out_buffer_, err_buffer_;
};

class StdioIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/herald-stdio-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> Args() { return {"--data", dir_, "stdio", "--no-workers"}; }

  std::string dir_;
};

TEST_F(StdioIntegrationTest, InitializeListCallAndExitOnEof) {
  HeraldProcess herald(Args(), {});
  herald.Send({{"jsonrpc", "2.0"},
               {"id", 1},
               {"method", "initialize"},
               {"params",
                {{"protocolVersion", "2025-11-25"},
                 {"capabilities", Json::object()},
                 {"clientInfo", {{"name", "integration"}, {"version", "1"}}}}}});
  Json init = herald.ReadResponse(1);
  ASSERT_FALSE(init.is_null()) << "no initialize response; stderr: " << herald.Stderr();
  EXPECT_EQ(init["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(init["result"]["serverInfo"]["name"], "herald");
  herald.Send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});

  herald.Send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}});
  Json list = herald.ReadResponse(2);
  ASSERT_TRUE(list["result"]["tools"].is_array()) << list.dump();

  // A tool call: list_accounts when the production tools have it, else an unknown tool (which
  // still exercises tools/call end to end).
  bool has_list_accounts = false;
  for (const auto& t : list["result"]["tools"]) has_list_accounts |= t["name"] == "list_accounts";
  herald.Send({{"jsonrpc", "2.0"},
               {"id", 3},
               {"method", "tools/call"},
               {"params",
                {{"name", has_list_accounts ? "list_accounts" : "no_such_tool"},
                 {"arguments", Json::object()}}}});
  Json call = herald.ReadResponse(3);
  ASSERT_FALSE(call.is_null()) << herald.Stderr();
  if (has_list_accounts) {
    EXPECT_TRUE(call["result"].contains("content")) << call.dump();
    EXPECT_FALSE(call["result"].value("isError", false)) << call.dump();
  } else {
    EXPECT_EQ(call["error"]["code"], -32602);
  }

  herald.Send({{"jsonrpc", "2.0"}, {"id", 4}, {"method", "resources/list"}});
  EXPECT_TRUE(herald.ReadResponse(4)["result"]["resources"].is_array());
  herald.Send({{"jsonrpc", "2.0"}, {"id", 5}, {"method", "prompts/list"}});
  EXPECT_EQ(herald.ReadResponse(5)["result"]["prompts"].size(), 3u);  // with weekly_report

  herald.CloseStdin();
  EXPECT_EQ(herald.Wait(), 0) << herald.Stderr();
  EXPECT_EQ(herald.RemainingStdout(), "");
}

TEST_F(StdioIntegrationTest, ImmediateEofExitsZero) {
  HeraldProcess herald(Args(), {});
  herald.CloseStdin();
  EXPECT_EQ(herald.Wait(), 0) << herald.Stderr();
}

// An invalid key: every request is answered with an error the client shows (not a closed
// connection), one line on stderr says the same, and herald exits 2 when stdin closes.
TEST_F(StdioIntegrationTest, InvalidApiKeyIsAnsweredWithTheReasonThenExit2) {
  HeraldProcess herald(Args(), {"HERALD_API_KEY=hk_not_a_real_key", "HERALD_LOG_LEVEL=error"});
  herald.Send({{"jsonrpc", "2.0"},
               {"id", 1},
               {"method", "initialize"},
               {"params",
                {{"protocolVersion", "2025-06-18"},
                 {"capabilities", Json::object()},
                 {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
  Json answer = herald.ReadResponse(1);
  ASSERT_TRUE(answer.contains("error")) << answer.dump();
  const std::string message = answer["error"].value("message", "");
  EXPECT_NE(message.find("HERALD_API_KEY is not valid"), std::string::npos) << message;
  EXPECT_EQ(answer.dump().find("hk_not_a_real_key"), std::string::npos) << "never echo the key";
  herald.CloseStdin();
  EXPECT_EQ(herald.Wait(), 2);
  std::string err = herald.Stderr();
  EXPECT_NE(err.find("HERALD_API_KEY"), std::string::npos) << err;
  EXPECT_EQ(err.find("hk_not_a_real_key"), std::string::npos) << "the key must not be echoed";
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(herald.RemainingStdout(), "");
}

}  // namespace
}  // namespace herald::mcp
