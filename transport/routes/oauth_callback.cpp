#include "transport/routes/oauth_callback.h"

#include <string>

namespace herald::transport {
namespace {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string QueryOr(const http::Request& req, std::string_view name) {
  auto v = req.Query(name);
  return v ? std::string(*v) : std::string();
}

}  // namespace

http::Response OAuthCallbackPage(const core::OAuthCallbackResult& result) {
  using Kind = core::OAuthCallbackResult::Kind;
  int status = 200;
  std::string title;
  switch (result.kind) {
    case Kind::kConnected:
      title = result.accounts.size() > 1 ? "Accounts connected" : "Account connected";
      break;
    case Kind::kDenied:
      title = "Not connected";
      break;
    case Kind::kStateInvalid:
      status = 400;
      title = "This sign-in link can no longer be used";
      break;
    case Kind::kFailed:
      status = 502;
      title = "Connecting the account failed";
      break;
  }
  std::string body =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>herald: " +
      HtmlEscape(title) +
      "</title>"
      "<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;"
      "padding:0 1rem;line-height:1.5;color:#222}h1{font-size:1.4rem}"
      ".n{color:#666;font-size:.9rem}</style></head><body>"
      "<h1>" +
      HtmlEscape(title) +
      "</h1>"
      "<p>" +
      HtmlEscape(result.message) +
      "</p>"
      "<p><a href=\"/console/accounts\">Back to the console</a></p>"
      "<p class=\"n\">herald &middot; " +
      HtmlEscape(result.platform_name) + " &middot; " +
      std::string(core::OAuthCallbackKindName(result.kind)) +
      "</p>"
      "</body></html>\n";
  http::Response r = http::Response::With(status, "text/html; charset=utf-8", std::move(body));
  r.headers.Set("Cache-Control", "no-store");
  r.headers.Set("Referrer-Policy", "no-referrer");
  r.headers.Set("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("X-Frame-Options", "DENY");
  return r;
}

void AddOAuthCallbackRoute(http::HttpServer& server, core::AccountService& accounts) {
  core::AccountService* service = &accounts;
  server.Route("GET", std::string(kOAuthCallbackPattern),
               [service](http::Request req) -> base::Task<http::Response> {
                 std::string platform(req.PathParam("platform"));
                 std::string state = QueryOr(req, "state");
                 std::string code = QueryOr(req, "code");
                 std::string error = QueryOr(req, "error");
                 std::string description = QueryOr(req, "error_description");
                 core::OAuthCallbackResult result = co_await service->CompleteOAuth(
                     std::move(platform), std::move(state), std::move(code), std::move(error),
                     std::move(description));
                 co_return OAuthCallbackPage(result);
               });
}

}  // namespace herald::transport
