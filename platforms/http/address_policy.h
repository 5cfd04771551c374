// Address policy for outbound requests: which IP addresses count as "private" (not on the public
// internet) and which as loopback. The HTTPS client refuses https:// to private addresses unless
// private networks are allowed (a self-hosted instance on a LAN), and allows plain http:// only
// to loopback. Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_HTTP_ADDRESS_POLICY_H_
#define HERALD_PLATFORMS_HTTP_ADDRESS_POLICY_H_

#include <optional>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace herald::platforms::http {

// True for 127.0.0.0/8, ::1, and IPv4-mapped loopback (::ffff:127.x.x.x).
bool IsLoopbackAddress(const boost::asio::ip::address& address);

// True for every address that is not a public unicast address: unspecified, loopback, RFC 1918
// private, link-local (169.254/16, fe80::/10), CGNAT (100.64/10), ULA (fc00::/7), site-local
// (fec0::/10), benchmarking (198.18/15), IETF protocol assignments (192.0.0/24), multicast,
// reserved (240/4) and broadcast. IPv4 addresses embedded in IPv6 (mapped ::ffff:0:0/96,
// compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by their IPv4 part.
bool IsPrivateAddress(const boost::asio::ip::address& address);

// Parses an IP literal ("10.0.0.1", "::1", "[::1]"); nullopt for anything else.
std::optional<boost::asio::ip::address> ParseIpLiteral(std::string_view text);

}  // namespace herald::platforms::http

#endif  // HERALD_PLATFORMS_HTTP_ADDRESS_POLICY_H_
