#include "core/single_flight.h"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <optional>
#include <utility>
#include <vector>

namespace herald::core {

namespace asio = base::asio;
using base::Json;
using base::Result;
using base::Task;

struct SingleFlight::Flight {
  struct Waiter {
    asio::executor_work_guard<asio::any_io_executor> work;
    asio::any_completion_handler<void()> handler;
  };
  std::mutex mu;
  std::optional<Result<Json>> result;
  std::vector<Waiter> waiters;
};

// Finishes the flight when the leader leaves Run by any path: with the result, or, when its
// coroutine is destroyed mid-work, with kUnavailable so that waiters do not wait forever.
class SingleFlight::Finisher {
 public:
  Finisher(SingleFlight& owner, std::string key, std::shared_ptr<Flight> flight)
      : owner_(owner), key_(std::move(key)), flight_(std::move(flight)) {}
  Finisher(const Finisher&) = delete;
  Finisher& operator=(const Finisher&) = delete;
  ~Finisher() {
    if (!done_) {
      owner_.Finish(key_, flight_,
                    base::Unavailable("the shared operation was abandoned before it finished; "
                                      "try again"));
    }
  }
  void Done(Result<Json> result) {
    done_ = true;
    owner_.Finish(key_, flight_, std::move(result));
  }

 private:
  SingleFlight& owner_;
  std::string key_;
  std::shared_ptr<Flight> flight_;
  bool done_ = false;
};

Task<Result<Json>> SingleFlight::Run(std::string key, Work work) {
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = flights_.find(key);
    if (it == flights_.end()) {
      flight = std::make_shared<Flight>();
      flights_.emplace(key, flight);
      leader = true;
    } else {
      flight = it->second;
    }
  }
  if (!leader) co_return co_await Wait(std::move(flight));
  Finisher finisher(*this, key, flight);
  std::optional<Result<Json>> out;
  try {
    out.emplace(co_await work());
  } catch (...) {
    finisher.Done(base::Internal("the shared operation failed unexpectedly"));
    throw;
  }
  finisher.Done(*out);
  co_return std::move(*out);
}

Task<Result<Json>> SingleFlight::Wait(std::shared_ptr<Flight> flight) {
  co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
      [&flight](auto handler) {
        auto work =
            asio::make_work_guard(asio::any_io_executor(asio::get_associated_executor(handler)));
        std::unique_lock<std::mutex> lock(flight->mu);
        if (flight->result) {
          lock.unlock();
          auto ex = work.get_executor();
          asio::post(ex, std::move(handler));
          return;
        }
        flight->waiters.push_back(Flight::Waiter{
            std::move(work), asio::any_completion_handler<void()>(std::move(handler))});
      },
      asio::use_awaitable);
  std::lock_guard<std::mutex> lock(flight->mu);
  co_return *flight->result;
}

void SingleFlight::Finish(const std::string& key, const std::shared_ptr<Flight>& flight,
                          Result<Json> result) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = flights_.find(key);
    if (it != flights_.end() && it->second == flight) flights_.erase(it);
  }
  std::vector<Flight::Waiter> waiters;
  {
    std::lock_guard<std::mutex> lock(flight->mu);
    if (flight->result) return;
    flight->result.emplace(std::move(result));
    waiters.swap(flight->waiters);
  }
  for (auto& w : waiters) {
    auto ex = w.work.get_executor();
    asio::post(ex, std::move(w.handler));
  }
}

size_t SingleFlight::InFlight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return flights_.size();
}

}  // namespace herald::core
