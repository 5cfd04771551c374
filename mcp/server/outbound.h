// Outbound: a channel to one client for server-to-client messages (notifications and requests)
// that are not the direct reply to a client message: the SSE stream of a POST, a session's
// standing GET/SSE stream, or stdout.
//
// Implemented by the transports (mcp/stdio, mcp/http). The dispatcher only calls Send and open.
// Implementations are thread-safe; Send never blocks: it queues (bounded) and returns false when
// the channel is closed or its queue is full (the message is then dropped by the caller).
#ifndef HERALD_MCP_SERVER_OUTBOUND_H_
#define HERALD_MCP_SERVER_OUTBOUND_H_

#include "base/json.h"

namespace herald::mcp {

using base::Json;

class Outbound {
 public:
  virtual ~Outbound() = default;

  // Queues one JSON-RPC message (a notification or a request object) for the client. Returns
  // false, without blocking, when the channel is closed or full.
  virtual bool Send(const Json& message) = 0;

  // False once the channel can no longer deliver (stream ended, client gone).
  virtual bool open() const = 0;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_OUTBOUND_H_
