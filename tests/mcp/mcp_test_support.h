// Test helpers for mcp/: a recording Outbound, a Tool built from a lambda, and a harness that
// drives a Dispatcher on a single-threaded io_context without sockets.
#ifndef HERALD_TESTS_MCP_MCP_TEST_SUPPORT_H_
#define HERALD_TESTS_MCP_MCP_TEST_SUPPORT_H_

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/json.h"
#include "mcp/server/dispatcher.h"
#include "tools/tool.h"

namespace herald::mcp::testing {

namespace asio = base::asio;

class RecordingOutbound : public Outbound {
 public:
  bool Send(const Json& message) override {
    std::lock_guard lock(mu_);
    if (!open_) return false;
    messages_.push_back(message);
    return true;
  }
  bool open() const override { return open_.load(); }
  void Close() { open_ = false; }

  std::vector<Json> messages() const {
    std::lock_guard lock(mu_);
    return messages_;
  }
  // Messages whose "method" is `method`.
  std::vector<Json> WithMethod(const std::string& method) const {
    std::vector<Json> out;
    for (const auto& m : messages()) {
      if (m.is_object() && m.value("method", "") == method) out.push_back(m);
    }
    return out;
  }
  void Clear() {
    std::lock_guard lock(mu_);
    messages_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::vector<Json> messages_;
  std::atomic<bool> open_{true};
};

using ToolFn =
    std::function<base::Task<base::Result<tools::ToolOutput>>(Json, tools::ToolContext&)>;

class LambdaTool : public tools::Tool {
 public:
  LambdaTool(tools::ToolSpec spec, ToolFn fn) : spec_(std::move(spec)), fn_(std::move(fn)) {}
  const tools::ToolSpec& spec() const override { return spec_; }
  base::Task<base::Result<tools::ToolOutput>> Call(Json args, tools::ToolContext& ctx) override {
    return fn_(std::move(args), ctx);
  }

 private:
  tools::ToolSpec spec_;
  ToolFn fn_;
};

inline tools::ToolSpec Spec(std::string name, base::Role role = base::Role::kViewer) {
  tools::ToolSpec spec;
  spec.name = std::move(name);
  spec.title = "Title of " + spec.name;
  spec.description = "Test tool " + spec.name;
  spec.required_role = role;
  return spec;
}

inline Json EmptyObjectSchema() {
  return Json{{"type", "object"}, {"additionalProperties", false}};
}

// A dispatcher, one session, one outbound and an io_context to drive them.
class Harness {
 public:
  explicit Harness(DispatcherOptions options = {},
                   base::Caller caller = base::Caller{"org_test", "", base::Role::kAdmin})
      : dispatcher_(std::move(options)),
        outbound_(std::make_shared<RecordingOutbound>()),
        caller_(std::move(caller)) {
    session_ = dispatcher_.NewSession(caller_, "test");
  }

  Dispatcher& dispatcher() { return dispatcher_; }
  std::shared_ptr<Session>& session() { return session_; }
  std::shared_ptr<RecordingOutbound>& outbound() { return outbound_; }
  asio::io_context& io() { return io_; }

  // Starts handling `message` and runs until nothing is ready; the future holds the reply.
  std::future<std::optional<Json>> Start(Json message,
                                         std::shared_ptr<Outbound> outbound = nullptr) {
    if (outbound == nullptr) outbound = outbound_;
    auto fut = asio::co_spawn(io_, dispatcher_.Handle(session_, std::move(message), outbound),
                              asio::use_future);
    Poll();
    return fut;
  }
  void Poll() {
    io_.restart();
    io_.poll();
  }
  // Runs until every started handler finished.
  void RunAll() {
    io_.restart();
    io_.run();
  }

  // Handles `message` to completion.
  std::optional<Json> Send(Json message) {
    auto fut = Start(std::move(message));
    RunAll();
    return fut.get();
  }
  std::optional<std::string> SendText(std::string text) {
    auto fut = asio::co_spawn(io_, dispatcher_.HandleText(session_, std::move(text), outbound_),
                              asio::use_future);
    RunAll();
    return fut.get();
  }

  // A request with a fresh integer id.
  Json Request(std::string method, Json params = Json::object()) {
    return Json{{"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", method}, {"params", params}};
  }
  // Sends a request and returns its reply (must be one).
  Json Call(std::string method, Json params = Json::object()) {
    auto reply = Send(Request(std::move(method), std::move(params)));
    return reply.value_or(Json());
  }

  // initialize + notifications/initialized.
  Json Initialize(std::string version = "2025-11-25", Json capabilities = Json::object()) {
    Json reply = Call("initialize", Json{{"protocolVersion", version},
                                         {"capabilities", capabilities},
                                         {"clientInfo", {{"name", "test"}, {"version", "1"}}}});
    Send(Json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    return reply;
  }

  void AddTool(tools::ToolSpec spec, ToolFn fn, Json input = EmptyObjectSchema(),
               Json output = nullptr) {
    auto r = dispatcher_.tools().RegisterWithSchemas(
        std::make_unique<LambdaTool>(std::move(spec), std::move(fn)), std::move(input),
        std::move(output));
    if (!r.ok()) throw std::runtime_error(r.error().ToString());
  }

 private:
  asio::io_context io_;
  Dispatcher dispatcher_;
  std::shared_ptr<RecordingOutbound> outbound_;
  base::Caller caller_;
  std::shared_ptr<Session> session_;
  int next_id_ = 1;
};

// Runs `task` to completion on a private io_context and returns its value.
template <class T>
T RunTask(base::Task<T> task) {
  asio::io_context io;
  std::optional<T> out;
  asio::co_spawn(
      io, [&]() -> base::Task<void> { out.emplace(co_await std::move(task)); }, asio::detached);
  io.run();
  return std::move(*out);
}

inline base::Task<base::Result<tools::ToolOutput>> Structured(Json value) {
  tools::ToolOutput out;
  out.structured = std::move(value);
  co_return out;
}

}  // namespace herald::mcp::testing

#endif  // HERALD_TESTS_MCP_MCP_TEST_SUPPORT_H_
