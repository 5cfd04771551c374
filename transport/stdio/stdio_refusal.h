// RefuseStdio: what `herald stdio` runs instead of the MCP server when it cannot serve (e.g. an
// invalid HERALD_API_KEY), so the client shows the reason instead of "connection closed": every
// request read from `in_fd` (one JSON-RPC message per line) is answered on `out_fd` with a
// JSON-RPC error carrying `reason` (code kStdioRefused); notifications and unparseable lines
// are skipped. Returns when stdin ends. Blocking; for the calling thread only.
#ifndef HERALD_TRANSPORT_STDIO_STDIO_REFUSAL_H_
#define HERALD_TRANSPORT_STDIO_STDIO_REFUSAL_H_

#include <string>

namespace herald::transport {

// Outside JSON-RPC's reserved range (-32768..-32000): herald's own "cannot serve" code.
inline constexpr int kStdioRefused = -31001;

void RefuseStdio(int in_fd, int out_fd, const std::string& reason);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_STDIO_STDIO_REFUSAL_H_
