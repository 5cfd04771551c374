// Private to herald_http: the state an SseWriter shares with the connection streaming it.
//
// The producer (SseWriter, any thread) appends encoded bytes under `mu` and pokes `signal`, a
// one-slot concurrent channel the connection coroutine waits on. The connection takes
// everything pending at once and writes it as one chunk.
#ifndef HERALD_HTTP_SSE_STATE_H_
#define HERALD_HTTP_SSE_STATE_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "http/sse_writer.h"

namespace herald::http::internal {

using SseSignal =
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;

enum class SsePhase {
  kOpen,     // accepting events
  kClosing,  // Close(): send what is queued, then end the stream
  kAborted,  // Abort(), cut off, client gone: end now, close the connection
};

struct SseState {
  explicit SseState(SseWriter::Options o) : options(o) {}

  // Appends encoded bytes; enforces the bound. Returns false when not accepted.
  bool Append(std::string_view encoded);
  // Moves to `phase` (never back to kOpen) and wakes the connection.
  void End(SsePhase phase, bool failure);

  const SseWriter::Options options;
  mutable std::mutex mu;
  std::string pending;
  SsePhase phase = SsePhase::kOpen;
  bool failed = false;
  bool finished = false;
  std::function<void()> on_finished;
  std::shared_ptr<SseSignal> signal;  // set once a connection attached

 private:
  void NotifyLocked();
};

// What the connection may do with a writer.
struct SseAccess {
  // Binds `writer` to a connection running on `executor`; returns the shared state.
  static std::shared_ptr<SseState> Attach(SseWriter& writer,
                                          const boost::asio::any_io_executor& executor);
  // Moves the pending bytes into `out` (cleared first) and returns the phase.
  static SsePhase Take(SseState& state, std::string& out);
  // The connection is done with the stream: marks it finished (and failed when `failure`),
  // runs the on_finished callback.
  static void Finish(SseState& state, bool failure);
};

}  // namespace herald::http::internal

#endif  // HERALD_HTTP_SSE_STATE_H_
