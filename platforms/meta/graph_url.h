// GraphUrl: where a Meta API lives. The origin (scheme and host: https://graph.threads.net, or
// the operator's HERALD_<ID>_API_URL, which replaces scheme and host only) and the pinned API
// version ("v24.0" for Facebook and Instagram, "v1.0" for Threads): every versioned call is
// <origin>/<version><path>, exactly the real path, so an emulator serves the same paths as
// Meta. Immutable; thread-safe.
#ifndef HERALD_PLATFORMS_META_GRAPH_URL_H_
#define HERALD_PLATFORMS_META_GRAPH_URL_H_

#include <string>
#include <string_view>

#include "platforms/http/form_urlencoded.h"

namespace herald::platforms::meta {

// The Graph API version herald speaks to Facebook and Instagram.
inline constexpr std::string_view kGraphVersion = "v24.0";
// The Threads API version.
inline constexpr std::string_view kThreadsVersion = "v1.0";

class GraphUrl {
 public:
  // `override_url` (HERALD_<ID>_API_URL, "" = none) replaces `real_origin`; trailing slashes
  // and any path of the override are dropped ("http://127.0.0.1:8080/" ->
  // "http://127.0.0.1:8080").
  GraphUrl(std::string_view override_url, std::string_view real_origin, std::string_view version);

  const std::string& origin() const { return origin_; }
  const std::string& version() const { return version_; }

  // <origin>/<version><path> (`path` starts with '/': "/me") with `query` appended.
  std::string Versioned(std::string_view path, const http::FormFields& query = {}) const;
  // <origin><path> without the version (Threads' /oauth/access_token, /access_token).
  std::string Unversioned(std::string_view path, const http::FormFields& query = {}) const;

 private:
  std::string origin_;
  std::string version_;
};

// Scheme and host of `url` ("https://a.example:8443/x/y?z" -> "https://a.example:8443"); `url`
// without trailing slashes when it has no scheme.
std::string OriginOf(std::string_view url);

}  // namespace herald::platforms::meta

#endif  // HERALD_PLATFORMS_META_GRAPH_URL_H_
