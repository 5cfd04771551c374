// The pages of herald's OAuth authorization server: the consent page a person sees when an MCP
// client asks for access (the client's name and where it will be sent back, an API key field
// unless a console session is present, the role to grant, Allow / Deny) and the page for a
// request that cannot be sent back to the client. Every piece of client text is HTML-escaped.
// Pure functions; thread-safe.
#ifndef HERALD_TRANSPORT_ROUTES_MCP_OAUTH_PAGES_H_
#define HERALD_TRANSPORT_ROUTES_MCP_OAUTH_PAGES_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/caller.h"
#include "core/mcp_oauth_server.h"

namespace herald::transport {

struct ConsentView {
  core::CheckedAuthorization checked;
  std::string csrf_token;
  // The console session's caller when the person is signed in (no API key field then, and
  // roles above its own are not offered).
  std::optional<base::Caller> signed_in;
  std::string notice;  // an error to show above the form ("" = none)
};

// The consent page (a form posting to /oauth/authorize).
std::string ConsentPage(const ConsentView& view);

// The page for an authorization request that is refused before its redirect URI is trusted.
std::string AuthorizationErrorPage(std::string_view message);

// The host of `uri` (what the consent page shows as the destination), or `uri` itself.
std::string RedirectHost(std::string_view uri);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_ROUTES_MCP_OAUTH_PAGES_H_
