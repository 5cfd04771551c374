// AnalyticsService: what the analytics tools read and ask for, scoped to the caller's
// organization: a post's numbers per target with their history, an account's followers and
// daily series, and refresh_analytics (measure now, through the AnalyticsCollector).
//
// Views are JSON shaped as the tools' output schemas (schemas/tools/get_post_analytics,
// get_account_analytics, refresh_analytics). A post or account of another organization is
// kNotFound, exactly like one that does not exist. Blocking *Sync calls run on the caller's
// thread; the Task forms move them onto the service's pool. Thread-safe.
#ifndef HERALD_CORE_ANALYTICS_SERVICE_H_
#define HERALD_CORE_ANALYTICS_SERVICE_H_

#include <chrono>
#include <optional>
#include <string>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "core/analytics_collector.h"
#include "store/store.h"

namespace herald::core {

// The longest range get_account_analytics (and part B's reports) accept, and the default one.
inline constexpr std::chrono::hours kMaxAnalyticsRange{24 * 731};  // two years, leap day included
inline constexpr std::chrono::hours kDefaultAnalyticsRange{24 * 30};

// Checks an analytics range given as optional RFC 3339 texts (`to` defaults to `now`, `from` to
// `to` - 30 days). Errors (kInvalidArgument, naming the field): a text that is not RFC 3339,
// `from` after `to`, a range over two years.
Result<std::pair<base::Time, base::Time>> ParseAnalyticsRange(
    const std::optional<std::string>& from, const std::optional<std::string>& to, base::Time now);

class AnalyticsService {
 public:
  // `collector` may be null (refresh then answers kFailedPrecondition). All outlive the service.
  AnalyticsService(store::Store& store, const base::Clock& clock, base::asio::thread_pool& blocking,
                   AnalyticsCollector* collector);

  // get_post_analytics: {"post_id", "targets": [{"target_id", "account_id", "platform",
  // "status", "url", "published_at"?, "collected_at"?, "metrics", "raw", "history":
  // [{"collected_at", "metrics"}]}], "totals": {...}}. Errors: kNotFound.
  Result<Json> PostAnalyticsSync(const base::Caller& caller, const std::string& post_id);
  Task<Result<Json>> PostAnalytics(base::Caller caller, std::string post_id);

  // get_account_analytics: {"account_id", "platform", "handle", "from", "to", "followers"?,
  // "followers_collected_at"?, "daily": [{"date", "followers"?, "posts", "engagement"}],
  // "totals": {"posts", "engagement"}}. Errors: kNotFound; ParseAnalyticsRange's.
  Result<Json> AccountAnalyticsSync(const base::Caller& caller, const std::string& account_id,
                                    const std::optional<std::string>& from,
                                    const std::optional<std::string>& to);
  Task<Result<Json>> AccountAnalytics(base::Caller caller, std::string account_id,
                                      std::optional<std::string> from,
                                      std::optional<std::string> to);

  // refresh_analytics: one of `account_id`, `post_id` (both empty = every account of the
  // organization). Requires the editor role. Returns AnalyticsCollector's {"updated": [...]}.
  // Errors: kInvalidArgument when both are given; kNotFound; kPermissionDenied.
  Task<Result<Json>> Refresh(base::Caller caller, std::string account_id, std::string post_id);

  const base::Clock& clock() const { return clock_; }

 private:
  store::Store& store_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  AnalyticsCollector* collector_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_ANALYTICS_SERVICE_H_
