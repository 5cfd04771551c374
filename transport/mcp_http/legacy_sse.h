// LegacySseTransport: MCP's deprecated HTTP+SSE transport (protocol 2024-11-05), still used by
// some clients (Cursor "url" servers, OpenAI Agents MCPServerSse, langchain transport "sse").
//
//  GET  /sse                         opens a session and its event stream; the first event is
//                                    "event: endpoint" with "data: <prefix>/messages?sessionId=<id>"
//  POST /messages?sessionId=<id>     one JSON-RPC message; answered 202 at once, the reply (and
//                                    anything the request emits) travels on the stream as
//                                    "event: message"
// The session ends when its stream ends. A session belongs to the API key that opened it.
// Thread-safe; must outlive the HTTP server.
#ifndef HERALD_TRANSPORT_MCP_HTTP_LEGACY_SSE_H_
#define HERALD_TRANSPORT_MCP_HTTP_LEGACY_SSE_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "http/http_message.h"
#include "http/sse_writer.h"
#include "mcp/server/dispatcher.h"
#include "transport/mcp_http/http_session_table.h"

namespace herald::transport {

struct LegacySseOptions {
  HttpSessionLimits limits;  // streams in all, per API key, per organization
  // Path prefix of the public URL (e.g. "/herald" behind a proxy), put before /messages.
  std::string path_prefix;
  http::SseWriter::Options sse;
};

class LegacySseTransport {
 public:
  LegacySseTransport(mcp::Dispatcher& dispatcher, LegacySseOptions options,
                     const base::Clock& clock, base::asio::any_io_executor executor);

  base::Task<http::Response> Get(http::Request req, base::Caller caller);
  base::Task<http::Response> Post(http::Request req, base::Caller caller);

  void CloseAll() { sessions_->CloseAll(); }
  size_t session_count() const { return sessions_->size(); }
  const HttpSessionTable& sessions() const { return *sessions_; }
  // tools/call requests being served now.
  size_t inflight_tool_calls() const { return inflight_tool_calls_->load(); }

 private:
  mcp::Dispatcher& dispatcher_;
  const LegacySseOptions options_;
  base::asio::any_io_executor executor_;
  // Shared with the streams' end callbacks, which may run during server shutdown.
  std::shared_ptr<HttpSessionTable> sessions_;
  std::shared_ptr<std::atomic<size_t>> inflight_tool_calls_ = std::make_shared<std::atomic<size_t>>(0);
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_MCP_HTTP_LEGACY_SSE_H_
