#include "transport/console/console_pages.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "transport/console/page_parts.h"

namespace herald::transport {
namespace {

using base::GetString;
using base::Json;

constexpr std::array<std::string_view, 7> kPostStatuses{
    "draft", "scheduled", "publishing", "published", "partially_published", "failed", "cancelled"};

std::string E(std::string_view text) { return HtmlEscape(text); }

std::string Networks(const Json& post) {
  std::string out;
  for (const Json& t : post.value("targets", Json::array())) {
    if (!out.empty()) out += ", ";
    out += GetString(t, "platform");
  }
  return out;
}

std::string Csrf(const PageFrame& frame) { return CsrfField(frame.csrf_token); }

}  // namespace

std::string SignInPage(std::string_view csrf_token, std::string_view next, const Notice& notice) {
  std::string body =
      "<section class=\"card narrow\"><h1>Sign in to herald</h1>" + NoticeHtml(notice) +
      "<form method=\"post\" action=\"/console/signin\" class=\"stack\">" + CsrfField(csrf_token) +
      "<input type=\"hidden\" name=\"next\" value=\"" + E(next) +
      "\"><label for=\"api_key\">API key</label>"
      "<input id=\"api_key\" name=\"api_key\" type=\"password\" autocomplete=\"current-password\" "
      "required spellcheck=\"false\" placeholder=\"hk_…\">"
      "<button type=\"submit\">Sign in</button></form>"
      "<p class=\"hint\">Use a key from <code>herald keys create</code> (or the one "
      "<code>herald serve</code> printed on its first start). The key is exchanged for a "
      "session cookie; it never appears in a URL.</p></section>";
  return RenderPage(PageFrame{"Sign in", "", "", ""}, body);
}

std::string AccountsPage(const PageFrame& frame, const Json& accounts, const Json& platforms,
                         const Notice& notice) {
  std::string body = "<h1>Accounts</h1>" + NoticeHtml(notice);
  body += "<section aria-labelledby=\"connected\"><h2 id=\"connected\">Connected</h2>";
  const Json list = accounts.value("accounts", Json::array());
  if (list.empty()) {
    body += "<p>No account is connected yet. Connect one below.</p>";
  } else {
    body += "<ul class=\"accounts\">";
    for (const Json& a : list) {
      std::string id = GetString(a, "account_id");
      std::string status = GetString(a, "status");
      body += "<li class=\"account\"><div><strong>" + E(AccountLabel(a)) + "</strong> " +
              Badge(status) + "<br><small>" + E(GetString(a, "display_name")) + " <code>" + E(id) +
              "</code></small></div><div class=\"actions\">";
      if (status == "needs_reauth") {
        body += "<form method=\"post\" action=\"/console/accounts/connect\">" + Csrf(frame) +
                "<input type=\"hidden\" name=\"platform\" value=\"" + E(GetString(a, "platform")) +
                "\"><button type=\"submit\">Reconnect</button></form>";
      }
      body += "<form method=\"post\" action=\"/console/accounts/" + E(id) + "/disconnect\">" +
              Csrf(frame) + "<button type=\"submit\" class=\"secondary\" aria-label=\"Disconnect " +
              E(AccountLabel(a)) + "\">Disconnect</button></form></div></li>";
    }
    body += "</ul>";
  }
  body += "</section><section aria-labelledby=\"connect\"><h2 id=\"connect\">Connect a network</h2>"
          "<p class=\"hint\">Networks with a sign-in page open it and come back here. Others "
          "ask for their token or webhook.</p><div class=\"networks\">";
  for (const Json& p : platforms.value("platforms", Json::array())) {
    std::string id = GetString(p, "id");
    std::string name = GetString(p, "name", id);
    std::string kind = GetString(p, "auth_kind");
    body += "<form method=\"post\" action=\"/console/accounts/connect\" class=\"network\">" +
            Csrf(frame) + "<input type=\"hidden\" name=\"platform\" value=\"" + E(id) + "\">";
    if (kind == "oauth2") {
      body += "<button type=\"submit\">Connect " + E(name) + "</button>";
    } else {
      body += "<details><summary>Connect " + E(name) + "</summary><div class=\"stack\">";
      const Json connect = p.value("connect", Json::object());
      for (const char* group : {"required", "optional"}) {
        for (const Json& field : connect.value(group, Json::array())) {
          if (!field.is_string()) continue;
          std::string f = field.get<std::string>();
          std::string input_id = "c-" + id + "-" + f;
          bool secret = f.find("token") != std::string::npos ||
                        f.find("password") != std::string::npos || f == "webhook_url";
          body += "<label for=\"" + E(input_id) + "\">" + E(f) +
                  (std::string_view(group) == "optional" ? " (optional)" : "") +
                  "</label><input id=\"" + E(input_id) + "\" name=\"" + E(f) + "\" type=\"" +
                  (secret ? "password" : "text") + "\" autocomplete=\"off\"" +
                  (std::string_view(group) == "required" ? " required" : "") + ">";
        }
      }
      body += "<button type=\"submit\">Connect</button></div></details>";
    }
    body += "</form>";
  }
  body += "</div></section>";
  return RenderPage(frame, body);
}

std::string PostsPage(const PageFrame& frame, const Json& list,
                      const std::map<std::string, Json>& details, const PostsFilter& filter,
                      const Json& accounts, const Notice& notice) {
  std::string body = "<h1>Queue &amp; history</h1>" + NoticeHtml(notice);
  body += "<form method=\"get\" action=\"/console/posts\" class=\"filters\">"
          "<label for=\"f-status\">Status</label><select id=\"f-status\" name=\"status\">"
          "<option value=\"\">any</option>";
  for (std::string_view s : kPostStatuses) {
    body += "<option value=\"" + E(s) + "\"" + (filter.status == s ? " selected" : "") + ">" +
            E(s) + "</option>";
  }
  body += "</select><label for=\"f-account\">Account</label><select id=\"f-account\" "
          "name=\"account_id\"><option value=\"\">any</option>";
  for (const Json& a : accounts.value("accounts", Json::array())) {
    std::string id = GetString(a, "account_id");
    body += "<option value=\"" + E(id) + "\"" + (filter.account_id == id ? " selected" : "") +
            ">" + E(AccountLabel(a)) + "</option>";
  }
  body += "</select><button type=\"submit\">Filter</button></form>";
  const Json posts = list.value("posts", Json::array());
  if (posts.empty()) {
    body += "<p>No posts match.</p>";
  } else {
    body += "<ul class=\"posts\">";
    for (const Json& p : posts) {
      std::string id = GetString(p, "post_id");
      std::string status = GetString(p, "status");
      body += "<li class=\"post\"><div class=\"post-head\"><a href=\"/console/posts/" + E(id) +
              "\">" + E(When(p.value("publish_at", Json()), frame.time_zone)) + "</a> " +
              Badge(status) + "</div><p class=\"text\">" +
              E(Truncate(GetString(p, "text"), 280)) + "</p><ul class=\"targets\">";
      auto detail = details.find(id);
      for (const Json& t : p.value("targets", Json::array())) {
        body += "<li>" + E(GetString(t, "platform")) + " " + Badge(GetString(t, "status"));
        if (detail != details.end()) {
          for (const Json& dt : detail->second.value("targets", Json::array())) {
            if (GetString(dt, "target_id") == GetString(t, "target_id") &&
                !GetString(dt, "last_error").empty()) {
              body += " <span class=\"reason\">" + E(GetString(dt, "last_error")) + "</span>";
            }
          }
        }
        body += "</li>";
      }
      body += "</ul>";
      if (status == "failed" || status == "partially_published") {
        body += "<form method=\"post\" action=\"/console/posts/" + E(id) + "/retry\">" +
                Csrf(frame) + "<button type=\"submit\">Retry</button></form>";
      }
      body += "</li>";
    }
    body += "</ul>";
  }
  const Json next = list.value("next_cursor", Json());
  if (next.is_string()) {
    body += "<p><a href=\"/console/posts?status=" + UrlEncode(filter.status) +
            "&amp;account_id=" + UrlEncode(filter.account_id) +
            "&amp;cursor=" + UrlEncode(next.get<std::string>()) + "\">Older posts</a></p>";
  }
  return RenderPage(frame, body);
}

std::string PostPage(const PageFrame& frame, const Json& post, const Notice& notice) {
  std::string id = GetString(post, "post_id");
  std::string status = GetString(post, "status");
  const Json content = post.value("content", Json::object());
  std::string body = "<h1>Post " + Badge(status) + "</h1>" + NoticeHtml(notice);
  body += "<section class=\"card\"><p class=\"text full\">" + E(GetString(content, "text")) +
          "</p><dl><dt>When</dt><dd>" + E(When(post.value("publish_at", Json()), frame.time_zone)) +
          "</dd><dt>Id</dt><dd><code>" + E(id) + "</code></dd></dl></section>";
  body += "<h2>Where</h2><table><thead><tr><th scope=\"col\">Network</th><th scope=\"col\">"
          "Account</th><th scope=\"col\">Status</th><th scope=\"col\">Details</th></tr></thead>"
          "<tbody>";
  for (const Json& t : post.value("targets", Json::array())) {
    body += "<tr><td>" + E(GetString(t, "platform")) + "</td><td><code>" +
            E(GetString(t, "account_id")) + "</code></td><td>" + Badge(GetString(t, "status")) +
            "</td><td>";
    std::string url = GetString(t, "url");
    if (!url.empty() && (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0)) {
      body += "<a href=\"" + E(url) + "\" rel=\"noopener noreferrer\">" + E(url) + "</a>";
    }
    std::string error = GetString(t, "last_error");
    if (!error.empty()) body += "<span class=\"reason\">" + E(error) + "</span>";
    std::string explanation = GetString(t, "explanation");
    if (!explanation.empty()) body += " <small>" + E(explanation) + "</small>";
    body += "</td></tr>";
  }
  body += "</tbody></table>";
  if (status == "scheduled" || status == "draft" || status == "failed" ||
      status == "partially_published") {
    std::string value;
    if (post.value("publish_at", Json()).is_string()) {
      auto local = ToLocal(post["publish_at"].get<std::string>(), frame.time_zone);
      if (local.ok()) value = local->input_value;
    }
    body += "<h2>Reschedule</h2><form method=\"post\" action=\"/console/posts/" + E(id) +
            "/reschedule\" class=\"inline\">" + Csrf(frame) +
            "<label for=\"publish_at\">New time (" + E(frame.time_zone) +
            ")</label><input id=\"publish_at\" name=\"publish_at\" type=\"datetime-local\" "
            "required value=\"" + E(value) + "\"><button type=\"submit\">Reschedule</button></form>";
  }
  body += "<div class=\"actions\">";
  if (status == "failed" || status == "partially_published") {
    body += "<form method=\"post\" action=\"/console/posts/" + E(id) + "/retry\">" + Csrf(frame) +
            "<button type=\"submit\">Retry failed targets</button></form>";
  }
  if (status == "scheduled" || status == "draft") {
    body += "<form method=\"post\" action=\"/console/posts/" + E(id) + "/cancel\">" + Csrf(frame) +
            "<button type=\"submit\" class=\"secondary\">Cancel post</button></form>";
  }
  body += "</div>";
  return RenderPage(frame, body);
}

std::string ComposePage(const PageFrame& frame, const Json& accounts, const ComposeForm& form,
                        const Notice& notice) {
  std::string body = "<h1>Compose</h1>" + NoticeHtml(notice);
  body += "<form method=\"post\" action=\"/console/compose\" class=\"stack compose\" "
          "id=\"compose\">" + Csrf(frame) +
          "<label for=\"text\">Text</label><textarea id=\"text\" name=\"text\" rows=\"6\" "
          "aria-describedby=\"validation\">" + E(form.text) +
          "</textarea><fieldset><legend>Accounts</legend>";
  const Json list = accounts.value("accounts", Json::array());
  if (list.empty()) {
    body += "<p>No account yet: <a href=\"/console/accounts\">connect one</a>.</p>";
  }
  for (const Json& a : list) {
    std::string id = GetString(a, "account_id");
    bool checked = std::find(form.accounts.begin(), form.accounts.end(), id) != form.accounts.end();
    body += "<label class=\"check\"><input type=\"checkbox\" name=\"accounts\" value=\"" + E(id) +
            "\"" + (checked ? " checked" : "") + "> " + E(AccountLabel(a)) + "</label>";
  }
  body += "</fieldset><label for=\"media-file\">Media (images or video)</label>"
          "<input id=\"media-file\" type=\"file\" accept=\"image/*,video/*\" multiple>"
          "<ul id=\"media-list\" class=\"media-list\">";
  for (const std::string& m : form.media) {
    body += "<li><input type=\"hidden\" name=\"media\" value=\"" + E(m) + "\"><code>" + E(m) +
            "</code></li>";
  }
  body += "</ul><label for=\"publish_at\">Publish at (" + E(frame.time_zone) +
          ")</label><input id=\"publish_at\" name=\"publish_at\" type=\"datetime-local\" value=\"" +
          E(form.publish_at) + "\">"
          "<div id=\"validation\" class=\"validation\" aria-live=\"polite\"></div>"
          "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"schedule\">"
          "Schedule</button><button type=\"submit\" name=\"action\" value=\"draft\" "
          "class=\"secondary\">Save draft</button></div></form>";
  return RenderPage(frame, body);
}

std::pair<CivilDay, CivilDay> CalendarRange(std::string_view view, CivilDay anchor) {
  if (view == "month") {
    CivilDay first{anchor.year(), anchor.month(), std::chrono::day(1)};
    CivilDay start = MondayOf(first);
    return {start, AddDays(start, 42)};
  }
  CivilDay start = MondayOf(anchor);
  return {start, AddDays(start, 7)};
}

std::string CalendarPage(const PageFrame& frame, std::string_view view, CivilDay anchor,
                         const std::vector<Json>& posts, const Notice& notice) {
  const bool month = view == "month";
  auto [start, end] = CalendarRange(view, anchor);
  CivilDay prev = month ? CivilDay{(std::chrono::year_month{anchor.year(), anchor.month()} -
                                    std::chrono::months(1)) / std::chrono::day(1)}
                        : AddDays(anchor, -7);
  CivilDay next = month ? CivilDay{(std::chrono::year_month{anchor.year(), anchor.month()} +
                                    std::chrono::months(1)) / std::chrono::day(1)}
                        : AddDays(anchor, 7);
  std::string v(month ? "month" : "week");
  std::string title = month ? MonthLabel(anchor)
                            : "Week of " + ShortDayLabel(start) + " " +
                                  std::to_string(static_cast<int>(start.year()));
  std::string body = "<div class=\"cal-head\"><h1>" + E(title) + "</h1><nav aria-label=\"Calendar\" "
                     "class=\"cal-nav\"><a href=\"/console/calendar?view=" + v + "&amp;date=" +
                     FormatCivilDay(prev) + "\">Previous</a><a href=\"/console/calendar?view=" + v +
                     "\">Today</a><a href=\"/console/calendar?view=" + v + "&amp;date=" +
                     FormatCivilDay(next) + "\">Next</a><a href=\"/console/calendar?view=" +
                     (month ? "week" : "month") + "&amp;date=" + FormatCivilDay(anchor) + "\">" +
                     (month ? "Week view" : "Month view") + "</a></nav></div>" + NoticeHtml(notice);
  body += "<p class=\"hint\">Drag a post to another day to move it (same time of day), or open "
          "it to pick a new time.</p>";
  // Bucket posts by local day.
  std::map<std::string, std::vector<std::pair<std::string, const Json*>>> by_day;
  for (const Json& p : posts) {
    if (!p.value("publish_at", Json()).is_string()) continue;
    auto local = ToLocal(p["publish_at"].get<std::string>(), frame.time_zone);
    if (!local.ok()) continue;
    char hm[8];
    std::snprintf(hm, sizeof hm, "%02d:%02d", local->hour, local->minute);
    by_day[FormatCivilDay(local->day)].push_back({hm, &p});
  }
  body += std::string("<ol class=\"calendar ") + (month ? "month" : "week") +
          "\" aria-label=\"Days\">";
  for (CivilDay d = start; d != end; d = AddDays(d, 1)) {
    std::string key = FormatCivilDay(d);
    bool outside = month && d.month() != anchor.month();
    body += "<li class=\"day" + std::string(outside ? " outside" : "") + "\" data-date=\"" + key +
            "\"><h2 class=\"day-label\">" + E(ShortDayLabel(d)) + "</h2><ul class=\"entries\">";
    auto it = by_day.find(key);
    if (it != by_day.end()) {
      std::sort(it->second.begin(), it->second.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (const auto& [hm, p] : it->second) {
        std::string id = GetString(*p, "post_id");
        std::string status = GetString(*p, "status");
        bool movable = status == "scheduled" || status == "draft";
        body += "<li class=\"entry s-" + E(status) + "\" data-post-id=\"" + E(id) +
                "\" data-time=\"" + E(hm) + "\"" + (movable ? " draggable=\"true\"" : "") +
                "><a href=\"/console/posts/" + E(id) + "\"><time>" + E(hm) +
                "</time> <span class=\"text\">" + E(Truncate(GetString(*p, "text"), 90)) +
                "</span></a><span class=\"meta\">" + E(Networks(*p)) + " " + Badge(status) +
                "</span></li>";
      }
    }
    body += "</ul></li>";
  }
  body += "</ol>";
  return RenderPage(frame, body);
}

}  // namespace herald::transport
