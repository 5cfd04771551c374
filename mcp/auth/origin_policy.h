// OriginPolicy: which Host and Origin headers herald's HTTP listener accepts, against DNS
// rebinding and cross-site requests from browsers.
//
// Host: when herald is bound to a loopback address, the Host header must name localhost,
// 127.0.0.1 or [::1] (any port), or the host of the public URL; a page on evil.example.com that
// got its name re-pointed at 127.0.0.1 therefore gets 403. When bound elsewhere any Host passes
// (a reverse proxy or load balancer decides).
// Origin (sent by browsers): absent passes (curl, SDKs); otherwise it must be listed in
// allowed_origins, be the public URL's origin, be a loopback origin when bound to loopback, or
// (when not bound to loopback) be the same origin as the Host header. Everything else is 403.
// Immutable after construction; thread-safe.
#ifndef HERALD_MCP_AUTH_ORIGIN_POLICY_H_
#define HERALD_MCP_AUTH_ORIGIN_POLICY_H_

#include <string>
#include <string_view>
#include <vector>

namespace herald::mcp {

struct OriginPolicyOptions {
  std::string bind_host = "127.0.0.1";        // the address the server is bound to
  std::string public_url;                     // HERALD_PUBLIC_URL, "" when unset
  std::vector<std::string> allowed_origins;   // exact origins ("https://app.example.com")
};

// True for 127.0.0.0/8, ::1, "localhost" and "[::1]".
bool IsLoopbackHost(std::string_view host);

class OriginPolicy {
 public:
  explicit OriginPolicy(OriginPolicyOptions options);

  bool HostAllowed(std::string_view host_header) const;
  bool OriginAllowed(std::string_view origin, std::string_view host_header) const;
  bool bound_to_loopback() const { return loopback_; }

 private:
  OriginPolicyOptions options_;
  bool loopback_;
  std::string public_host_;    // lower-case host name of public_url, without port
  std::string public_origin_;  // scheme://host[:port] of public_url
};

// Splits "host:port", "[v6]:port" or "host" into the lower-cased host name (brackets removed)
// and the port text ("" when absent).
void SplitHostPort(std::string_view authority, std::string* host, std::string* port);

// "scheme://authority" of an absolute URL, lower-cased, or "" when `url` is not one.
std::string OriginOf(std::string_view url);

}  // namespace herald::mcp

#endif  // HERALD_MCP_AUTH_ORIGIN_POLICY_H_
