// PostExchange: the answer to one JSON-RPC request POSTed to /mcp, and the Outbound the
// dispatcher uses for the messages that request emits while it runs.
//
// The answer starts undecided. If the dispatcher's reply comes first, it is a plain JSON
// response. If the request emits a message first (progress, a log line, an elicitation or
// sampling request), the answer switches to an SSE stream: an EventStream is made (so the client
// can resume it with GET + Last-Event-ID), primed with an event id, the message is sent on it,
// and the reply, when it comes, is its last event. A client that disconnects does not cancel the
// request (per spec); messages keep being buffered for a resume until the reply is sent.
// Thread-safe.
#ifndef HERALD_MCP_TRANSPORT_POST_EXCHANGE_H_
#define HERALD_MCP_TRANSPORT_POST_EXCHANGE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "base/async.h"
#include "base/json.h"
#include "mcp/http/sse_writer.h"
#include "mcp/server/outbound.h"
#include "mcp/transport/event_stream.h"

namespace herald::mcp {

class PostExchange final : public Outbound {
 public:
  // `executor`: where Decide() runs (the HTTP handler's). `make_stream`: called at most once,
  // on the switch to SSE, to create (and register) the stream. `prime`: send a priming event.
  PostExchange(base::asio::any_io_executor executor,
               std::function<std::shared_ptr<EventStream>()> make_stream,
               http::SseWriter::Options writer_options, bool prime);
  ~PostExchange() override;

  bool Send(const Json& message) override;
  bool open() const override;

  // The dispatcher's reply (nullopt: nothing to send). Call exactly once.
  void Complete(std::optional<Json> reply);

  struct Decision {
    bool sse = false;
    std::optional<Json> reply;                   // when !sse
    std::shared_ptr<http::SseWriter> writer;     // when sse
  };
  // Waits until the form of the answer is known.
  base::Task<Decision> Decide();

 private:
  enum class Mode { kUndecided, kJson, kSse };
  void Wake();

  struct Signal;
  std::unique_ptr<Signal> signal_;
  std::function<std::shared_ptr<EventStream>()> make_stream_;
  const http::SseWriter::Options writer_options_;
  const bool prime_;

  mutable std::mutex mu_;
  Mode mode_ = Mode::kUndecided;
  bool completed_ = false;
  std::optional<Json> reply_;
  std::shared_ptr<EventStream> stream_;
  std::shared_ptr<http::SseWriter> writer_;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_TRANSPORT_POST_EXCHANGE_H_
