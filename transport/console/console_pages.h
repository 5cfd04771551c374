// The web console's pages, rendered on the server from the tools' structured results (the
// same JSON an agent gets: list_accounts, list_platforms, list_posts, get_post). Every piece
// of user or network text goes through HtmlEscape. Pure functions; thread-safe.
#ifndef HERALD_TRANSPORT_CONSOLE_CONSOLE_PAGES_H_
#define HERALD_TRANSPORT_CONSOLE_CONSOLE_PAGES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "transport/console/console_time.h"
#include "transport/console/html.h"

namespace herald::transport {

// A message shown at the top of a page after an action ("Rescheduled."), or an error.
struct Notice {
  std::string text;
  bool error = false;
};

// The sign-in form. `csrf_token` is the pre-session token (double-submit cookie), `next` the
// console path to return to.
std::string SignInPage(std::string_view csrf_token, std::string_view next, const Notice& notice);

// Connected accounts (list_accounts) with reconnect / disconnect, and a connect button for each
// network (list_platforms).
std::string AccountsPage(const PageFrame& frame, const base::Json& accounts,
                         const base::Json& platforms, const Notice& notice);

// The filters of the queue and history page.
struct PostsFilter {
  std::string status;      // "" = any
  std::string account_id;  // "" = any
  std::string cursor;
};

// Queue and history (list_posts), with each failed target's reason from `details` (get_post
// results by post id).
std::string PostsPage(const PageFrame& frame, const base::Json& list,
                      const std::map<std::string, base::Json>& details, const PostsFilter& filter,
                      const base::Json& accounts, const Notice& notice);

// One post (get_post): content, schedule, each target's status, URL or failure reason; forms
// to reschedule, retry and cancel.
std::string PostPage(const PageFrame& frame, const base::Json& post, const Notice& notice);

// What the compose form holds (kept when the server answers with an error).
struct ComposeForm {
  std::string text;
  std::vector<std::string> accounts;
  std::vector<std::string> media;
  std::string publish_at;  // datetime-local value
};

std::string ComposePage(const PageFrame& frame, const base::Json& accounts,
                        const ComposeForm& form, const Notice& notice);

// The calendar: `view` "week" or "month" around `anchor`, the posts (list_posts entries) in it.
std::string CalendarPage(const PageFrame& frame, std::string_view view, CivilDay anchor,
                         const std::vector<base::Json>& posts, const Notice& notice);

// The first and one-past-last day the calendar shows for `view` and `anchor`.
std::pair<CivilDay, CivilDay> CalendarRange(std::string_view view, CivilDay anchor);

// The analytics form (a GET form: the query string of /console/analytics).
struct AnalyticsForm {
  std::string range = "30";           // "7", "30", "90" (the last N days, today included) or
                                      // "custom" (from .. to)
  std::string from;                   // YYYY-MM-DD, first day (shown for presets too)
  std::string to;                     // YYYY-MM-DD, last day, included
  std::string group_by = "day";       // account | platform | day | week
  std::vector<std::string> accounts;  // none = every account
};

// The analytics page (analytics_page.cpp): the form; then, when `report` is an analytics_report
// result (chart_format svg), its chart inline, the totals with the change against the previous
// period, the rows, the top posts (linked to their post page) and the best times to post
// (`best_times`: best_time_to_post results); an empty state when nothing was measured.
// `accounts` is list_accounts' result (labels and the form's checkboxes).
std::string AnalyticsPage(const PageFrame& frame, const AnalyticsForm& form,
                          const base::Json& accounts, const base::Json& report,
                          const std::vector<base::Json>& best_times, const Notice& notice);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_CONSOLE_CONSOLE_PAGES_H_
