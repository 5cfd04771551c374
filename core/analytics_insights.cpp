#include "core/analytics_insights.h"

#include <algorithm>
#include <set>

#include "base/time.h"
#include "charts/png_rasterizer.h"
#include "core/limits.h"
#include "core/platform_name.h"
#include "core/post_service_internal.h"
#include "core/report_chart.h"

namespace herald::core {
namespace {

Result<base::Time> ParseTimeField(std::string_view text, std::string_view field) {
  if (text.size() > limits::kMaxTimeTextLength) {
    return base::InvalidArgument(std::string(field) + ": longer than " +
                                 std::to_string(limits::kMaxTimeTextLength) + " characters");
  }
  auto t = base::ParseRfc3339(text);
  if (!t.ok()) {
    return base::InvalidArgument(std::string(field) + ": " + t.error().message() +
                                 " (expected RFC 3339 with an offset, e.g. "
                                 "2026-03-02T00:00:00+01:00)");
  }
  return *t;
}

std::vector<HistoryPost> ToHistory(const std::vector<ReportPost>& posts) {
  std::vector<HistoryPost> history;
  history.reserve(posts.size());
  for (const ReportPost& p : posts) {
    HistoryPost h{.published_at = p.published_at, .engagement = EngagementOf(p.metrics)};
    if (auto it = p.metrics.find("impressions"); it != p.metrics.end()) {
      h.impressions = it->second;
    }
    history.push_back(h);
  }
  return history;
}

}  // namespace

AnalyticsInsights::AnalyticsInsights(store::Store& store, MeasuredPostSource& posts,
                                     const platforms::PlatformRegistry& platforms,
                                     const base::Clock& clock, base::asio::thread_pool& blocking,
                                     AnalyticsInsightsOptions options)
    : store_(store),
      posts_(posts),
      platforms_(platforms),
      clock_(clock),
      blocking_(blocking),
      options_(options) {}

Result<store::Account> AnalyticsInsights::FindAccount(const base::Caller& caller,
                                                      const std::string& id,
                                                      std::string_view field) {
  store::Account account;
  auto read = store_.Read([&](store::Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(account, tx.GetAccount(caller.org_id, id));
    return base::Ok();
  });
  if (!read.ok()) {
    if (read.error().code() == base::ErrorCode::kNotFound) {
      return base::NotFound(std::string(field) + ": no account '" + id.substr(0, 64) +
                            "' in this organization (list_accounts shows the ids)");
    }
    return read.error();
  }
  return account;
}

Result<BestTimeAnswer> AnalyticsInsights::Rank(const store::Account& account,
                                               const std::string& time_zone) {
  const base::Time now = clock_.Now();
  HERALD_ASSIGN_OR_RETURN(
      std::vector<ReportPost> posts,
      posts_.MeasuredPosts({.org_id = account.org_id,
                            .account_ids = {account.id},
                            .from = now - options_.best_time_history,
                            .to = now,
                            .limit = options_.best_time_max_posts}));
  return BestTimeToPost(ToHistory(posts),
                        {.time_zone = time_zone, .platform = account.platform});
}

Result<BestTimeResult> AnalyticsInsights::BestTimeSync(const base::Caller& caller,
                                                       const std::string& account_id,
                                                       const std::string& time_zone) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kViewer));
  const std::string zone = time_zone.empty() ? "UTC" : time_zone;
  HERALD_RETURN_IF_ERROR(CheckTimeZoneField(zone));
  HERALD_ASSIGN_OR_RETURN(store::Account account, FindAccount(caller, account_id, "account_id"));
  HERALD_ASSIGN_OR_RETURN(BestTimeAnswer answer, Rank(account, zone));
  BestTimeResult result{.account = std::move(account), .answer = std::move(answer), .next_at = {}};
  const base::Time now = clock_.Now();
  for (const BestTimeSlot& slot : result.answer.slots) {
    BestTimeAnswer one = result.answer;
    one.slots = {slot};
    auto next = PickBestFreeSlot(one, {.not_before = now, .not_after = now + std::chrono::days(8)});
    result.next_at.push_back(next.ok() ? next->at : now);
  }
  return result;
}

Task<Result<BestTimeResult>> AnalyticsInsights::BestTime(base::Caller caller,
                                                         std::string account_id,
                                                         std::string time_zone) {
  co_return co_await base::RunBlocking(
      blocking_, [&] { return BestTimeSync(caller, account_id, time_zone); });
}

Result<ReportResult> AnalyticsInsights::ReportSync(const base::Caller& caller,
                                                   const ReportRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kViewer));
  HERALD_ASSIGN_OR_RETURN(base::Time from, ParseTimeField(request.from, "from"));
  HERALD_ASSIGN_OR_RETURN(base::Time to, ParseTimeField(request.to, "to"));
  const std::string zone = request.time_zone.empty() ? "UTC" : request.time_zone;
  HERALD_RETURN_IF_ERROR(ValidateReportRange(from, to, zone));
  HERALD_ASSIGN_OR_RETURN(ReportGroupBy group_by, ParseReportGroupBy(request.group_by));
  if (request.chart_format != "png" && request.chart_format != "svg") {
    return base::InvalidArgument("chart_format: '" + request.chart_format.substr(0, 16) +
                                 "' is not one of png, svg");
  }
  if (request.accounts.size() > static_cast<size_t>(limits::kMaxAccountsPerPost)) {
    return base::InvalidArgument("accounts: at most " +
                                 std::to_string(limits::kMaxAccountsPerPost) + " accounts");
  }

  ReportResult result;
  std::vector<store::Account> accounts;
  auto read = store_.Read([&](store::Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(accounts, tx.ListAccounts(caller.org_id));
    return base::Ok();
  });
  if (!read.ok()) return read.error();
  std::set<std::string> known;
  for (const store::Account& a : accounts) {
    known.insert(a.id);
    result.labels[a.id] = a.handle.empty() ? a.id : a.handle;
    result.labels[a.platform] = PlatformName(platforms_, a.platform);
  }
  std::set<std::string> seen;
  for (const std::string& id : request.accounts) {
    if (!known.contains(id)) {
      return base::NotFound("accounts: no account '" + id.substr(0, 64) +
                            "' in this organization (list_accounts shows the ids)");
    }
    if (!seen.insert(id).second) {
      return base::InvalidArgument("accounts: '" + id.substr(0, 64) + "' is listed twice");
    }
  }

  HERALD_ASSIGN_OR_RETURN(result.report, posts_.Report(caller.org_id, request.accounts,
                                                       {.from = from,
                                                        .to = to,
                                                        .group_by = group_by,
                                                        .time_zone = zone,
                                                        .top_posts = request.top_posts}));
  if (request.chart) {
    charts::ChartSpec spec = ReportChartSpec(result.report, result.labels);
    ReportChart chart{.format = request.chart_format,
                      .mime_type = "image/svg+xml",
                      .width = spec.width,
                      .height = spec.height,
                      .title = spec.title,
                      .data = RenderReportChart(result.report, result.labels)};
    if (request.chart_format == "png") {
      HERALD_ASSIGN_OR_RETURN(charts::Png png, charts::RasterizeSvg(chart.data));
      chart.mime_type = "image/png";
      chart.width = png.width;
      chart.height = png.height;
      chart.data = std::move(png.bytes);
    }
    result.chart = std::move(chart);
  }
  return result;
}

Task<Result<ReportResult>> AnalyticsInsights::Report(base::Caller caller,
                                                     ReportRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return ReportSync(caller, request); });
}

Result<BestSlotResult> AnalyticsInsights::PickSlotSync(const base::Caller& caller,
                                                       const BestSlotRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kViewer));
  if (request.accounts.empty()) {
    return base::InvalidArgument("accounts: at least one account is needed to pick the best time");
  }
  const std::string zone = request.time_zone.empty() ? "UTC" : request.time_zone;
  HERALD_RETURN_IF_ERROR(CheckTimeZoneField(zone));
  const base::Time now = clock_.Now();
  base::Time from = now + options_.best_lead;
  if (!request.window_from.empty()) {
    HERALD_ASSIGN_OR_RETURN(base::Time t, ParseTimeField(request.window_from, "best_window.from"));
    from = std::max(from, t);
  }
  base::Time to = from + options_.default_best_window;
  if (!request.window_to.empty()) {
    HERALD_ASSIGN_OR_RETURN(to, ParseTimeField(request.window_to, "best_window.to"));
    if (to <= from) {
      return base::InvalidArgument("best_window.to: " + base::FormatRfc3339(to) +
                                   " is not after the window's start " +
                                   base::FormatRfc3339(from) + " (and it must be in the future)");
    }
    if (to - from > std::chrono::days(366)) {
      return base::InvalidArgument("best_window: longer than a year");
    }
  }
  HERALD_ASSIGN_OR_RETURN(store::Account account,
                          FindAccount(caller, request.accounts.front(), "accounts"));
  HERALD_ASSIGN_OR_RETURN(BestTimeAnswer ranking, Rank(account, zone));

  // The scheduled posts of every account of the new post, within the window (plus spacing).
  SlotWindow window{.not_before = from, .not_after = to, .taken = {},
                    .spacing = options_.best_spacing};
  auto read = store_.Read([&](store::Tx& tx) -> Result<void> {
    for (const std::string& id : request.accounts) {
      store::PostQuery q{.org_id = caller.org_id,
                         .status = store::PostStatus::kScheduled,
                         .account_id = id,
                         .from = from - options_.best_spacing,
                         .to = to + options_.best_spacing,
                         .limit = 200,
                         .after_id = {}};
      while (true) {
        HERALD_ASSIGN_OR_RETURN(std::vector<store::Post> page, tx.ListPosts(q));
        for (const store::Post& p : page) {
          if (p.publish_at) window.taken.push_back(*p.publish_at);
        }
        if (page.size() < static_cast<size_t>(q.limit)) break;
        q.after_id = page.back().id;
      }
    }
    return base::Ok();
  });
  if (!read.ok()) return read.error();
  HERALD_ASSIGN_OR_RETURN(PickedSlot picked, PickBestFreeSlot(ranking, window));
  return BestSlotResult{.account_id = account.id,
                        .time_zone = zone,
                        .ranking = std::move(ranking),
                        .picked = std::move(picked)};
}

Task<Result<BestSlotResult>> AnalyticsInsights::PickSlot(base::Caller caller,
                                                         BestSlotRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return PickSlotSync(caller, request); });
}

}  // namespace herald::core
