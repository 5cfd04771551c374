// EventStream: one logical server-to-client SSE stream of an MCP Streamable HTTP session (the
// SSE answer to one POST, or the session's standing GET stream), independent of the HTTP
// connection currently carrying it, so a client can resume it.
//
// Each message gets the event id "<stream id>:<seq>" (seq from 1; unique per session because
// stream ids are) and is kept in a bounded replay buffer (oldest dropped first). Attach() hands
// the stream to a new connection's SseWriter: events after the client's Last-Event-ID are
// replayed, then new ones flow live; a previous writer is closed. Finish() ends the stream:
// the attached writer is closed after what is queued. Thread-safe.
#ifndef HERALD_TRANSPORT_MCP_HTTP_EVENT_STREAM_H_
#define HERALD_TRANSPORT_MCP_HTTP_EVENT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "http/sse_writer.h"
#include "mcp/server/outbound.h"

namespace herald::transport {

struct EventStreamLimits {
  size_t max_events = 256;          // replay buffer: most events kept
  size_t max_bytes = 1 << 20;       // replay buffer: most bytes kept
};

// A parsed Last-Event-ID ("p3:17" -> {"p3", 17}); nullopt when malformed.
struct EventId {
  std::string stream;
  uint64_t seq = 0;
};
std::optional<EventId> ParseEventId(std::string_view text);

class EventStream {
 public:
  EventStream(std::string id, EventStreamLimits limits);

  const std::string& id() const { return id_; }

  // Appends one JSON-RPC message (serialized) as "event: message". Delivered at once when a
  // writer is attached, and kept for replay. False once finished.
  bool Send(std::string json);

  // Gives the stream to `writer`: first, when `prime` is set, a priming event (empty data, the
  // id of the last event sent so far, "<stream>:0" on a new stream) so the client has an id to
  // resume from; then the buffered events with
  // seq > `after` (none when `after` is nullopt); then live events. Closes the previous writer.
  // If the stream is already finished, `writer` is closed after the replay.
  void Attach(std::shared_ptr<http::SseWriter> writer, std::optional<uint64_t> after,
              bool prime);

  // Ends the stream: no more events; the attached writer is closed after what is queued.
  void Finish();
  bool finished() const;
  // True once any writer was attached (the client opened this stream at least once).
  bool ever_attached() const;
  // True while an attached writer is open.
  bool live() const;

 private:
  struct Stored {
    uint64_t seq;
    std::string data;
  };
  bool WriteLocked(const Stored& event);

  const std::string id_;
  const EventStreamLimits limits_;
  mutable std::mutex mu_;
  std::deque<Stored> buffer_;
  size_t buffer_bytes_ = 0;
  uint64_t next_seq_ = 1;
  bool finished_ = false;
  bool ever_attached_ = false;
  std::shared_ptr<http::SseWriter> writer_;
};

// The Outbound of a standing stream (the GET stream): open once the client has opened it at
// least once (messages sent while it reconnects are buffered for replay) and until it finishes.
class EventStreamOutbound final : public mcp::Outbound {
 public:
  explicit EventStreamOutbound(std::shared_ptr<EventStream> stream) : stream_(std::move(stream)) {}
  bool Send(const base::Json& message) override;
  bool open() const override;

 private:
  std::shared_ptr<EventStream> stream_;
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_MCP_HTTP_EVENT_STREAM_H_
