#include "core/analytics_report.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "base/time.h"
#include "core/best_time.h"

namespace herald::core {
namespace {

using std::chrono::seconds;

void Add(ReportTotals& totals, const ReportPost& post) {
  ++totals.posts;
  totals.engagement += EngagementOf(post.metrics);
  for (const auto& [name, value] : post.metrics) totals.metrics[name] += value;
}

std::optional<double> Percent(double previous, double current) {
  if (previous == 0) return std::nullopt;
  return std::round((current - previous) / previous * 1000) / 10;  // one decimal
}

date::local_days LocalDay(const date::time_zone* zone, base::Time t) {
  return date::floor<date::days>(zone->to_local(std::chrono::time_point_cast<seconds>(t)));
}

date::local_days WeekStart(date::local_days day) {
  unsigned iso = date::weekday(day).iso_encoding();  // 1 = Monday
  return day - date::days(iso - 1);
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

base::Result<AnalyticsReport> BuildAnalyticsReport(const std::vector<ReportPost>& current,
                                                   const std::vector<ReportPost>& previous,
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

  const bool by_time =
      options.group_by == ReportGroupBy::kDay || options.group_by == ReportGroupBy::kWeek;
  auto time_key = [&](base::Time t) {
    date::local_days day = LocalDay(zone, t);
    return options.group_by == ReportGroupBy::kWeek ? WeekStart(day) : day;
  };
  std::unordered_map<std::string, size_t> row_of;
  if (by_time) {
    // Every day (or week) of the range, so a chart shows quiet days as zero.
    const date::local_days last = time_key(options.to - base::Micros(1));
    const date::days step(options.group_by == ReportGroupBy::kWeek ? 7 : 1);
    for (date::local_days d = time_key(options.from); d <= last; d += step) {
      row_of.emplace(DayKey(d), report.rows.size());
      report.rows.push_back({.key = DayKey(d), .totals = {}});
    }
  }

  for (const ReportPost& post : current) {
    if (post.published_at < options.from || post.published_at >= options.to) continue;
    Add(report.totals, post);
    std::string key;
    switch (options.group_by) {
      case ReportGroupBy::kAccount: key = post.account_id; break;
      case ReportGroupBy::kPlatform: key = post.platform; break;
      case ReportGroupBy::kDay:
      case ReportGroupBy::kWeek: key = DayKey(time_key(post.published_at)); break;
    }
    auto [it, inserted] = row_of.emplace(key, report.rows.size());
    if (inserted) report.rows.push_back({.key = key, .totals = {}});
    Add(report.rows[it->second].totals, post);
    report.top_posts.push_back({.post = post, .engagement = EngagementOf(post.metrics)});
  }
  if (!by_time) {
    std::sort(report.rows.begin(), report.rows.end(), [](const ReportRow& a, const ReportRow& b) {
      if (a.totals.engagement != b.totals.engagement) {
        return a.totals.engagement > b.totals.engagement;
      }
      return a.key < b.key;
    });
  }
  auto by_engagement = [](const ReportTopPost& a, const ReportTopPost& b) {
    if (a.engagement != b.engagement) return a.engagement > b.engagement;
    if (a.post.published_at != b.post.published_at) {
      return a.post.published_at > b.post.published_at;
    }
    return a.post.target_id < b.post.target_id;
  };
  const size_t top = std::min(options.top_posts, report.top_posts.size());
  std::partial_sort(report.top_posts.begin(),
                    report.top_posts.begin() + static_cast<std::ptrdiff_t>(top),
                    report.top_posts.end(), by_engagement);
  report.top_posts.resize(top);

  for (const ReportPost& post : previous) {
    if (post.published_at < report.previous_from || post.published_at >= options.from) continue;
    Add(report.previous_totals, post);
  }
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

}  // namespace herald::core
