// SingleFlight: at most one run of a piece of async work per key at a time within a process.
// The first caller for a key runs the work; callers that arrive while it runs wait for it and
// get the same result (they never start a second run). Once a run finishes, the next caller for
// the key starts a new one. Used by AccountService so that concurrent publishes of one account
// send one token refresh, not one each.
//
// Waiters are resumed on their own executors. If the leader's coroutine is destroyed before the
// work finishes (its executor stopped), the waiters get kUnavailable instead of waiting forever;
// if the work throws, they get kInternal and the leader sees the exception. Thread-safe.
#ifndef HERALD_CORE_SINGLE_FLIGHT_H_
#define HERALD_CORE_SINGLE_FLIGHT_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/async.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::core {

class SingleFlight {
 public:
  using Work = std::function<base::Task<base::Result<base::Json>>()>;

  // Runs `work` unless a run for `key` is in flight; then waits for that run's result.
  base::Task<base::Result<base::Json>> Run(std::string key, Work work);

  // How many keys have a run in flight (tests).
  size_t InFlight() const;

 private:
  struct Flight;
  class Finisher;

  static base::Task<base::Result<base::Json>> Wait(std::shared_ptr<Flight> flight);
  void Finish(const std::string& key, const std::shared_ptr<Flight>& flight,
              base::Result<base::Json> result);

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Flight>, std::less<>> flights_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_SINGLE_FLIGHT_H_
