// HttpSessionTable: the live MCP sessions of the HTTP transports, by session id (the
// Mcp-Session-Id of Streamable HTTP, the sessionId of legacy SSE).
//
// Each HttpSession pairs a dispatcher Session with the caller that created it (a session is
// bound to its API key: another key gets "not found") and, for Streamable HTTP, its resumable
// event streams: the standing GET stream "g" and the SSE answers to POSTs "p1", "p2", ... (the
// most recent kKeptPostStreams are kept for Last-Event-ID resumes).
// The table is bounded per API key, per organization and in all (HttpSessionLimits), so that
// one key cannot take every session: a key at its cap makes room by evicting its own least
// recently used idle session (idle: no request running, no open GET stream); an organization at
// its cap loses the least recently used idle session of its busiest key; the global cap, the
// last resort, first expires sessions past the idle timeout, then takes the least recently used
// idle session of the busiest organization. Add fails only when the cap it hits has nothing idle
// to evict. Sessions idle longer than the idle timeout are also closed by ExpireIdle(), which
// the transport calls periodically. Thread-safe.
#ifndef HERALD_TRANSPORT_MCP_HTTP_HTTP_SESSION_TABLE_H_
#define HERALD_TRANSPORT_MCP_HTTP_HTTP_SESSION_TABLE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/caller.h"
#include "base/clock.h"
#include "base/result.h"
#include "mcp/server/session.h"
#include "transport/mcp_http/event_stream.h"

namespace herald::transport {

inline constexpr size_t kKeptPostStreams = 16;

// Caps on open sessions (see above). Each must be at least 1.
struct HttpSessionLimits {
  size_t max_sessions = 1000;  // in all (HERALD_MCP_MAX_SESSIONS)
  size_t max_per_key = 100;    // of one API key (HERALD_MCP_MAX_SESSIONS_PER_KEY)
  size_t max_per_org = 300;    // of one organization, all keys (HERALD_MCP_MAX_SESSIONS_PER_ORG)
};

class HttpSession {
 public:
  HttpSession(std::shared_ptr<mcp::Session> session, base::Caller caller, EventStreamLimits limits,
              base::Time now);

  const std::string& id() const { return session_->id(); }
  const std::shared_ptr<mcp::Session>& session() const { return session_; }
  const base::Caller& caller() const { return caller_; }
  // True when `caller` may use this session: same organization and same API key.
  bool BelongsTo(const base::Caller& caller) const;

  // The standing (GET) stream, id "g".
  const std::shared_ptr<EventStream>& standing() const { return standing_; }
  // A new POST answer stream "p<n>", kept for resumes among the last kKeptPostStreams.
  std::shared_ptr<EventStream> NewPostStream();
  // The stream with `id` ("g" or a kept "p<n>"), or nullptr.
  std::shared_ptr<EventStream> FindStream(std::string_view id) const;

  void Touch(base::Time now);
  base::Time last_seen() const;
  // The order of last use in its table (Add, Find): eviction takes the least recently used.
  uint64_t last_use() const { return last_use_.load(std::memory_order_relaxed); }
  void MarkUsed(uint64_t seq) { last_use_.store(seq, std::memory_order_relaxed); }
  // Idle: no request running and no open standing (GET) stream; only idle sessions are evicted.
  bool Idle() const;
  // Called once by Close() (e.g. the legacy transport ends the session's SSE stream).
  void SetOnClose(std::function<void()> on_close);
  // Ends the session: closes the dispatcher session and finishes its streams.
  void Close();

 private:
  const std::shared_ptr<mcp::Session> session_;
  const base::Caller caller_;
  const EventStreamLimits limits_;
  const std::shared_ptr<EventStream> standing_;
  mutable std::mutex mu_;
  uint64_t next_post_stream_ = 1;
  std::deque<std::shared_ptr<EventStream>> post_streams_;
  base::Time last_seen_;
  std::function<void()> on_close_;
  std::atomic<uint64_t> last_use_{0};
};

class HttpSessionTable {
 public:
  HttpSessionTable(HttpSessionLimits limits, std::chrono::milliseconds idle_timeout,
                   const base::Clock& clock);

  // Adds `session`, evicting (closing) idle sessions as described above. Errors:
  // kResourceExhausted when its key or organization is at its cap with no idle session to evict
  // (HTTP 429), kUnavailable when the whole table is (503).
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
  // Open sessions of one key (org_id, key_id) / of one organization.
  size_t CountForKey(const base::Caller& caller) const;
  size_t CountForOrg(std::string_view org_id) const;
  // Sessions closed to make room since construction.
  uint64_t evicted() const;
  const base::Clock& clock() const { return clock_; }
  const HttpSessionLimits& limits() const { return limits_; }

 private:
  // Transparent hashing: lookups by string_view allocate nothing.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, std::shared_ptr<HttpSession>, Hash, std::equal_to<>>;
  using Counts = std::unordered_map<std::string, size_t, Hash, std::equal_to<>>;

  // Removes `it` (keeping the counts) and returns its session. Under mu_.
  std::shared_ptr<HttpSession> EraseLocked(Map::iterator it);
  // Moves the sessions idle past the timeout into `out`. Under mu_.
  void ExpireLocked(base::Time now, std::vector<std::shared_ptr<HttpSession>>& out);
  // The idle session `pick` accepts whose group (by `group`'s count) is largest, least recently
  // used among equals; end() when none. Under mu_.
  template <class Pick, class Group>
  Map::iterator VictimLocked(Pick pick, Group group);
  base::Result<void> AddLocked(std::shared_ptr<HttpSession> session,
                               std::vector<std::shared_ptr<HttpSession>>& evicted);

  const HttpSessionLimits limits_;
  const std::chrono::milliseconds idle_timeout_;
  const base::Clock& clock_;
  mutable std::mutex mu_;
  Map sessions_;
  Counts per_key_;  // "<org_id>\n<key_id>" -> open sessions
  Counts per_org_;  // org_id -> open sessions
  uint64_t evicted_ = 0;
  std::atomic<uint64_t> uses_{0};
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_MCP_HTTP_HTTP_SESSION_TABLE_H_
