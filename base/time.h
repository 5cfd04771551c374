// Time parsing and formatting: RFC 3339 with offsets, and local times in IANA time zones.
//
// Stored times are UTC (Time, microseconds). A user may give "2026-03-29T09:00:00+02:00", or
// "2026-03-29T09:00:00" plus "Europe/Paris"; both mean the same instant. Time zone rules come
// from the system tz database through date-tz. All functions are thread-safe.
#ifndef HERALD_BASE_TIME_H_
#define HERALD_BASE_TIME_H_

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"

namespace herald::base {

// Parses an RFC 3339 date-time that carries an offset ("Z", "+02:00"); fractional seconds are
// kept to microseconds. 'T' may also be a space or a lowercase 't'. Errors: kInvalidArgument
// with a message that says what is wrong ("missing offset", "month 13 out of range", ...).
Result<Time> ParseRfc3339(std::string_view text);

// Parses the time a user gives for a post. With an offset, `text` is an instant and `time_zone`
// (if not empty) must still name a valid zone. Without an offset, `text` is a local wall time in
// `time_zone` (required then). A local time that does not exist (clocks jump forward) is an
// error that says so; an ambiguous one (clocks fall back) means the first occurrence.
Result<Time> ParseUserTime(std::string_view text, std::string_view time_zone);

// True if `name` is an IANA time zone known to the tz database ("Europe/Paris", "UTC").
bool IsValidTimeZone(std::string_view name);

// "2026-03-29T07:00:00Z"; fractional seconds only when not zero (then 6 digits).
std::string FormatRfc3339(Time t);

// The instant in `time_zone`, with its offset: "2026-03-29T09:00:00+02:00".
// Errors: kInvalidArgument for an unknown zone.
Result<std::string> FormatInTimeZone(Time t, std::string_view time_zone);

}  // namespace herald::base

#endif  // HERALD_BASE_TIME_H_
