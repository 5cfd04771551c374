// Picks the concrete time for `publish_at: "best"`: the best-ranked weekday × hour slot that has
// a free occurrence inside a window, not colliding with the account's other scheduled posts.
// Pure; thread-safe.
#ifndef HERALD_CORE_BEST_SLOT_H_
#define HERALD_CORE_BEST_SLOT_H_

#include <chrono>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "core/best_time.h"

namespace herald::core {

struct SlotWindow {
  base::Time not_before;  // earliest acceptable time (e.g. now + a few minutes)
  base::Time not_after;   // latest acceptable time
  std::vector<base::Time> taken{};  // the account's other scheduled posts
  std::chrono::minutes spacing{60};  // a pick keeps at least this far from every taken time
};

struct PickedSlot {
  base::Time at;       // the slot's hour, on the hour, local time
  BestTimeSlot slot;
  int rank = 1;        // 1 = the best slot; higher when better slots were taken
  std::string reason;  // why this time, for the person reading the answer
};

// The earliest free occurrence of the best slot of `best` in `window`, else of the next slot, and
// so on. A local hour that does not exist on a day (clocks jump forward) is skipped; one that
// occurs twice (clocks fall back) means the first. Errors: kInvalidArgument when the window is
// empty or reversed; kFailedPrecondition when no ranked slot has a free occurrence in it.
base::Result<PickedSlot> PickBestFreeSlot(const BestTimeAnswer& best, const SlotWindow& window);

}  // namespace herald::core

#endif  // HERALD_CORE_BEST_SLOT_H_
