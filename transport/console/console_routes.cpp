#include "transport/console/console_routes.h"

#include <spdlog/spdlog.h>

#include <map>
#include <utility>
#include <vector>

#include "base/crypto.h"
#include "base/time.h"
#include "http/router.h"
#include "mcp/server/detached_tool_context.h"
#include "transport/console/console_assets.h"
#include "transport/guard/error_mapping.h"

namespace herald::transport {
namespace {

using base::GetString;
using base::Json;

constexpr long kSessionMaxAge = 12 * 3600;
constexpr int kMaxCalendarPages = 10;
constexpr size_t kMaxBestTimeAccounts = 6;  // best_time_to_post calls per analytics page

using Form = std::vector<std::pair<std::string, std::string>>;

Form ParseForm(const http::Request& req) { return http::ParseQuery(req.body); }

std::string FormValue(const Form& form, std::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) return v;
  }
  return "";
}

std::vector<std::string> FormValues(const Form& form, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : form) {
    if (k == name && !v.empty()) out.push_back(v);
  }
  return out;
}

std::string QueryValue(const http::Request& req, std::string_view name) {
  auto v = req.Query(name);
  return v ? std::string(*v) : std::string();
}

http::Response Html(int status, std::string html) {
  http::Response r = http::Response::With(status, "text/html; charset=utf-8", std::move(html));
  AddConsoleSecurityHeaders(r);
  return r;
}

http::Response Redirect(std::string_view location) {
  http::Response r = http::Response::Empty(303);
  r.headers.Set("Location", location);
  AddConsoleSecurityHeaders(r);
  return r;
}

// A console path to come back to after signing in: only local /console/ paths.
std::string SafeNext(std::string_view next) {
  if (next.rfind("/console/", 0) != 0 || next.find("//") != std::string_view::npos ||
      next.find('\\') != std::string_view::npos || next.rfind("/console/signin", 0) == 0) {
    return "/console/calendar";
  }
  return std::string(next);
}

// The fixed messages shown after an action (?done=...): never text from the request.
Notice DoneNotice(const http::Request& req) {
  static const std::map<std::string, std::string, std::less<>> kDone{
      {"scheduled", "Scheduled."},       {"draft", "Saved as a draft."},
      {"rescheduled", "Rescheduled."},   {"retried", "Retrying the failed targets."},
      {"cancelled", "Cancelled."},       {"connected", "Connected."},
      {"disconnected", "Disconnected."}, {"signedout", "Signed out."}};
  auto done = req.Query("done");
  if (!done) return {};
  auto it = kDone.find(*done);
  return it == kDone.end() ? Notice{} : Notice{it->second, false};
}

// Pages and notices are built by these plain functions, not brace-initialized inside the
// coroutines below: GCC 12 mis-compiles some aggregate temporaries in coroutine frames.
Notice Failure(std::string text) {
  Notice n;
  n.text = std::move(text);
  n.error = true;
  return n;
}

PageFrame MakeFrame(std::string_view title, std::string_view active, const std::string& csrf,
                    const std::string& zone) {
  PageFrame f;
  f.title = std::string(title);
  f.active = std::string(active);
  f.csrf_token = csrf;
  f.time_zone = zone;
  return f;
}

PostsFilter FilterOf(const http::Request& req) {
  PostsFilter f;
  f.status = QueryValue(req, "status");
  f.account_id = QueryValue(req, "account_id");
  f.cursor = QueryValue(req, "cursor");
  return f;
}

ComposeForm ComposeOf(const Form& f) {
  ComposeForm form;
  form.text = FormValue(f, "text");
  form.accounts = FormValues(f, "accounts");
  form.media = FormValues(f, "media");
  form.publish_at = FormValue(f, "publish_at");
  return form;
}

AnalyticsForm AnalyticsFormOf(const http::Request& req) {
  AnalyticsForm form;
  for (const auto& [k, v] : req.query_params) {
    if (k == "range" && !v.empty()) form.range = v;
    if (k == "from") form.from = v;
    if (k == "to") form.to = v;
    if (k == "group_by" && !v.empty()) form.group_by = v;
    if (k == "accounts" && !v.empty()) form.accounts.push_back(v);
  }
  return form;
}

// analytics_report's arguments for `form` on `today` in `zone`: a preset is the last N days
// (today included; `form` gets its dates), a custom range runs from the first day's midnight
// to the midnight after the last day. A date that is not YYYY-MM-DD goes to the tool as typed,
// so the answer is the tool's own message naming the field.
Json ReportArgs(AnalyticsForm& form, CivilDay today, const std::string& zone) {
  std::string from;
  std::string to;
  if (form.range == "custom") {
    from = form.from;
    to = form.to;
    if (auto first = ParseCivilDay(form.from)) {
      if (auto t = StartOfDay(*first, zone); t.ok()) from = *t;
    }
    if (auto last = ParseCivilDay(form.to)) {
      if (auto t = StartOfDay(AddDays(*last, 1), zone); t.ok()) to = *t;
    }
  } else {
    const int days = form.range == "7" ? 7 : form.range == "90" ? 90 : 30;
    form.range = std::to_string(days);
    const CivilDay first = AddDays(today, -(days - 1));
    form.from = FormatCivilDay(first);
    form.to = FormatCivilDay(today);
    if (auto t = StartOfDay(first, zone); t.ok()) from = *t;
    if (auto t = StartOfDay(AddDays(today, 1), zone); t.ok()) to = *t;
  }
  Json args = Json::object();
  args["from"] = from;
  args["to"] = to;
  args["group_by"] = form.group_by;
  args["timezone"] = zone;
  args["top_posts"] = 5;
  args["chart"] = true;
  args["chart_format"] = "svg";
  if (!form.accounts.empty()) args["accounts"] = form.accounts;
  return args;
}

// The accounts whose best times the analytics page shows: those chosen, else all, at most
// kMaxBestTimeAccounts.
std::vector<std::string> BestTimeAccounts(const AnalyticsForm& form, const Json& accounts) {
  std::vector<std::string> ids = form.accounts;
  if (ids.empty()) {
    for (const Json& a : accounts.value("accounts", Json::array())) {
      ids.push_back(GetString(a, "account_id"));
    }
  }
  if (ids.size() > kMaxBestTimeAccounts) ids.resize(kMaxBestTimeAccounts);
  return ids;
}

// Empty list_accounts / list_posts results (built outside coroutines: GCC 12 mis-compiles
// braced Json temporaries in some co_return expressions).
Json NoAccounts() { return Json{{"accounts", Json::array()}}; }
Json Arg(std::string_view name, std::string value) {
  Json args = Json::object();
  args[std::string(name)] = std::move(value);
  return args;
}
Json BestTimeArgs(const std::string& account_id, const std::string& zone) {
  Json args = Arg("account_id", account_id);
  args["timezone"] = zone;
  return args;
}
Json NoPosts() { return Json{{"posts", Json::array()}, {"next_cursor", nullptr}}; }

// "2026-12-07T09:00" (datetime-local) -> "2026-12-07T09:00:00"; other text unchanged.
std::string LocalInput(std::string value) {
  if (value.size() == 16 && value[10] == 'T') value += ":00";
  return value;
}

// The text of an error a person reads on a page.
std::string ErrorText(const base::Error& e) {
  if (e.code() == base::ErrorCode::kInternal) return "Something went wrong inside herald; see its log.";
  return e.message();
}

}  // namespace

void AddConsoleSecurityHeaders(http::Response& response) {
  response.headers.Set("Content-Security-Policy",
                       "default-src 'none'; script-src 'self'; style-src 'self'; "
                       "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                       "frame-ancestors 'none'");
  response.headers.Set("X-Content-Type-Options", "nosniff");
  response.headers.Set("X-Frame-Options", "DENY");
  response.headers.Set("Referrer-Policy", "same-origin");
  if (!response.headers.Has("Cache-Control")) response.headers.Set("Cache-Control", "no-store");
}

std::string ConsoleCookie(std::string_view name, std::string_view value, std::string_view path,
                          long max_age_seconds, bool secure) {
  std::string c = std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
                  "; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds);
  if (secure) c += "; Secure";
  return c;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
  }
  return "";
}

ConsoleRoutes::ConsoleRoutes(const mcp::ToolRegistry& tools, core::ConsoleSessions& sessions,
                             const HttpGuard& guard, base::asio::thread_pool& pool,
                             const base::Clock& clock, ConsoleOptions options)
    : tools_(tools),
      sessions_(sessions),
      guard_(guard),
      pool_(pool),
      clock_(clock),
      options_(options),
      rest_(tools) {}

ConsoleRoutes::Session ConsoleRoutes::SessionOf(const core::ConsoleSignIn& in,
                                                std::string_view zone) {
  Session s;
  s.caller = in.caller;
  s.csrf_token = in.csrf_token;
  s.time_zone = UsableTimeZone(zone);
  return s;
}

std::string ConsoleRoutes::SessionCookie(std::string_view value, long max_age) const {
  return ConsoleCookie(kSessionCookie, value, "/", max_age, options_.secure_cookies);
}

http::Handler ConsoleRoutes::Authed(PageHandler inner, bool state_changing) const {
  return guard_.Open([this, inner = std::move(inner),
                      state_changing](http::Request req) -> base::Task<http::Response> {
    std::string token = CookieValue(req.Header("cookie"), kSessionCookie);
    // Named, and no co_await inside a conditional expression (GCC 12 coroutine bugs).
    auto resolve = [this, token] { return sessions_.Resolve(token); };
    base::Result<core::ConsoleSignIn> signed_in = base::Unauthenticated("not signed in");
    if (!token.empty()) signed_in = co_await base::RunBlocking(pool_, std::move(resolve));
    if (!signed_in.ok()) {
      if (signed_in.error().code() != base::ErrorCode::kUnauthenticated) {
        co_return Html(503, RenderPage(MakeFrame("Unavailable", "", "", ""),
                                       "<p class=\"notice error\">" +
                                           HtmlEscape(ErrorText(signed_in.error())) + "</p>"));
      }
      if (req.method == "GET") {
        std::string target = req.target;
        co_return Redirect("/console/signin?next=" + UrlEncode(target));
      }
      http::Response r = RestErrorResponse(401, "unauthenticated",
                                           "not signed in: sign in at /console/signin");
      AddConsoleSecurityHeaders(r);
      co_return r;
    }
    if (state_changing) {
      std::string presented(req.Header("x-csrf-token"));
      if (presented.empty()) {
        std::string_view type = req.Header("content-type");
        if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
          presented = FormValue(ParseForm(req), "csrf_token");
        }
      }
      if (presented.empty() || !base::ConstantTimeEqual(presented, signed_in->csrf_token)) {
        http::Response r = RestErrorResponse(
            403, "permission_denied",
            "the CSRF token is missing or wrong: reload the page and try again");
        AddConsoleSecurityHeaders(r);
        co_return r;
      }
    }
    Session s = SessionOf(*signed_in,
                          http::PercentDecode(CookieValue(req.Header("cookie"), kTimeZoneCookie)));
    http::Response r = co_await inner(std::move(req), std::move(s));
    AddConsoleSecurityHeaders(r);
    co_return r;
  });
}

base::Task<base::Result<Json>> ConsoleRoutes::Call(const Session& s, std::string_view name,
                                                   Json args) const {
  const mcp::RegisteredTool* tool = tools_.Find(name);
  if (tool == nullptr) co_return base::NotFound("this server has no " + std::string(name) + " tool");
  mcp::DetachedToolContext ctx(s.caller);
  base::Result<tools::ToolOutput> out = co_await tools_.Invoke(*tool, std::move(args), ctx);
  if (!out.ok()) co_return std::move(out).error();
  if (out->is_error) {
    std::string message;
    for (const Json& block : out->content) {
      if (block.is_object() && GetString(block, "type") == "text") {
        if (!message.empty()) message += "\n";
        message += GetString(block, "text");
      }
    }
    co_return base::InvalidArgument(message.empty() ? "the tool failed" : message);
  }
  co_return out->structured;
}

void ConsoleRoutes::AddTo(http::HttpServer& s) {
  auto open = [this](auto member) {
    return guard_.Open([this, member](http::Request req) { return (this->*member)(std::move(req)); });
  };
  auto page = [this](auto member, bool state_changing) {
    return Authed(
        [this, member](http::Request req, Session session) {
          return (this->*member)(std::move(req), std::move(session));
        },
        state_changing);
  };
  auto action = [this](std::string name) {
    return Authed(
        [this, name](http::Request req, Session session) {
          return PostAction(std::move(req), std::move(session), name);
        },
        true);
  };
  s.Route("GET", "/", [](http::Request) -> base::Task<http::Response> {
    co_return Redirect("/console/calendar");
  });
  s.Route("GET", "/console", [](http::Request) -> base::Task<http::Response> {
    co_return Redirect("/console/calendar");
  });
  s.Route("GET", "/console/", [](http::Request) -> base::Task<http::Response> {
    co_return Redirect("/console/calendar");
  });
  s.Route("GET", "/console/signin", open(&ConsoleRoutes::SignInForm));
  s.Route("POST", "/console/signin", open(&ConsoleRoutes::SignIn));
  s.Route("POST", "/console/signout", page(&ConsoleRoutes::SignOut, true));
  s.Route("GET", "/console/calendar", page(&ConsoleRoutes::Calendar, false));
  s.Route("GET", "/console/posts", page(&ConsoleRoutes::Posts, false));
  s.Route("GET", "/console/posts/{id}", page(&ConsoleRoutes::Post, false));
  s.Route("POST", "/console/posts/{id}/reschedule", action("reschedule"));
  s.Route("POST", "/console/posts/{id}/retry", action("retry"));
  s.Route("POST", "/console/posts/{id}/cancel", action("cancel"));
  s.Route("GET", "/console/compose", page(&ConsoleRoutes::ComposeForm, false));
  s.Route("POST", "/console/compose", page(&ConsoleRoutes::Compose, true));
  s.Route("GET", "/console/accounts", page(&ConsoleRoutes::Accounts, false));
  s.Route("POST", "/console/accounts/connect", page(&ConsoleRoutes::Connect, true));
  s.Route("POST", "/console/accounts/{id}/disconnect", page(&ConsoleRoutes::Disconnect, true));
  s.Route("GET", "/console/analytics", page(&ConsoleRoutes::Analytics, false));
  s.Route("POST", "/console/tools/{name}", page(&ConsoleRoutes::Tool, true),
          http::RouteOptions{.body_limit = 12u << 20});  // upload_media's 8 MiB, base64
  s.Route("GET", "/console/assets/{file}", [](http::Request req) -> base::Task<http::Response> {
    std::string file(req.PathParam("file"));
    auto asset = ConsoleAsset(file);
    if (!asset) co_return RestErrorResponse(404, "not_found", "no such asset");
    std::string type = "application/octet-stream";
    if (file.ends_with(".css")) type = "text/css; charset=utf-8";
    if (file.ends_with(".js")) type = "text/javascript; charset=utf-8";
    if (file.ends_with(".svg")) type = "image/svg+xml";
    http::Response r = http::Response::With(200, type, std::string(*asset));
    r.headers.Set("Cache-Control", "public, max-age=300");
    AddConsoleSecurityHeaders(r);
    co_return r;
  });
}

base::Task<http::Response> ConsoleRoutes::SignInForm(http::Request req) const {
  std::string csrf = CookieValue(req.Header("cookie"), kSignInCsrfCookie);
  if (csrf.size() != 43) csrf = base::RandomToken();
  Notice notice = DoneNotice(req);
  http::Response r = Html(200, SignInPage(csrf, SafeNext(QueryValue(req, "next")), notice));
  r.headers.Add("Set-Cookie", ConsoleCookie(kSignInCsrfCookie, csrf, "/console/signin", 3600,
                                            options_.secure_cookies));
  co_return r;
}

base::Task<http::Response> ConsoleRoutes::SignIn(http::Request req) const {
  Form form = ParseForm(req);
  std::string expected = CookieValue(req.Header("cookie"), kSignInCsrfCookie);
  std::string presented = FormValue(form, "csrf_token");
  std::string next = SafeNext(FormValue(form, "next"));
  if (expected.empty() || !base::ConstantTimeEqual(expected, presented)) {
    http::Response r = Html(403, SignInPage(expected.empty() ? base::RandomToken() : expected, next,
                                            Failure("The form expired (CSRF check failed): "
                                                    "please sign in again.")));
    co_return r;
  }
  std::string key = FormValue(form, "api_key");
  while (!key.empty() && (key.back() == ' ' || key.back() == '\n' || key.back() == '\r')) key.pop_back();
  while (!key.empty() && key.front() == ' ') key.erase(key.begin());
  if (key.empty()) {
    co_return Html(400, SignInPage(expected, next, Failure("Enter an API key.")));
  }
  auto sign_in = [this, key] { return sessions_.SignIn(key); };
  base::Result<core::ConsoleSignIn> session = co_await base::RunBlocking(pool_, std::move(sign_in));
  if (!session.ok()) {
    int status = session.error().code() == base::ErrorCode::kUnauthenticated ? 401 : 503;
    co_return Html(status, SignInPage(expected, next,
                                      Failure("Sign-in failed: " + ErrorText(session.error()))));
  }
  spdlog::info("console: key {} signed in", session->caller.key_id);
  http::Response r = Redirect(next);
  r.headers.Add("Set-Cookie", SessionCookie(session->token, kSessionMaxAge));
  r.headers.Add("Set-Cookie", ConsoleCookie(kSignInCsrfCookie, "", "/console/signin", 0,
                                            options_.secure_cookies));
  co_return r;
}

base::Task<http::Response> ConsoleRoutes::SignOut(http::Request req, Session) const {
  std::string token = CookieValue(req.Header("cookie"), kSessionCookie);
  auto sign_out = [this, token] { return sessions_.SignOut(token); };
  base::Result<void> done = co_await base::RunBlocking(pool_, std::move(sign_out));
  if (!done.ok()) spdlog::warn("console: signing out failed: {}", done.error().message());
  http::Response r = Redirect("/console/signin?done=signedout");
  r.headers.Add("Set-Cookie", SessionCookie("", 0));
  co_return r;
}

base::Task<http::Response> ConsoleRoutes::Calendar(http::Request req, Session s) const {
  std::string view = QueryValue(req, "view") == "month" ? "month" : "week";
  auto today = ToLocal(base::FormatRfc3339(clock_.Now()), s.time_zone);
  CivilDay anchor = today.ok() ? today->day : CivilDay{};
  if (auto d = ParseCivilDay(QueryValue(req, "date"))) anchor = *d;
  auto [first, last] = CalendarRange(view, anchor);
  auto from = StartOfDay(first, s.time_zone);
  auto to = StartOfDay(last, s.time_zone);
  PageFrame frame = MakeFrame("Calendar", "calendar", s.csrf_token, s.time_zone);
  if (!from.ok() || !to.ok()) {
    co_return Html(400, CalendarPage(frame, view, anchor, {}, Failure("That date cannot be shown.")));
  }
  std::vector<Json> posts;
  Json args = Json::object();
  args["from"] = *from;
  args["to"] = *to;
  args["limit"] = 100;
  Notice notice;
  for (int page = 0; page < kMaxCalendarPages; ++page) {
    base::Result<Json> list = co_await Call(s, "list_posts", args);
    if (!list.ok()) {
      notice = Failure(ErrorText(list.error()));
      break;
    }
    for (Json& p : (*list)["posts"]) posts.push_back(std::move(p));
    const Json next = list->value("next_cursor", Json());
    if (!next.is_string()) break;
    args["cursor"] = next;
  }
  co_return Html(200, CalendarPage(frame, view, anchor, posts, notice));
}

base::Task<http::Response> ConsoleRoutes::Posts(http::Request req, Session s) const {
  PostsFilter filter = FilterOf(req);
  Json args = Json::object();
  args["limit"] = 20;
  if (!filter.status.empty()) args["status"] = filter.status;
  if (!filter.account_id.empty()) args["account_id"] = filter.account_id;
  if (!filter.cursor.empty()) args["cursor"] = filter.cursor;
  PageFrame frame = MakeFrame("Queue & history", "posts", s.csrf_token, s.time_zone);
  Notice notice = DoneNotice(req);
  base::Result<Json> list = co_await Call(s, "list_posts", args);
  if (!list.ok()) {
    notice = Failure(ErrorText(list.error()));
    list = NoPosts();
  }
  std::map<std::string, Json> details;
  for (const Json& p : (*list)["posts"]) {
    std::string status = GetString(p, "status");
    if (status != "failed" && status != "partially_published") continue;
    std::string id = GetString(p, "post_id");
    base::Result<Json> detail = co_await Call(s, "get_post", Arg("post_id", id));
    if (detail.ok()) details[id] = std::move(*detail);
  }
  base::Result<Json> accounts = co_await Call(s, "list_accounts", Json::object());
  co_return Html(list.ok() ? 200 : 400,
                 PostsPage(frame, *list, details, filter,
                           accounts.ok() ? *accounts : NoAccounts(), notice));
}

base::Task<http::Response> ConsoleRoutes::PostPageResponse(const Session& s, std::string post_id,
                                                           Notice notice, int status) const {
  PageFrame frame = MakeFrame("Post", "posts", s.csrf_token, s.time_zone);
  base::Result<Json> post = co_await Call(s, "get_post", Arg("post_id", post_id));
  if (!post.ok()) {
    int code = post.error().code() == base::ErrorCode::kNotFound ? 404 : HttpStatusFor(post.error().code());
    co_return Html(code, RenderPage(frame, "<h1>Post</h1><p class=\"notice error\" role=\"alert\">" +
                                               HtmlEscape(ErrorText(post.error())) + "</p>"));
  }
  co_return Html(status, PostPage(frame, *post, notice));
}

base::Task<http::Response> ConsoleRoutes::Post(http::Request req, Session s) const {
  co_return co_await PostPageResponse(s, std::string(req.PathParam("id")), DoneNotice(req), 200);
}

base::Task<http::Response> ConsoleRoutes::PostAction(http::Request req, Session s,
                                                     std::string action) const {
  std::string id(req.PathParam("id"));
  Form form = ParseForm(req);
  base::Result<Json> done = base::Internal("unknown action");
  std::string notice;
  if (action == "reschedule") {
    Json args = Arg("post_id", id);
    args["publish_at"] = LocalInput(FormValue(form, "publish_at"));
    args["timezone"] = s.time_zone;
    done = co_await Call(s, "reschedule_post", std::move(args));
    notice = "rescheduled";
  } else if (action == "retry") {
    done = co_await Call(s, "retry_post", Arg("post_id", id));
    notice = "retried";
  } else if (action == "cancel") {
    done = co_await Call(s, "cancel_post", Arg("post_id", id));
    notice = "cancelled";
  }
  if (!done.ok()) {
    co_return co_await PostPageResponse(s, id, Failure(ErrorText(done.error())),
                                        HttpStatusFor(done.error().code()));
  }
  co_return Redirect("/console/posts/" + UrlEncode(id) + "?done=" + notice);
}

base::Task<http::Response> ConsoleRoutes::ComposeForm(http::Request req, Session s) const {
  PageFrame frame = MakeFrame("Compose", "compose", s.csrf_token, s.time_zone);
  base::Result<Json> accounts = co_await Call(s, "list_accounts", Json::object());
  Notice notice = accounts.ok() ? DoneNotice(req) : Failure(ErrorText(accounts.error()));
  transport::ComposeForm form;
  if (auto date = ParseCivilDay(QueryValue(req, "date"))) form.publish_at = FormatCivilDay(*date) + "T09:00";
  co_return Html(200, ComposePage(frame, accounts.ok() ? *accounts : NoAccounts(),
                                  form, notice));
}

base::Task<http::Response> ConsoleRoutes::Compose(http::Request req, Session s) const {
  PageFrame frame = MakeFrame("Compose", "compose", s.csrf_token, s.time_zone);
  Form f = ParseForm(req);
  transport::ComposeForm form = ComposeOf(f);
  const bool draft = FormValue(f, "action") == "draft";
  Json args = Json::object();
  args["accounts"] = form.accounts;
  args["text"] = form.text;
  if (!form.media.empty()) args["media"] = form.media;
  if (!form.publish_at.empty()) {
    args["publish_at"] = LocalInput(form.publish_at);
    args["timezone"] = s.time_zone;
  }
  base::Result<Json> done = base::Internal("unset");
  if (!draft && form.publish_at.empty()) {
    done = base::InvalidArgument("publish_at: choose when to publish (or save a draft)");
  } else {
    done = co_await Call(s, draft ? "save_draft" : "schedule_post", std::move(args));
  }
  if (!done.ok()) {
    base::Result<Json> accounts = co_await Call(s, "list_accounts", Json::object());
    co_return Html(HttpStatusFor(done.error().code()),
                   ComposePage(frame, accounts.ok() ? *accounts : NoAccounts(),
                               form, Failure(ErrorText(done.error()))));
  }
  co_return Redirect("/console/posts/" + UrlEncode(GetString(*done, "post_id")) +
                     (draft ? "?done=draft" : "?done=scheduled"));
}

base::Task<http::Response> ConsoleRoutes::AccountsPageResponse(const Session& s, Notice notice,
                                                               int status) const {
  PageFrame frame = MakeFrame("Accounts", "accounts", s.csrf_token, s.time_zone);
  base::Result<Json> accounts = co_await Call(s, "list_accounts", Json::object());
  base::Result<Json> platforms = co_await Call(s, "list_platforms", Json::object());
  if (!accounts.ok() && notice.text.empty()) notice = Failure(ErrorText(accounts.error()));
  co_return Html(status, AccountsPage(frame, accounts.ok() ? *accounts : Json::object(),
                                      platforms.ok() ? *platforms : Json::object(), notice));
}

base::Task<http::Response> ConsoleRoutes::Accounts(http::Request req, Session s) const {
  co_return co_await AccountsPageResponse(s, DoneNotice(req), 200);
}

base::Task<http::Response> ConsoleRoutes::Connect(http::Request req, Session s) const {
  Json args = Json::object();
  for (const auto& [k, v] : ParseForm(req)) {
    if (k == "csrf_token" || v.empty()) continue;
    args[k] = v;
  }
  base::Result<Json> done = co_await Call(s, "connect_account", std::move(args));
  if (!done.ok()) {
    co_return co_await AccountsPageResponse(s, Failure(ErrorText(done.error())),
                                            HttpStatusFor(done.error().code()));
  }
  std::string url = GetString(*done, "authorization_url");
  if (!url.empty() && (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0)) {
    co_return Redirect(url);
  }
  co_return Redirect("/console/accounts?done=connected");
}

base::Task<http::Response> ConsoleRoutes::Disconnect(http::Request req, Session s) const {
  base::Result<Json> done =
      co_await Call(s, "disconnect_account", Arg("account_id", std::string(req.PathParam("id"))));
  if (!done.ok()) {
    co_return co_await AccountsPageResponse(s, Failure(ErrorText(done.error())),
                                            HttpStatusFor(done.error().code()));
  }
  co_return Redirect("/console/accounts?done=disconnected");
}

base::Task<http::Response> ConsoleRoutes::Analytics(http::Request req, Session s) const {
  PageFrame frame = MakeFrame("Analytics", "analytics", s.csrf_token, s.time_zone);
  AnalyticsForm form = AnalyticsFormOf(req);
  auto today = ToLocal(base::FormatRfc3339(clock_.Now()), s.time_zone);
  Json args = ReportArgs(form, today.ok() ? today->day : CivilDay{}, s.time_zone);
  base::Result<Json> accounts = co_await Call(s, "list_accounts", Json::object());
  if (!accounts.ok()) accounts = NoAccounts();
  base::Result<Json> report = co_await Call(s, "analytics_report", std::move(args));
  std::vector<Json> best_times;
  Notice notice;
  int status = 200;
  if (report.ok()) {
    const std::vector<std::string> ids = BestTimeAccounts(form, *accounts);
    for (const std::string& id : ids) {
      base::Result<Json> best =
          co_await Call(s, "best_time_to_post", BestTimeArgs(id, s.time_zone));
      if (best.ok()) best_times.push_back(std::move(*best));
    }
  } else {
    notice = Failure(ErrorText(report.error()));
    status = HttpStatusFor(report.error().code());
    report = Json();
  }
  co_return Html(status, AnalyticsPage(frame, form, *accounts, *report, best_times, notice));
}

base::Task<http::Response> ConsoleRoutes::Tool(http::Request req, Session s) const {
  static const RestRoute* route = [] {
    for (const RestRoute& r : RestRoutes()) {
      if (r.pattern == "/api/v1/tools/{name}") return &r;
    }
    return static_cast<const RestRoute*>(nullptr);
  }();
  if (route == nullptr) co_return RestErrorResponse(404, "not_found", "no tool route");
  co_return co_await rest_.Serve(*route, std::move(req), s.caller);
}

}  // namespace herald::transport
