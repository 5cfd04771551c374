#include "base/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <optional>
#include <stdexcept>

namespace herald::base {
namespace {

struct Fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  std::optional<int> offset_minutes;  // absent: a local time
};

bool ReadDigits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += n;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// Parses "YYYY-MM-DDTHH:MM[:SS[.frac]][Z|±HH:MM]". Seconds are optional for user convenience.
Result<Fields> ParseFields(std::string_view s) {
  Fields f;
  size_t pos = 0;
  auto bad = [&](const std::string& what) {
    return InvalidArgument("'" + std::string(s.substr(0, 64)) + "' is not an RFC 3339 date-time (" +
                           what + "); expected e.g. 2026-03-29T09:00:00+02:00");
  };
  if (!ReadDigits(s, pos, 4, f.year) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, f.month) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, f.day)) {
    return bad("bad date");
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) {
    return bad("missing 'T' and time of day");
  }
  ++pos;
  if (!ReadDigits(s, pos, 2, f.hour) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, f.minute)) {
    return bad("bad time of day");
  }
  if (Expect(s, pos, ':')) {
    if (!ReadDigits(s, pos, 2, f.second)) return bad("bad seconds");
    if (Expect(s, pos, '.')) {
      size_t start = pos;
      int64_t micros = 0;
      size_t digits = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (digits < 6) micros = micros * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (pos == start) return bad("empty fraction of a second");
      for (size_t i = digits; i < 6; ++i) micros *= 10;
      f.micros = micros;
    }
  }
  if (pos < s.size()) {
    char c = s[pos];
    if (c == 'Z' || c == 'z') {
      f.offset_minutes = 0;
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      int oh = 0, om = 0;
      if (!ReadDigits(s, pos, 2, oh) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, om)) {
        return bad("bad offset, expected +HH:MM");
      }
      if (oh > 23 || om > 59) return bad("offset out of range");
      f.offset_minutes = (c == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
      return bad("unexpected text after the time");
    }
  }
  if (pos != s.size()) return bad("unexpected text at the end");
  if (f.month < 1 || f.month > 12) return bad("month out of range");
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return bad("time of day out of range");
  date::year_month_day ymd{date::year{f.year}, date::month{static_cast<unsigned>(f.month)},
                           date::day{static_cast<unsigned>(f.day)}};
  if (!ymd.ok()) return bad("day out of range for the month");
  if (f.second == 60) f.second = 59;  // leap second: clamp, as most systems do
  return f;
}

date::local_time<Micros> LocalOf(const Fields& f) {
  date::year_month_day ymd{date::year{f.year}, date::month{static_cast<unsigned>(f.month)},
                           date::day{static_cast<unsigned>(f.day)}};
  return date::local_days{ymd} + std::chrono::hours{f.hour} + std::chrono::minutes{f.minute} +
         std::chrono::seconds{f.second} + Micros{f.micros};
}

const date::time_zone* FindZone(std::string_view name) {
  if (name.empty() || name.size() > 64) return nullptr;
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace

Result<Time> ParseRfc3339(std::string_view text) {
  HERALD_ASSIGN_OR_RETURN(Fields f, ParseFields(text));
  if (!f.offset_minutes) {
    return InvalidArgument("'" + std::string(text.substr(0, 64)) +
                           "' has no UTC offset; add one (e.g. 'Z' or '+02:00')");
  }
  auto local = LocalOf(f);
  return Time(local.time_since_epoch() - std::chrono::minutes{*f.offset_minutes});
}

Result<Time> ParseUserTime(std::string_view text, std::string_view time_zone) {
  const date::time_zone* zone = nullptr;
  if (!time_zone.empty()) {
    zone = FindZone(time_zone);
    if (zone == nullptr) {
      return InvalidArgument("timezone '" + std::string(time_zone.substr(0, 64)) +
                             "' is not a known IANA time zone (e.g. 'Europe/Paris', 'UTC')");
    }
  }
  HERALD_ASSIGN_OR_RETURN(Fields f, ParseFields(text));
  auto local = LocalOf(f);
  if (f.offset_minutes) {
    return Time(local.time_since_epoch() - std::chrono::minutes{*f.offset_minutes});
  }
  if (zone == nullptr) {
    return InvalidArgument("'" + std::string(text.substr(0, 64)) +
                           "' has no UTC offset; add one (e.g. '+02:00') or pass timezone");
  }
  auto info = zone->get_info(date::floor<std::chrono::seconds>(local));
  if (info.result == date::local_info::nonexistent) {
    return InvalidArgument("'" + std::string(text) + "' does not exist in " +
                           std::string(time_zone) +
                           " (clocks jump forward at that time); pick a time outside the gap");
  }
  // Ambiguous (clocks fall back): the first occurrence, i.e. the earlier offset.
  auto offset = info.first.offset;
  return Time(local.time_since_epoch() - std::chrono::duration_cast<Micros>(offset));
}

bool IsValidTimeZone(std::string_view name) { return FindZone(name) != nullptr; }

namespace {

std::string FormatWithOffset(date::local_time<Micros> local, std::chrono::seconds offset) {
  auto days = date::floor<date::days>(local);
  date::year_month_day ymd{days};
  date::hh_mm_ss<Micros> tod{local - days};
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d", int(ymd.year()),
                        unsigned(ymd.month()), unsigned(ymd.day()),
                        static_cast<int>(tod.hours().count()),
                        static_cast<int>(tod.minutes().count()),
                        static_cast<int>(tod.seconds().count()));
  std::string out(buf, static_cast<size_t>(n));
  if (tod.subseconds().count() != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(tod.subseconds().count()));
    out += buf;
  }
  if (offset.count() == 0) {
    out += 'Z';
  } else {
    long long total = offset.count() / 60;
    char sign = total < 0 ? '-' : '+';
    if (total < 0) total = -total;
    std::snprintf(buf, sizeof(buf), "%c%02lld:%02lld", sign, total / 60, total % 60);
    out += buf;
  }
  return out;
}

}  // namespace

std::string FormatRfc3339(Time t) {
  return FormatWithOffset(date::local_time<Micros>(t.time_since_epoch()), std::chrono::seconds{0});
}

Result<std::string> FormatInTimeZone(Time t, std::string_view time_zone) {
  const date::time_zone* zone = FindZone(time_zone);
  if (zone == nullptr) {
    return InvalidArgument("timezone '" + std::string(time_zone.substr(0, 64)) +
                           "' is not a known IANA time zone");
  }
  auto info = zone->get_info(date::floor<std::chrono::seconds>(t));
  auto local = date::local_time<Micros>(t.time_since_epoch() + info.offset);
  std::string out = FormatWithOffset(local, info.offset);
  // An offset of zero in a named zone is written "+00:00"; "Z" means plain UTC.
  if (info.offset.count() == 0 && time_zone != "UTC" && time_zone != "Etc/UTC") {
    out.pop_back();
    out += "+00:00";
  }
  return out;
}

}  // namespace herald::base
