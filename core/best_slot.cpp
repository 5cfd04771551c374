#include "core/best_slot.h"

#include <date/date.h>
#include <date/tz.h>

#include <cstdio>

#include "base/time.h"

namespace herald::core {
namespace {

using std::chrono::seconds;

// The instant of local `day` at `hour` in `zone`, or nullopt when that local time does not
// exist; the earlier instant when it exists twice.
std::optional<base::Time> AtLocal(const date::time_zone* zone, date::local_days day, int hour) {
  date::local_seconds local = date::local_seconds(day) + std::chrono::hours(hour);
  date::local_info info = zone->get_info(local);
  if (info.result == date::local_info::nonexistent) return std::nullopt;
  auto sys = date::sys_seconds(local.time_since_epoch() - info.first.offset);
  return std::chrono::time_point_cast<base::Micros>(sys);
}

}  // namespace

base::Result<PickedSlot> PickBestFreeSlot(const BestTimeAnswer& best, const SlotWindow& window) {
  if (window.not_after <= window.not_before) {
    return base::InvalidArgument("window: its end must be after its start (and after now)");
  }
  HERALD_RETURN_IF_ERROR(CheckTimeZoneField(best.time_zone));
  const date::time_zone* zone = date::locate_zone(best.time_zone);
  auto local_day = [&](base::Time t) {
    return date::floor<date::days>(zone->to_local(std::chrono::time_point_cast<seconds>(t)));
  };
  const date::local_days first = local_day(window.not_before);
  const date::local_days last = local_day(window.not_after);
  for (size_t rank = 0; rank < best.slots.size(); ++rank) {
    const BestTimeSlot& slot = best.slots[rank];
    for (date::local_days day = first; day <= last; day += date::days(1)) {
      if (static_cast<int>(date::weekday(day).iso_encoding()) != slot.weekday) continue;
      std::optional<base::Time> at = AtLocal(zone, day, slot.hour);
      if (!at || *at < window.not_before || *at > window.not_after) continue;
      bool free = true;
      for (base::Time t : window.taken) {
        if (t > *at - window.spacing && t < *at + window.spacing) free = false;
      }
      if (!free) continue;
      PickedSlot picked{.at = *at, .slot = slot, .rank = static_cast<int>(rank + 1), .reason = {}};
      char hour[16];
      std::snprintf(hour, sizeof hour, "%02d:00", slot.hour);
      std::string what = std::string(WeekdayName(slot.weekday)) + " " + hour + " (" +
                         best.time_zone + ")";
      if (best.source == BestTimeSource::kHistory) {
        picked.reason = what + " is this account's #" + std::to_string(rank + 1) +
                        " slot from its own history (" + std::to_string(slot.posts) +
                        " posts there, engagement " + std::to_string(slot.score).substr(0, 4) +
                        "× its median; confidence " +
                        std::string(BestTimeConfidenceName(best.confidence)) + ")";
      } else {
        picked.reason = what + " is a commonly cited time for this network (not enough history "
                               "on this account to measure its own)";
      }
      if (rank > 0) picked.reason += "; better slots in the window were taken by other posts";
      picked.reason += ".";
      return picked;
    }
  }
  return base::FailedPrecondition(
      "no free best slot in the window: every ranked slot there collides with the account's "
      "other scheduled posts; widen the window or give publish_at as a time");
}

}  // namespace herald::core
