// Private to herald_http: the state an HttpServer shares with its connections.
#ifndef HERALD_HTTP_SERVER_CORE_H_
#define HERALD_HTTP_SERVER_CORE_H_

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/http_server.h"

namespace herald::http {

namespace internal {
class Connection;
}

struct HttpServer::Core {
  Core(const HttpServerOptions& o, const Router& r)
      : options(o), router(r), ioc(o.io_threads > 0 ? o.io_threads : 1) {}

  // The answer the server gives by itself for `status`.
  Response MakeError(int status, std::string message) const;

  const HttpServerOptions options;  // a copy: immutable while running
  const Router& router;             // owned by the HttpServer, which outlives the connections

  std::atomic<bool> stopping{false};
  std::atomic<size_t> streams{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> evicted{0};
  std::atomic<uint64_t> refused_untrusted{0};
  // Open connections (the size of `connections`, readable without the lock), and how many of
  // them are being evicted (chosen, not yet gone: they no longer count against the limit).
  std::atomic<size_t> open{0};
  std::atomic<size_t> evicting{0};

  // Under pressure: open connections at 3/4 of the soft limit or more (see HttpServerOptions).
  bool UnderPressure() const {
    size_t soft = options.max_connections;
    return open.load(std::memory_order_relaxed) >= soft - soft / 4;
  }

  std::mutex mu;
  std::condition_variable cv;  // signalled when a connection goes away
  std::unordered_map<internal::Connection*, std::weak_ptr<internal::Connection>> connections;

  std::vector<std::thread> threads;
  bool started = false;
  bool shut_down = false;

  // Declared last so it is destroyed first: destroying it destroys suspended coroutine frames,
  // whose connections unregister themselves from the members above.
  boost::asio::io_context ioc;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
};

}  // namespace herald::http

#endif  // HERALD_HTTP_SERVER_CORE_H_
