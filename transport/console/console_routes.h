// ConsoleRoutes: the web console, served by `herald serve` beside MCP and REST.
//
//   GET  /                               -> /console/calendar (303)
//   GET  /console/signin, POST /console/signin    sign in with an API key (form field "API key")
//   POST /console/signout
//   GET  /console/calendar?view=week|month&date=YYYY-MM-DD
//   GET  /console/posts?status=&account_id=&cursor=      queue and history
//   GET  /console/posts/{id}; POST .../reschedule, .../retry, .../cancel
//   GET  /console/compose; POST /console/compose
//   GET  /console/accounts; POST /console/accounts/connect, /console/accounts/{id}/disconnect
//   GET  /console/analytics?range=7|30|90|custom&from=&to=&group_by=&accounts=
//                                        analytics_report (chart as inline SVG), best_time_to_post
//   POST /console/tools/{name}           any tool, JSON in and out, exactly as
//                                        POST /api/v1/tools/{name} (the page scripts use it:
//                                        validate_post as you type, upload_media, reschedule)
//   GET  /console/assets/{file}          embedded CSS, JS and icons
//
// Signing in exchanges the key for a session cookie (core::ConsoleSessions): HttpOnly,
// SameSite=Strict, Secure when the public URL is https. Every state-changing request must carry
// the session's CSRF token (form field csrf_token or header X-CSRF-Token); the sign-in form
// carries a pre-session token (double-submit cookie). Everything the console does goes through
// the tool registry with the session's caller: the same role checks, schema validation and
// error messages as MCP and REST. Pages are sent with a strict CSP (scripts from 'self' only,
// no inline script), frame-ancestors 'none', nosniff, no-store. Thread-safe; must outlive the
// HTTP server.
#ifndef HERALD_TRANSPORT_CONSOLE_CONSOLE_ROUTES_H_
#define HERALD_TRANSPORT_CONSOLE_CONSOLE_ROUTES_H_

#include <string>
#include <string_view>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/console_sessions.h"
#include "http/http_server.h"
#include "mcp/server/tool_registry.h"
#include "transport/console/console_pages.h"
#include "transport/guard/http_guard.h"
#include "transport/rest/rest_api.h"

namespace herald::transport {

inline constexpr std::string_view kSessionCookie = "herald_session";
inline constexpr std::string_view kSignInCsrfCookie = "herald_signin";
inline constexpr std::string_view kTimeZoneCookie = "herald_tz";

struct ConsoleOptions {
  bool secure_cookies = false;  // HERALD_PUBLIC_URL starts with https://
};

class ConsoleRoutes {
 public:
  // All references must outlive this object; `pool` runs the blocking session look-ups.
  ConsoleRoutes(const mcp::ToolRegistry& tools, core::ConsoleSessions& sessions,
                const HttpGuard& guard, base::asio::thread_pool& pool, const base::Clock& clock,
                ConsoleOptions options);

  // Adds the routes above to `server` (before it starts).
  void AddTo(http::HttpServer& server);

 private:
  struct Session {
    base::Caller caller;
    std::string csrf_token;
    std::string time_zone;
  };
  using PageHandler = std::function<base::Task<http::Response>(http::Request, Session)>;

  // Resolves the session cookie; without one, GETs go to the sign-in page and other requests
  // get 401. With `state_changing`, also checks the CSRF token and the Origin (403).
  http::Handler Authed(PageHandler inner, bool state_changing) const;

  // Runs tool `name` for the session; its structured result, or the error a person reads.
  base::Task<base::Result<base::Json>> Call(const Session& s, std::string_view name,
                                            base::Json args) const;

  base::Task<http::Response> SignInForm(http::Request req) const;
  base::Task<http::Response> SignIn(http::Request req) const;
  base::Task<http::Response> SignOut(http::Request req, Session s) const;
  base::Task<http::Response> Calendar(http::Request req, Session s) const;
  base::Task<http::Response> Posts(http::Request req, Session s) const;
  base::Task<http::Response> Post(http::Request req, Session s) const;
  base::Task<http::Response> PostAction(http::Request req, Session s, std::string action) const;
  base::Task<http::Response> ComposeForm(http::Request req, Session s) const;
  base::Task<http::Response> Compose(http::Request req, Session s) const;
  base::Task<http::Response> Accounts(http::Request req, Session s) const;
  base::Task<http::Response> Connect(http::Request req, Session s) const;
  base::Task<http::Response> Disconnect(http::Request req, Session s) const;
  base::Task<http::Response> Analytics(http::Request req, Session s) const;
  base::Task<http::Response> Tool(http::Request req, Session s) const;

  // The post page with `notice` (after a failed action: `status` 400-ish).
  base::Task<http::Response> PostPageResponse(const Session& s, std::string post_id,
                                              Notice notice, int status) const;
  base::Task<http::Response> AccountsPageResponse(const Session& s, Notice notice,
                                                  int status) const;

  std::string SessionCookie(std::string_view value, long max_age_seconds) const;
  static Session SessionOf(const core::ConsoleSignIn& signed_in, std::string_view time_zone);

  const mcp::ToolRegistry& tools_;
  core::ConsoleSessions& sessions_;
  const HttpGuard& guard_;
  base::asio::thread_pool& pool_;
  const base::Clock& clock_;
  const ConsoleOptions options_;
  mutable RestApi rest_;  // thread-safe; Serve is not const
};

// Adds the console's security headers (CSP, frame-ancestors, nosniff, no-store, referrer
// policy) to `response`.
void AddConsoleSecurityHeaders(http::Response& response);

// A Set-Cookie value for the console: HttpOnly, SameSite=Strict, Max-Age `max_age_seconds` (0
// deletes it), and Secure when `secure` (the public URL is https).
std::string ConsoleCookie(std::string_view name, std::string_view value, std::string_view path,
                          long max_age_seconds, bool secure);

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_CONSOLE_CONSOLE_ROUTES_H_
