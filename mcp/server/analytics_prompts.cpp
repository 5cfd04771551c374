#include "mcp/server/analytics_prompts.h"

#include <map>
#include <string>

namespace herald::mcp {
namespace {

std::string Arg(const std::map<std::string, std::string>& args, const std::string& key,
                std::string fallback) {
  auto it = args.find(key);
  return (it == args.end() || it->second.empty()) ? std::move(fallback) : it->second;
}

Result<Json> WeeklyReport(const std::map<std::string, std::string>& args) {
  std::string start = Arg(args, "week_start", "the Monday of last week");
  std::string accounts = Arg(args, "accounts", "every connected account");
  std::string zone = Arg(args, "time_zone", "UTC unless I tell you otherwise");
  std::string text =
      "Write my weekly social media report with herald.\n\n"
      "Week starting: " + start + "\nAccounts: " + accounts + "\nTime zone: " + zone +
      "\n\n"
      "Work in this order:\n"
      "1. Call list_accounts to map the accounts I named to their ids (acc_...).\n"
      "2. Call analytics_report with from = the week's Monday 00:00 and to = the next Monday "
      "00:00 (RFC 3339 with the time zone's offset), those accounts, group_by \"day\" and "
      "chart true. Show me the chart it returns.\n"
      "3. Call analytics_report again for the same week with group_by \"account\" to compare "
      "the accounts.\n"
      "4. Summarise in a short table: posts, engagement and each metric the networks report, "
      "with the change against the previous week (say \"no comparison\" where the report gives "
      "no percentage; never treat a missing metric as zero).\n"
      "5. For the top posts, call get_post_analytics on the best one or two and say what they "
      "have in common (topic, format, time, media).\n"
      "6. Call best_time_to_post for each account and give the best two or three slots with "
      "their confidence; when the source is network_default, say plainly that the account has "
      "too little history and these are generic times.\n"
      "7. End with three concrete suggestions for next week. Offer to schedule posts with "
      "schedule_post and publish_at \"best\", but do not schedule anything until I agree.";
  return Json::array(
      {Json{{"role", "user"}, {"content", {{"type", "text"}, {"text", std::move(text)}}}}});
}

}  // namespace

base::Result<void> RegisterAnalyticsPrompts(PromptRegistry& prompts) {
  return prompts.Add(
      {"weekly_report",
       "Weekly analytics report",
       "Report last week's results per day and per account with a chart, the top posts, the "
       "change against the week before, and the best times to post next week.",
       {{"week_start", "Week start", "Monday of the week to report, e.g. 2026-03-02", false},
        {"accounts", "Accounts", "Account ids or handles (default: all connected)", false},
        {"time_zone", "Time zone", "IANA time zone for days and times, e.g. Europe/Paris",
         false}}},
      WeeklyReport);
}

}  // namespace herald::mcp
