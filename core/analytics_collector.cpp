#include "core/analytics_collector.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <map>
#include <utility>

#include "base/crypto.h"
#include "base/time.h"
#include "core/analytics_plan.h"
#include "core/metric_names.h"

// GCC 12 at -O2 reports a false "mismatched new/delete" for Asio's awaitable frame operator
// delete in large coroutines (GCC bug 109224).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace herald::core {

namespace asio = base::asio;
using base::ErrorCode;
using base::Time;

struct AnalyticsCollector::Outcome {
  enum class Kind { kUpdated, kDeferred, kUnsupported, kGone, kFailed };
  Kind kind = Kind::kUpdated;
  std::string error;
  std::optional<Time> retry_at;  // kDeferred / kFailed: not before
  int imported = 0;
  Json metrics;  // kUpdated: the normalised numbers read

  static Outcome Of(Kind kind, std::string error = {}) {
    Outcome o;
    o.kind = kind;
    o.error = std::move(error);
    return o;
  }
  std::string_view StatusName() const {
    switch (kind) {
      case Kind::kUpdated:
        return "updated";
      case Kind::kDeferred:
        return "deferred";
      case Kind::kUnsupported:
        return "unsupported";
      case Kind::kGone:
        return "gone";
      case Kind::kFailed:
        break;
    }
    return "failed";
  }
};

namespace {

using Outcome = AnalyticsCollector::Outcome;

}  // namespace

AnalyticsCollector::AnalyticsCollector(store::Store& store,
                                       const platforms::PlatformRegistry& platforms,
                                       CredentialSource& credentials, const base::Clock& clock,
                                       asio::thread_pool& blocking, RateLimiter& limiter,
                                       CollectorOptions options)
    : store_(store),
      platforms_(platforms),
      credentials_(credentials),
      clock_(clock),
      blocking_(blocking),
      limiter_(limiter),
      options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = "col_" + base::HexEncode(base::RandomBytes(8));
  options_.claim_batch = std::max(1, options_.claim_batch);
  options_.max_failures = std::max(1, options_.max_failures);
  options_.history_every_days = std::max(1, options_.history_every_days);
}

AnalyticsCollector::~AnalyticsCollector() = default;

CollectStats AnalyticsCollector::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void AnalyticsCollector::Stop() { stopping_ = true; }

Result<int> AnalyticsCollector::PlanAccounts(Time now) {
  return store::WriteValue<int>(store_, [&](store::Tx& tx) -> Result<int> {
    int added = 0;
    HERALD_ASSIGN_OR_RETURN(std::vector<store::Organization> orgs, tx.ListOrganizations());
    for (const store::Organization& org : orgs) {
      HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> accounts, tx.ListAccounts(org.id));
      HERALD_ASSIGN_OR_RETURN(std::vector<store::CollectionTask> plan,
                              tx.ListCollectionTasks(org.id, ""));
      for (const store::Account& a : accounts) {
        if (a.status != store::AccountStatus::kActive) continue;
        if (platforms_.Find(a.platform) == nullptr) continue;
        const bool planned = std::any_of(plan.begin(), plan.end(), [&](const auto& t) {
          return t.account_id == a.id && t.target_id.empty();
        });
        if (planned) continue;
        store::CollectionTask task;
        task.org_id = org.id;
        task.account_id = a.id;
        task.platform = a.platform;
        task.published_at = a.created_at;
        task.next_at = now;
        HERALD_RETURN_IF_ERROR(tx.UpsertCollectionTask(task));
        ++added;
      }
    }
    return added;
  });
}

Result<CollectStats> AnalyticsCollector::RunOnce(Time now) {
  asio::io_context io;
  return RunOnce(now, io);
}

namespace {

Task<void> RoundInto(Task<Result<CollectStats>> round, std::optional<Result<CollectStats>>* out) {
  out->emplace(co_await std::move(round));
}

}  // namespace

Result<CollectStats> AnalyticsCollector::RunOnce(Time now, asio::io_context& io) {
  std::optional<Result<CollectStats>> out;
  bool failed = false;
  io.restart();
  asio::co_spawn(io, RoundInto(Collect(now), &out),
                 [&failed](std::exception_ptr e) { failed = e != nullptr; });
  io.run();
  if (failed || !out) return base::Internal("an analytics round stopped with an exception");
  return std::move(*out);
}

Task<Result<CollectStats>> AnalyticsCollector::Collect(Time now) {
  auto claimed = co_await base::RunBlocking(blocking_, [&] {
    return store::WriteValue<std::vector<store::CollectionTask>>(store_, [&](store::Tx& tx) {
      return tx.ClaimCollectionTasks(options_.owner, now, options_.lease_for, options_.claim_batch);
    });
  });
  if (!claimed.ok()) co_return std::move(claimed).error();
  CollectStats round;
  round.claimed = static_cast<int>(claimed->size());
  for (store::CollectionTask& task : *claimed) {
    Outcome o = co_await Measure(task, now);
    switch (o.kind) {
      case Outcome::Kind::kUpdated:
        ++round.measured;
        break;
      case Outcome::Kind::kDeferred:
        ++round.deferred;
        break;
      case Outcome::Kind::kFailed:
        ++round.failed;
        break;
      case Outcome::Kind::kUnsupported:
      case Outcome::Kind::kGone:
        ++round.dropped;
        break;
    }
    round.imported += o.imported;
    co_await Settle(std::move(task), o, now);
  }
  {
    std::lock_guard lock(mu_);
    stats_.claimed += round.claimed;
    stats_.measured += round.measured;
    stats_.imported += round.imported;
    stats_.deferred += round.deferred;
    stats_.failed += round.failed;
    stats_.dropped += round.dropped;
  }
  co_return round;
}

Task<Outcome> AnalyticsCollector::Measure(store::CollectionTask task, Time now) {
  auto account = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<store::Account>(
        store_, [&](store::Tx& tx) { return tx.GetAccount(task.org_id, task.account_id); });
  });
  if (!account.ok()) {
    if (account.error().code() == ErrorCode::kNotFound) co_return Outcome::Of(Outcome::Kind::kGone);
    co_return Outcome::Of(Outcome::Kind::kFailed, account.error().message());
  }
  if (account->status == store::AccountStatus::kDisconnected) {
    co_return Outcome::Of(Outcome::Kind::kGone, "the account is disconnected");
  }
  platforms::Platform* platform = platforms_.Find(account->platform);
  if (platform == nullptr) co_return Outcome::Of(Outcome::Kind::kGone, "unknown network");
  if (!task.target_id.empty()) co_return co_await MeasureTarget(*account, *platform, task, now);
  const bool with_history = task.stage % options_.history_every_days == 0;
  co_return co_await MeasureAccount(*account, *platform, task, with_history, now);
}

std::optional<Outcome> AnalyticsCollector::TakeBudget(platforms::Platform& platform, Time now) {
  auto later = limiter_.TryAcquireSpare(platform.Info().id, now, options_.publish_reserve);
  if (!later) return std::nullopt;
  Outcome o = Outcome::Of(Outcome::Kind::kDeferred, "waiting for the network's rate budget");
  o.retry_at = *later;
  return o;
}

Task<Result<platforms::AccountContext>> AnalyticsCollector::Open(const store::Account& account) {
  co_return co_await base::RunBlocking(blocking_,
                                       [&] { return credentials_.OpenCredentials(account); });
}

Task<Result<void>> AnalyticsCollector::Write(std::function<Result<void>(store::Tx&)> fn) {
  co_return co_await base::RunBlocking(blocking_, [&] { return store_.Write(fn); });
}

namespace {

// The outcome of a failed network read.
Outcome FromFetchError(const base::Error& e, Time now) {
  switch (e.code()) {
    case ErrorCode::kUnimplemented:
      return Outcome::Of(Outcome::Kind::kUnsupported, e.message());
    case ErrorCode::kNotFound:
      return Outcome::Of(Outcome::Kind::kGone, e.message());
    default:
      break;
  }
  Outcome o = Outcome::Of(Outcome::Kind::kFailed, e.message());
  if (e.retry_after())
    o.retry_at = now + std::chrono::duration_cast<base::Micros>(*e.retry_after());
  return o;
}

}  // namespace

Task<Outcome> AnalyticsCollector::MeasureTarget(const store::Account& account,
                                                platforms::Platform& platform,
                                                const store::CollectionTask& task, Time now) {
  if (!platform.Info().features.post_metrics) {
    co_return Outcome::Of(Outcome::Kind::kUnsupported,
                          platform.Info().name + " does not report post metrics");
  }
  auto target = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<store::PostTarget>(
        store_, [&](store::Tx& tx) { return tx.GetTarget(task.org_id, task.target_id); });
  });
  if (!target.ok()) {
    if (target.error().code() == ErrorCode::kNotFound) co_return Outcome::Of(Outcome::Kind::kGone);
    co_return Outcome::Of(Outcome::Kind::kFailed, target.error().message());
  }
  if (target->status != store::TargetStatus::kPublished || target->external_id.empty() ||
      target->deletion == store::DeletionStatus::kDeleted) {
    co_return Outcome::Of(Outcome::Kind::kGone, "the target is not published");
  }
  if (std::optional<Outcome> wait = TakeBudget(platform, now)) co_return *wait;
  auto ctx = co_await Open(account);
  if (!ctx.ok()) co_return FromFetchError(ctx.error(), now);
  platforms::PublishReceipt receipt;
  receipt.external_id = target->external_id;
  receipt.url = target->url;
  receipt.remote_state = target->remote_state;
  auto read = co_await platform.FetchPostMetrics(std::move(*ctx), std::move(receipt));
  if (!read.ok()) co_return FromFetchError(read.error(), now);
  const Json stored = NormalizeMetrics(platform.Info().id, *read);
  store::AnalyticsPost row = AnalyticsRowOf(*target);
  row.published_at = target->published_at.value_or(now);
  row.metrics = stored;
  row.collected_at = now;
  auto w = co_await Write([&](store::Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(
        tx.InsertMetrics(store::Metrics{task.org_id, target->id, account.id, now, stored}));
    return tx.UpsertAnalyticsPost(row);
  });
  if (!w.ok()) co_return Outcome::Of(Outcome::Kind::kFailed, w.error().message());
  Outcome o = Outcome::Of(Outcome::Kind::kUpdated);
  o.metrics = stored["normalized"];
  co_return o;
}

Task<Outcome> AnalyticsCollector::MeasureAccount(const store::Account& account,
                                                 platforms::Platform& platform,
                                                 const store::CollectionTask& task,
                                                 bool with_history, Time now) {
  Outcome numbers = Outcome::Of(Outcome::Kind::kUnsupported);
  if (platform.Info().features.account_metrics) {
    if (std::optional<Outcome> wait = TakeBudget(platform, now)) co_return *wait;
    auto ctx = co_await Open(account);
    if (!ctx.ok()) co_return FromFetchError(ctx.error(), now);
    auto read = co_await platform.FetchAccountMetrics(std::move(*ctx));
    if (!read.ok()) {
      numbers = FromFetchError(read.error(), now);
      // An account that is gone on the network is a failure of this account, not of the plan.
      if (numbers.kind == Outcome::Kind::kGone) numbers.kind = Outcome::Kind::kFailed;
    } else {
      const Json stored = NormalizeMetrics(platform.Info().id, *read);
      auto w = co_await Write([&](store::Tx& tx) {
        return tx.InsertMetrics(store::Metrics{task.org_id, "", account.id, now, stored});
      });
      numbers = w.ok() ? Outcome::Of(Outcome::Kind::kUpdated)
                       : Outcome::Of(Outcome::Kind::kFailed, w.error().message());
      if (w.ok()) numbers.metrics = stored["normalized"];
    }
    if (numbers.kind == Outcome::Kind::kFailed) co_return numbers;
  }
  if (!with_history) co_return numbers;
  Outcome history = co_await ImportHistory(account, platform, now);
  if (history.kind == Outcome::Kind::kUnsupported) co_return numbers;
  if (numbers.kind == Outcome::Kind::kUnsupported || history.kind != Outcome::Kind::kUpdated) {
    co_return history;
  }
  numbers.imported = history.imported;
  co_return numbers;
}

Task<Outcome> AnalyticsCollector::ImportHistory(const store::Account& account,
                                                platforms::Platform& platform, Time now) {
  if (std::optional<Outcome> wait = TakeBudget(platform, now)) co_return *wait;
  auto ctx = co_await Open(account);
  if (!ctx.ok()) co_return FromFetchError(ctx.error(), now);
  platforms::HistoryRequest request;
  request.since = now - options_.history_window;
  request.max_posts = options_.history_max_posts;
  auto read = co_await platform.FetchHistory(std::move(*ctx), request);
  if (!read.ok()) {
    Outcome o = FromFetchError(read.error(), now);
    if (o.kind == Outcome::Kind::kGone) o.kind = Outcome::Kind::kFailed;
    co_return o;
  }
  std::vector<store::AnalyticsPost> rows;
  rows.reserve(read->size());
  for (const platforms::HistoryPost& p : *read) {
    if (p.remote_id.empty()) continue;
    store::AnalyticsPost row;
    row.org_id = account.org_id;
    row.account_id = account.id;
    row.remote_id = p.remote_id;
    row.platform = account.platform;
    row.url = p.url;
    row.published_at = p.published_at;
    row.text_excerpt = TextExcerpt(p.text);
    row.metrics = NormalizeMetrics(platform.Info().id, p.metrics);
    row.collected_at = now;
    rows.push_back(std::move(row));
  }
  auto w = co_await Write([&](store::Tx& tx) { return tx.UpsertAnalyticsPosts(rows); });
  if (!w.ok()) co_return Outcome::Of(Outcome::Kind::kFailed, w.error().message());
  Outcome o = Outcome::Of(Outcome::Kind::kUpdated);
  o.imported = static_cast<int>(rows.size());
  co_return o;
}

Task<void> AnalyticsCollector::Settle(store::CollectionTask task, const Outcome& outcome,
                                      Time now) {
  const bool is_target = !task.target_id.empty();
  bool drop = false;
  switch (outcome.kind) {
    case Outcome::Kind::kUpdated: {
      task.stage += 1;
      task.failures = 0;
      task.last_error.clear();
      if (is_target) {
        auto next =
            NextTargetMeasurement(task.published_at, task.stage, task.target_id, options_.spread);
        if (next) {
          task.next_at = std::max(*next, now + std::chrono::minutes(1));
        } else {
          drop = true;
        }
      } else {
        task.next_at = now + kAccountEvery;
      }
      break;
    }
    case Outcome::Kind::kDeferred:
      task.next_at = std::max(outcome.retry_at.value_or(now), now + std::chrono::seconds(1));
      break;
    case Outcome::Kind::kUnsupported:
    case Outcome::Kind::kGone:
      drop = true;
      break;
    case Outcome::Kind::kFailed: {
      task.failures += 1;
      task.last_error = outcome.error;
      if (is_target && task.failures >= options_.max_failures) {
        // Give this measurement up; the next planned one may fare better.
        task.stage += 1;
        task.failures = 0;
        auto next =
            NextTargetMeasurement(task.published_at, task.stage, task.target_id, options_.spread);
        if (!next) {
          drop = true;
          break;
        }
        task.next_at = std::max(*next, now + std::chrono::minutes(1));
        break;
      }
      auto delay = std::chrono::duration_cast<base::Micros>(options_.retry_initial);
      for (int i = 1; i < task.failures && delay < options_.retry_max; ++i) delay *= 2;
      delay = std::min(delay, std::chrono::duration_cast<base::Micros>(options_.retry_max));
      task.next_at = std::max(now + delay, outcome.retry_at.value_or(now));
      break;
    }
  }
  if (outcome.kind == Outcome::Kind::kFailed) {
    spdlog::warn("analytics: measuring {} {} failed ({} in a row): {}",
                 is_target ? "target" : "account", is_target ? task.target_id : task.account_id,
                 task.failures, outcome.error);
  }
  const std::string owner = options_.owner;
  auto w = co_await Write([&](store::Tx& tx) -> Result<void> {
    if (drop) return tx.DeleteCollectionTask(task.org_id, task.account_id, task.target_id);
    return tx.SettleCollectionTask(task, owner);
  });
  if (!w.ok() && w.error().code() != ErrorCode::kAborted) {
    spdlog::warn("analytics: could not settle the plan entry of {}: {}", task.account_id,
                 w.error().ToLogString());
  }
}

namespace {

Json Entry(std::string_view kind, const store::Account& account, std::string_view target_id,
           const Outcome& o) {
  Json e{{"kind", std::string(kind)},
         {"account_id", account.id},
         {"platform", account.platform},
         {"status", std::string(o.StatusName())}};
  if (!target_id.empty()) e["target_id"] = std::string(target_id);
  if (!o.error.empty() && o.kind != Outcome::Kind::kUpdated) e["error"] = o.error;
  if (o.retry_at) e["retry_at"] = base::FormatRfc3339(*o.retry_at);
  if (o.metrics.is_object()) e["metrics"] = o.metrics;
  if (kind == "history" && o.kind == Outcome::Kind::kUpdated) e["imported"] = o.imported;
  return e;
}

}  // namespace

Task<Result<Json>> AnalyticsCollector::RefreshPost(std::string org_id, std::string post_id) {
  struct Loaded {
    std::vector<store::PostTarget> targets;
    std::map<std::string, store::Account> accounts;
  };
  auto loaded = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<Loaded>(store_, [&](store::Tx& tx) -> Result<Loaded> {
      HERALD_RETURN_IF_ERROR(tx.GetPost(org_id, post_id));
      Loaded l;
      HERALD_ASSIGN_OR_RETURN(l.targets, tx.ListTargets(org_id, post_id));
      for (const store::PostTarget& t : l.targets) {
        if (l.accounts.contains(t.account_id)) continue;
        auto a = tx.GetAccount(org_id, t.account_id);
        if (a.ok()) l.accounts.emplace(t.account_id, std::move(*a));
      }
      return l;
    });
  });
  if (!loaded.ok()) co_return std::move(loaded).error();
  Json updated = Json::array();
  int measured = 0;
  const Time now = clock_.Now();
  for (const store::PostTarget& t : loaded->targets) {
    if (t.status != store::TargetStatus::kPublished || t.external_id.empty()) continue;
    auto account = loaded->accounts.find(t.account_id);
    if (account == loaded->accounts.end()) continue;
    if (measured++ >= options_.refresh_max_targets) break;
    platforms::Platform* platform = platforms_.Find(account->second.platform);
    if (platform == nullptr) continue;
    store::CollectionTask task;
    task.org_id = org_id;
    task.account_id = t.account_id;
    task.target_id = t.id;
    task.platform = t.platform;
    Outcome o = co_await MeasureTarget(account->second, *platform, task, now);
    updated.push_back(Entry("post", account->second, t.id, o));
  }
  co_return Json{{"updated", std::move(updated)}};
}

Task<Result<Json>> AnalyticsCollector::RefreshAccount(std::string org_id, std::string account_id) {
  auto account = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<store::Account>(
        store_, [&](store::Tx& tx) { return tx.GetAccount(org_id, account_id); });
  });
  if (!account.ok()) co_return std::move(account).error();
  Json updated = Json::array();
  platforms::Platform* platform = platforms_.Find(account->platform);
  if (platform == nullptr || account->status == store::AccountStatus::kDisconnected) {
    co_return Json{{"updated", std::move(updated)}};
  }
  const Time now = clock_.Now();
  store::CollectionTask task;
  task.org_id = org_id;
  task.account_id = account->id;
  task.platform = account->platform;
  Outcome numbers = co_await MeasureAccount(*account, *platform, task, /*with_history=*/false, now);
  updated.push_back(Entry("account", *account, "", numbers));
  Outcome history = co_await ImportHistory(*account, *platform, now);
  updated.push_back(Entry("history", *account, "", history));
  co_return Json{{"updated", std::move(updated)}};
}

Task<Result<Json>> AnalyticsCollector::RefreshOrganization(std::string org_id) {
  auto accounts = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<std::vector<store::Account>>(
        store_, [&](store::Tx& tx) { return tx.ListAccounts(org_id); });
  });
  if (!accounts.ok()) co_return std::move(accounts).error();
  Json updated = Json::array();
  int done = 0;
  for (const store::Account& a : *accounts) {
    if (a.status == store::AccountStatus::kDisconnected) continue;
    if (done++ >= options_.refresh_max_accounts) break;
    auto one = co_await RefreshAccount(org_id, a.id);
    if (!one.ok()) co_return std::move(one).error();
    for (Json& e : (*one)["updated"]) updated.push_back(std::move(e));
  }
  co_return Json{{"updated", std::move(updated)}};
}

Task<void> AnalyticsCollector::Loop() {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  Time next_sweep = clock_.Now();
  while (!stopping_) {
    const Time now = clock_.Now();
    if (now >= next_sweep) {
      auto added = co_await base::RunBlocking(blocking_, [&] { return PlanAccounts(now); });
      if (!added.ok())
        spdlog::warn("analytics: planning accounts failed: {}", added.error().ToLogString());
      next_sweep = now + options_.sweep_every;
    }
    auto round = co_await Collect(now);
    if (!round.ok()) spdlog::warn("analytics: a round failed: {}", round.error().ToLogString());
    auto wait = options_.max_sleep;
    if (round.ok() && round->claimed >= options_.claim_batch) {
      wait = std::chrono::milliseconds(0);  // more may be due now
    } else {
      auto due = co_await base::RunBlocking(blocking_, [&] {
        return store::ReadValue<std::optional<Time>>(
            store_, [](store::Tx& tx) { return tx.NextCollectionDue(); });
      });
      if (due.ok() && *due) {
        auto until = std::chrono::duration_cast<std::chrono::milliseconds>(**due - clock_.Now());
        wait = std::clamp(until, std::chrono::milliseconds(1'000), options_.max_sleep);
      }
    }
    timer.expires_after(wait);
    co_await timer.async_wait(base::kNoThrow);
  }
}

}  // namespace herald::core
