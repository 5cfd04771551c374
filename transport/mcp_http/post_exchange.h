// PostExchange: the answer to one JSON-RPC request POSTed to /mcp, and the Outbound the
// dispatcher uses for the messages that request emits while it runs.
//
// The HTTP handler runs the request inline (dispatcher Handle) with this object as its outbound.
// If the request emits nothing before its reply, the answer is plain JSON (Finish). If it emits
// a message first (progress, a log line, an elicitation or sampling request), the answer
// switches to an SSE stream at once: an EventStream is made (registered with the session, so
// the client can resume it with GET + Last-Event-ID), primed with an event id, the message is
// queued on it, and the HTTP answer starts streaming while the request keeps running
// (Request::StartStream); the reply is the stream's last event. A client that disconnects does
// not cancel the request (per spec); messages keep being buffered for a resume until the reply.
// Thread-safe (tools may emit from any thread).
#ifndef HERALD_TRANSPORT_MCP_HTTP_POST_EXCHANGE_H_
#define HERALD_TRANSPORT_MCP_HTTP_POST_EXCHANGE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "base/json.h"
#include "http/http_message.h"
#include "http/sse_writer.h"
#include "mcp/server/outbound.h"
#include "transport/mcp_http/event_stream.h"
#include "transport/mcp_http/http_session_table.h"

namespace herald::transport {

class PostExchange final : public mcp::Outbound {
 public:
  // `session`: where a switched answer registers its stream (null when stateless: the stream
  // is not resumable). `streamer`/`request_seq`: from the HTTP request (Request::StartStream).
  PostExchange(std::shared_ptr<HttpSession> session, EventStreamLimits limits,
               http::SseWriter::Options writer_options, bool prime,
               std::shared_ptr<http::StreamStarter> streamer, uint64_t request_seq);

  bool Send(const base::Json& message) override;
  bool open() const override;

  // What to answer once the dispatcher's reply (nullopt: nothing to send) is known.
  struct Answer {
    bool sse = false;
    std::optional<base::Json> reply;          // when !sse: the JSON body (202 when nullopt)
    std::shared_ptr<http::SseWriter> writer;  // when sse: the stream, which ends with the reply
  };
  Answer Finish(std::optional<base::Json> reply);

 private:
  enum class Mode { kUndecided, kJson, kSse };

  const std::shared_ptr<HttpSession> session_;
  const EventStreamLimits limits_;
  const http::SseWriter::Options writer_options_;
  const bool prime_;
  const std::shared_ptr<http::StreamStarter> streamer_;
  const uint64_t request_seq_;

  mutable std::mutex mu_;
  Mode mode_ = Mode::kUndecided;
  bool completed_ = false;
  std::shared_ptr<EventStream> stream_;
  std::shared_ptr<http::SseWriter> writer_;
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_MCP_HTTP_POST_EXCHANGE_H_
