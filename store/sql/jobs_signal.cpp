#include "store/sql/jobs_signal.h"

#include <utility>

namespace herald::store::sql {

JobsSignal::~JobsSignal() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JobsSignal::SetCallback(std::function<void()> callback) {
  std::unique_lock lock(mu_);
  if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) {
    idle_cv_.wait(lock, [this] { return !running_; });
  }
  callback_ = std::move(callback);
  pending_ = false;
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void JobsSignal::Notify() {
  {
    std::lock_guard lock(mu_);
    if (!callback_) return;
    pending_ = true;
  }
  cv_.notify_one();
}

void JobsSignal::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || pending_; });
    if (stop_) return;
    pending_ = false;
    std::function<void()> callback = callback_;
    running_ = true;
    lock.unlock();
    if (callback) callback();
    lock.lock();
    running_ = false;
    idle_cv_.notify_all();
  }
}

}  // namespace herald::store::sql
