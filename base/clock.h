// Clock: the only source of "now" in herald, so tests can drive time by hand.
//
// Time is UTC wall-clock time at microsecond precision (the precision both stores keep).
// SystemClock is the real clock; FakeClock is set and advanced by tests. Both are thread-safe.
#ifndef HERALD_BASE_CLOCK_H_
#define HERALD_BASE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace herald::base {

using Micros = std::chrono::microseconds;
using Time = std::chrono::time_point<std::chrono::system_clock, Micros>;

// Microseconds since the Unix epoch, and back: the storage representation of Time.
inline int64_t ToUnixMicros(Time t) { return t.time_since_epoch().count(); }
inline Time FromUnixMicros(int64_t us) { return Time(Micros(us)); }

class Clock {
 public:
  virtual ~Clock() = default;
  // The current UTC time.
  virtual Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Time Now() const override;
  // A process-wide instance.
  static SystemClock& Instance();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Time start = FromUnixMicros(1'767'225'600'000'000))  // 2026-01-01T00:00Z
      : now_us_(ToUnixMicros(start)) {}
  Time Now() const override { return FromUnixMicros(now_us_.load()); }
  void Set(Time t) { now_us_.store(ToUnixMicros(t)); }
  void Advance(Micros d) { now_us_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> now_us_;
};

}  // namespace herald::base

#endif  // HERALD_BASE_CLOCK_H_
