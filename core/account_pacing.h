// Per-account pacing: how fast herald lets one account post, so a burst of due posts (a runaway
// agent, a bulk schedule) is spread out instead of getting the account flagged as spam. Posts
// are never dropped: one that would break a rule waits for the first moment it would not.
// Counted: every post of the account herald knows was published (its own, and the history it
// imported), from the analytics posts. Pure; thread-safe.
#ifndef HERALD_CORE_ACCOUNT_PACING_H_
#define HERALD_CORE_ACCOUNT_PACING_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::core {

struct PacingRules {
  std::chrono::seconds min_spacing{0};  // between two posts of one account; 0 = none
  int max_per_hour = 0;                 // posts in any 60 minutes; 0 = no limit
  int max_per_day = 0;                  // posts in any 24 hours; 0 = no limit

  bool enabled() const { return min_spacing.count() > 0 || max_per_hour > 0 || max_per_day > 0; }
  // "spacing=2m,hour=15,day=100" (any subset; spacing in s, m or h), or "off".
  // Errors: kInvalidArgument naming the part and what was expected.
  static base::Result<PacingRules> Parse(std::string_view spec);
};

// An account's own pacing (set_account_pacing) is kept in its settings under this key:
// {"min_spacing_seconds"?, "max_per_hour"?, "max_per_day"?}, each part given overriding the
// server's, 0 meaning no limit. Kept across reconnections.
inline constexpr std::string_view kAccountPacingSetting = "pacing";

// Checks an account's pacing override (the object above; at least one part, integers within
// a day of spacing and 100,000 posts) and returns it with only the given parts.
// Errors: kInvalidArgument naming the field ("pacing.max_per_hour") and what was expected.
base::Result<base::Json> CheckPacingOverride(const base::Json& pacing);

// The rules for an account: `server` with the parts its settings' override gives replaced.
// A malformed stored override is ignored (the server's rules hold).
PacingRules EffectivePacing(const PacingRules& server, const base::Json& account_settings);

// {"min_spacing_seconds", "max_per_hour", "max_per_day"} of `rules` (0 = no limit).
base::Json PacingRulesJson(const PacingRules& rules);

// herald serve's default: two minutes apart, 15 an hour, 100 a day.
inline constexpr std::string_view kDefaultPacing = "spacing=2m,hour=15,day=100";

struct PacingWait {
  base::Time until;    // the first moment the next post may go out
  std::string reason;  // which rule holds it, e.g. "at most 15 posts an hour on this account"
};

// When the account's next post may go out at `now`, given when its recent posts were published
// (any order; older than a day are ignored): nullopt when it may go now.
std::optional<PacingWait> NextPacedSlot(const PacingRules& rules,
                                        const std::vector<base::Time>& published, base::Time now);

}  // namespace herald::core

#endif  // HERALD_CORE_ACCOUNT_PACING_H_
