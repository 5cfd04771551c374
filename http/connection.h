// Private to herald_http: one accepted TCP connection, served by one coroutine on its own strand.
//
// The loop: parse the next request from what is buffered (Beast's parser, fed synchronously;
// the socket is read only when more bytes are needed), route, check the body size, run the
// handler, write the answer (formatted here, one write of header + body) or stream events, and
// repeat while keep-alive. Timeouts are deadlines the server's reaper checks (no timer per
// operation): the connection sets deadline() for the step it waits on, and the reaper closes
// connections whose deadline passed.
// Other threads reach a connection only through RequestClose(), which posts to its strand, and
// deadline(), an atomic.
#ifndef HERALD_HTTP_CONNECTION_H_
#define HERALD_HTTP_CONNECTION_H_

#include <atomic>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/async.h"
#include "http/router.h"
#include "http/server_core.h"
#include "http/sse_state.h"

namespace herald::http::internal {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Clock = std::chrono::steady_clock;

  Connection(HttpServer::Core& core, boost::asio::ip::tcp::socket socket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Serves the connection until it closes. Spawn on executor() with cancel_slot() bound.
  static base::Task<void> Run(std::shared_ptr<Connection> self);

  boost::asio::any_io_executor executor() { return socket_.get_executor(); }
  boost::asio::cancellation_slot cancel_slot() { return cancel_.slot(); }

  // From any thread. Graceful: an idle connection is closed, a stream is ended after what is
  // queued, a busy one finishes its current request and then closes. Forced: everything is
  // cancelled and the socket closed now.
  void RequestClose(bool force);

  // When the step the connection waits on times out (Clock ticks); kNoDeadline when none.
  int64_t deadline() const { return deadline_.load(std::memory_order_relaxed); }
  static constexpr int64_t kNoDeadline = INT64_MAX;

  // ---- the connection limits (read by the accept loop and the reaper, any thread) ----
  // Since when the connection waits for a request (its first byte, or the rest of its header:
  // no request in flight, so it may be evicted); kNoDeadline while a request is in flight.
  int64_t waiting_since() const { return waiting_since_.load(std::memory_order_relaxed); }
  // Set once a request on it was classified trusted (HttpServerOptions::trust).
  bool trusted() const { return trusted_.load(std::memory_order_relaxed); }
  // The peer's address (without the port); immutable.
  const boost::asio::ip::address& remote_ip() const { return remote_ip_; }
  // True when already chosen for eviction.
  bool evicting() const { return evicting_.load(std::memory_order_relaxed); }
  // Accepted beyond the soft limit: its first request must be trusted. Before Run().
  void MarkReserve() { reserve_ = true; }
  // Under core.mu, from the accept loop: chooses this connection for eviction (counted in
  // core.evicting) and closes it on its strand if it still waits for a request by then
  // (otherwise it is spared and uncounted).
  void Evict();
  // From any thread (the reaper): closes the connection if its deadline is <= `now`, or if it is
  // untrusted and has waited for a request since `waiting_cutoff` or earlier (under pressure;
  // INT64_MIN otherwise), once on its strand.
  void ExpireIfDue(int64_t now, int64_t waiting_cutoff);

 private:
  enum class Phase { kIdle, kReading, kHandling, kStreaming, kDone };

  // One request from its header to its answer (defined in connection.cpp).
  struct Exchange;
  // The outcome of asking HttpServerOptions::trust about a request under pressure.
  enum class Admission { kTrusted, kUntrustedUnderPressure, kRefused };

  // The request loop, one step per function below; returns when the connection should close.
  base::Task<void> Loop();
  // Waits for the first byte of a request (header timeout on a new connection, idle timeout on
  // a kept-alive one). False when the client left or the wait timed out.
  base::Task<bool> AwaitRequest(bool first);
  // Reads the header, finds the route, admits the client (under pressure) and reads the body.
  // Empty when the connection ends here (already answered: 400, 413, 431, 503; or gone).
  base::Task<std::optional<Exchange>> ReadRequest();
  // Asks HttpServerOptions::trust about `req`; refuses (503, close) on a reserve connection.
  base::Task<Admission> Admit(const Request& req, unsigned version);
  // Reads the body within the route's limit (413 beyond it, before reading when announced),
  // answering Expect: 100-continue. False when the connection ends here.
  template <class HeaderParser>
  base::Task<bool> ReadBody(HeaderParser& header_parser, Exchange& ex);
  // The handler for ex's route (moving the path parameters into ex.req), or null with `resp`
  // set to the server's own answer (404, 405 + Allow).
  const Handler* Resolve(Exchange& ex, Response& resp);
  // Runs the handler (a throwing handler answers 500 and closes).
  base::Task<Response> Handle(Exchange& ex);
  // Sends `resp` (written, streamed, or the stream the handler started early) and records it.
  // True when the connection may serve another request.
  base::Task<bool> Answer(Exchange& ex, Response resp);
  // The keep-alive decision: what the request and answer allow, unless the server is stopping.
  bool KeepAlive(bool allowed) const { return allowed && !core_.stopping.load(); }
  // Feeds `parser` from the buffer, reading more while it needs more, until its header (or,
  // when `whole`, the whole message) is parsed. Returns the parser's or the socket's error.
  template <class Parser>
  base::Task<boost::system::error_code> Parse(Parser& parser, bool whole);
  // Writes `resp` (formatted by FormatHead); false when the write failed.
  base::Task<bool> WriteResponse(Response& resp, unsigned version, bool keep_alive);
  // Streams resp.sse; returns true when the connection may serve another request.
  base::Task<bool> Stream(Response resp, bool keep_alive, unsigned version);
  // Writes `resp` with Connection: close, then closes without reading the rest of the request.
  base::Task<void> RejectAndClose(Response resp, unsigned version);
  void Record(std::string_view method, std::string_view route, std::string_view target,
              int status, Clock::time_point start, bool streamed);
  void CloseSocket();
  void SetDeadline(std::chrono::milliseconds from_now) {
    deadline_.store((Clock::now() + from_now).time_since_epoch().count(),
                    std::memory_order_relaxed);
  }
  void ClearDeadline() { deadline_.store(kNoDeadline, std::memory_order_relaxed); }
  void SetWaiting(bool waiting) {
    waiting_since_.store(waiting ? Clock::now().time_since_epoch().count() : kNoDeadline,
                         std::memory_order_relaxed);
  }
  // Clears the eviction mark (once) and its count in core_.evicting.
  void Unmark();
  // Closes now (on the strand): cancels what runs and closes the socket.
  void Kill(bool failure);

  class Starter;
  // The reader of a streamed request body (RouteOptions::stream_body).
  class StreamedBody;
  // Writes a Response::body_stream answer; true when the connection may be reused.
  base::Task<bool> WriteStreamed(Response& resp, unsigned version, bool keep_alive);
  // On the strand: starts streaming `resp` for request `seq` while its handler still runs.
  void StartEarly(uint64_t seq, Response resp);

  HttpServer::Core& core_;
  boost::asio::ip::tcp::socket socket_;
  std::shared_ptr<StreamStarter> starter_;  // handed to every Request (StartStream)
  // The request being handled, and a stream its handler started early (all strand-only).
  uint64_t request_seq_ = 0;
  bool cur_keep_alive_ = false;
  unsigned cur_version_ = 11;
  bool head_request_ = false;     // the request being answered is a HEAD (no content sent)
  bool handler_running_ = false;   // StartStream is honoured only while the handler runs
  bool early_started_ = false;
  bool early_finished_ = false;
  bool early_reusable_ = false;
  std::shared_ptr<SseWriter> early_writer_;
  boost::asio::steady_timer early_done_;
  boost::beast::flat_buffer buffer_;
  std::string head_;                        // reused for every response header
  boost::asio::cancellation_signal cancel_;
  std::string remote_;
  std::atomic<int64_t> deadline_{kNoDeadline};
  boost::asio::ip::address remote_ip_;
  std::atomic<int64_t> waiting_since_{kNoDeadline};
  std::atomic<bool> trusted_{false};
  std::atomic<bool> evicting_{false};
  bool reserve_ = false;
  Phase phase_ = Phase::kIdle;              // touched only on the strand
  std::shared_ptr<SseState> sse_;           // while streaming; touched only on the strand
};

}  // namespace herald::http::internal

#endif  // HERALD_HTTP_CONNECTION_H_
