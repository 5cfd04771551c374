// The console's analytics page, rendered from analytics_report and best_time_to_post results.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "transport/console/console_pages.h"
#include "transport/console/page_parts.h"

namespace herald::transport {
namespace {

using base::GetString;
using base::Json;

std::string E(std::string_view text) { return HtmlEscape(text); }

// The order metrics are listed in (the engagement ones first); others follow by name.
constexpr std::array<std::string_view, 9> kMetricOrder{
    "likes", "reposts", "replies", "quotes", "saves", "shares", "views", "impressions", "clicks"};

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kRanges{
    {{"7", "Last 7 days"},
     {"30", "Last 30 days"},
     {"90", "Last 90 days"},
     {"custom", "Custom dates"}}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kGroups{
    {{"account", "Account"}, {"platform", "Network"}, {"day", "Day"}, {"week", "Week"}}};

double NumberAt(const Json& object, const std::string& key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0;
}

const Json& ObjectAt(const Json& object, const std::string& key) {
  static const Json kEmpty = Json::object();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

const Json& ArrayAt(const Json& object, const std::string& key) {
  static const Json kEmpty = Json::array();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

// 1234 -> "1,234"; 12.25 -> "12.3" (counts are whole; sums of fractional metrics are not).
std::string Number(double v) {
  if (!std::isfinite(v)) return "–";
  char buf[64];
  const bool whole = std::fabs(v - std::round(v)) < 0.05;
  std::snprintf(buf, sizeof buf, whole ? "%.0f" : "%.1f", v);
  std::string s(buf);
  int end = static_cast<int>(s.find('.') == std::string::npos ? s.size() : s.find('.'));
  int begin = s[0] == '-' ? 1 : 0;
  for (int i = end - 3; i > begin; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// "Likes" for "likes".
std::string MetricName(std::string_view metric) {
  std::string s(metric);
  for (char& c : s) {
    if (c == '_') c = ' ';
  }
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// The metrics of `totals` (and of `previous`), in display order.
std::vector<std::string> MetricsOf(const Json& totals, const Json& previous) {
  std::set<std::string> names;
  for (const Json* t : {&totals, &previous}) {
    for (const auto& [name, value] : ObjectAt(*t, "metrics").items()) {
      if (value.is_number()) names.insert(name);
    }
  }
  std::vector<std::string> out;
  for (std::string_view m : kMetricOrder) {
    if (names.erase(std::string(m)) > 0) out.emplace_back(m);
  }
  out.insert(out.end(), names.begin(), names.end());
  return out;
}

// The change as text with its direction for the eye: "+12.5%" (up), "-3.0%" (down); "n/a"
// when the previous period had nothing to compare with.
std::string Change(const Json& pct_holder, const std::string& key, bool with_words = false) {
  const Json value = pct_holder.is_object() ? pct_holder.value(key, Json()) : Json();
  if (!value.is_number()) {
    return "<span class=\"chg none\">" + std::string(with_words ? "no earlier data" : "n/a") +
           "</span>";
  }
  double pct = value.get<double>();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.1f%%", pct);
  std::string cls = pct > 0.05 ? "up" : pct < -0.05 ? "down" : "flat";
  return "<span class=\"chg " + cls + "\">" + std::string(buf) +
         (with_words ? " vs previous period" : "") + "</span>";
}

// "Mon 2 Mar 2026" for "2026-03-02"; the text itself when it is not a date.
std::string DayLabel(std::string_view key) {
  auto day = ParseCivilDay(key);
  if (!day) return std::string(key);
  return ShortDayLabel(*day) + " " + std::to_string(static_cast<int>(day->year()));
}

std::string RowLabel(const Json& row, std::string_view group_by,
                     const std::map<std::string, std::string>& account_labels) {
  std::string key = GetString(row, "key");
  if (group_by == "account") {
    auto it = account_labels.find(key);
    if (it != account_labels.end()) return it->second;
  }
  if (group_by == "day") return DayLabel(key);
  if (group_by == "week") return "Week of " + DayLabel(key);
  return GetString(row, "label", key);
}

std::string FormHtml(const AnalyticsForm& form, const Json& accounts) {
  std::string out =
      "<form method=\"get\" action=\"/console/analytics\" class=\"analytics-form\" "
      "id=\"analytics-form\" aria-describedby=\"analytics-form-hint\">"
      "<div class=\"field\"><label for=\"a-range\">Period</label>"
      "<select id=\"a-range\" name=\"range\">";
  for (const auto& [value, label] : kRanges) {
    out += "<option value=\"" + E(value) + "\"" + (form.range == value ? " selected" : "") + ">" +
           E(label) + "</option>";
  }
  out +=
      "</select></div><div class=\"field\"><label for=\"a-from\">From</label>"
      "<input id=\"a-from\" name=\"from\" type=\"date\" value=\"" +
      E(form.from) +
      "\"></div><div class=\"field\"><label for=\"a-to\">To (included)</label>"
      "<input id=\"a-to\" name=\"to\" type=\"date\" value=\"" +
      E(form.to) +
      "\"></div><div class=\"field\"><label for=\"a-group\">Group by</label>"
      "<select id=\"a-group\" name=\"group_by\">";
  for (const auto& [value, label] : kGroups) {
    out += "<option value=\"" + E(value) + "\"" + (form.group_by == value ? " selected" : "") +
           ">" + E(label) + "</option>";
  }
  out += "</select></div>";
  const Json& list = ArrayAt(accounts, "accounts");
  if (!list.empty()) {
    out +=
        "<fieldset class=\"field pick\"><legend>Accounts <span class=\"hint\">(none checked: "
        "all)</span></legend>";
    for (const Json& a : list) {
      std::string id = GetString(a, "account_id");
      bool checked =
          std::find(form.accounts.begin(), form.accounts.end(), id) != form.accounts.end();
      out += "<label class=\"check\"><input type=\"checkbox\" name=\"accounts\" value=\"" + E(id) +
             "\"" + (checked ? " checked" : "") + "> " + E(AccountLabel(a)) + "</label>";
    }
    out += "</fieldset>";
  }
  out +=
      "<div class=\"field\"><button type=\"submit\">Show</button></div></form>"
      "<p class=\"hint\" id=\"analytics-form-hint\">Days begin at midnight in your time zone. "
      "From and To apply when the period is “Custom dates”.</p>";
  return out;
}

// Posts and engagement with their change, large.
std::string TilesHtml(const Json& report) {
  const Json& totals = ObjectAt(report, "totals");
  const Json& change = ObjectAt(report, "change");
  std::string out = "<ul class=\"tiles\" aria-label=\"Summary\">";
  out += "<li class=\"tile\"><span class=\"tile-label\">Posts</span><strong>" +
         Number(NumberAt(totals, "posts")) + "</strong>" + Change(change, "posts_pct", true) +
         "</li>";
  out += "<li class=\"tile\"><span class=\"tile-label\">Engagement</span><strong>" +
         Number(NumberAt(totals, "engagement")) + "</strong>" +
         Change(change, "engagement_pct", true) + "</li></ul>";
  return out;
}

std::string TotalsHtml(const Json& report) {
  const Json& totals = ObjectAt(report, "totals");
  const Json& previous = ObjectAt(report, "previous_totals");
  const Json& change = ObjectAt(report, "change");
  const Json& metrics_pct = ObjectAt(change, "metrics_pct");
  std::string out =
      "<h2 id=\"totals\">Totals</h2><div class=\"table-wrap\" role=\"region\" "
      "aria-labelledby=\"totals\" tabindex=\"0\"><table class=\"numbers\"><thead><tr>"
      "<th scope=\"col\">Measure</th><th scope=\"col\" class=\"num\">This period</th>"
      "<th scope=\"col\" class=\"num\">Previous period</th><th scope=\"col\" class=\"num\">"
      "Change</th></tr></thead><tbody>";
  auto row = [&](const std::string& name, double now, double before, const std::string& chg) {
    out += "<tr><th scope=\"row\">" + E(name) + "</th><td class=\"num\">" + Number(now) +
           "</td><td class=\"num\">" + Number(before) + "</td><td class=\"num\">" + chg +
           "</td></tr>";
  };
  row("Posts", NumberAt(totals, "posts"), NumberAt(previous, "posts"), Change(change, "posts_pct"));
  row("Engagement", NumberAt(totals, "engagement"), NumberAt(previous, "engagement"),
      Change(change, "engagement_pct"));
  for (const std::string& m : MetricsOf(totals, previous)) {
    row(MetricName(m), NumberAt(ObjectAt(totals, "metrics"), m),
        NumberAt(ObjectAt(previous, "metrics"), m), Change(metrics_pct, m));
  }
  out +=
      "</tbody></table></div><p class=\"hint\">Engagement is likes, reposts, replies, quotes, "
      "saves and shares as the networks report them. The change compares with the previous "
      "period of the same length; n/a when that period had none.</p>";
  return out;
}

std::string RowsHtml(const Json& report, const std::map<std::string, std::string>& labels) {
  const std::string group_by = GetString(report, "group_by");
  const bool by_time = group_by == "day" || group_by == "week";
  std::string header = "Account";
  for (const auto& [value, label] : kGroups) {
    if (value == group_by) header = std::string(label);
  }
  const std::vector<std::string> metrics = MetricsOf(ObjectAt(report, "totals"), Json::object());
  std::string body;
  size_t quiet = 0;
  for (const Json& row : ArrayAt(report, "rows")) {
    if (by_time && NumberAt(row, "posts") == 0) {
      ++quiet;
      continue;
    }
    body += "<tr><th scope=\"row\">" + E(RowLabel(row, group_by, labels)) +
            "</th><td class=\"num\">" + Number(NumberAt(row, "posts")) + "</td><td class=\"num\">" +
            Number(NumberAt(row, "engagement")) + "</td>";
    for (const std::string& m : metrics) {
      body += "<td class=\"num\">" + Number(NumberAt(ObjectAt(row, "metrics"), m)) + "</td>";
    }
    body += "</tr>";
  }
  std::string out = "<h2 id=\"rows\">By " + E(header == "Network" ? "network" : group_by) + "</h2>";
  if (body.empty()) return out + "<p>No posts in this period.</p>";
  out +=
      "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"rows\" tabindex=\"0\">"
      "<table class=\"numbers\"><thead><tr><th scope=\"col\">" +
      E(header) +
      "</th><th scope=\"col\" class=\"num\">Posts</th><th scope=\"col\" class=\"num\">"
      "Engagement</th>";
  for (const std::string& m : metrics) {
    out += "<th scope=\"col\" class=\"num\">" + E(MetricName(m)) + "</th>";
  }
  out += "</tr></thead><tbody>" + body + "</tbody></table></div>";
  if (quiet > 0) {
    out += "<p class=\"hint\">" + std::to_string(quiet) + (group_by == "week" ? " week" : " day") +
           (quiet == 1 ? "" : "s") +
           " without posts left out of the table (the chart shows "
           "them as zero).</p>";
  }
  return out;
}

std::string TopPostsHtml(const Json& report, const std::map<std::string, std::string>& labels,
                         std::string_view zone) {
  const Json& top = ArrayAt(report, "top_posts");
  if (top.empty()) return "";
  std::string out = "<h2 id=\"top\">Top posts</h2><ol class=\"top-posts\" aria-labelledby=\"top\">";
  for (const Json& p : top) {
    std::string id = GetString(p, "post_id");
    std::string url = GetString(p, "url");
    std::string text = Truncate(GetString(p, "text"), 200);
    if (text.empty()) text = "(no text)";
    std::string account = GetString(p, "account_id");
    auto label = labels.find(account);
    out += "<li class=\"top-post\"><p class=\"text\">";
    if (!id.empty()) {
      out += "<a href=\"/console/posts/" + E(UrlEncode(id)) + "\">" + E(text) + "</a>";
    } else if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) {
      out += "<a href=\"" + E(url) + "\" rel=\"noopener noreferrer\">" + E(text) +
             "</a> <small>(on the network; not published through herald)</small>";
    } else {
      out += E(text);
    }
    out += "</p><p class=\"meta\">" +
           E(label != labels.end() ? label->second : GetString(p, "platform")) + " · " +
           E(When(p.value("published_at", Json()), zone)) + " · <strong>" +
           Number(NumberAt(p, "engagement")) + "</strong> interactions";
    std::string parts;
    for (const std::string& m : MetricsOf(p, Json::object())) {
      if (!parts.empty()) parts += ", ";
      parts += E(MetricName(m)) + " " + Number(NumberAt(ObjectAt(p, "metrics"), m));
    }
    if (!parts.empty()) out += " (" + parts + ")";
    out += "</p></li>";
  }
  out += "</ol>";
  return out;
}

std::string BestTimesHtml(const std::vector<Json>& best_times,
                          const std::map<std::string, std::string>& labels, std::string_view zone) {
  if (best_times.empty()) return "";
  std::string out =
      "<h2 id=\"best\">Best times to post</h2><div class=\"table-wrap\" role=\"region\" "
      "aria-labelledby=\"best\" tabindex=\"0\"><table class=\"best\"><thead><tr><th "
      "scope=\"col\">Account</th>"
      "<th scope=\"col\">Best slots (" +
      E(zone) +
      ")</th><th scope=\"col\">Confidence</th>"
      "</tr></thead><tbody>";
  for (const Json& b : best_times) {
    std::string account = GetString(b, "account_id");
    auto label = labels.find(account);
    out += "<tr><th scope=\"row\">" +
           E(label != labels.end() ? label->second : GetString(b, "platform", account)) +
           "</th><td class=\"slots\"><ol>";
    int shown = 0;
    for (const Json& slot : ArrayAt(b, "slots")) {
      if (shown++ == 3) break;
      char hour[16];
      std::snprintf(hour, sizeof hour, "%02d:00", static_cast<int>(NumberAt(slot, "hour")));
      out += "<li>" + E(GetString(slot, "weekday")) + " " + hour;
      auto next = slot.value("next_at", Json()).is_string()
                      ? ToLocal(slot["next_at"].get<std::string>(), zone)
                      : base::Result<LocalStamp>(base::NotFound("no next slot"));
      if (next.ok())
        out += " <small class=\"next\">next " + E(ShortDayLabel(next->day)) + "</small>";
      out += "</li>";
    }
    out += "</ol></td><td><strong>" + E(GetString(b, "confidence")) + "</strong>, " +
           Number(NumberAt(b, "based_on_posts")) + " posts<br><small class=\"why\">" +
           E(GetString(b, "explanation")) + "</small></td></tr>";
  }
  out += "</tbody></table></div>";
  return out;
}

}  // namespace

std::string AnalyticsPage(const PageFrame& frame, const AnalyticsForm& form, const Json& accounts,
                          const Json& report, const std::vector<Json>& best_times,
                          const Notice& notice) {
  std::map<std::string, std::string> labels;  // account id -> "Mastodon · @alice"
  for (const Json& a : ArrayAt(accounts, "accounts")) {
    labels[GetString(a, "account_id")] = AccountLabel(a);
  }
  std::string body = "<h1>Analytics</h1>" + NoticeHtml(notice) + FormHtml(form, accounts);
  if (!report.is_object() || !report.contains("totals")) return RenderPage(frame, body);

  std::string period;
  auto first = ParseCivilDay(form.from);
  auto last = ParseCivilDay(form.to);
  auto previous = ToLocal(GetString(report, "previous_from"), frame.time_zone);
  if (first && last) {
    period = DayLabel(form.from) + " – " + DayLabel(form.to);
    if (previous.ok()) {
      period += ", compared with " + DayLabel(FormatCivilDay(previous->day)) + " – " +
                DayLabel(FormatCivilDay(AddDays(*first, -1)));
    }
  }
  body +=
      "<section aria-labelledby=\"results\" class=\"results\"><h2 id=\"results\" "
      "class=\"sr-only\">Results</h2>";
  if (!period.empty()) body += "<p class=\"period\">" + E(period) + "</p>";

  if (NumberAt(ObjectAt(report, "totals"), "posts") == 0) {
    body += "<div class=\"card empty\" role=\"status\"><h2>Nothing measured in this period</h2>";
    if (labels.empty()) {
      body +=
          "<p>No account is connected yet. <a href=\"/console/accounts\">Connect one</a>: "
          "herald imports its recent posts and measures each post it publishes.</p>";
    } else {
      body +=
          "<p>No published post with measurements falls in this period. herald measures "
          "each post an hour, a day and a week after it is published, and imports an "
          "account's recent history when it is connected. Try a longer period.</p>";
      double before = NumberAt(ObjectAt(report, "previous_totals"), "posts");
      if (before > 0) {
        body += "<p>The previous period had " + Number(before) + " posts.</p>";
      }
    }
    body += "</div>";
  } else {
    body += TilesHtml(report);
    const Json& chart = ObjectAt(report, "chart");
    std::string svg = GetString(chart, "data");
    if (GetString(chart, "format") == "svg" && svg.rfind("<svg", 0) == 0) {
      // The SVG comes from core/report_chart (every label XML-escaped; presentation
      // attributes only, so the page's CSP holds). role="img" with its <title> and <desc>.
      body += "<figure class=\"chart\"><div class=\"chart-box\">" + svg +
              "</div><figcaption class=\"hint\">" + E(GetString(chart, "title")) +
              ". The tables below hold the same numbers.</figcaption></figure>";
    }
    body += TotalsHtml(report) + RowsHtml(report, labels) +
            TopPostsHtml(report, labels, frame.time_zone);
  }
  body += BestTimesHtml(best_times, labels, frame.time_zone);
  body += "</section>";
  return RenderPage(frame, body);
}

}  // namespace herald::transport
