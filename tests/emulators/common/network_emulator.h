// NetworkEmulator: one social network's API, emulated on loopback for tests.
//
// A network implements its routes (real paths, status codes, headers, error bodies, rate
// limits, idempotency behaviour) and says how the common faults look on that network: its 429,
// its 5xx, its expired-token answer. EmulatorServer (emulator_server.h) hosts it: it wraps every
// API route with fault injection and request logging and adds the /__emulator/ control plane.
//
// Implementations keep their state behind their own lock (handlers run on several I/O threads)
// and use the shared EmulatorContext for time, the post ledger, rate limiting and config. All
// their state must be bounded, and behaviour deterministic for a given sequence of requests.
#ifndef HERALD_TESTS_EMULATORS_COMMON_NETWORK_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_COMMON_NETWORK_EMULATOR_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "http/http_message.h"
#include "http/router.h"
#include "tests/emulators/common/fault_plan.h"
#include "tests/emulators/common/post_ledger.h"
#include "tests/emulators/common/rate_limiter.h"
#include "tests/emulators/common/request_log.h"

namespace herald::emulators {

using base::Json;

// State shared by the server and its network. Owned by the EmulatorServer; thread-safe.
class EmulatorContext {
 public:
  explicit EmulatorContext(const base::Clock* clock) : clock_(clock) {}

  const base::Clock& clock() const { return *clock_; }
  base::Time Now() const { return clock_->Now(); }
  PostLedger& posts() { return posts_; }
  FaultPlan& faults() { return faults_; }
  RequestLog& requests() { return requests_; }
  RateLimiter& rate_limiter() { return rate_limiter_; }

  // Free-form settings tests change at run time (POST /__emulator/config merges an object):
  // each network documents its keys, e.g. Mastodon "max_characters", "media_processing_polls".
  Json config() const;
  void MergeConfig(const Json& patch);
  void ResetConfig(Json defaults);
  // config()[key] as an integer, or `fallback` when absent or not an integer.
  int64_t ConfigInt(std::string_view key, int64_t fallback) const;

 private:
  const base::Clock* clock_;
  PostLedger posts_;
  FaultPlan faults_;
  RequestLog requests_;
  RateLimiter rate_limiter_;
  mutable std::mutex config_mu_;
  Json config_ = Json::object();
};

// Adds a network's API routes; every route added here gets fault injection and logging.
class ApiRoutes {
 public:
  virtual ~ApiRoutes() = default;
  // `body_limit` 0 = the server's default (64 MiB for emulators).
  virtual void Add(std::string method, std::string pattern, http::Handler handler,
                   size_t body_limit = 0) = 0;
};

class NetworkEmulator {
 public:
  virtual ~NetworkEmulator() = default;

  // The subcommand and control-plane name: "mastodon", "bluesky", "telegram", ...
  virtual std::string_view Name() const = 0;

  // Adds the API routes. Called once, before the server starts.
  virtual void AddRoutes(ApiRoutes& routes) = 0;

  // The network's answer to a rate-limited request (status, rate-limit headers, body), telling
  // the client to wait `retry_after`.
  virtual http::Response RateLimited(const http::Request& request,
                                     std::chrono::seconds retry_after) = 0;
  // The network's answer to a request that failed on its side with `status` (500..599).
  virtual http::Response ServerError(const http::Request& request, int status) = 0;
  // Makes the credential presented by `request` stop working (expired or revoked, whatever
  // the network does) and answers the way the network answers such a request.
  virtual http::Response ExpireToken(const http::Request& request) = 0;

  // Control plane. POST /__emulator/tokens: makes a credential from `args` (network-specific)
  // and returns it, e.g. {"token": "...", "account_id": "..."}.
  virtual base::Result<Json> CreateToken(const Json& args) = 0;
  // DELETE /__emulator/tokens/{token}: the credential stops working. Errors: kNotFound.
  virtual base::Result<void> RevokeToken(std::string_view token) = 0;
  // POST /__emulator/tokens/expire {"token"?}: expires one access token, or all when empty.
  virtual base::Result<void> ExpireTokens(std::string_view token) = 0;
  // POST /__emulator/<network>/<action>: network-specific controls (e.g. add an account).
  // Default: kNotFound.
  virtual base::Result<Json> Control(std::string_view action, const Json& body);
  // GET /__emulator/info: seeded accounts and credentials, limits in force.
  virtual Json Info() const = 0;
  // POST /__emulator/reset: back to the seeded state (the server clears the ledger, faults,
  // request log, rate limits and config first, then calls this).
  virtual void Reset() = 0;
  // The config a reset restores (merged into an empty config). Default: {}.
  virtual Json DefaultConfig() const { return Json::object(); }
};

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_NETWORK_EMULATOR_H_
