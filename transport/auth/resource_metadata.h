// OAuth 2.0 Protected Resource Metadata (RFC 9728) for herald's HTTP interface, and the
// WWW-Authenticate challenge of a 401 that points clients at it.
//
// herald takes API keys (herald keys create) and, when its own authorization server is on
// (McpOAuthRoutes), the access tokens it issues; the metadata tells MCP clients that this
// resource takes a bearer token in the Authorization header and, then, names herald as its
// authorization server (RFC 8414 metadata: AuthorizationServerMetadata). Pure functions;
// thread-safe.
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

inline constexpr std::string_view kAuthorizationServerMetadataPath =
    "/.well-known/oauth-authorization-server";

// The metadata document for the resource `base` + `resource_path` ("/mcp"); with
// `authorization_server`, herald (`base`) is listed in authorization_servers.
base::Json ProtectedResourceMetadata(std::string_view base, std::string_view resource_path,
                                     bool authorization_server = false);

// RFC 8414 metadata of herald's authorization server whose issuer is `base`: the /oauth/*
// endpoints, code with PKCE S256, authorization_code and refresh_token grants, public and
// client-secret clients, client ID metadata documents, RFC 9207 iss.
base::Json AuthorizationServerMetadata(std::string_view base);

// Bearer resource_metadata="<base>/.well-known/oauth-protected-resource"
std::string WwwAuthenticateChallenge(std::string_view base);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_AUTH_RESOURCE_METADATA_H_
