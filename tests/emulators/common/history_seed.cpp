#include "tests/emulators/common/history_seed.h"

#include <algorithm>

#include "base/time.h"

namespace herald::emulators {
namespace {

constexpr auto kHour = std::chrono::hours(1);
constexpr auto kDay = std::chrono::hours(24);
const char* const kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// ISO weekday (1 = Monday) and hour of a UTC time.
std::pair<int, int> WeekdayHour(base::Time t) {
  const int64_t hours = std::chrono::floor<std::chrono::hours>(t.time_since_epoch()).count();
  const int64_t days = hours >= 0 ? hours / 24 : (hours - 23) / 24;
  const int hour = static_cast<int>(hours - days * 24);
  // 1970-01-01 was a Thursday (ISO 4).
  const int weekday = static_cast<int>(((days % 7) + 7 + 3) % 7) + 1;
  return {weekday, hour};
}

base::Result<int64_t> Count(const Json& j, const char* key, int64_t fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < 0) {
    return base::InvalidArgument(std::string(key) + " must be a non-negative integer");
  }
  return it->get<int64_t>();
}

}  // namespace

base::Result<std::vector<SeedPost>> PlanHistorySeed(const Json& body, base::Time now) {
  if (!body.is_object()) return base::InvalidArgument("the seed must be a JSON object");
  HERALD_ASSIGN_OR_RETURN(int64_t count, Count(body, "count", 0));
  HERALD_ASSIGN_OR_RETURN(int64_t days, Count(body, "days", 28));
  if (count > 1000) return base::InvalidArgument("count: at most 1000 posts per seed");
  if (days < 1 || days > 400) return base::InvalidArgument("days: 1 to 400");
  std::vector<int> hours = {9, 14, 19};
  if (auto it = body.find("hours"); it != body.end()) {
    if (!it->is_array() || it->empty()) return base::InvalidArgument("hours: a list of 0..23");
    hours.clear();
    for (const Json& h : *it) {
      if (!h.is_number_integer() || h.get<int>() < 0 || h.get<int>() > 23) {
        return base::InvalidArgument("hours: a list of 0..23");
      }
      hours.push_back(h.get<int>());
    }
    std::sort(hours.rbegin(), hours.rend());
  }
  Json base_metrics{{"likes", 2}, {"reposts", 1}, {"replies", 1}, {"quotes", 0}};
  if (auto it = body.find("base"); it != body.end()) {
    if (!it->is_object()) return base::InvalidArgument("base: an object of counts");
    base_metrics.merge_patch(*it);
  }
  int peak_weekday = 0;
  int peak_hour = -1;
  int64_t factor = 1;
  if (auto it = body.find("peak"); it != body.end()) {
    if (!it->is_object()) return base::InvalidArgument("peak: {weekday, hour, factor}");
    HERALD_ASSIGN_OR_RETURN(int64_t w, Count(*it, "weekday", 0));
    HERALD_ASSIGN_OR_RETURN(int64_t h, Count(*it, "hour", 0));
    HERALD_ASSIGN_OR_RETURN(factor, Count(*it, "factor", 10));
    if (w < 1 || w > 7) return base::InvalidArgument("peak.weekday: 1 (Monday) to 7 (Sunday)");
    if (h > 23) return base::InvalidArgument("peak.hour: 0 to 23");
    peak_weekday = static_cast<int>(w);
    peak_hour = static_cast<int>(h);
  }

  std::vector<SeedPost> out;
  const base::Time today = std::chrono::floor<std::chrono::days>(now);
  for (int64_t d = 0; d < days && static_cast<int64_t>(out.size()) < count; ++d) {
    for (int h : hours) {
      if (static_cast<int64_t>(out.size()) >= count) break;
      const base::Time at = today - d * kDay + h * kHour;
      if (at >= now) continue;
      auto [weekday, hour] = WeekdayHour(at);
      SeedPost p;
      p.created_at = at;
      p.text = "history post " + std::to_string(out.size() + 1) + " (" + kWeekdays[weekday - 1] +
               " " + std::to_string(hour) + "h UTC)";
      p.metrics = Json::object();
      const bool peak = weekday == peak_weekday && hour == peak_hour;
      for (auto it = base_metrics.begin(); it != base_metrics.end(); ++it) {
        if (!it->is_number_integer()) continue;
        p.metrics[it.key()] = it->get<int64_t>() * (peak ? factor : 1);
      }
      out.push_back(std::move(p));
    }
  }
  if (auto it = body.find("posts"); it != body.end()) {
    if (!it->is_array()) return base::InvalidArgument("posts: a list of posts");
    for (const Json& j : *it) {
      if (!j.is_object()) return base::InvalidArgument("posts: each post is an object");
      auto at = base::ParseRfc3339(base::GetString(j, "created_at"));
      if (!at.ok()) return base::InvalidArgument("posts[].created_at: an RFC 3339 time");
      SeedPost p;
      p.created_at = *at;
      p.text = base::GetString(j, "text", "history post");
      for (const char* k : {"likes", "reposts", "replies", "quotes"}) {
        HERALD_ASSIGN_OR_RETURN(int64_t v, Count(j, k, 0));
        p.metrics[k] = v;
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::vector<CreatedPost> AuthorPosts(const PostLedger& ledger, const std::string& account) {
  std::vector<CreatedPost> out;
  for (CreatedPost& p : ledger.List()) {
    if (p.account == account && !p.deleted) out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const CreatedPost& a, const CreatedPost& b) {
    if (a.created_at != b.created_at) return a.created_at > b.created_at;
    return a.seq > b.seq;
  });
  return out;
}

}  // namespace herald::emulators
