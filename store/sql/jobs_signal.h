// JobsSignal: delivers "jobs changed" wake-ups to the store's callback on a store-owned thread.
//
// Notify() is cheap and never blocks on the callback: it sets a flag and wakes the thread,
// which calls the callback once per burst of notifications (coalesced). The thread starts with
// the first SetCallback and stops in the destructor. Thread-safe.
#ifndef HERALD_STORE_SQL_JOBS_SIGNAL_H_
#define HERALD_STORE_SQL_JOBS_SIGNAL_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace herald::store::sql {

class JobsSignal {
 public:
  JobsSignal() = default;
  JobsSignal(const JobsSignal&) = delete;
  JobsSignal& operator=(const JobsSignal&) = delete;
  ~JobsSignal();

  // Replaces the callback (an empty function turns delivery off). Waits for a running call of
  // the old callback to finish, so its captures may be destroyed once this returns (unless
  // called from the callback itself).
  void SetCallback(std::function<void()> callback);
  void Notify();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;       // wakes the thread
  std::condition_variable idle_cv_;  // a callback call finished
  std::function<void()> callback_;
  bool pending_ = false;
  bool running_ = false;  // the callback is executing
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace herald::store::sql

#endif  // HERALD_STORE_SQL_JOBS_SIGNAL_H_
