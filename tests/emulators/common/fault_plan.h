// FaultPlan: the faults a test has armed on an emulator, matched against each API request.
//
// A fault has a kind, a method ("*" = any) and a path pattern ("*" matches any run of
// characters, so "/api/v1/statuses*" covers "/api/v1/statuses/123"), and a count: it fires on
// the next `count` matching requests and is then spent (count < 0 = forever). Faults are
// checked in the order they were armed; a request triggers at most one. The plan is bounded
// (kMaxFaults) and thread-safe.
#ifndef HERALD_TESTS_EMULATORS_COMMON_FAULT_PLAN_H_
#define HERALD_TESTS_EMULATORS_COMMON_FAULT_PLAN_H_

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace herald::emulators {

using base::Json;

enum class FaultKind {
  kRateLimit,        // "429": the network's rate-limit answer (status, headers, body)
  kServerError,      // "5xx": the network's server error with `status` (default 503)
  kSlow,             // "slow": wait `delay` before handling the request normally
  kDropAfterAccept,  // "drop_after_accept": apply the request, then close without answering
  kDropBefore,       // "drop_before": close without answering and without applying
  kExpiredToken,     // "expired_token": the presented token stops working, answered the
                     // network's way (Mastodon 401, Bluesky 400 ExpiredToken)
};

// "429" | "5xx" | "slow" | "drop_after_accept" | "drop_before" | "expired_token".
std::string_view FaultKindName(FaultKind kind);
std::optional<FaultKind> ParseFaultKind(std::string_view name);

struct Fault {
  std::string id;  // "f1", "f2", ... assigned when armed
  FaultKind kind = FaultKind::kServerError;
  std::string method = "*";
  std::string path = "*";
  int count = 1;                           // how many more requests it fires on; < 0 = unlimited
  int status = 0;                          // kServerError: 500..599 (0 = 503); kRateLimit: 429
  std::chrono::seconds retry_after{30};    // kRateLimit
  std::chrono::milliseconds delay{1'000};  // kSlow
  int fired = 0;                           // how many times it fired so far

  // {"id","kind","method","path","count","status","retry_after","delay_ms","fired"}
  Json ToJson() const;
  // From a control-plane body: {"kind": "429", "path": "/x*", "method": "POST", "count": 2,
  // "status": 502, "retry_after": 30, "delay_ms": 2000}. Errors: kInvalidArgument naming the
  // field.
  static base::Result<Fault> FromJson(const Json& body);
};

// True if `path` matches `pattern`, where '*' matches any run of characters (also none).
bool PathMatches(std::string_view pattern, std::string_view path);

class FaultPlan {
 public:
  static constexpr size_t kMaxFaults = 256;

  // Arms `fault` (its id is assigned here) and returns the id. Errors: kResourceExhausted when
  // kMaxFaults are armed.
  base::Result<std::string> Add(Fault fault);
  // The first armed fault matching the request, counted as fired (and removed when spent).
  std::optional<Fault> Take(std::string_view method, std::string_view path);
  // Removes one fault. Errors: kNotFound.
  base::Result<void> Remove(std::string_view id);
  void Clear();
  std::vector<Fault> List() const;

 private:
  mutable std::mutex mu_;
  std::vector<Fault> faults_;
  int next_id_ = 1;
};

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_FAULT_PLAN_H_
