// RetryAfter: how long a rate-limited (or overloaded) network asks herald to wait, read from the
// headers of its answer. One reading for every network, so a new one needs no parser of its own:
//
//  1. Retry-After (RFC 9110): delta seconds ("120") or an HTTP date ("Wed, 21 Oct 2015 07:28:00
//     GMT").
//  2. X-RateLimit-Reset-After (Discord): seconds from now, possibly fractional ("1.25").
//  3. The reset header of a rate-limit family <prefix>-Reset with its <prefix>-Remaining, for the
//     prefixes x-rate-limit (X), x-user-limit-24hour and x-app-limit-24hour (X's daily caps),
//     X-RateLimit (Mastodon, Discord) and RateLimit (Bluesky, the IETF draft). The value may be
//     epoch seconds ("1700000090", "1470173023.123"), an ISO 8601 time (Mastodon), or delta
//     seconds (a number below 10^9). A family whose Remaining is "0" is the one that ran out:
//     when some family says so, the longest of their waits wins; else the first family present.
//  4. X-Business-Use-Case-Usage / X-App-Usage (Meta): the largest
//     "estimated_time_to_regain_access" (minutes) found in the JSON.
//
// Every wait is at least 1 s (a reset time already past, or "0", means "retry soon", not
// "retry in a tight loop"). Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_KIT_RETRY_AFTER_H_
#define HERALD_PLATFORMS_KIT_RETRY_AFTER_H_

#include <chrono>
#include <optional>
#include <string_view>

#include "base/clock.h"
#include "platforms/http_client.h"

namespace herald::platforms {

// The wait `headers` ask for, as of `now`, per the order above; nullopt when none is usable.
std::optional<std::chrono::milliseconds> RetryAfter(const HttpHeaders& headers, base::Time now);

// An HTTP date (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"), or nullopt.
std::optional<base::Time> ParseHttpDate(std::string_view value);

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_RETRY_AFTER_H_
