// Best time to post: weekday × hour slots ranked from an account's own history. Pure functions,
// thread-safe; the analytics tools feed them rows read from the store.
//
// Each post's engagement is normalised to the account's usual level (the median over the
// history): engagement / impressions where the network reports impressions, raw engagement
// where it does not. A slot is ranked only with at least `min_posts_per_slot` posts; its score
// is the mean normalised engagement of its posts, shrunk towards the account's usual level (1.0)
// so a slot with few posts cannot look certain. With too little history the answer says so and
// carries the network's commonly cited defaults, marked source = kNetworkDefault.
#ifndef HERALD_CORE_BEST_TIME_H_
#define HERALD_CORE_BEST_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace herald::core {

// One published post of the account, with the engagement measured on it.
struct HistoryPost {
  base::Time published_at;
  double engagement = 0;  // likes + reposts + replies + quotes + saves + shares (as reported)
  std::optional<double> impressions{};  // absent when the network does not report them
};

enum class BestTimeConfidence { kNone, kLow, kOk, kHigh };
std::string_view BestTimeConfidenceName(BestTimeConfidence c);  // none | low | ok | high

enum class BestTimeSource { kHistory, kNetworkDefault };
std::string_view BestTimeSourceName(BestTimeSource s);  // history | network_default

// A weekday × hour slot in the answer's time zone.
struct BestTimeSlot {
  int weekday = 1;  // ISO: 1 = Monday ... 7 = Sunday
  int hour = 0;     // 0..23, local
  int posts = 0;    // history posts in the slot (0 for a network default)
  double score = 0; // mean engagement relative to the account's median (1.0 = usual), shrunk
};

struct BestTimeOptions {
  std::string time_zone = "UTC";  // IANA
  std::string platform{};         // for the network defaults
  int min_posts_per_slot = 3;
  int min_posts = 10;     // below this the history says nothing (confidence none)
  size_t max_slots = 10;  // slots returned, best first
};

struct BestTimeAnswer {
  BestTimeSource source = BestTimeSource::kNetworkDefault;
  BestTimeConfidence confidence = BestTimeConfidence::kNone;
  int based_on_posts = 0;
  std::string metric;     // "engagement_rate" (over impressions) | "engagement"
  std::string time_zone;  // the zone the slots are in
  std::vector<BestTimeSlot> slots;  // best first
  std::string explanation;          // one or two sentences a person can read
};

// The ranked slots of `history` in options.time_zone. Errors: kInvalidArgument for a time zone
// that does not exist (the message names the field `timezone`).
base::Result<BestTimeAnswer> BestTimeToPost(const std::vector<HistoryPost>& history,
                                            const BestTimeOptions& options);

// The commonly cited default slots of a network (industry studies across many accounts, not
// this account), local time, best first; a generic weekday-morning set for unknown networks.
std::vector<BestTimeSlot> NetworkDefaultSlots(std::string_view platform);

// Ok when `zone` is an IANA time zone; else kInvalidArgument naming the field `timezone`.
base::Result<void> CheckTimeZoneField(std::string_view zone);

// "Monday" ... "Sunday" for ISO weekday 1..7.
std::string_view WeekdayName(int iso_weekday);

}  // namespace herald::core

#endif  // HERALD_CORE_BEST_TIME_H_
