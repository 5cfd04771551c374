// OriginPolicy: which Host and Origin headers herald's HTTP listener accepts, against DNS
// rebinding and cross-site requests from browsers.
//
// Both headers are parsed strictly (Boost.URL grammar, then herald's rules): a Host is
// uri-host [":" port] and nothing else; an Origin is "http(s)://host[:port]" (one trailing '/'
// tolerated). Userinfo ('@'), anything after the authority, percent-escapes or other
// characters outside [a-z0-9.-] in a host name, IPvFuture, and ports that are empty,
// non-numeric, 0 or above 65535 make the header malformed. Hosts compare exactly (lower-cased;
// IPv6 canonical, "[::1]"); ports compare as numbers.
//
// Host: when herald is bound to a loopback address, the Host must name localhost, a 127.x.x.x
// address or [::1] (any port), or the host of the public URL; a page on evil.example.com that
// got its name re-pointed at 127.0.0.1 therefore gets 403. When bound elsewhere any well-formed
// Host passes (a reverse proxy or load balancer decides).
// Origin (sent by browsers): absent passes (curl, SDKs); otherwise it must be listed in
// allowed_origins or be the public URL's origin (exact, case-insensitive), or parse and be a
// loopback origin when bound to loopback, or (when not bound to loopback) be the same host and
// port as the Host header. Everything else is 403.
// Immutable after construction; thread-safe.
#ifndef HERALD_TRANSPORT_AUTH_ORIGIN_POLICY_H_
#define HERALD_TRANSPORT_AUTH_ORIGIN_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::transport {

struct OriginPolicyOptions {
  std::string bind_host = "127.0.0.1";        // the address the server is bound to
  std::string public_url;                     // HERALD_PUBLIC_URL, "" when unset
  std::vector<std::string> allowed_origins;   // exact origins ("https://app.example.com")
};

// A host and optional port, as parsed from a Host header or an origin.
struct HostPort {
  enum class Kind { kName, kIpv4, kIpv6 };
  Kind kind = Kind::kName;
  std::string host;              // lower case; an IPv6 address canonical and in brackets
  std::optional<uint16_t> port;  // 1..65535 when given
};

// A serialized origin "scheme://host[:port]".
struct ParsedOrigin {
  std::string scheme;  // "http" or "https"
  HostPort authority;
  // The explicit port, else the scheme's default (80, 443).
  uint16_t effective_port() const;
};

// Parses a Host header value (RFC 9110 7.2: uri-host [":" port]). nullopt when malformed (see
// the rules above).
std::optional<HostPort> ParseHostHeader(std::string_view value);

// Parses an Origin header value (RFC 6454 serialized origin, http or https). nullopt for
// "null", other schemes and anything malformed.
std::optional<ParsedOrigin> ParseOrigin(std::string_view value);

// True for 127.0.0.0/8, ::1, "localhost" and "[::1]".
bool IsLoopbackHost(std::string_view host);

class OriginPolicy {
 public:
  enum class Verdict { kAllowed, kMalformed, kForbidden };

  explicit OriginPolicy(OriginPolicyOptions options);

  // The verdict on a Host header value; "" means absent (HTTP/1.0: no name to rebind) and is
  // allowed. Whether a Host is required is the caller's business.
  Verdict CheckHost(std::string_view host_header) const;
  bool HostAllowed(std::string_view host_header) const {
    return CheckHost(host_header) == Verdict::kAllowed;
  }
  // True when `origin` ("" = absent) may call us, given the request's Host header.
  bool OriginAllowed(std::string_view origin, std::string_view host_header) const;
  bool bound_to_loopback() const { return loopback_; }

 private:
  OriginPolicyOptions options_;
  bool loopback_;
  std::string public_host_;    // the parsed host of public_url ("" when unset or unparsable)
  std::string public_origin_;  // scheme://host[:port] of public_url
};

// Splits "host:port", "[v6]:port" or "host" into the lower-cased host name (brackets removed)
// and the port text ("" when absent). Lenient; for configuration (--listen), not for headers.
void SplitHostPort(std::string_view authority, std::string* host, std::string* port);

// "scheme://authority" of an absolute URL, lower-cased, or "" when `url` is not one.
std::string OriginOf(std::string_view url);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_AUTH_ORIGIN_POLICY_H_
