// URL policy for outbound requests: the one strict parser every URL herald connects to goes
// through (request URLs, connect arguments, HTTPS_PROXY, HERALD_*_API_URL, HERALD_PUBLIC_URL),
// and CheckUserUrl, the early check of a URL a user hands herald as a connect argument (a
// Mastodon instance_url, a Bluesky service_url, a Discord webhook_url) before anything connects
// to it. The HTTPS client enforces the same rules again after DNS resolution; this check gives a
// message that names the argument. Pure, thread-safe.
#ifndef HERALD_PLATFORMS_HTTP_URL_POLICY_H_
#define HERALD_PLATFORMS_HTTP_URL_POLICY_H_

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace herald::platforms::http {

// An absolute URL split into the parts herald uses.
struct ParsedUrl {
  std::string scheme;  // lower-case ("https", "http", ...)
  std::string host;    // lower-case name (trailing dots removed) or IP literal without brackets
  std::optional<boost::asio::ip::address> ip;  // set when the host is an IP literal
  std::optional<uint16_t> port;                // the explicit port (1-65535), if any
  bool has_userinfo = false;
  std::string user;      // decoded user name ("" when none)
  std::string password;  // decoded password ("" when none)
  std::string path;      // encoded path, "" or starting with '/'
  std::optional<std::string> query;  // encoded query without '?', when present
  bool has_fragment = false;

  // The explicit port, or `fallback`.
  uint16_t PortOr(uint16_t fallback) const { return port ? *port : fallback; }
  // "host" or "[v6]", plus ":port" when the port is explicit.
  std::string Authority() const;
};

// Parses a port: one to five ASCII digits whose value is 1 to 65535. nullopt for anything else
// ("", "0", "65536", "99999", "-1", "+80", "80abc", " 80").
std::optional<uint16_t> ParsePort(std::string_view text);

// Parses an absolute URL (RFC 3986, via Boost.URL) strictly: a scheme, a non-empty host (a
// name of letters, digits, '-', '.', '_', or an IP literal), and, when a ':' follows the host,
// a port per ParsePort (Boost.URL alone would accept "99999" and wrap it to 34463). Errors:
// kInvalidArgument "<what> is not a valid absolute URL ...", "<what> has no host",
// "<what> has an invalid port ..." (the message shows at most the port text, never the path or
// query, which may hold a token).
base::Result<ParsedUrl> ParseUrl(std::string_view url, std::string_view what);

// Ok for an absolute https:// URL with a host (or http:// to 127.0.0.1, [::1] or localhost)
// and, if present, a valid port (1-65535). Errors (kInvalidArgument, the message names `field`
// and shows only scheme and host, never the path or query, which may hold a token): not a URL;
// another scheme; a bad port; http:// to a non-loopback host; user info in the URL; an
// IP-literal or "localhost"-style host that is private while `allow_private_networks` is false
// ("<field> points to a private address ...").
base::Result<void> CheckUserUrl(std::string_view field, std::string_view url,
                                bool allow_private_networks);

// Checks the base URL of a network's API override (HERALD_<ID>_API_URL) or of the server itself
// (HERALD_PUBLIC_URL), named `variable` in errors: an absolute http:// or https:// URL with a
// host, a valid port, no user info, query or fragment. Errors: kInvalidArgument naming
// `variable`.
base::Result<void> CheckBaseUrl(std::string_view variable, std::string_view url);

}  // namespace herald::platforms::http

#endif  // HERALD_PLATFORMS_HTTP_URL_POLICY_H_
