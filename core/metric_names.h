// Metric names: the one place where what an adapter's FetchPostMetrics / FetchAccountMetrics /
// FetchHistory returns becomes herald's stored shape {"normalized": {...}, "raw": {...}}.
//
// Normalised names: likes, reposts, replies, quotes, views, impressions, clicks, saves, shares,
// followers. A metric the network does not report is absent, never zero. "raw" keeps each
// number under the network's own name (favourites_count, like_count, ...), plus whatever else
// the adapter returned (following, posts, reactions per emoji, ...) and its own "raw" object.
#ifndef HERALD_CORE_METRIC_NAMES_H_
#define HERALD_CORE_METRIC_NAMES_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "base/json.h"

namespace herald::core {

using base::Json;

inline constexpr std::array<std::string_view, 10> kNormalizedMetrics = {
    "likes",       "reposts", "replies", "quotes", "views",
    "impressions", "clicks",  "saves",   "shares", "followers"};

// The normalised metrics summed into "engagement" (a person interacting with the post). Clicks,
// views and impressions are reach, not engagement; followers belong to the account.
inline constexpr std::array<std::string_view, 6> kEngagementMetrics = {
    "likes", "reposts", "replies", "quotes", "saves", "shares"};

// The network's own name of a normalised metric on `platform` ("favourites_count" for Mastodon
// likes); the normalised name itself when herald has no better one.
std::string_view NetworkMetricName(std::string_view platform, std::string_view normalized);

// {"normalized": {...}, "raw": {...}} from an adapter's numbers. Non-numeric and negative
// values are dropped from "normalized" (kept in "raw").
Json NormalizeMetrics(std::string_view platform, const Json& adapter_metrics);

// The sum of kEngagementMetrics in a stored sample (its "normalized" part); 0 when none is
// reported.
int64_t EngagementOf(const Json& stored_metrics);

}  // namespace herald::core

#endif  // HERALD_CORE_METRIC_NAMES_H_
