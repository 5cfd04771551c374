// Private to herald_http: one accepted TCP connection, served by one coroutine on its own strand.
//
// The loop: wait for a request's first byte (idle timeout), read the header (header timeout,
// size limit), route, check the body size, read the body (read timeout, size limit), run the
// handler, write the answer (write timeout) or stream events, and repeat while keep-alive.
// Other threads reach a connection only through RequestClose(), which posts to its strand.
#ifndef HERALD_MCP_HTTP_CONNECTION_H_
#define HERALD_MCP_HTTP_CONNECTION_H_

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "base/async.h"
#include "mcp/http/server_core.h"
#include "mcp/http/sse_state.h"

namespace herald::http::internal {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpServer::Core& core, boost::asio::ip::tcp::socket socket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Serves the connection until it closes. Spawn on executor() with cancel_slot() bound.
  static base::Task<void> Run(std::shared_ptr<Connection> self);

  boost::asio::any_io_executor executor() { return stream_.get_executor(); }
  boost::asio::cancellation_slot cancel_slot() { return cancel_.slot(); }

  // From any thread. Graceful: an idle connection is closed, a stream is ended after what is
  // queued, a busy one finishes its current request and then closes. Forced: everything is
  // cancelled and the socket closed now.
  void RequestClose(bool force);

 private:
  enum class Phase { kIdle, kReading, kHandling, kStreaming, kDone };

  base::Task<void> Loop();
  // Streams resp.sse; returns true when the connection may serve another request.
  base::Task<bool> Stream(Response resp, bool keep_alive, unsigned version);
  // Writes `resp` with Connection: close, then closes without reading the rest of the request.
  base::Task<void> RejectAndClose(Response resp, unsigned version);
  void Record(std::string_view method, std::string_view route, std::string_view target,
              int status, std::chrono::steady_clock::time_point start, bool streamed);
  void CloseSocket();

  HttpServer::Core& core_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::asio::cancellation_signal cancel_;
  std::string remote_;
  Phase phase_ = Phase::kIdle;             // touched only on the strand
  std::shared_ptr<SseState> sse_;          // while streaming; touched only on the strand
};

}  // namespace herald::http::internal

#endif  // HERALD_MCP_HTTP_CONNECTION_H_
