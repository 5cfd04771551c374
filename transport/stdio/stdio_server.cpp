#include "transport/stdio/stdio_server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>

#include "mcp/protocol/jsonrpc.h"

namespace herald::transport {

namespace asio = boost::asio;

// Owns stdout: a thread writes queued lines in order. Replies are never dropped; other messages
// are bounded. Thread-safe.
class StdoutWriter final : public mcp::Outbound {
 public:
  StdoutWriter(int fd, std::size_t max_queue) : fd_(fd), max_queue_(max_queue) {}
  ~StdoutWriter() override { Close(); }

  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }

  bool Send(const base::Json& message) override { return Push(base::DumpJson(message), false); }
  bool open() const override { return open_.load(); }

  // Queues a reply (never dropped while stdout works).
  bool SendReply(std::string line) { return Push(std::move(line), true); }

  // Writes what is queued, then stops the thread. Idempotent.
  void Close() {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    open_ = false;
  }

 private:
  bool Push(std::string line, bool reply) {
    {
      std::lock_guard lock(mu_);
      if (closing_ || !open_) return false;
      if (!reply && queued_notifications_ >= max_queue_) return false;
      if (!reply) ++queued_notifications_;
      queue_.push_back({std::move(line), reply});
    }
    cv_.notify_one();
    return true;
  }

  void Loop() {
    for (;;) {
      Line line;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing and drained
        line = std::move(queue_.front());
        queue_.pop_front();
        if (!line.reply) --queued_notifications_;
      }
      if (!open_) continue;
      line.text.push_back('\n');
      if (!WriteAll(line.text)) {
        spdlog::warn("stdout is closed; dropping further MCP messages");
        open_ = false;
      }
    }
  }

  bool WriteAll(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  struct Line {
    std::string text;
    bool reply = false;
  };

  const int fd_;
  const std::size_t max_queue_;
  std::atomic<bool> open_{true};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Line> queue_;
  std::size_t queued_notifications_ = 0;
  bool closing_ = false;
  std::thread thread_;
};

// Shared between the reader thread and the server: the reader posts only while `io` is set.
struct StdioServer::ReaderState {
  std::mutex mu;
  asio::io_context* io = nullptr;
  StdioServer* server = nullptr;

  template <class F>
  bool Post(F f) {
    std::lock_guard lock(mu);
    if (io == nullptr) return false;
    asio::post(*io, std::move(f));
    return true;
  }
  void Detach() {
    std::lock_guard lock(mu);
    io = nullptr;
    server = nullptr;
  }
};

namespace {

// Reads `fd` line by line and hands each line (without its newline and a trailing '\r') to
// `on_line`; lines longer than `max_line` are skipped and reported with `on_too_long`. Returns at
// end of file or on a read error.
template <class OnLine, class OnTooLong>
void ReadLines(int fd, std::size_t max_line, OnLine on_line, OnTooLong on_too_long) {
  std::string line;
  bool skipping = false;
  char buffer[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      char c = buffer[i];
      if (c == '\n') {
        if (skipping) {
          skipping = false;
        } else {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (!line.empty() && !on_line(std::move(line))) return;
        }
        line.clear();
        continue;
      }
      if (skipping) continue;
      line.push_back(c);
      if (line.size() > max_line) {
        line.clear();
        skipping = true;
        if (!on_too_long()) return;
      }
    }
  }
  if (!skipping && !line.empty()) on_line(std::move(line));  // last line without newline
}

}  // namespace

StdioServer::StdioServer(mcp::Dispatcher& dispatcher, std::shared_ptr<mcp::Session> session,
                         int in_fd, int out_fd, StdioOptions options)
    : dispatcher_(dispatcher),
      session_(std::move(session)),
      in_fd_(in_fd),
      options_(options),
      writer_(std::make_shared<StdoutWriter>(out_fd, options.max_outbound_queue)),
      reader_state_(std::make_shared<ReaderState>()) {}

StdioServer::~StdioServer() {
  reader_state_->Detach();
  if (reader_.joinable()) reader_.detach();  // blocked in read(); it touches only its state
  writer_->Close();
}

int StdioServer::Run(asio::io_context& io) {
  io_ = &io;
  idle_timer_.emplace(io);
  writer_->Start();
  session_->SetStandingOutbound(writer_);
  {
    std::lock_guard lock(reader_state_->mu);
    reader_state_->io = &io;
    reader_state_->server = this;
  }

  auto work = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
      io.get_executor());
  release_work_ = [work] { work->reset(); };

  if (options_.handle_signals) {
    signals_.emplace(io, SIGINT, SIGTERM);
    signals_->async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("stdio: signal {}; stopping", signal);
      asio::co_spawn(*io_, Shutdown(/*immediate=*/true), asio::detached);
    });
  }

  // Lines may be a little longer than the message limit (whitespace); the dispatcher enforces
  // the exact limit and answers it.
  std::size_t max_line = dispatcher_.options().max_message_bytes + 1024;
  reader_ = std::thread([state = reader_state_, fd = in_fd_, max_line] {
    ReadLines(
        fd, max_line,
        [&](std::string line) {
          return state->Post([state, line = std::move(line)]() mutable {
            if (state->server != nullptr) state->server->OnLine(std::move(line));
          });
        },
        [&] {
          return state->Post([state] {
            if (state->server != nullptr) state->server->OnTooLong();
          });
        });
    state->Post([state] {
      if (state->server != nullptr) state->server->OnEof();
    });
  });

  io.run();

  reader_state_->Detach();
  // After EOF the reader has returned; after a signal it may still block in read(), and then it
  // only touches its shared state, which no longer posts anywhere.
  if (reader_.joinable()) reader_.detach();
  session_->Close();
  writer_->Close();
  spdlog::debug("stdio: done");
  return 0;
}

void StdioServer::OnLine(std::string line) {
  if (stopping_) return;
  ++running_;
  asio::co_spawn(*io_, Serve(std::move(line)), asio::detached);
}

void StdioServer::OnTooLong() {
  writer_->SendReply(base::DumpJson(
      mcp::MakeError(nullptr, mcp::kInvalidRequest,
                     "Invalid Request: the message is larger than " +
                         std::to_string(dispatcher_.options().max_message_bytes) + " bytes")));
}

base::Task<void> StdioServer::Serve(std::string line) {
  auto reply = co_await dispatcher_.HandleText(session_, std::move(line), writer_);
  if (reply.has_value()) writer_->SendReply(std::move(*reply));
  Finished();
}

void StdioServer::Finished() {
  --running_;
  if (stopping_ && running_ == 0) idle_timer_->cancel();
}

void StdioServer::OnEof() {
  spdlog::debug("stdio: stdin closed; {} request(s) running", running_);
  asio::co_spawn(*io_, Shutdown(/*immediate=*/false), asio::detached);
}

base::Task<void> StdioServer::Shutdown(bool immediate) {
  if (stopping_) co_return;
  stopping_ = true;
  if (!immediate && running_ > 0) {
    idle_timer_->expires_after(options_.drain_grace);
    co_await idle_timer_->async_wait(base::kNoThrow);
  }
  if (running_ > 0) {
    spdlog::warn("stdio: cancelling {} running request(s)", running_);
  }
  session_->Close();  // cancels what still runs
  if (running_ > 0) {
    idle_timer_->expires_after(options_.cancel_grace);
    co_await idle_timer_->async_wait(base::kNoThrow);
  }
  if (signals_) signals_->cancel();
  if (release_work_) release_work_();
  if (running_ > 0) {
    spdlog::warn("stdio: {} request(s) did not stop; exiting anyway", running_);
    io_->stop();
  }
}

}  // namespace herald::transport
