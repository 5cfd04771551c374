#include "core/analytics_report.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "base/time.h"
#include "core/best_time.h"

namespace herald::core {
namespace {

using std::chrono::seconds;

// Running sums of a group of posts.
struct Sum {
  int posts = 0;
  MetricValues metrics;
  void Add(const MetricValues& m) {
    ++posts;
    metrics.Add(m);
  }
  ReportTotals Totals() const {
    return {.posts = posts, .engagement = metrics.Engagement(), .metrics = metrics.ToMap()};
  }
};

constexpr int64_t kDayMicros = int64_t{86400} * 1000 * 1000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The UTC offsets of `zone` over [from, to): each span's offset holds until `until_us`.
struct OffsetSpan {
  int64_t until_us;
  int64_t offset_us;
};
std::vector<OffsetSpan> OffsetSpans(const date::time_zone* zone, base::Time from, base::Time to) {
  std::vector<OffsetSpan> spans;
  const auto end = std::chrono::time_point_cast<seconds>(to);
  auto t = std::chrono::floor<seconds>(from);
  while (true) {
    date::sys_info info = zone->get_info(t);
    const int64_t offset_us = std::chrono::duration_cast<base::Micros>(info.offset).count();
    if (info.end >= end) {
      spans.push_back({std::numeric_limits<int64_t>::max(), offset_us});
      return spans;
    }
    spans.push_back({base::ToUnixMicros(info.end), offset_us});
    t = info.end;
  }
}

// A top post candidate, ordered best first: engagement, then newer, then remote id.
struct Candidate {
  double engagement;
  const FactTable::Fact* fact;
};
bool Better(const Candidate& a, const Candidate& b) {
  if (a.engagement != b.engagement) return a.engagement > b.engagement;
  if (a.fact->published_us != b.fact->published_us) {
    return a.fact->published_us > b.fact->published_us;
  }
  return *a.fact->remote_id < *b.fact->remote_id;
}

std::optional<double> Percent(double previous, double current) {
  if (previous == 0) return std::nullopt;
  return std::round((current - previous) / previous * 1000) / 10;  // one decimal
}

date::local_days LocalDay(const date::time_zone* zone, base::Time t) {
  return date::floor<date::days>(zone->to_local(std::chrono::time_point_cast<seconds>(t)));
}

std::string DayKey(date::local_days day) { return date::format("%F", day); }

}  // namespace

std::string_view ReportGroupByName(ReportGroupBy g) {
  switch (g) {
    case ReportGroupBy::kAccount: return "account";
    case ReportGroupBy::kPlatform: return "platform";
    case ReportGroupBy::kDay: return "day";
    case ReportGroupBy::kWeek: return "week";
  }
  return "account";
}

base::Result<ReportGroupBy> ParseReportGroupBy(std::string_view name) {
  for (ReportGroupBy g : {ReportGroupBy::kAccount, ReportGroupBy::kPlatform, ReportGroupBy::kDay,
                          ReportGroupBy::kWeek}) {
    if (name == ReportGroupByName(g)) return g;
  }
  return base::InvalidArgument("group_by: '" + std::string(name.substr(0, 32)) +
                               "' is not one of account, platform, day, week");
}

double EngagementOf(const std::map<std::string, double>& metrics) {
  double sum = 0;
  for (std::string_view name : kEngagementMetrics) {
    if (auto it = metrics.find(std::string(name)); it != metrics.end()) sum += it->second;
  }
  return sum;
}

base::Time PreviousPeriodStart(base::Time from, base::Time to) { return from - (to - from); }

base::Result<void> ValidateReportRange(base::Time from, base::Time to,
                                       std::string_view time_zone) {
  if (from >= to) {
    return base::InvalidArgument("from: " + base::FormatRfc3339(from) +
                                 " is not before to: " + base::FormatRfc3339(to));
  }
  if (to - from > kMaxReportRange) {
    return base::InvalidArgument("to: the range from " + base::FormatRfc3339(from) + " to " +
                                 base::FormatRfc3339(to) + " is longer than 2 years; split it");
  }
  return CheckTimeZoneField(time_zone);
}

base::Result<AnalyticsReport> AggregateAnalyticsReport(const FactTable& table,
                                                       const std::vector<std::string>& account_ids,
                                                       const ReportOptions& options) {
  if (auto ok = ValidateReportRange(options.from, options.to, options.time_zone); !ok.ok()) {
    return ok.error();
  }
  const date::time_zone* zone = date::locate_zone(options.time_zone);
  AnalyticsReport report;
  report.from = options.from;
  report.to = options.to;
  report.previous_from = PreviousPeriodStart(options.from, options.to);
  report.group_by = options.group_by;
  report.time_zone = options.time_zone;

  // Which accounts count: all, or those named (a named account without posts adds nothing).
  std::vector<char> counted(table.account_count(), account_ids.empty() ? 1 : 0);
  for (const std::string& id : account_ids) {
    if (auto index = table.AccountIndex(id)) counted[*index] = 1;
  }

  const bool by_time =
      options.group_by == ReportGroupBy::kDay || options.group_by == ReportGroupBy::kWeek;
  const bool weekly = options.group_by == ReportGroupBy::kWeek;
  // Days count from 1970-01-01 (a Thursday) in local time; a week starts on its Monday.
  auto bucket_of_day = [&](int64_t day) {
    return weekly ? day - (day + 3 - FloorDiv(day + 3, 7) * 7) : day;
  };
  std::vector<OffsetSpan> spans;
  int64_t first_bucket = 0;
  std::vector<Sum> groups;
  if (by_time) {
    spans = OffsetSpans(zone, options.from, options.to);
    const int64_t step = weekly ? 7 : 1;
    first_bucket = bucket_of_day(LocalDay(zone, options.from).time_since_epoch().count());
    const int64_t last_bucket =
        bucket_of_day(LocalDay(zone, options.to - base::Micros(1)).time_since_epoch().count());
    groups.resize(static_cast<size_t>((last_bucket - first_bucket) / step + 1));
  } else {
    groups.resize(options.group_by == ReportGroupBy::kAccount ? table.account_count()
                                                              : table.platform_count());
  }

  Sum total;
  std::vector<Candidate> top;  // a heap, worst candidate first
  size_t span = 0;
  table.ForRange(options.from, options.to, [&](const FactTable::Fact& fact) {
    if (!counted[fact.account]) return;
    total.Add(fact.metrics);
    size_t group = 0;
    switch (options.group_by) {
      case ReportGroupBy::kAccount:
        group = fact.account;
        break;
      case ReportGroupBy::kPlatform:
        group = fact.platform;
        break;
      case ReportGroupBy::kDay:
      case ReportGroupBy::kWeek: {
        while (fact.published_us >= spans[span].until_us) ++span;
        const int64_t day = FloorDiv(fact.published_us + spans[span].offset_us, kDayMicros);
        group = static_cast<size_t>((bucket_of_day(day) - first_bucket) / (weekly ? 7 : 1));
        break;
      }
    }
    if (group < groups.size()) groups[group].Add(fact.metrics);
    if (options.top_posts == 0) return;
    Candidate c{.engagement = fact.metrics.Engagement(), .fact = &fact};
    if (top.size() < options.top_posts) {
      top.push_back(c);
      std::push_heap(top.begin(), top.end(), Better);
    } else if (Better(c, top.front())) {
      std::pop_heap(top.begin(), top.end(), Better);
      top.back() = c;
      std::push_heap(top.begin(), top.end(), Better);
    }
  });
  report.totals = total.Totals();

  for (size_t i = 0; i < groups.size(); ++i) {
    std::string key;
    if (by_time) {
      const int64_t bucket = first_bucket + static_cast<int64_t>(i) * (weekly ? 7 : 1);
      key = DayKey(date::local_days(date::days(bucket)));
    } else if (groups[i].posts == 0) {
      continue;  // only accounts and platforms with posts in the range
    } else {
      key = options.group_by == ReportGroupBy::kAccount ? table.account_id(uint32_t(i))
                                                        : table.platform_id(uint32_t(i));
    }
    report.rows.push_back({.key = std::move(key), .totals = groups[i].Totals()});
  }
  if (!by_time) {
    std::sort(report.rows.begin(), report.rows.end(), [](const ReportRow& a, const ReportRow& b) {
      if (a.totals.engagement != b.totals.engagement) {
        return a.totals.engagement > b.totals.engagement;
      }
      return a.key < b.key;
    });
  }

  std::sort_heap(top.begin(), top.end(), Better);  // best first
  for (const Candidate& c : top) {
    const FactTable::Fact& f = *c.fact;
    report.top_posts.push_back({.post = {.post_id = "",
                                         .target_id = "",
                                         .account_id = table.account_id(f.account),
                                         .platform = table.platform_id(f.platform),
                                         .url = "",
                                         .published_at = base::FromUnixMicros(f.published_us),
                                         .metrics = f.metrics.ToMap(),
                                         .text = "",
                                         .remote_id = *f.remote_id},
                                .engagement = c.engagement});
  }

  Sum previous;
  table.ForRange(report.previous_from, options.from, [&](const FactTable::Fact& fact) {
    if (counted[fact.account]) previous.Add(fact.metrics);
  });
  report.previous_totals = previous.Totals();
  report.change.posts_pct = Percent(report.previous_totals.posts, report.totals.posts);
  report.change.engagement_pct =
      Percent(report.previous_totals.engagement, report.totals.engagement);
  for (const auto& [name, value] : report.totals.metrics) {
    auto it = report.previous_totals.metrics.find(name);
    if (it == report.previous_totals.metrics.end()) continue;
    if (auto pct = Percent(it->second, value)) report.change.metrics_pct[name] = *pct;
  }
  return report;
}

base::Result<AnalyticsReport> BuildAnalyticsReport(const std::vector<ReportPost>& current,
                                                   const std::vector<ReportPost>& previous,
                                                   const ReportOptions& options) {
  // Each post keyed by its target id (unique), so the top posts can be found again.
  FactTable table;
  std::unordered_map<std::string, const ReportPost*> by_key;
  auto add = [&](const ReportPost& post, base::Time from, base::Time to) {
    if (post.published_at < from || post.published_at >= to) return;
    const std::string key = post.target_id.empty() ? "remote:" + post.remote_id : post.target_id;
    table.Upsert(post.account_id, key, post.platform, post.published_at,
                 MetricValues::FromMap(post.metrics));
    by_key[post.account_id + '\n' + key] = &post;
  };
  for (const ReportPost& post : current) add(post, options.from, options.to);
  for (const ReportPost& post : previous) {
    add(post, PreviousPeriodStart(options.from, options.to), options.from);
  }
  table.Seal();
  HERALD_ASSIGN_OR_RETURN(AnalyticsReport report, AggregateAnalyticsReport(table, {}, options));
  for (ReportTopPost& top : report.top_posts) {
    auto it = by_key.find(top.post.account_id + '\n' + top.post.remote_id);
    if (it != by_key.end()) top.post = *it->second;
  }
  return report;
}

}  // namespace herald::core
