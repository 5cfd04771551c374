// StdioServer over pipes (no child process): line framing, replies and notifications on stdout,
// clean exit at EOF after running calls finish or are cancelled.
#include "transport/stdio/stdio_server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <thread>

#include "mcp/protocol/jsonrpc.h"
#include "tests/mcp/mcp_test_support.h"

namespace herald::mcp {
namespace {

using testing::Spec;
using testing::Structured;
using ToolResult = base::Result<tools::ToolOutput>;

class Pipe {
 public:
  Pipe() { EXPECT_EQ(::pipe(fds_), 0); }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  void CloseRead() {
    if (fds_[0] >= 0) ::close(fds_[0]);
    fds_[0] = -1;
  }
  void CloseWrite() {
    if (fds_[1] >= 0) ::close(fds_[1]);
    fds_[1] = -1;
  }

 private:
  int fds_[2] = {-1, -1};
};

class StdioServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_.tools().set_check_output(true);
    auto add = [&](tools::ToolSpec spec, testing::ToolFn fn) {
      ASSERT_TRUE(dispatcher_.tools()
                      .RegisterWithSchemas(std::make_unique<testing::LambdaTool>(spec, fn),
                                           testing::EmptyObjectSchema(), nullptr)
                      .ok());
    };
    add(Spec("hello"), [](Json, tools::ToolContext& ctx) {
      ctx.Log(tools::LogLevel::kInfo, "line one\nline two");
      return Structured({{"greeting", "hi\nthere"}});
    });
    add(Spec("sleepy"), [this](Json, tools::ToolContext& ctx) -> base::Task<ToolResult> {
      // Finishes after 50 ms unless cancelled first.
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                      std::chrono::milliseconds(sleepy_ms_));
      co_await timer.async_wait(base::kNoThrow);
      co_return tools::ToolOutput{Json{{"cancelled", ctx.cancelled()}}};
    });
    add(Spec("stubborn"), [this](Json, tools::ToolContext& ctx) -> base::Task<ToolResult> {
      // Waits until cancelled (checking every 10 ms).
      auto ex = co_await boost::asio::this_coro::executor;
      while (!ctx.cancelled()) {
        boost::asio::steady_timer timer(ex, std::chrono::milliseconds(10));
        co_await timer.async_wait(base::kNoThrow);
      }
      stubborn_saw_cancel_ = true;
      co_return base::Cancelled("stopped");
    });
  }

  void Start(transport::StdioOptions options = {}) {
    options.handle_signals = false;
    session_ = dispatcher_.NewSession(base::Caller{"org", "", base::Role::kAdmin}, "stdio");
    server_ = std::make_unique<transport::StdioServer>(dispatcher_, session_, in_.read_fd(),
                                                       out_.write_fd(), options);
    thread_ = std::thread([this] {
      rc_ = server_->Run(io_);
      done_ = true;
    });
  }

  void Write(const std::string& text) {
    ASSERT_EQ(::write(in_.write_fd(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  void WriteJson(const Json& j) { Write(j.dump() + "\n"); }

  // The next line on the server's stdout (waits up to 10 s).
  std::string ReadLine() {
    for (;;) {
      auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      pollfd p{out_.read_fd(), POLLIN, 0};
      if (::poll(&p, 1, 10'000) <= 0) return "<timeout>";
      char chunk[4096];
      ssize_t n = ::read(out_.read_fd(), chunk, sizeof chunk);
      if (n <= 0) return "<eof>";
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  Json ReadJson() { return Json::parse(ReadLine()); }

  // Closes stdin, waits for Run to return, then closes our copy of the stdout pipe's write
  // end so ReadLine sees EOF after the last message.
  void FinishAndJoin() {
    in_.CloseWrite();
    thread_.join();
    out_.CloseWrite();
  }

  void Initialize() {
    WriteJson({{"jsonrpc", "2.0"},
               {"id", 0},
               {"method", "initialize"},
               {"params",
                {{"protocolVersion", "2025-06-18"},
                 {"capabilities", Json::object()},
                 {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
    Json init = ReadJson();
    ASSERT_EQ(init["result"]["protocolVersion"], "2025-06-18");
    WriteJson({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  }

  Dispatcher dispatcher_;
  std::shared_ptr<Session> session_;
  Pipe in_, out_;
  boost::asio::io_context io_;
  std::unique_ptr<transport::StdioServer> server_;
  std::thread thread_;
  std::atomic<int> rc_{-1};
  std::atomic<bool> done_{false};
  std::atomic<bool> stubborn_saw_cancel_{false};
  int sleepy_ms_ = 50;
  std::string buffer_;
};

TEST_F(StdioServerTest, OneMessagePerLineAndExitOnEof) {
  Start();
  Initialize();
  WriteJson({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}});
  Json list = ReadJson();
  EXPECT_EQ(list["id"], 1);
  EXPECT_EQ(list["result"]["tools"].size(), 3u);

  // Two messages in one write, one with CRLF, plus blank lines.
  Write(
      "\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/"
      "call\",\"params\":{\"name\":\"hello\"}}\r\n\n"
      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\n");
  std::string log_line = ReadLine();
  std::string call_line = ReadLine();
  std::string ping_line = ReadLine();
  // Embedded newlines stay escaped: each message is exactly one line.
  Json log = Json::parse(log_line);
  EXPECT_EQ(log["method"], "notifications/message");
  EXPECT_EQ(log["params"]["data"], "line one\nline two");
  Json call = Json::parse(call_line);
  EXPECT_EQ(call["id"], 2);
  EXPECT_EQ(call["result"]["structuredContent"]["greeting"], "hi\nthere");
  EXPECT_EQ(Json::parse(ping_line)["id"], 3);

  Write("this is not json\n");
  EXPECT_EQ(ReadJson()["error"]["code"], kParseError);

  FinishAndJoin();
  EXPECT_EQ(rc_, 0);
  EXPECT_EQ(ReadLine(), "<eof>");
  EXPECT_TRUE(session_->closed());
}

TEST_F(StdioServerTest, RunningCallFinishesAfterEof) {
  Start();
  Initialize();
  Write(
      "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"sleepy\"}}");
  in_.CloseWrite();  // EOF right after a last line without newline
  Json reply = ReadJson();
  EXPECT_EQ(reply["id"], 9);
  EXPECT_EQ(reply["result"]["structuredContent"]["cancelled"], false);
  thread_.join();
  EXPECT_EQ(rc_, 0);
}

TEST_F(StdioServerTest, StubbornCallIsCancelledAfterGrace) {
  transport::StdioOptions options;
  options.drain_grace = std::chrono::milliseconds(50);
  options.cancel_grace = std::chrono::seconds(5);
  Start(options);
  Initialize();
  WriteJson({{"jsonrpc", "2.0"},
             {"id", 4},
             {"method", "tools/call"},
             {"params", {{"name", "stubborn"}}}});
  auto started = std::chrono::steady_clock::now();
  FinishAndJoin();
  EXPECT_EQ(rc_, 0);
  EXPECT_TRUE(stubborn_saw_cancel_);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  EXPECT_EQ(ReadLine(), "<eof>");  // a cancelled request gets no response
}

TEST_F(StdioServerTest, OversizedLineIsRejectedAndServingContinues) {
  DispatcherOptions small;
  small.max_message_bytes = 1000;
  Dispatcher dispatcher(small);
  auto session = dispatcher.NewSession(base::Caller{}, "stdio");
  transport::StdioOptions options;
  options.handle_signals = false;
  transport::StdioServer server(dispatcher, session, in_.read_fd(), out_.write_fd(), options);
  std::thread t([&] { rc_ = server.Run(io_); });
  Write(std::string(5000, 'x') + "\n");
  Json error = ReadJson();
  EXPECT_EQ(error["error"]["code"], kInvalidRequest);
  EXPECT_TRUE(error["id"].is_null());
  WriteJson({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}});
  EXPECT_EQ(ReadJson()["id"], 1);
  in_.CloseWrite();
  t.join();
  EXPECT_EQ(rc_, 0);
}

}  // namespace
}  // namespace herald::mcp
