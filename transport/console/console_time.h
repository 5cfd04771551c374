// Dates and times as the console shows them: in the signed-in person's time zone (IANA, from
// the browser; UTC when unknown), with civil-calendar arithmetic for the calendar's weeks and
// months. Pure functions over base/time.h; thread-safe.
#ifndef HERALD_TRANSPORT_CONSOLE_CONSOLE_TIME_H_
#define HERALD_TRANSPORT_CONSOLE_CONSOLE_TIME_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace herald::transport {

using CivilDay = std::chrono::year_month_day;

// An instant seen in a time zone.
struct LocalStamp {
  CivilDay day;
  int hour = 0;
  int minute = 0;
  std::string input_value;  // "2026-12-07T09:00", the value of an <input type=datetime-local>
  std::string label;        // "Mon 7 Dec 2026, 09:00"
};

// `rfc3339` ("2026-12-07T08:00:00Z") in `time_zone`. Errors: kInvalidArgument (bad time/zone).
base::Result<LocalStamp> ToLocal(std::string_view rfc3339, std::string_view time_zone);

// The first instant of `day` in `time_zone`, as RFC 3339 UTC (for list_posts' from/to).
base::Result<std::string> StartOfDay(CivilDay day, std::string_view time_zone);

// "2026-12-07" -> the day; nullopt when malformed or not a real date.
std::optional<CivilDay> ParseCivilDay(std::string_view text);
// "2026-12-07".
std::string FormatCivilDay(CivilDay day);
// "Mon 7 Dec".
std::string ShortDayLabel(CivilDay day);
// "December 2026".
std::string MonthLabel(CivilDay day);
// The Monday on or before `day`.
CivilDay MondayOf(CivilDay day);
CivilDay AddDays(CivilDay day, int days);

// `zone` when it is a known IANA zone, else "UTC".
std::string UsableTimeZone(std::string_view zone);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_CONSOLE_CONSOLE_TIME_H_
