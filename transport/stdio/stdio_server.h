// StdioServer: MCP over stdin/stdout for one client (Claude Desktop, Cursor, Inspector ...).
//
// One JSON-RPC message per line in each direction (compact JSON never contains a raw newline);
// nothing but MCP messages is written to stdout (logs go to stderr). A reader thread reads
// stdin and posts each line to the io_context, so reading never blocks it; each line is handled
// as its own coroutine, so a notifications/cancelled can reach a running call. A writer thread
// owns stdout: replies always go out, other messages (progress, logs, server-to-client
// requests) are queued with a bound and dropped when the queue is full.
//
// When stdin ends, running calls get `drain_grace` to finish, are then cancelled, and get
// `cancel_grace` more; then Run returns. SIGINT/SIGTERM skip the first grace period.
//
// Run drives the io_context on the calling thread only (single-threaded by design).
#ifndef HERALD_TRANSPORT_STDIO_STDIO_SERVER_H_
#define HERALD_TRANSPORT_STDIO_STDIO_SERVER_H_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "mcp/server/dispatcher.h"

namespace herald::transport {

struct StdioOptions {
  // Non-reply messages waiting for stdout before new ones are dropped.
  std::size_t max_outbound_queue = 1024;
  // After stdin ends: how long running calls may finish before they are cancelled.
  std::chrono::milliseconds drain_grace{std::chrono::seconds(5)};
  // After cancelling: how long before Run gives up on them.
  std::chrono::milliseconds cancel_grace{std::chrono::seconds(2)};
  // Handle SIGINT and SIGTERM as "stop now" (off in tests).
  bool handle_signals = true;
};

class StdoutWriter;

class StdioServer {
 public:
  // Serves `session` (created by `dispatcher`) reading `in_fd` and writing `out_fd`. The fds
  // stay owned by the caller.
  StdioServer(mcp::Dispatcher& dispatcher, std::shared_ptr<mcp::Session> session, int in_fd,
              int out_fd, StdioOptions options = {});
  ~StdioServer();
  StdioServer(const StdioServer&) = delete;
  StdioServer& operator=(const StdioServer&) = delete;

  // Serves until stdin ends (see the class comment), running `io` on this thread. Returns the
  // process exit code: 0.
  int Run(boost::asio::io_context& io);

 private:
  struct ReaderState;

  void OnLine(std::string line);
  void OnEof();
  void OnTooLong();
  base::Task<void> Serve(std::string line);
  base::Task<void> Shutdown(bool immediate);
  void Finished();

  mcp::Dispatcher& dispatcher_;
  std::shared_ptr<mcp::Session> session_;
  int in_fd_;
  StdioOptions options_;
  std::shared_ptr<StdoutWriter> writer_;
  std::shared_ptr<ReaderState> reader_state_;
  std::thread reader_;
  boost::asio::io_context* io_ = nullptr;
  std::optional<boost::asio::steady_timer> idle_timer_;
  std::optional<boost::asio::signal_set> signals_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::function<void()> release_work_;
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_STDIO_STDIO_SERVER_H_
