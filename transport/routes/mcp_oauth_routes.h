// McpOAuthRoutes: the HTTP side of herald's OAuth 2.1 authorization server for MCP clients
// (core::McpOAuthServer).
//
//   GET  /.well-known/oauth-authorization-server   RFC 8414 metadata (issuer = the base URL)
//   POST /oauth/register     RFC 7591 dynamic client registration (JSON in, 201 JSON out)
//   GET  /oauth/authorize    the consent page (HTML), or 302 back with an error
//   POST /oauth/authorize    the consent form: 302 to the redirect URI with code, state and
//                            iss (RFC 9207), or error=access_denied when denied
//   POST /oauth/token        authorization_code (PKCE) and refresh_token grants; JSON with
//                            Cache-Control: no-store; errors {"error","error_description"}
//   POST /oauth/revoke       RFC 7009 (200 whatever the token)
//
// Public on purpose (a client has no API key yet): the consent form carries a CSRF token
// (double-submit cookie) and is authenticated by the API key typed into it or the console
// session cookie. A request whose client or redirect URI cannot be trusted is answered with a
// page, never redirected (no open redirect). The metadata, registration, token and revocation
// endpoints answer any Origin (CORS *, no credentials): they need no cookie. Thread-safe; must
// outlive the HTTP server.
#ifndef HERALD_TRANSPORT_ROUTES_MCP_OAUTH_ROUTES_H_
#define HERALD_TRANSPORT_ROUTES_MCP_OAUTH_ROUTES_H_

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include "base/async.h"
#include "core/console_sessions.h"
#include "core/key_service.h"
#include "core/mcp_oauth_server.h"
#include "http/http_server.h"
#include "transport/guard/http_guard.h"

namespace herald::transport {

inline constexpr std::string_view kOAuthConsentCsrfCookie = "herald_oauth";

class McpOAuthRoutes {
 public:
  // All references must outlive this object; `sessions` may be null (no console sign-in on the
  // consent page); `pool` runs the blocking store work. `secure_cookies`: the public URL is
  // https.
  McpOAuthRoutes(core::McpOAuthServer& oauth, core::KeyService& keys,
                 core::ConsoleSessions* sessions, const HttpGuard& guard,
                 base::asio::thread_pool& pool, bool secure_cookies);

  // Adds the routes above to `server` (before it starts).
  void AddTo(http::HttpServer& server);

 private:
  base::Task<http::Response> Metadata(http::Request req) const;
  base::Task<http::Response> Register(http::Request req) const;
  base::Task<http::Response> AuthorizeForm(http::Request req) const;
  base::Task<http::Response> AuthorizeSubmit(http::Request req) const;
  base::Task<http::Response> Token(http::Request req) const;
  base::Task<http::Response> Revoke(http::Request req) const;

  // herald's MCP URL for this request: the resource tokens are bound to.
  std::string Resource(const http::Request& req) const;

  core::McpOAuthServer& oauth_;
  core::KeyService& keys_;
  core::ConsoleSessions* sessions_;
  const HttpGuard& guard_;
  base::asio::thread_pool& pool_;
  const bool secure_cookies_;
  // Registration needs no sign-in: at most kRegistrationsPerMinute in any clock minute, so a
  // flood of registrations cannot fill the store (unused clients are pruned after a day).
  mutable std::mutex register_mu_;
  mutable std::chrono::steady_clock::time_point register_window_{};
  mutable int registrations_in_window_ = 0;
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_ROUTES_MCP_OAUTH_ROUTES_H_
