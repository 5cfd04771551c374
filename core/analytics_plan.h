// The analytics collection plan: when a published target or a connected account is measured.
//
// A target is measured at about +1 h, +24 h, +7 d after publishing, then weekly up to 90 days;
// an account daily (its first measurement, right after it enters the plan, also imports its
// history). Each time is pushed later by a stable per-entry offset (at most `spread`) so that a
// burst of posts is not measured in one burst. Pure functions plus PlanPublishedTarget, which
// the publish worker calls in the transaction that records a target published.
#ifndef HERALD_CORE_ANALYTICS_PLAN_H_
#define HERALD_CORE_ANALYTICS_PLAN_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace herald::core {

inline constexpr std::chrono::hours kAnalyticsHorizon{24 * 90};  // targets: measured 90 days
inline constexpr std::chrono::hours kAccountEvery{24};           // accounts: daily
inline constexpr size_t kTextExcerptChars = 280;                 // bytes of text kept

// When the target published at `published_at` is measured for the (stage+1)-th time (stage =
// measurements made so far): +1 h, +24 h, +7 d, +14 d, ... +84 d, +90 d; nullopt after that.
// `key` (the target id) picks the offset in [0, spread).
std::optional<base::Time> NextTargetMeasurement(base::Time published_at, int stage,
                                                std::string_view key, std::chrono::minutes spread);

// A stable offset in [0, spread) for `key` (FNV-1a of the key).
std::chrono::seconds SpreadOffset(std::string_view key, std::chrono::minutes spread);

// At most kTextExcerptChars bytes of `text`, cut at a UTF-8 character boundary.
std::string TextExcerpt(std::string_view text);

// The analytics row of a published target (no metrics yet, no text excerpt).
store::AnalyticsPost AnalyticsRowOf(const store::PostTarget& target);

// Records a target just published: its analytics_posts row (with `text`) and, when
// `measurable` (the network reports post metrics), its first collection-plan entry.
base::Result<void> PlanPublishedTarget(store::Tx& tx, const store::PostTarget& target,
                                       std::string_view text, bool measurable,
                                       std::chrono::minutes spread = std::chrono::minutes(10));

}  // namespace herald::core

#endif  // HERALD_CORE_ANALYTICS_PLAN_H_
