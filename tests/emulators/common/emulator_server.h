// EmulatorServer: hosts one NetworkEmulator on the herald_http server at 127.0.0.1, port 0.
//
// In a test (in-process):
//   auto server = emulators::EmulatorServer::Make<MastodonEmulator>();
//   ASSERT_THAT(server->Start(), IsOk());
//   std::string base = server->base_url();  // "http://127.0.0.1:43521"
//   server->context().faults().Add(...);    // or POST {base}/__emulator/faults
//   ... server->context().posts().List() ...
//   server->Stop();                         // also done by the destructor
// As a process: `herald-emulator <network>` (emulator_main.cpp) prints
// "listening on 127.0.0.1:PORT" once ready and runs until SIGTERM/SIGINT.
//
// Every API route the network adds is wrapped: the request is logged, then the first armed
// fault matching it fires (slow, drop_before, drop_after_accept, 429, 5xx, expired_token), then
// the network's handler runs. The control plane lives under /__emulator/ (never faulted):
//   GET    /__emulator/info                  network, seeded accounts/credentials, config
//   GET    /__emulator/posts                 {"posts":[CreatedPost...]} in creation order
//   POST   /__emulator/posts/{id}/metrics    set engagement numbers {"likes":3,...}
//   GET    /__emulator/requests              {"requests":[LoggedRequest...]} (last 2000)
//   GET    /__emulator/faults                armed faults with remaining counts
//   POST   /__emulator/faults                arm {"kind","path","method","count",...} -> {"id"}
//   DELETE /__emulator/faults[/{id}]         disarm all / one
//   POST   /__emulator/reset                 back to the seeded state
//   POST   /__emulator/tokens                create a credential (network-specific body)
//   DELETE /__emulator/tokens/{token}        revoke it
//   POST   /__emulator/tokens/expire         {"token"?}: expire one / every access token
//   GET    /__emulator/config, POST /__emulator/config (merge an object)
//   POST   /__emulator/{network}/{action}    network-specific controls
// Control-plane errors are {"error": "..."} with 400 / 404.
//
// Thread-safe; Start/Stop from one controlling thread (not from a handler).
#ifndef HERALD_TESTS_EMULATORS_COMMON_EMULATOR_SERVER_H_
#define HERALD_TESTS_EMULATORS_COMMON_EMULATOR_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "base/clock.h"
#include "base/result.h"
#include "tests/emulators/common/network_emulator.h"

namespace herald::http {
class HttpServer;
}

namespace herald::emulators {

struct EmulatorOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = chosen by the OS
  int io_threads = 2;
  // "now" for tokens, rate-limit windows and timestamps; nullptr = the system clock. The clock
  // must outlive the server. (Fault delays always use real time.)
  const base::Clock* clock = nullptr;
  size_t body_limit = 64 << 20;
};

using NetworkFactory = std::function<std::unique_ptr<NetworkEmulator>(EmulatorContext&)>;

class EmulatorServer {
 public:
  EmulatorServer(const NetworkFactory& factory, EmulatorOptions options = {});
  ~EmulatorServer();
  EmulatorServer(const EmulatorServer&) = delete;
  EmulatorServer& operator=(const EmulatorServer&) = delete;

  // Convenience: a server for network type N constructed as N(context, args...).
  template <class N, class... Args>
  static std::unique_ptr<EmulatorServer> Make(EmulatorOptions options = {}, Args... args) {
    return std::make_unique<EmulatorServer>(
        [=](EmulatorContext& ctx) { return std::make_unique<N>(ctx, args...); },
        std::move(options));
  }

  // Binds and starts serving. Errors: from the HTTP server (kUnavailable when the port cannot
  // be bound, kFailedPrecondition when already started).
  base::Result<void> Start();
  // Stops serving (in-flight handlers get a short grace). Idempotent.
  void Stop();

  uint16_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"

  EmulatorContext& context() { return *context_; }
  NetworkEmulator& network() { return *network_; }
  // Back to the seeded state: ledger, faults, request log, rate limits, config, network.
  void Reset();

 private:
  class Routes;
  void AddControlPlane();

  EmulatorOptions options_;
  std::unique_ptr<EmulatorContext> context_;
  std::unique_ptr<NetworkEmulator> network_;
  std::unique_ptr<http::HttpServer> server_;
  bool stopped_ = false;
};

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_EMULATOR_SERVER_H_
