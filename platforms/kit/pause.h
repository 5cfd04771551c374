// Pause: how an adapter waits between two polls of a network (a video still processing):
// through the function a test injects (it advances a FakeClock instead of sleeping), else an
// Asio timer on the calling coroutine's executor. Thread-safe.
#ifndef HERALD_PLATFORMS_KIT_PAUSE_H_
#define HERALD_PLATFORMS_KIT_PAUSE_H_

#include <chrono>
#include <functional>

#include "base/async.h"

namespace herald::platforms {

using PauseFn = std::function<base::Task<void>(std::chrono::milliseconds delay)>;

// Waits `delay`: `pause(delay)` when `pause` is set, else a timer.
base::Task<void> Pause(const PauseFn& pause, std::chrono::milliseconds delay);

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_PAUSE_H_
