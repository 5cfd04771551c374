// AnalyticsInsights: the answers an agent acts on, from an organization's measured posts: the
// best time to post for an account, the analytics report (with its chart), and the concrete
// slot for `publish_at: "best"`.
//
// Scoped to the caller's organization (an account of another organization is reported like one
// that does not exist); reads need the viewer role. Bad input is refused with a message naming
// the field, and nothing changes (every method only reads). The math is in pure functions
// (best_time.h, best_slot.h, analytics_report.h); this class reads the rows and checks the
// arguments. Each method has a blocking form (`...Sync`) and a coroutine that runs it on the
// pool given at construction. Thread-safe.
#ifndef HERALD_CORE_ANALYTICS_INSIGHTS_H_
#define HERALD_CORE_ANALYTICS_INSIGHTS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/result.h"
#include "core/analytics_report.h"
#include "core/best_slot.h"
#include "core/best_time.h"
#include "core/measured_posts.h"
#include "platforms/platform_registry.h"
#include "store/store.h"

namespace herald::core {

using base::Result;
using base::Task;

struct AnalyticsInsightsOptions {
  std::chrono::days best_time_history{180};  // how far back best time looks
  size_t best_time_max_posts = 1000;         // the newest posts of that history
  std::chrono::days default_best_window{7};  // publish_at "best" without a window
  std::chrono::minutes best_lead{5};         // a "best" slot starts at least this late
  std::chrono::minutes best_spacing{60};     // ... and this far from the account's other posts
};

struct BestTimeResult {
  store::Account account;
  BestTimeAnswer answer;
  std::vector<base::Time> next_at;  // per slot: its next start after now
};

struct ReportRequest {
  std::string from;  // RFC 3339
  std::string to;
  std::vector<std::string> accounts;  // empty = all
  std::string group_by = "account";
  std::string time_zone;  // "" = UTC
  size_t top_posts = 5;
  bool chart = false;
  std::string chart_format = "png";  // png | svg
};

struct ReportChart {
  std::string format;     // png | svg
  std::string mime_type;  // image/png | image/svg+xml
  int width = 0;
  int height = 0;
  std::string title;
  std::string data;  // the PNG bytes, or the SVG document
};

struct ReportResult {
  AnalyticsReport report;
  std::map<std::string, std::string> labels;  // row key -> readable name
  std::optional<ReportChart> chart;
};

struct BestSlotRequest {
  std::vector<std::string> accounts;  // the post's accounts; the first one's history ranks
  std::string window_from;            // RFC 3339; "" = now
  std::string window_to;              // RFC 3339; "" = window_from + default_best_window
  std::string time_zone;              // "" = UTC
};

struct BestSlotResult {
  std::string account_id;  // whose history ranked the slots
  std::string time_zone;
  BestTimeAnswer ranking;
  PickedSlot picked;
};

class AnalyticsInsights {
 public:
  // All references outlive the service.
  AnalyticsInsights(store::Store& store, MeasuredPostSource& posts,
                    const platforms::PlatformRegistry& platforms, const base::Clock& clock,
                    base::asio::thread_pool& blocking, AnalyticsInsightsOptions options = {});

  // Ranked slots for one account. Errors: kNotFound (no such account in the caller's
  // organization); kInvalidArgument for an unknown time zone; kPermissionDenied.
  Result<BestTimeResult> BestTimeSync(const base::Caller& caller, const std::string& account_id,
                                      const std::string& time_zone);
  Task<Result<BestTimeResult>> BestTime(base::Caller caller, std::string account_id,
                                        std::string time_zone);

  // The report. Errors: kInvalidArgument naming `from`, `to` (unparsable, from not before to,
  // over 2 years), `group_by`, `timezone`, `chart_format`; kNotFound for an account of
  // `accounts` not in the caller's organization; kPermissionDenied.
  Result<ReportResult> ReportSync(const base::Caller& caller, const ReportRequest& request);
  Task<Result<ReportResult>> Report(base::Caller caller, ReportRequest request);

  // The best free slot for a new post. Errors: kInvalidArgument (no account, a bad window or
  // time zone); kNotFound; kFailedPrecondition when no ranked slot is free in the window.
  Result<BestSlotResult> PickSlotSync(const base::Caller& caller, const BestSlotRequest& request);
  Task<Result<BestSlotResult>> PickSlot(base::Caller caller, BestSlotRequest request);

 private:
  Result<store::Account> FindAccount(const base::Caller& caller, const std::string& id,
                                     std::string_view field);
  Result<BestTimeAnswer> Rank(const store::Account& account, const std::string& time_zone);

  store::Store& store_;
  MeasuredPostSource& posts_;
  const platforms::PlatformRegistry& platforms_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  AnalyticsInsightsOptions options_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_ANALYTICS_INSIGHTS_H_
