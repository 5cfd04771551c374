#include "platforms/kit/pause.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

namespace herald::platforms {

base::Task<void> Pause(const PauseFn& pause, std::chrono::milliseconds delay) {
  if (pause) {
    co_await pause(delay);
    co_return;
  }
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(base::kNoThrow);
}

}  // namespace herald::platforms
