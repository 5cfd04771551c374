#include "mcp/server/call_context.h"

#include <spdlog/spdlog.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "mcp/protocol/jsonrpc.h"
#include "mcp/protocol/log_level.h"
#include "mcp/protocol/protocol_version.h"
#include "mcp/server/pending_request.h"

namespace herald::mcp {

namespace asio = base::asio;
using namespace boost::asio::experimental::awaitable_operators;  // NOLINT: operator||

bool SendToClient(Session& session, const std::shared_ptr<Outbound>& outbound,
                  const Json& message) {
  if (outbound != nullptr && outbound->open() && outbound->Send(message)) return true;
  auto standing = session.standing_outbound();
  return standing != nullptr && standing->Send(message);
}

CallContext::CallContext(std::shared_ptr<Session> session,
                         std::shared_ptr<Session::Running> running, std::string running_key,
                         std::shared_ptr<Outbound> outbound, Json progress_token,
                         std::chrono::milliseconds max_request_timeout,
                         base::asio::any_io_executor executor)
    : session_(std::move(session)),
      running_(std::move(running)),
      running_key_(std::move(running_key)),
      outbound_(std::move(outbound)),
      progress_token_(std::move(progress_token)),
      max_request_timeout_(max_request_timeout),
      executor_(std::move(executor)) {}

const base::Caller& CallContext::caller() const { return session_->caller(); }

bool CallContext::cancelled() const {
  return (running_ != nullptr && running_->cancelled.load()) || session_->closed();
}

bool CallContext::Emit(const Json& message) {
  if (finished_) return false;
  return SendToClient(*session_, outbound_, message);
}

void CallContext::Progress(double progress, std::optional<double> total, std::string message) {
  if (progress_token_.is_null() || finished_ || cancelled()) return;
  {
    std::lock_guard lock(progress_mu_);
    if (last_progress_.has_value() && progress <= *last_progress_) {
      spdlog::debug("dropping non-increasing progress {} (last {})", progress, *last_progress_);
      return;
    }
    last_progress_ = progress;
  }
  Json params{{"progressToken", progress_token_}, {"progress", progress}};
  if (total.has_value()) params["total"] = *total;
  if (!message.empty() && ProtocolAtLeast(session_->protocol_version(), "2025-03-26")) {
    params["message"] = std::move(message);
  }
  Emit(MakeNotification("notifications/progress", std::move(params)));
}

void CallContext::Log(tools::LogLevel tool_level, Json data) {
  static_assert(static_cast<int>(tools::LogLevel::kEmergency) ==
                static_cast<int>(LogLevel::kEmergency));
  const auto level = static_cast<LogLevel>(tool_level);  // the same levels in the same order
  if (session_->logging_muted()) return;
  if (static_cast<int>(level) < static_cast<int>(session_->log_level())) return;
  Emit(MakeNotification(
      "notifications/message",
      Json{{"level", LogLevelName(level)}, {"logger", "herald"}, {"data", std::move(data)}}));
}

tools::ToolContext::LaterNotify CallContext::NotifyLater(std::string_view min_protocol) {
  if (session_->stateless() || !ProtocolAtLeast(session_->protocol_version(), min_protocol)) {
    return {};
  }
  std::weak_ptr<Session> weak = session_;
  return [weak](const std::string& method, Json params) {
    std::shared_ptr<Session> session = weak.lock();
    if (session == nullptr || session->closed()) return false;
    return SendToClient(*session, nullptr, MakeNotification(method, std::move(params)));
  };
}

bool CallContext::CanSample() const {
  Json caps = session_->client_capabilities();
  return caps.contains("sampling") && caps["sampling"].is_object();
}

bool CallContext::CanElicitForm() const {
  Json caps = session_->client_capabilities();
  if (!caps.contains("elicitation") || !caps["elicitation"].is_object()) return false;
  const Json& e = caps["elicitation"];
  // "elicitation": {} means form mode only (backwards compatible with 2025-06-18).
  return e.empty() || e.contains("form");
}

bool CallContext::CanElicitUrl() const {
  Json caps = session_->client_capabilities();
  if (!caps.contains("elicitation") || !caps["elicitation"].is_object()) return false;
  return caps["elicitation"].contains("url");
}

bool CallContext::Allowed(const std::string& method, const Json& params, std::string& capability,
                          std::string& needs) const {
  // Only what the client declared (MUST NOT use undeclared capabilities).
  if (method == "sampling/createMessage") {
    capability = needs = "sampling";
    return CanSample();
  }
  if (method == "elicitation/create") {
    bool url = params.is_object() && base::GetString(params, "mode") == "url";
    capability = "elicitation";
    needs = url ? "URL-mode elicitation" : "form elicitation";
    return url ? CanElicitUrl() : CanElicitForm();
  }
  if (method == "roots/list") {
    capability = needs = "roots";
    return session_->client_capabilities().contains("roots");
  }
  if (method == "ping") return true;
  needs = "a capability for " + method;
  return false;
}

base::Task<base::Result<Json>> CallContext::RequestInput(std::string name, std::string method,
                                                         Json params,
                                                         std::chrono::milliseconds timeout) {
  if (input_round_ == nullptr) {
    co_return co_await Request(std::move(method), std::move(params), timeout);
  }
  std::string capability;
  std::string needs;
  if (!Allowed(method, params, capability, needs)) {
    if (!capability.empty()) input_round_->RequireCapability(capability);
    co_return base::FailedPrecondition("the client does not support " + needs);
  }
  if (cancelled()) co_return base::Cancelled("the request was cancelled");
  if (name.empty()) name = input_round_->NextName();
  Json answer = input_round_->Answer(name);
  if (!answer.is_null()) co_return answer;
  input_round_->Ask(std::move(name), method, std::move(params));
  co_return base::Unavailable("waiting for the client's answer to " + method +
                              " (it is asked for in the result)");
}

base::Task<base::Result<Json>> CallContext::Request(std::string method, Json params,
                                                    std::chrono::milliseconds timeout) {
  if (input_round_ != nullptr) {
    co_return co_await RequestInput("", std::move(method), std::move(params), timeout);
  }
  std::string capability;
  std::string needs;
  if (!Allowed(method, params, capability, needs)) {
    co_return base::FailedPrecondition("the client does not support " + needs);
  }
  if (cancelled()) co_return base::Cancelled("the request was cancelled");
  if (timeout <= std::chrono::milliseconds::zero() || timeout > max_request_timeout_) {
    timeout = max_request_timeout_;
  }

  Json id = session_->NextOutgoingId();
  std::string key = id.dump();
  auto pending = std::make_shared<PendingClientRequest>(executor_);
  pending->running_key = running_key_;
  pending->method = method;
  if (!session_->AddPending(key, pending)) {
    co_return base::Cancelled("the request was cancelled");
  }
  if (!Emit(MakeRequest(id, method, std::move(params)))) {
    session_->RemovePending(key);
    co_return base::Unavailable("there is no open channel to the client to send " + method);
  }

  asio::steady_timer timer(executor_, timeout);
  co_await (pending->signal.async_receive(base::kNoThrow) || timer.async_wait(base::kNoThrow));
  auto outcome = pending->Take();
  if (outcome.has_value()) co_return std::move(*outcome);

  // Timed out: forget it and tell the client to stop (unless its answer won the race).
  session_->RemovePending(key);
  pending->Complete(base::DeadlineExceeded("timed out"));
  outcome = pending->Take();
  if (outcome.has_value() &&
      (outcome->ok() || outcome->error().code() != base::ErrorCode::kDeadlineExceeded)) {
    co_return std::move(*outcome);
  }
  auto seconds = std::chrono::duration_cast<std::chrono::duration<double>>(timeout).count();
  SendToClient(*session_, outbound_,
               MakeNotification("notifications/cancelled",
                                Json{{"requestId", id}, {"reason", "timed out"}}));
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3g", seconds);
  co_return base::DeadlineExceeded("the client did not answer " + method + " within " + buffer +
                                   " s");
}

}  // namespace herald::mcp
