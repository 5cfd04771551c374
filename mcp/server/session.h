// Session: the state of one MCP client connection in the legacy (initialize-based) era: one
// stdio process, one Streamable HTTP session (Mcp-Session-Id), one legacy SSE connection, or a
// throwaway session for one stateless HTTP request.
//
// Holds the caller (organization + role, fixed at creation), the negotiated protocol version and
// the client's capabilities and info, the logging level, resource subscriptions, the requests
// now running (so notifications/cancelled can reach them), the server-to-client requests waiting
// for an answer, and an optional standing Outbound (the GET/SSE stream, or stdout).
//
// Created by Dispatcher::NewSession / NewStatelessSession and shared (shared_ptr) between the
// transport and the requests running in it. Thread-safe: every member is guarded by a mutex or
// atomic; the io_context may run on several threads.
#ifndef HERALD_MCP_SERVER_SESSION_H_
#define HERALD_MCP_SERVER_SESSION_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/caller.h"
#include "base/json.h"
#include "base/result.h"
#include "mcp/protocol/log_level.h"
#include "mcp/server/outbound.h"

namespace herald::mcp {

using base::Json;

class Dispatcher;
class CallContext;
struct PendingClientRequest;  // defined in session.cpp

class Session {
 public:
  // Use Dispatcher::NewSession. `transport` is a label for logs ("stdio", "http", "sse", ...).
  Session(std::string id, base::Caller caller, std::string transport);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // A random, unguessable id of visible ASCII (usable as Mcp-Session-Id).
  const std::string& id() const { return id_; }
  // The first 8 characters of the id: enough to follow a session in logs without handing out
  // the whole id.
  std::string log_id() const { return id_.substr(0, 8); }
  const base::Caller& caller() const { return caller_; }
  const std::string& transport() const { return transport_; }

  // True once `initialize` was answered (or for a stateless session from the start).
  bool initialized() const;
  // True once the client sent notifications/initialized.
  bool client_ready() const;
  // The negotiated protocol version; "" before initialize.
  std::string protocol_version() const;
  // The capabilities and clientInfo the client sent in initialize ({} before).
  Json client_capabilities() const;
  Json client_info() const;
  // True for a session made by NewStatelessSession (one request, no lifecycle).
  bool stateless() const { return stateless_; }

  // The minimum level of notifications/message sent to this client (logging/setLevel);
  // kDebug (everything) until the client sets one.
  LogLevel log_level() const;
  // True when no notifications/message may be sent at all (a 2026-07-28 request without
  // _meta["io.modelcontextprotocol/logLevel"]).
  bool logging_muted() const;

  // The channel for messages not tied to a running request (and for those whose request's own
  // channel has closed): the Streamable HTTP GET stream, the legacy SSE stream, or stdout.
  // Replaces any previous one; pass nullptr to clear.
  void SetStandingOutbound(std::shared_ptr<Outbound> outbound);
  // The standing outbound if set and open, else nullptr.
  std::shared_ptr<Outbound> standing_outbound() const;

  // True if the client subscribed to `uri` (resources/subscribe) and did not unsubscribe.
  bool IsSubscribed(std::string_view uri) const;

  // Ends the session: running requests see ToolContext::cancelled() == true, waiting
  // server-to-client requests fail with kCancelled, the standing outbound is dropped, and later
  // messages get an error. Idempotent.
  void Close();
  bool closed() const;

  // How many client requests are running now.
  std::size_t running_requests() const;

 private:
  friend class Dispatcher;
  friend class CallContext;

  // One running client request.
  struct Running {
    std::atomic<bool> cancelled{false};
    std::mutex mu;
    std::set<std::string> pending_keys;  // server-to-client requests it is waiting on
  };

  // ---- lifecycle (Dispatcher) ----
  void MarkInitialized(std::string version, Json capabilities, Json info);
  void MarkStateless(std::string version);
  // A throwaway session for one 2026-07-28 request: the version, capabilities and client info
  // come from the request's _meta; `level` nullopt mutes logging.
  void MarkModern(std::string version, Json capabilities, Json info, std::optional<LogLevel> level);
  void MarkClientReady();
  void SetLogLevel(LogLevel level);
  void Subscribe(std::string uri);
  void Unsubscribe(std::string_view uri);

  // ---- running requests, keyed by the id's JSON text ----
  // Registers a request; nullptr if one with the same id is already running (or closed).
  std::shared_ptr<Running> BeginRequest(const std::string& key);
  void EndRequest(const std::string& key);
  // Marks the request cancelled and fails what it waits on. False if no such request.
  bool CancelRequest(const std::string& key);

  // ---- server-to-client requests ----
  Json NextOutgoingId();
  // False if the session is closed (the request must not be sent).
  bool AddPending(const std::string& key, std::shared_ptr<PendingClientRequest> pending);
  void RemovePending(const std::string& key);
  // Delivers a client response to the waiting request. False if nobody waits for `key`.
  bool ResolvePending(const std::string& key, base::Result<Json> outcome);

  const std::string id_;
  const base::Caller caller_;
  const std::string transport_;
  bool stateless_ = false;

  mutable std::mutex mu_;
  bool initialized_ = false;
  bool client_ready_ = false;
  bool closed_ = false;
  std::string protocol_version_;
  Json client_capabilities_ = Json::object();
  Json client_info_ = Json::object();
  LogLevel log_level_ = LogLevel::kDebug;
  bool logging_muted_ = false;
  std::shared_ptr<Outbound> standing_;
  std::set<std::string, std::less<>> subscriptions_;
  std::map<std::string, std::shared_ptr<Running>> running_;
  std::map<std::string, std::shared_ptr<PendingClientRequest>> pending_;
  std::int64_t next_outgoing_id_ = 1;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_SESSION_H_
