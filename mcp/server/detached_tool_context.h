// DetachedToolContext: a ToolContext for a tool run with no MCP client attached (REST
// /api/v1/tools/{name}, tests): progress and log calls go nowhere, client requests are
// unavailable (kFailedPrecondition), and cancellation is set by the owner (e.g. when the HTTP
// client disconnects). Thread-safe.
#ifndef HERALD_MCP_SERVER_DETACHED_TOOL_CONTEXT_H_
#define HERALD_MCP_SERVER_DETACHED_TOOL_CONTEXT_H_

#include <atomic>

#include "tools/tool.h"

namespace herald::mcp {

class DetachedToolContext final : public tools::ToolContext {
 public:
  explicit DetachedToolContext(base::Caller caller) : caller_(std::move(caller)) {}

  const base::Caller& caller() const override { return caller_; }
  bool cancelled() const override { return cancelled_.load(); }
  void Progress(double, std::optional<double>, std::string) override {}
  void Log(tools::LogLevel, base::Json) override {}
  bool CanSample() const override { return false; }
  bool CanElicitForm() const override { return false; }
  bool CanElicitUrl() const override { return false; }
  base::Task<base::Result<base::Json>> Request(std::string method, base::Json,
                                               std::chrono::milliseconds) override {
    co_return base::FailedPrecondition("no MCP client is attached to answer " + method);
  }

  // Makes cancelled() true.
  void Cancel() { cancelled_ = true; }

 private:
  base::Caller caller_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_DETACHED_TOOL_CONTEXT_H_
