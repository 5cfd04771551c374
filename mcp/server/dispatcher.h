// Dispatcher: the transport-agnostic MCP server. Transports (stdio, Streamable HTTP, legacy
// HTTP+SSE) parse nothing themselves: they create a Session per client and hand every message
// (text or parsed JSON) to Handle, write back what it returns, and give it an Outbound for the
// messages a request emits while it runs (progress, logs, sampling/elicitation requests).
//
// Serves MCP 2026-07-28 beside them, per request (modern_era.cpp): a request whose
// params._meta names a protocol version is handled statelessly (server/discover, per-request
// client capabilities and log level, resultType, cache hints, multi-round-trip input instead of
// server-to-client requests), whatever the session it arrives on.
//
// Implements JSON-RPC 2.0 (errors -32700/-32600/-32601/-32602/-32603, batches only for sessions
// that negotiated 2025-03-26, a message size limit), the MCP lifecycle (initialize with version
// negotiation, notifications/initialized, ping, logging/setLevel, notifications/cancelled,
// progress), tools (list with cursor pagination, call with role checks and schema validation),
// resources (list, read, templates, subscribe), prompts (list, get) and completion/complete.
//
// Registries are filled before serving (tools(), resources(), prompts()); after that a
// Dispatcher is thread-safe: Handle may run concurrently for one or many sessions on an
// io_context with several threads. Handle never throws.
#ifndef HERALD_MCP_SERVER_DISPATCHER_H_
#define HERALD_MCP_SERVER_DISPATCHER_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/json.h"
#include "mcp/protocol/jsonrpc.h"
#include "mcp/protocol/protocol_version.h"
#include "mcp/server/input_round.h"
#include "mcp/server/outbound.h"
#include "mcp/server/prompt_registry.h"
#include "mcp/server/resource_registry.h"
#include "mcp/server/session.h"
#include "mcp/server/tool_registry.h"

namespace herald::mcp {

using base::Json;
using base::Task;

struct DispatcherOptions {
  // Largest message HandleText accepts (bytes); larger ones get -32600 without being parsed.
  std::size_t max_message_bytes = 4 * 1024 * 1024;
  // Most messages in one batch (2025-03-26 sessions only).
  std::size_t max_batch_size = 100;
  // Entries per page of tools/list, resources/list, resources/templates/list, prompts/list:
  // every tool herald has on one page (some clients never ask for the next).
  std::size_t page_size = 100;
  // serverInfo.version.
  std::string server_version = HERALD_VERSION;
  // The `instructions` of the initialize result; empty = DefaultInstructions().
  std::string instructions;
  // Upper bound on any server-to-client request's timeout (ToolContext::Request).
  std::chrono::milliseconds max_client_request_timeout{std::chrono::minutes(10)};
  // The key that seals 2026-07-28 requestState (multi-round-trip answers); empty = a random key
  // per process (then a retry must reach the same process; set it when several herald
  // processes share one endpoint).
  std::string request_state_secret;
};

// herald's guide for models, sent as `instructions` in the initialize result.
const std::string& DefaultInstructions();

class Dispatcher {
 public:
  explicit Dispatcher(DispatcherOptions options = {});
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Registries: fill before serving.
  ToolRegistry& tools() { return tools_; }
  ResourceRegistry& resources() { return resources_; }
  PromptRegistry& prompts() { return prompts_; }
  const ToolRegistry& tools() const { return tools_; }
  const DispatcherOptions& options() const { return options_; }

  // Creates a session for a new client (a stdio process, an HTTP session, a legacy SSE
  // connection) acting as `caller`. It expects `initialize` first. `transport` labels logs.
  std::shared_ptr<Session> NewSession(base::Caller caller, std::string transport);

  // Creates a session for one stateless request: already initialized at `protocol_version`
  // (negotiated as initialize would; "" means kAssumedHttpProtocolVersion), with no client
  // capabilities (so no sampling or elicitation) and no standing outbound.
  std::shared_ptr<Session> NewStatelessSession(base::Caller caller, std::string transport,
                                               std::string protocol_version);

  // Handles one parsed message or batch (array) from the client of `session`. Returns what to
  // write back: a response object, an array of responses (batch), or nullopt when there is
  // nothing to send (notifications, client responses, a batch of only those, and a request the
  // client cancelled while it ran: per spec it gets no response). Messages emitted while a
  // request runs go to `outbound` while it is open, else to the session's standing outbound,
  // else nowhere. `outbound` may be null. Never throws.
  Task<std::optional<Json>> Handle(std::shared_ptr<Session> session, Json message,
                                   std::shared_ptr<Outbound> outbound);

  // Parses `text` (over max_message_bytes: -32600; not JSON: -32700, id null), then Handle;
  // returns the serialized reply (compact, one line) or nullopt. Never throws.
  Task<std::optional<std::string>> HandleText(std::shared_ptr<Session> session, std::string text,
                                              std::shared_ptr<Outbound> outbound);

  // Sends notifications/resources/updated {uri} to every open session subscribed to `uri`
  // (through its standing outbound). Thread-safe.
  void NotifyResourceUpdated(const std::string& uri);

  // Closes every live session (server shutdown): running calls see cancelled().
  void CloseAllSessions();
  // Sessions created and not yet destroyed or closed.
  std::size_t live_sessions() const;

 private:
  Task<std::optional<Json>> HandleOne(std::shared_ptr<Session> session, Json message,
                                      std::shared_ptr<Outbound> outbound);
  Task<std::optional<Json>> HandleRequest(std::shared_ptr<Session> session, Json request,
                                          std::shared_ptr<Outbound> outbound);
  Task<Json> Route(std::shared_ptr<Session> session, std::shared_ptr<Session::Running> running,
                   std::string key, Json id, std::string method, Json params,
                   std::shared_ptr<Outbound> outbound, InputRound* input);
  void HandleNotification(Session& session, const Json& message);
  void HandleClientResponse(Session& session, const Json& message);

  Task<Json> CallTool(std::shared_ptr<Session> session, std::shared_ptr<Session::Running> running,
                      std::string key, Json id, Json params, std::shared_ptr<Outbound> outbound,
                      InputRound* input);
  Task<Json> ReadResource(std::shared_ptr<Session> session, Json id, Json params);
  Json Initialize(Session& session, const Json& id, const Json& params);
  Json ListTools(const Json& id, const Json& params) const;
  Json ListResources(const Json& id, const Json& params) const;
  Json ListResourceTemplates(const Json& id, const Json& params) const;
  Json ListPrompts(const Json& id, const Json& params) const;
  Json GetPrompt(const Json& id, const Json& params, InputRound* input) const;
  Json Complete(const Json& id, const Json& params) const;
  Json Subscribe(Session& session, const Json& id, const Json& params, bool subscribe);
  Json SetLevel(Session& session, const Json& id, const Json& params);
  Json Capabilities() const;
  void Track(const std::shared_ptr<Session>& session);

  // ---- MCP 2026-07-28 (modern_era.cpp) ----
  // Serves one modern request (IsModernRequest) arriving on `session` (whose caller it uses and
  // where it is registered as running, so notifications/cancelled reaches it).
  Task<std::optional<Json>> HandleModern(std::shared_ptr<Session> session, Json request,
                                         std::shared_ptr<Outbound> outbound);
  // Adds resultType, cache hints and the serverInfo _meta to a modern reply; maps the codes
  // that changed in 2026-07-28 (resource not found: -32602); turns a call that asked for input
  // into an InputRequiredResult (or -32021 when it needs an undeclared capability).
  Json FinishModern(std::string_view method, Json reply, const InputRound* input) const;
  Json ModernCapabilities() const;
  Json ServerInfo() const;

  DispatcherOptions options_;
  ToolRegistry tools_;
  ResourceRegistry resources_;
  PromptRegistry prompts_;

  mutable std::mutex sessions_mu_;
  std::vector<std::weak_ptr<Session>> sessions_;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_DISPATCHER_H_
