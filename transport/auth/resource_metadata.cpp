#include "transport/auth/resource_metadata.h"

namespace herald::transport {

std::string PublicBaseUrl(std::string_view public_url, std::string_view host_header) {
  std::string base;
  if (!public_url.empty()) {
    base = std::string(public_url);
  } else {
    base = "http://" + std::string(host_header.empty() ? "localhost" : host_header);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

base::Json ProtectedResourceMetadata(std::string_view base, std::string_view resource_path,
                                     bool authorization_server) {
  base::Json metadata{
      {"resource", std::string(base) + std::string(resource_path)},
      {"resource_name", "herald"},
      {"bearer_methods_supported", base::Json::array({"header"})},
      {"resource_documentation", std::string(base) + "/api/v1/openapi.json"},
  };
  if (authorization_server) {
    metadata["authorization_servers"] = base::Json::array({std::string(base)});
  }
  return metadata;
}

base::Json AuthorizationServerMetadata(std::string_view base) {
  const std::string b(base);
  return base::Json{
      {"issuer", b},
      {"authorization_endpoint", b + "/oauth/authorize"},
      {"token_endpoint", b + "/oauth/token"},
      {"registration_endpoint", b + "/oauth/register"},
      {"revocation_endpoint", b + "/oauth/revoke"},
      {"response_types_supported", base::Json::array({"code"})},
      {"response_modes_supported", base::Json::array({"query"})},
      {"grant_types_supported", base::Json::array({"authorization_code", "refresh_token"})},
      {"code_challenge_methods_supported", base::Json::array({"S256"})},
      {"token_endpoint_auth_methods_supported",
       base::Json::array({"none", "client_secret_post", "client_secret_basic"})},
      {"revocation_endpoint_auth_methods_supported",
       base::Json::array({"none", "client_secret_post", "client_secret_basic"})},
      {"client_id_metadata_document_supported", true},
      {"authorization_response_iss_parameter_supported", true},
      {"scopes_supported", base::Json::array({"mcp"})},
  };
}

std::string WwwAuthenticateChallenge(std::string_view base) {
  return "Bearer resource_metadata=\"" + std::string(base) + std::string(kResourceMetadataPath) +
         "\"";
}

}  // namespace herald::transport
