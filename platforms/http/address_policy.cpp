#include "platforms/http/address_policy.h"

#include <array>
#include <cstdint>
#include <string>

namespace herald::platforms::http {
namespace {

using boost::asio::ip::address;
using boost::asio::ip::address_v4;
using boost::asio::ip::address_v6;

bool InV4(uint32_t ip, uint32_t net, int prefix) {
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (ip & mask) == (net & mask);
}

constexpr uint32_t V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | uint32_t{d};
}

bool IsPrivateV4(const address_v4& a) {
  struct Net {
    uint32_t net;
    int prefix;
  };
  static constexpr std::array<Net, 13> kNets = {{
      {V4(0, 0, 0, 0), 8},        // "this network", unspecified
      {V4(10, 0, 0, 0), 8},       // RFC 1918
      {V4(100, 64, 0, 0), 10},    // CGNAT (RFC 6598)
      {V4(127, 0, 0, 0), 8},      // loopback
      {V4(169, 254, 0, 0), 16},   // link-local
      {V4(172, 16, 0, 0), 12},    // RFC 1918
      {V4(192, 0, 0, 0), 24},     // IETF protocol assignments
      {V4(192, 168, 0, 0), 16},   // RFC 1918
      {V4(198, 18, 0, 0), 15},    // benchmarking
      {V4(224, 0, 0, 0), 4},      // multicast
      {V4(240, 0, 0, 0), 4},      // reserved, incl. broadcast
      {V4(192, 88, 99, 0), 24},   // deprecated 6to4 relay anycast
      {V4(255, 255, 255, 255), 32},
  }};
  uint32_t ip = a.to_uint();
  for (const Net& n : kNets) {
    if (InV4(ip, n.net, n.prefix)) return true;
  }
  return false;
}

address_v4 V4FromBytes(const address_v6::bytes_type& b, int offset) {
  return address_v4(address_v4::bytes_type{b[offset], b[offset + 1], b[offset + 2],
                                           b[offset + 3]});
}

bool PrefixIs(const address_v6::bytes_type& b, std::initializer_list<uint8_t> prefix) {
  size_t i = 0;
  for (uint8_t p : prefix) {
    if (b[i++] != p) return false;
  }
  return true;
}

bool IsPrivateV6(const address_v6& a) {
  if (a.is_unspecified() || a.is_loopback()) return true;
  if (a.is_v4_mapped()) {
    return IsPrivateV4(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a));
  }
  address_v6::bytes_type b = a.to_bytes();
  // IPv4-compatible ::a.b.c.d (deprecated): 96 zero bits.
  if (PrefixIs(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})) return IsPrivateV4(V4FromBytes(b, 12));
  // NAT64 well-known prefix 64:ff9b::/96.
  if (PrefixIs(b, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return IsPrivateV4(V4FromBytes(b, 12));
  }
  // NAT64 local-use 64:ff9b:1::/48 is private by definition.
  if (PrefixIs(b, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01})) return true;
  // 6to4 2002:a.b.c.d::/48.
  if (PrefixIs(b, {0x20, 0x02})) return IsPrivateV4(V4FromBytes(b, 2));
  if ((b[0] & 0xfe) == 0xfc) return true;                       // ULA fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;       // link-local fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true;       // site-local fec0::/10
  if (b[0] == 0xff) return true;                                // multicast
  if (PrefixIs(b, {0x01, 0x00, 0, 0, 0, 0, 0, 0})) return true; // discard-only 100::/64
  if (PrefixIs(b, {0x20, 0x01, 0x0d, 0xb8})) return true;       // documentation 2001:db8::/32
  return false;
}

}  // namespace

bool IsLoopbackAddress(const address& a) {
  if (a.is_v4()) return a.to_v4().is_loopback();
  const address_v6 v6 = a.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).is_loopback();
  }
  return v6.is_loopback();
}

bool IsPrivateAddress(const address& a) {
  return a.is_v4() ? IsPrivateV4(a.to_v4()) : IsPrivateV6(a.to_v6());
}

std::optional<address> ParseIpLiteral(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty()) return std::nullopt;
  boost::system::error_code ec;
  address a = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return a;
}

}  // namespace herald::platforms::http
