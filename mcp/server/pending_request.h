// PendingClientRequest: a server-to-client request (sampling/createMessage, elicitation/create,
// ...) waiting for the client's response. Internal to mcp/server (session.cpp, call_context.cpp).
//
// The waiter co_awaits `signal`; whoever completes it (the client's response via
// Dispatcher::Handle, a cancellation, Session::Close) stores the outcome first. Complete is
// thread-safe and takes effect once.
#ifndef HERALD_MCP_SERVER_PENDING_REQUEST_H_
#define HERALD_MCP_SERVER_PENDING_REQUEST_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/system/error_code.hpp>
#include <mutex>
#include <optional>
#include <string>

#include "base/json.h"
#include "base/result.h"

namespace herald::mcp {

struct PendingClientRequest {
  using Signal = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;

  explicit PendingClientRequest(const boost::asio::any_io_executor& executor)
      : signal(executor, 1) {}

  // Stores `result` and wakes the waiter; later calls do nothing.
  void Complete(base::Result<base::Json> result) {
    {
      std::lock_guard lock(mu);
      if (outcome.has_value()) return;
      outcome.emplace(std::move(result));
    }
    signal.try_send(boost::system::error_code{});
  }

  // The stored outcome, if any.
  std::optional<base::Result<base::Json>> Take() {
    std::lock_guard lock(mu);
    return outcome;
  }

  std::mutex mu;
  std::optional<base::Result<base::Json>> outcome;
  Signal signal;
  std::string running_key;  // the client request that sent it
  std::string method;       // e.g. "sampling/createMessage", for error messages
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_PENDING_REQUEST_H_
