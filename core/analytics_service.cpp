#include "core/analytics_service.h"

#include <map>
#include <utility>
#include <vector>

#include "base/time.h"
#include "core/audit.h"
#include "core/metric_names.h"

namespace herald::core {

using base::Time;

namespace {

constexpr auto kDay = std::chrono::hours(24);

// "2026-01-05" of a UTC time.
std::string DateOf(Time t) { return base::FormatRfc3339(t).substr(0, 10); }

// Midnight UTC of the day holding `t`.
Time DayStart(Time t) {
  const auto us = t.time_since_epoch();
  const auto day = std::chrono::duration_cast<base::Micros>(kDay);
  auto n = us / day;
  if (us.count() < 0 && us % day != base::Micros(0)) --n;
  return Time(day * n);
}

Json SampleView(const store::Metrics& m) {
  return Json{{"collected_at", base::FormatRfc3339(m.fetched_at)},
              {"metrics", m.values.value("normalized", Json::object())}};
}

}  // namespace

Result<std::pair<Time, Time>> ParseAnalyticsRange(const std::optional<std::string>& from,
                                                  const std::optional<std::string>& to, Time now) {
  Time end = now;
  if (to) {
    auto t = base::ParseRfc3339(*to);
    if (!t.ok()) {
      return base::InvalidArgument(
          "to: expected an RFC 3339 time such as 2026-03-01T00:00:00Z, got '" + *to + "'");
    }
    end = *t;
  }
  Time start = end - kDefaultAnalyticsRange;
  if (from) {
    auto f = base::ParseRfc3339(*from);
    if (!f.ok()) {
      return base::InvalidArgument(
          "from: expected an RFC 3339 time such as 2026-02-01T00:00:00Z, got '" + *from + "'");
    }
    start = *f;
  }
  if (start > end) {
    return base::InvalidArgument("from (" + base::FormatRfc3339(start) + ") is after to (" +
                                 base::FormatRfc3339(end) + ")");
  }
  if (end - start > kMaxAnalyticsRange) {
    return base::InvalidArgument("the range from " + base::FormatRfc3339(start) + " to " +
                                 base::FormatRfc3339(end) +
                                 " is longer than two years; ask for at most 731 days");
  }
  return std::make_pair(start, end);
}

AnalyticsService::AnalyticsService(store::Store& store, const base::Clock& clock,
                                   base::asio::thread_pool& blocking, AnalyticsCollector* collector)
    : store_(store), clock_(clock), blocking_(blocking), collector_(collector) {}

Result<Json> AnalyticsService::PostAnalyticsSync(const base::Caller& caller,
                                                 const std::string& post_id) {
  return store::ReadValue<Json>(store_, [&](store::Tx& tx) -> Result<Json> {
    auto post = tx.GetPost(caller.org_id, post_id);
    if (!post.ok()) {
      if (post.error().code() == base::ErrorCode::kNotFound) {
        return base::NotFound("post_id: no post '" + post_id + "' in this organization");
      }
      return post.error();
    }
    HERALD_ASSIGN_OR_RETURN(std::vector<store::PostTarget> targets,
                            tx.ListTargets(caller.org_id, post_id));
    HERALD_ASSIGN_OR_RETURN(std::vector<store::AnalyticsPost> rows,
                            tx.ListAnalyticsPostsOfPost(caller.org_id, post_id));
    std::map<std::string, const store::AnalyticsPost*> by_target;
    for (const store::AnalyticsPost& r : rows) by_target[r.target_id] = &r;
    Json out_targets = Json::array();
    Json totals = Json::object();
    const Time far = Time::max();
    for (const store::PostTarget& t : targets) {
      Json view{{"target_id", t.id},
                {"account_id", t.account_id},
                {"platform", t.platform},
                {"status", std::string(store::TargetStatusName(t.status))},
                {"url", t.url}};
      if (t.published_at) view["published_at"] = base::FormatRfc3339(*t.published_at);
      HERALD_ASSIGN_OR_RETURN(std::vector<store::Metrics> samples,
                              tx.ListMetrics(caller.org_id, t.account_id, t.id, Time(), far, 200));
      Json latest = Json::object();
      Json raw = Json::object();
      std::optional<Time> collected;
      if (auto row = by_target.find(t.id); row != by_target.end() && row->second->collected_at) {
        latest = row->second->metrics.value("normalized", Json::object());
        raw = row->second->metrics.value("raw", Json::object());
        collected = row->second->collected_at;
      } else if (!samples.empty()) {
        latest = samples.back().values.value("normalized", Json::object());
        raw = samples.back().values.value("raw", Json::object());
        collected = samples.back().fetched_at;
      }
      if (collected) view["collected_at"] = base::FormatRfc3339(*collected);
      view["metrics"] = latest;
      view["raw"] = raw;
      Json history = Json::array();
      for (const store::Metrics& m : samples) history.push_back(SampleView(m));
      view["history"] = std::move(history);
      for (auto it = latest.begin(); it != latest.end(); ++it) {
        if (!it->is_number()) continue;
        totals[it.key()] = totals.value(it.key(), int64_t{0}) + it->get<int64_t>();
      }
      out_targets.push_back(std::move(view));
    }
    return Json{{"post_id", post_id}, {"targets", std::move(out_targets)}, {"totals", totals}};
  });
}

Task<Result<Json>> AnalyticsService::PostAnalytics(base::Caller caller, std::string post_id) {
  co_return co_await base::RunBlocking(blocking_,
                                       [&] { return PostAnalyticsSync(caller, post_id); });
}

Result<Json> AnalyticsService::AccountAnalyticsSync(const base::Caller& caller,
                                                    const std::string& account_id,
                                                    const std::optional<std::string>& from,
                                                    const std::optional<std::string>& to) {
  HERALD_ASSIGN_OR_RETURN(auto range, ParseAnalyticsRange(from, to, clock_.Now()));
  const Time start = range.first;
  const Time end = range.second;
  return store::ReadValue<Json>(store_, [&](store::Tx& tx) -> Result<Json> {
    auto account = tx.GetAccount(caller.org_id, account_id);
    if (!account.ok()) {
      if (account.error().code() == base::ErrorCode::kNotFound) {
        return base::NotFound("account_id: no account '" + account_id + "' in this organization");
      }
      return account.error();
    }
    // Followers: the newest sample of each day; posts and engagement: by publishing day.
    HERALD_ASSIGN_OR_RETURN(std::vector<store::Metrics> samples,
                            tx.ListMetrics(caller.org_id, account_id, "", start, end, 0));
    store::AnalyticsPostQuery q;
    q.org_id = caller.org_id;
    q.from = start;
    q.to = end;
    q.account_ids = {account_id};
    HERALD_ASSIGN_OR_RETURN(std::vector<store::AnalyticsPost> posts, tx.ListAnalyticsPosts(q));
    struct Day {
      std::optional<int64_t> followers;
      int64_t posts = 0;
      int64_t engagement = 0;
    };
    std::map<Time, Day> days;
    for (Time d = DayStart(start); d < end; d += kDay) days[d];
    for (const store::Metrics& m : samples) {
      const Json n = m.values.value("normalized", Json::object());
      auto f = n.find("followers");
      if (f != n.end() && f->is_number())
        days[DayStart(m.fetched_at)].followers = f->get<int64_t>();
    }
    int64_t total_posts = 0;
    int64_t total_engagement = 0;
    for (const store::AnalyticsPost& p : posts) {
      Day& d = days[DayStart(p.published_at)];
      d.posts += 1;
      d.engagement += EngagementOf(p.metrics);
      total_posts += 1;
      total_engagement += EngagementOf(p.metrics);
    }
    Json daily = Json::array();
    for (const auto& [t, d] : days) {
      Json row{{"date", DateOf(t)}, {"posts", d.posts}, {"engagement", d.engagement}};
      if (d.followers) row["followers"] = *d.followers;
      daily.push_back(std::move(row));
    }
    Json out{{"account_id", account->id},
             {"platform", account->platform},
             {"handle", account->handle},
             {"from", base::FormatRfc3339(start)},
             {"to", base::FormatRfc3339(end)},
             {"daily", std::move(daily)},
             {"totals", {{"posts", total_posts}, {"engagement", total_engagement}}}};
    // The newest followers count at all, which may predate the range.
    auto latest = tx.LatestMetrics(caller.org_id, account_id, "");
    if (latest.ok()) {
      const Json n = latest->values.value("normalized", Json::object());
      if (auto f = n.find("followers"); f != n.end() && f->is_number()) {
        out["followers"] = f->get<int64_t>();
        out["followers_collected_at"] = base::FormatRfc3339(latest->fetched_at);
      }
    } else if (latest.error().code() != base::ErrorCode::kNotFound) {
      return latest.error();
    }
    return out;
  });
}

Task<Result<Json>> AnalyticsService::AccountAnalytics(base::Caller caller, std::string account_id,
                                                      std::optional<std::string> from,
                                                      std::optional<std::string> to) {
  co_return co_await base::RunBlocking(
      blocking_, [&] { return AccountAnalyticsSync(caller, account_id, from, to); });
}

Task<Result<Json>> AnalyticsService::Refresh(base::Caller caller, std::string account_id,
                                             std::string post_id) {
  if (!base::RoleAllows(caller.role, base::Role::kEditor)) {
    co_return base::PermissionDenied("refresh_analytics needs the editor role");
  }
  if (!account_id.empty() && !post_id.empty()) {
    co_return base::InvalidArgument("give account_id or post_id, not both");
  }
  if (collector_ == nullptr) {
    co_return base::FailedPrecondition("analytics collection is not running in this herald");
  }
  Result<Json> r = Json();
  if (!post_id.empty()) {
    r = co_await collector_->RefreshPost(caller.org_id, post_id);
    if (!r.ok() && r.error().code() == base::ErrorCode::kNotFound) {
      co_return base::NotFound("post_id: no post '" + post_id + "' in this organization");
    }
  } else if (!account_id.empty()) {
    r = co_await collector_->RefreshAccount(caller.org_id, account_id);
    if (!r.ok() && r.error().code() == base::ErrorCode::kNotFound) {
      co_return base::NotFound("account_id: no account '" + account_id + "' in this organization");
    }
  } else {
    r = co_await collector_->RefreshOrganization(caller.org_id);
  }
  if (r.ok()) {
    const std::string subject = !post_id.empty()      ? post_id
                                : !account_id.empty() ? account_id
                                                      : caller.org_id;
    co_await base::RunBlocking(blocking_, [&] {
      AuditAlone(store_, caller, "analytics.refresh", subject, Json::object(), clock_.Now());
    });
  }
  co_return r;
}

}  // namespace herald::core
