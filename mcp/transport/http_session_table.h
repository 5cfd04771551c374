// HttpSessionTable: the live MCP sessions of the HTTP transports, by session id (the
// Mcp-Session-Id of Streamable HTTP, the sessionId of legacy SSE).
//
// Each HttpSession pairs a dispatcher Session with the caller that created it (a session is
// bound to its API key: another key gets "not found") and, for Streamable HTTP, its resumable
// event streams: the standing GET stream "g" and the SSE answers to POSTs "p1", "p2", ... (the
// most recent kKeptPostStreams are kept for Last-Event-ID resumes).
// The table is bounded (Add fails when full) and sessions idle longer than the idle timeout
// (no request, no open stream, nothing running) are closed by ExpireIdle(), which the transport
// calls periodically and before refusing a new session. Thread-safe.
#ifndef HERALD_MCP_TRANSPORT_HTTP_SESSION_TABLE_H_
#define HERALD_MCP_TRANSPORT_HTTP_SESSION_TABLE_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "core/caller.h"
#include "mcp/server/session.h"
#include "mcp/transport/event_stream.h"

namespace herald::mcp {

inline constexpr size_t kKeptPostStreams = 16;

class HttpSession {
 public:
  HttpSession(std::shared_ptr<Session> session, core::Caller caller, EventStreamLimits limits,
              base::Time now);

  const std::string& id() const { return session_->id(); }
  const std::shared_ptr<Session>& session() const { return session_; }
  const core::Caller& caller() const { return caller_; }
  // True when `caller` may use this session: same organization and same API key.
  bool BelongsTo(const core::Caller& caller) const;

  // The standing (GET) stream, id "g".
  const std::shared_ptr<EventStream>& standing() const { return standing_; }
  // A new POST answer stream "p<n>", kept for resumes among the last kKeptPostStreams.
  std::shared_ptr<EventStream> NewPostStream();
  // The stream with `id` ("g" or a kept "p<n>"), or nullptr.
  std::shared_ptr<EventStream> FindStream(std::string_view id) const;

  void Touch(base::Time now);
  base::Time last_seen() const;
  // Ends the session: closes the dispatcher session and finishes its streams.
  void Close();

 private:
  const std::shared_ptr<Session> session_;
  const core::Caller caller_;
  const EventStreamLimits limits_;
  const std::shared_ptr<EventStream> standing_;
  mutable std::mutex mu_;
  uint64_t next_post_stream_ = 1;
  std::deque<std::shared_ptr<EventStream>> post_streams_;
  base::Time last_seen_;
};

class HttpSessionTable {
 public:
  HttpSessionTable(size_t max_sessions, std::chrono::milliseconds idle_timeout,
                   const base::Clock& clock);

  // Adds `session`. Errors: kResourceExhausted when the table is full even after expiring idle
  // sessions.
  base::Result<void> Add(std::shared_ptr<HttpSession> session);
  // The session `id` (touched), or nullptr.
  std::shared_ptr<HttpSession> Find(std::string_view id);
  // Removes and returns `id` (nullptr if absent); does not close it.
  std::shared_ptr<HttpSession> Remove(std::string_view id);
  // Closes and removes sessions idle longer than the idle timeout; returns how many.
  size_t ExpireIdle();
  // Closes and removes every session (shutdown).
  void CloseAll();
  size_t size() const;
  const base::Clock& clock() const { return clock_; }

 private:
  const size_t max_sessions_;
  const std::chrono::milliseconds idle_timeout_;
  const base::Clock& clock_;
  mutable std::mutex mu_;
  // Transparent hashing: lookups by string_view allocate nothing.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::shared_ptr<HttpSession>, Hash, std::equal_to<>> sessions_;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_TRANSPORT_HTTP_SESSION_TABLE_H_
