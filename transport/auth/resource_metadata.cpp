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

base::Json ProtectedResourceMetadata(std::string_view base, std::string_view resource_path) {
  return base::Json{
      {"resource", std::string(base) + std::string(resource_path)},
      {"resource_name", "herald"},
      {"bearer_methods_supported", base::Json::array({"header"})},
      {"resource_documentation", std::string(base) + "/api/v1/openapi.json"},
  };
}

std::string WwwAuthenticateChallenge(std::string_view base) {
  return "Bearer resource_metadata=\"" + std::string(base) + std::string(kResourceMetadataPath) +
         "\"";
}

}  // namespace herald::transport
