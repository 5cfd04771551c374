#include "core/best_time.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <utility>

#include "base/time.h"

namespace herald::core {
namespace {

// How many "usual" posts a slot's mean is blended with: a slot of 3 posts moves half-way
// from 1.0 towards its own mean, a slot of 30 almost all the way.
constexpr double kShrinkPosts = 3;

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

std::pair<int, int> LocalSlot(const date::time_zone* zone, base::Time t) {
  auto local = zone->to_local(std::chrono::time_point_cast<std::chrono::seconds>(t));
  auto day = date::floor<date::days>(local);
  int weekday = static_cast<int>(date::weekday(day).iso_encoding());
  int hour = static_cast<int>(date::floor<std::chrono::hours>(local - day).count());
  return {weekday, hour};
}

std::string SlotText(const BestTimeSlot& s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, " %02d:00", s.hour);
  return std::string(WeekdayName(s.weekday)) + buf;
}

BestTimeAnswer Defaults(BestTimeAnswer answer, const BestTimeOptions& options,
                        const std::string& why) {
  answer.source = BestTimeSource::kNetworkDefault;
  answer.confidence = BestTimeConfidence::kNone;
  answer.slots = NetworkDefaultSlots(options.platform);
  if (answer.slots.size() > options.max_slots) answer.slots.resize(options.max_slots);
  answer.explanation = why +
                       " These slots are the times commonly cited for this network across many "
                       "accounts, not measured on this one.";
  return answer;
}

}  // namespace

std::string_view BestTimeConfidenceName(BestTimeConfidence c) {
  switch (c) {
    case BestTimeConfidence::kNone: return "none";
    case BestTimeConfidence::kLow: return "low";
    case BestTimeConfidence::kOk: return "ok";
    case BestTimeConfidence::kHigh: return "high";
  }
  return "none";
}

std::string_view BestTimeSourceName(BestTimeSource s) {
  return s == BestTimeSource::kHistory ? "history" : "network_default";
}

base::Result<void> CheckTimeZoneField(std::string_view zone) {
  if (base::IsValidTimeZone(zone)) return base::Ok();
  return base::InvalidArgument("timezone: '" + std::string(zone.substr(0, 64)) +
                               "' is not a known IANA time zone (e.g. 'Europe/Paris', 'UTC')");
}

std::string_view WeekdayName(int iso_weekday) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  return iso_weekday >= 1 && iso_weekday <= 7 ? kNames[static_cast<size_t>(iso_weekday - 1)]
                                              : "?";
}

std::vector<BestTimeSlot> NetworkDefaultSlots(std::string_view platform) {
  // Local times most often cited by the large cross-customer studies (Buffer, Sprout Social,
  // Hootsuite): weekday mornings for text networks and LinkedIn, late morning to midday for
  // Meta's networks, afternoons and evenings for video. A starting point, nothing more.
  using S = BestTimeSlot;
  if (platform == "linkedin") return {S{2, 10}, S{3, 10}, S{4, 9}, S{3, 12}, S{2, 8}};
  if (platform == "facebook" || platform == "instagram" || platform == "threads") {
    return {S{2, 11}, S{3, 11}, S{4, 12}, S{5, 10}, S{3, 9}};
  }
  if (platform == "tiktok" || platform == "youtube") {
    return {S{4, 17}, S{5, 16}, S{2, 18}, S{6, 11}, S{3, 17}};
  }
  if (platform == "x" || platform == "bluesky" || platform == "mastodon") {
    return {S{2, 9}, S{3, 9}, S{4, 9}, S{3, 12}, S{5, 9}};
  }
  return {S{2, 10}, S{3, 10}, S{4, 10}, S{3, 13}, S{5, 10}};
}

base::Result<BestTimeAnswer> BestTimeToPost(const std::vector<HistoryPost>& history,
                                            const BestTimeOptions& options) {
  HERALD_RETURN_IF_ERROR(CheckTimeZoneField(options.time_zone));
  const date::time_zone* zone = date::locate_zone(options.time_zone);
  BestTimeAnswer answer;
  answer.time_zone = options.time_zone;

  // Engagement over impressions when most posts report impressions; raw engagement otherwise
  // (then every post counts). A post without impressions in rate mode is left out.
  size_t with_impressions = 0;
  for (const HistoryPost& p : history) {
    if (p.impressions && *p.impressions > 0) ++with_impressions;
  }
  const bool rate = with_impressions * 2 > history.size();
  answer.metric = rate ? "engagement_rate" : "engagement";
  std::vector<std::pair<const HistoryPost*, double>> scored;
  for (const HistoryPost& p : history) {
    if (!std::isfinite(p.engagement) || p.engagement < 0) continue;
    if (rate) {
      if (!p.impressions || *p.impressions <= 0) continue;
      scored.emplace_back(&p, p.engagement / *p.impressions);
    } else {
      scored.emplace_back(&p, p.engagement);
    }
  }
  answer.based_on_posts = static_cast<int>(scored.size());
  if (answer.based_on_posts < options.min_posts) {
    return Defaults(std::move(answer), options,
                    "Only " + std::to_string(answer.based_on_posts) +
                        " posts with engagement in this account's history; at least " +
                        std::to_string(options.min_posts) + " are needed to rank times.");
  }

  std::vector<double> values;
  for (const auto& s : scored) values.push_back(s.second);
  double usual = Median(values);
  if (usual <= 0) usual = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  if (usual <= 0) {
    return Defaults(std::move(answer), options,
                    "None of the " + std::to_string(answer.based_on_posts) +
                        " posts in this account's history has any engagement yet.");
  }

  struct Acc {
    int posts = 0;
    double sum = 0;
  };
  std::map<std::pair<int, int>, Acc> slots;
  for (const auto& [post, value] : scored) {
    Acc& acc = slots[LocalSlot(zone, post->published_at)];
    ++acc.posts;
    acc.sum += value / usual;
  }
  std::vector<BestTimeSlot> ranked;
  for (const auto& [key, acc] : slots) {
    if (acc.posts < options.min_posts_per_slot) continue;
    ranked.push_back({.weekday = key.first,
                      .hour = key.second,
                      .posts = acc.posts,
                      .score = (acc.sum + kShrinkPosts) / (acc.posts + kShrinkPosts)});
  }
  if (ranked.empty()) {
    return Defaults(std::move(answer), options,
                    "The " + std::to_string(answer.based_on_posts) +
                        " posts are spread too thinly: no weekday-and-hour slot has " +
                        std::to_string(options.min_posts_per_slot) + " posts yet.");
  }
  std::sort(ranked.begin(), ranked.end(), [](const BestTimeSlot& a, const BestTimeSlot& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.posts != b.posts) return a.posts > b.posts;
    return std::pair(a.weekday, a.hour) < std::pair(b.weekday, b.hour);
  });
  for (BestTimeSlot& s : ranked) s.score = std::round(s.score * 1000) / 1000;
  if (ranked.size() > options.max_slots) ranked.resize(options.max_slots);

  answer.source = BestTimeSource::kHistory;
  const int n = answer.based_on_posts;
  if (n < 30 || ranked.size() < 3) {
    answer.confidence = BestTimeConfidence::kLow;
  } else if (n < 100 || ranked.front().posts < 6) {
    answer.confidence = BestTimeConfidence::kOk;
  } else {
    answer.confidence = BestTimeConfidence::kHigh;
  }
  answer.slots = std::move(ranked);
  const BestTimeSlot& best = answer.slots.front();
  char lift[32];
  std::snprintf(lift, sizeof lift, "%.1f", best.score);
  answer.explanation = SlotText(best) + " (" + options.time_zone + ") is best: its " +
                       std::to_string(best.posts) + " posts drew " + lift + "× this account's " +
                       "median " + (rate ? "engagement rate" : "engagement") + ", from " +
                       std::to_string(n) + " posts in the history.";
  return answer;
}

}  // namespace herald::core
