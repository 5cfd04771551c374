// OAuth 2.0 Protected Resource Metadata (RFC 9728) for herald's HTTP interface, and the
// WWW-Authenticate challenge of a 401 that points clients at it.
//
// herald authenticates with API keys (herald keys create), not OAuth tokens; the metadata tells
// MCP clients that this resource takes a bearer token in the Authorization header. Pure
// functions; thread-safe.
#ifndef HERALD_TRANSPORT_AUTH_RESOURCE_METADATA_H_
#define HERALD_TRANSPORT_AUTH_RESOURCE_METADATA_H_

#include <string>
#include <string_view>

#include "base/json.h"

namespace herald::transport {

inline constexpr std::string_view kResourceMetadataPath = "/.well-known/oauth-protected-resource";

// How clients reach this server: `public_url` (HERALD_PUBLIC_URL, trailing '/' removed) when
// set, else "http://<host header>" (or "http://localhost" without one).
std::string PublicBaseUrl(std::string_view public_url, std::string_view host_header);

// The metadata document for the resource `base` + `resource_path` ("/mcp").
base::Json ProtectedResourceMetadata(std::string_view base, std::string_view resource_path);

// Bearer resource_metadata="<base>/.well-known/oauth-protected-resource"
std::string WwwAuthenticateChallenge(std::string_view base);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_AUTH_RESOURCE_METADATA_H_
