// ProxyConfig: the outbound HTTPS proxy (HTTPS_PROXY) and its exceptions (NO_PROXY).
//
// Only http:// proxies are supported: the client opens a plain TCP connection to the proxy,
// asks it for a tunnel with HTTP CONNECT, and runs TLS to the real host inside the tunnel, so
// the proxy never sees the request. Plain http:// requests (loopback only) never use a proxy.
// Immutable after Parse; thread-safe.
#ifndef HERALD_PLATFORMS_HTTP_PROXY_CONFIG_H_
#define HERALD_PLATFORMS_HTTP_PROXY_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace herald::platforms::http {

struct ProxyConfig {
  std::string host;            // the proxy's host name or IP literal (no brackets)
  uint16_t port = 0;
  std::string authorization;   // "Basic ..." for a proxy URL with user:password, else ""
  std::vector<std::string> no_proxy;  // lower-case NO_PROXY entries ("*", ".corp", "10.0.0.0/8")

  // Parses `proxy_url` ("http://[user:password@]host[:port][/]" or "host[:port]"; the port
  // defaults to 1080, as in curl) and `no_proxy` (comma or space separated).
  // Returns nullopt when `proxy_url` is empty. Errors: kInvalidArgument naming HTTPS_PROXY for a
  // malformed URL or a scheme other than http.
  static base::Result<std::optional<ProxyConfig>> Parse(std::string_view proxy_url,
                                                        std::string_view no_proxy);

  // True if requests to `host` (a name or IP literal, without port) go through the proxy:
  // false for loopback names and addresses and for hosts matched by NO_PROXY ("*" matches all;
  // "example.com" and ".example.com" match the domain and its subdomains; IP literals and CIDR
  // ranges match addresses written as literals).
  bool Applies(std::string_view host) const;
};

}  // namespace herald::platforms::http

#endif  // HERALD_PLATFORMS_HTTP_PROXY_CONFIG_H_
