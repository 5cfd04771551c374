#include "base/clock.h"

namespace herald::base {

Time SystemClock::Now() const {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

SystemClock& SystemClock::Instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace herald::base
