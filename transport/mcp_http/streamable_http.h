// StreamableHttpTransport: MCP's Streamable HTTP transport (protocol revisions 2025-03-26 to
// 2025-11-25) at one endpoint, /mcp, over the dispatcher.
//
//  POST   one JSON-RPC message (or a 2025-03-26 batch). A request is answered with JSON when it
//         emits nothing before its result, else with an SSE stream (priming event with an id,
//         the emitted messages, the result last; see PostExchange). Notifications and responses
//         get 202. `initialize` creates a session and returns its Mcp-Session-Id.
//  GET    the session's standing SSE stream (server-initiated messages; keep-alive comments);
//         re-openable; Last-Event-ID "<stream>:<seq>" resumes that stream (the standing one or
//         a recent POST answer).
//  DELETE ends the session.
// Checks: Accept (406 only if it rules out both JSON and SSE), Content-Type (415),
// MCP-Protocol-Version (400 if unsupported; absent = 2025-03-26), Mcp-Session-Id (400 when
// missing, 404 when unknown, ended, or created with another API key).
// MCP 2026-07-28 beside them: a request whose params._meta names a protocol version (or
// server/discover) is served statelessly whatever the mode, with no session id: its
// MCP-Protocol-Version, Mcp-Method and Mcp-Name headers must match the body (400, -32020), and
// errors map to HTTP status (-32601: 404; invalid params, header mismatch, unsupported version,
// missing client capability: 400).
// Stateless mode (--stateless): no sessions; every POST is served on its own (initialize returns
// no session id), GET and DELETE answer 405. For deployments behind a load balancer.
//
// Host/Origin checks and authentication happen before (HttpGuard). Thread-safe; must outlive
// the HTTP server.
#ifndef HERALD_TRANSPORT_MCP_HTTP_STREAMABLE_HTTP_H_
#define HERALD_TRANSPORT_MCP_HTTP_STREAMABLE_HTTP_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "http/http_message.h"
#include "http/sse_writer.h"
#include "mcp/server/dispatcher.h"
#include "transport/mcp_http/event_stream.h"
#include "transport/mcp_http/http_session_table.h"

namespace herald::transport {

struct StreamableHttpOptions {
  bool stateless = false;
  HttpSessionLimits limits;  // sessions in all, per API key, per organization
  std::chrono::milliseconds session_idle_timeout{std::chrono::minutes(30)};
  EventStreamLimits stream_limits;
  http::SseWriter::Options sse;  // keep-alive interval, per-connection queue bound
};

class StreamableHttpTransport {
 public:
  // `executor`: the HTTP server's (kept for background work).
  StreamableHttpTransport(mcp::Dispatcher& dispatcher, StreamableHttpOptions options,
                          const base::Clock& clock, base::asio::any_io_executor executor);

  base::Task<http::Response> Post(http::Request req, base::Caller caller);
  base::Task<http::Response> Get(http::Request req, base::Caller caller);
  base::Task<http::Response> Delete(http::Request req, base::Caller caller);

  // Closes sessions idle past the timeout (call periodically); returns how many.
  size_t ExpireIdle() { return sessions_.ExpireIdle(); }
  // Ends every session (shutdown).
  void CloseAll() { sessions_.CloseAll(); }
  size_t session_count() const { return sessions_.size(); }
  const HttpSessionTable& sessions() const { return sessions_; }
  // tools/call requests being served now.
  size_t inflight_tool_calls() const { return inflight_tool_calls_.load(); }
  const StreamableHttpOptions& options() const { return options_; }

 private:
  // The session named by the request, or the error answer.
  struct Lookup {
    std::shared_ptr<HttpSession> session;
    std::optional<http::Response> error;
  };
  Lookup FindSession(const http::Request& req, const base::Caller& caller);
  base::Task<http::Response> Initialize(base::Json message, base::Caller caller);
  // A 2026-07-28 request (headers checked here, the rest by the dispatcher).
  base::Task<http::Response> ModernPost(http::Request req, base::Json message, base::Caller caller);
  base::Task<http::Response> Dispatch(std::shared_ptr<mcp::Session> session,
                                      std::shared_ptr<HttpSession> http_session, base::Json message,
                                      bool is_tool_call,
                                      std::shared_ptr<http::StreamStarter> streamer,
                                      uint64_t request_seq, bool modern = false);

  mcp::Dispatcher& dispatcher_;
  const StreamableHttpOptions options_;
  base::asio::any_io_executor executor_;
  HttpSessionTable sessions_;
  std::atomic<size_t> inflight_tool_calls_{0};
};

// Whether an Accept header value admits `type` ("application/json", "text/event-stream"),
// counting */* and type/* wildcards; an empty header admits everything.
bool AcceptAllows(std::string_view accept, std::string_view type);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_MCP_HTTP_STREAMABLE_HTTP_H_
