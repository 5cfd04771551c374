#include "platforms/meta/graph_url.h"

#include "platforms/kit/helpers.h"

namespace herald::platforms::meta {

std::string OriginOf(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return TrimSlash(std::string(url));
  const size_t path = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, path));
}

GraphUrl::GraphUrl(std::string_view override_url, std::string_view real_origin,
                   std::string_view version)
    : origin_(OriginOf(override_url.empty() ? real_origin : override_url)),
      version_(version) {}

std::string GraphUrl::Versioned(std::string_view path, const http::FormFields& query) const {
  std::string url = origin_ + "/" + version_ + std::string(path);
  return query.empty() ? url : http::AppendQuery(std::move(url), query);
}

std::string GraphUrl::Unversioned(std::string_view path, const http::FormFields& query) const {
  std::string url = origin_ + std::string(path);
  return query.empty() ? url : http::AppendQuery(std::move(url), query);
}

}  // namespace herald::platforms::meta
