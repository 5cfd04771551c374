// SseWriter: the producer side of a text/event-stream response.
//
// A handler creates a writer, returns Response::Stream(writer), and keeps the shared_ptr to
// write events later, from any thread: the server's connection sends them as they arrive.
// Writing never blocks and never waits for the client. Queued bytes are bounded: a client that
// stops reading (so the queue grows past Options::max_queued_bytes, or one write takes longer
// than the server's write timeout) is cut off: its connection is closed and the writer reports
// closed(); other clients are unaffected. When idle, the connection sends a comment line
// (": keep-alive") every Options::keepalive so proxies and clients keep the stream open.
//
// Events may be queued before the writer is returned (e.g. a priming event); they are sent
// right after the response header. Close() ends the stream after everything queued is sent
// (the connection may then serve the next request); Abort() drops queued events and closes the
// connection. All methods are thread-safe.
#ifndef HERALD_HTTP_SSE_WRITER_H_
#define HERALD_HTTP_SSE_WRITER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace herald::http {

namespace internal {
struct SseState;
struct SseAccess;
}  // namespace internal

class SseWriter {
 public:
  struct Options {
    // A stream whose unsent bytes would exceed this is cut off (the client stopped reading).
    size_t max_queued_bytes = 1 << 20;
    // Comment keep-alive interval while no event is sent; zero disables it.
    std::chrono::milliseconds keepalive{15'000};
  };

  static std::shared_ptr<SseWriter> Create(Options options);
  static std::shared_ptr<SseWriter> Create() { return Create(Options{}); }
  ~SseWriter();
  SseWriter(const SseWriter&) = delete;
  SseWriter& operator=(const SseWriter&) = delete;

  // Queues one event: "id: <id>\nevent: <event>\ndata: <line>\n...\n\n". Empty `id` and `event`
  // are omitted; `data` is split on line breaks into several data lines (an empty `data` gives
  // one empty data line, as in a priming event). CR and LF are removed from `id` and `event`.
  // Returns false when the stream is closed, or when queuing would exceed max_queued_bytes, in
  // which case the stream is cut off.
  bool Event(std::string_view data, std::string_view event = {}, std::string_view id = {});
  // Queues a comment line (": <text>\n\n"), e.g. a keep-alive. Same return as Event.
  bool Comment(std::string_view text = {});
  // Queues "retry: <ms>\n\n", the client's reconnection delay. Same return as Event.
  bool Retry(std::chrono::milliseconds delay);

  // Ends the stream once everything queued has been sent. Idempotent.
  void Close();
  // Ends the stream now: queued events are dropped and the connection is closed. Idempotent.
  void Abort();

  // True once no more events are accepted (Close, Abort, cut off, client gone, shutdown).
  bool closed() const;
  // True when the stream ended because it was cut off (slow client, write timeout) or the
  // client disconnected, rather than by Close().
  bool failed() const;
  // Unsent bytes right now.
  size_t queued_bytes() const;

  // Registers `fn`, run once on a server I/O thread after a connection that streamed this writer
  // is done with it (everything sent, client gone, cut off or server shut down); run at once if
  // that has already happened. Never runs for a writer that was never returned in a Response.
  // Replaces any earlier callback.
  void OnFinished(std::function<void()> fn);

 private:
  friend struct internal::SseAccess;
  explicit SseWriter(Options options);

  std::shared_ptr<internal::SseState> state_;
};

}  // namespace herald::http

#endif  // HERALD_HTTP_SSE_WRITER_H_
