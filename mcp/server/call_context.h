// CallContext: the ToolContext of one MCP tools/call. Internal to mcp/server (the dispatcher
// creates one per call; tools see it as tools::ToolContext).
//
// Progress and log notifications and server-to-client requests go to the call's own Outbound
// while it is open, else to the session's standing one. Request() sends a request only when the
// client declared the matching capability and waits for the response (delivered by
// Dispatcher::Handle), for a cancellation, or for the timeout, after which it sends
// notifications/cancelled. Used by one tool call at a time; the flags it reads are atomic.
#ifndef HERALD_MCP_SERVER_CALL_CONTEXT_H_
#define HERALD_MCP_SERVER_CALL_CONTEXT_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/async.h"
#include "base/json.h"
#include "mcp/server/input_round.h"
#include "mcp/server/outbound.h"
#include "mcp/server/session.h"
#include "tools/tool.h"

namespace herald::mcp {

// Sends `message` on `outbound` when open, else on the session's standing outbound. False when
// neither took it.
bool SendToClient(Session& session, const std::shared_ptr<Outbound>& outbound, const Json& message);

class CallContext final : public tools::ToolContext {
 public:
  CallContext(std::shared_ptr<Session> session, std::shared_ptr<Session::Running> running,
              std::string running_key, std::shared_ptr<Outbound> outbound, Json progress_token,
              std::chrono::milliseconds max_request_timeout, base::asio::any_io_executor executor);

  const base::Caller& caller() const override;
  bool cancelled() const override;
  void Progress(double progress, std::optional<double> total, std::string message) override;
  bool WantsProgress() const override { return !progress_token_.is_null(); }
  void Log(tools::LogLevel level, Json data) override;
  bool CanSample() const override;
  bool CanElicitForm() const override;
  bool CanElicitUrl() const override;
  base::Task<base::Result<Json>> Request(std::string method, Json params,
                                         std::chrono::milliseconds timeout) override;
  base::Task<base::Result<Json>> RequestInput(std::string name, std::string method, Json params,
                                              std::chrono::milliseconds timeout) override;
  // Sends on the session's standing outbound while the session lives and is open; empty for a
  // stateless session or an older negotiated revision.
  LaterNotify NotifyLater(std::string_view min_protocol) override;

  // After the call returned: nothing more is sent for it.
  void Finish() { finished_ = true; }

  // A 2026-07-28 call: client requests are answered from (or recorded in) `round` instead of
  // being sent (multi-round-trip results). Set before the tool runs; not owned.
  void SetInputRound(InputRound* round) { input_round_ = round; }

 private:
  bool Emit(const Json& message);
  // The capability `method` with `params` needs ("" when none is known), and whether the client
  // declared it; `needs` describes it for error messages.
  bool Allowed(const std::string& method, const Json& params, std::string& capability,
               std::string& needs) const;

  std::shared_ptr<Session> session_;
  std::shared_ptr<Session::Running> running_;
  std::string running_key_;
  std::shared_ptr<Outbound> outbound_;
  Json progress_token_;
  std::chrono::milliseconds max_request_timeout_;
  base::asio::any_io_executor executor_;
  std::atomic<bool> finished_{false};
  std::mutex progress_mu_;
  std::optional<double> last_progress_;
  InputRound* input_round_ = nullptr;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_CALL_CONTEXT_H_
