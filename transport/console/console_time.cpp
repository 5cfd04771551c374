#include "transport/console/console_time.h"

#include <array>
#include <charconv>
#include <cstdio>

#include "base/time.h"

namespace herald::transport {
namespace {

namespace chrono = std::chrono;

constexpr std::array<std::string_view, 7> kWeekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
                                                    "Sat"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 12> kMonthNames{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

std::optional<int> Digits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int value = 0;
  auto [p, ec] = std::from_chars(text.data() + pos, text.data() + pos + n, value);
  if (ec != std::errc() || p != text.data() + pos + n) return std::nullopt;
  return value;
}

std::string_view WeekdayName(CivilDay day) {
  return kWeekdays[chrono::weekday(chrono::sys_days(day)).c_encoding()];
}

}  // namespace

std::optional<CivilDay> ParseCivilDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = Digits(text, 0, 4);
  auto m = Digits(text, 5, 2);
  auto d = Digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  CivilDay day{chrono::year(*y), chrono::month(static_cast<unsigned>(*m)),
               chrono::day(static_cast<unsigned>(*d))};
  if (!day.ok()) return std::nullopt;
  return day;
}

std::string FormatCivilDay(CivilDay day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return buf;
}

std::string ShortDayLabel(CivilDay day) {
  return std::string(WeekdayName(day)) + " " + std::to_string(static_cast<unsigned>(day.day())) +
         " " + std::string(kMonths[static_cast<unsigned>(day.month()) - 1]);
}

std::string MonthLabel(CivilDay day) {
  return std::string(kMonthNames[static_cast<unsigned>(day.month()) - 1]) + " " +
         std::to_string(static_cast<int>(day.year()));
}

CivilDay MondayOf(CivilDay day) {
  chrono::sys_days d(day);
  unsigned iso = chrono::weekday(d).iso_encoding();  // Monday = 1
  return CivilDay(d - chrono::days(iso - 1));
}

CivilDay AddDays(CivilDay day, int days) {
  return CivilDay(chrono::sys_days(day) + chrono::days(days));
}

std::string UsableTimeZone(std::string_view zone) {
  if (!zone.empty() && zone.size() < 64 && base::IsValidTimeZone(zone)) return std::string(zone);
  return "UTC";
}

base::Result<LocalStamp> ToLocal(std::string_view rfc3339, std::string_view time_zone) {
  HERALD_ASSIGN_OR_RETURN(base::Time t, base::ParseRfc3339(rfc3339));
  HERALD_ASSIGN_OR_RETURN(std::string local, base::FormatInTimeZone(t, time_zone));
  // "2026-03-29T09:00:00+02:00"
  auto day = ParseCivilDay(std::string_view(local).substr(0, 10));
  auto hour = Digits(local, 11, 2);
  auto minute = Digits(local, 14, 2);
  if (!day || !hour || !minute) return base::Internal("unexpected local time " + local);
  LocalStamp out;
  out.day = *day;
  out.hour = *hour;
  out.minute = *minute;
  out.input_value = local.substr(0, 16);
  out.label = ShortDayLabel(*day) + " " + std::to_string(static_cast<int>(day->year())) + ", " +
              local.substr(11, 5);
  return out;
}

base::Result<std::string> StartOfDay(CivilDay day, std::string_view time_zone) {
  HERALD_ASSIGN_OR_RETURN(base::Time t,
                          base::ParseUserTime(FormatCivilDay(day) + "T00:00:00", time_zone));
  return base::FormatRfc3339(t);
}

}  // namespace herald::transport
