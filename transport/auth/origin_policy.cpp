#include "transport/auth/origin_policy.h"

#include <algorithm>
#include <boost/url/authority_view.hpp>
#include <cctype>

namespace herald::transport {
namespace {

namespace urls = boost::urls;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsLoopbackName(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "127.0.0.1" ||
         (host.starts_with("127.") && std::all_of(host.begin(), host.end(), [](char c) {
            return c == '.' || (c >= '0' && c <= '9');
          }));
}

bool IsLoopback(const HostPort& h) {
  switch (h.kind) {
    case HostPort::Kind::kName: return h.host == "localhost";
    case HostPort::Kind::kIpv4: return h.host.starts_with("127.");
    case HostPort::Kind::kIpv6: return h.host == "[::1]";
  }
  return false;
}

// A DNS-style name: letters, digits, '.' and '-' only (no percent-escapes, no sub-delims).
bool PlainHostName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-';
  });
}

// 1-5 digits, 1..65535.
std::optional<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

// The host and port of a parsed authority (no userinfo), or nullopt.
template <class View>
std::optional<HostPort> HostPortOf(const View& view) {
  if (view.has_userinfo()) return std::nullopt;
  HostPort out;
  switch (view.host_type()) {
    case urls::host_type::name:
      if (!PlainHostName(view.encoded_host())) return std::nullopt;
      out.kind = HostPort::Kind::kName;
      out.host = Lower(view.encoded_host());
      break;
    case urls::host_type::ipv4:
      out.kind = HostPort::Kind::kIpv4;
      out.host = view.host_ipv4_address().to_string();
      break;
    case urls::host_type::ipv6:
      out.kind = HostPort::Kind::kIpv6;
      out.host = "[" + view.host_ipv6_address().to_string() + "]";
      break;
    default:
      return std::nullopt;  // no host, IPvFuture
  }
  if (view.has_port()) {
    out.port = ParsePort(view.port());
    if (!out.port) return std::nullopt;
  }
  return out;
}

}  // namespace

uint16_t ParsedOrigin::effective_port() const {
  if (authority.port) return *authority.port;
  return scheme == "https" ? 443 : 80;
}

std::optional<HostPort> ParseHostHeader(std::string_view value) {
  if (value.empty()) return std::nullopt;
  auto parsed = urls::parse_authority(urls::string_view(value.data(), value.size()));
  if (parsed) return HostPortOf(*parsed);
  // Boost.URL 1.81 refuses a reg-name that begins like an IPv4 address ("10.0.0.5.nip.io");
  // RFC 3986 makes it a name. Only plain names (and an all-digit port) get this second look.
  std::string_view name = value;
  std::optional<uint16_t> port;
  if (size_t colon = value.rfind(':'); colon != std::string_view::npos) {
    name = value.substr(0, colon);
    port = ParsePort(value.substr(colon + 1));
    if (!port) return std::nullopt;
  }
  if (!PlainHostName(name)) return std::nullopt;
  return HostPort{HostPort::Kind::kName, Lower(name), port};
}

std::optional<ParsedOrigin> ParseOrigin(std::string_view value) {
  size_t sep = value.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  ParsedOrigin out;
  out.scheme = Lower(value.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  std::string_view authority = value.substr(sep + 3);
  if (authority.ends_with('/')) authority.remove_suffix(1);
  // ParseHostHeader refuses anything after the authority (path, query, fragment).
  auto host = ParseHostHeader(authority);
  if (!host) return std::nullopt;
  out.authority = std::move(*host);
  return out;
}

void SplitHostPort(std::string_view authority, std::string* host, std::string* port) {
  host->clear();
  port->clear();
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      *host = Lower(authority);
      return;
    }
    *host = Lower(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      *port = std::string(authority.substr(close + 2));
    }
    return;
  }
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(':') == colon) {
    *host = Lower(authority.substr(0, colon));
    *port = std::string(authority.substr(colon + 1));
  } else {
    *host = Lower(authority);
  }
}

std::string OriginOf(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
  size_t authority_end = url.find_first_of("/?#", scheme_end + 3);
  std::string_view origin = url.substr(0, authority_end);
  if (origin.size() <= scheme_end + 3) return {};
  return Lower(origin);
}

bool IsLoopbackHost(std::string_view host) {
  std::string h = Lower(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return IsLoopbackName(h);
}

OriginPolicy::OriginPolicy(OriginPolicyOptions options)
    : options_(std::move(options)), loopback_(IsLoopbackHost(options_.bind_host)) {
  public_origin_ = OriginOf(options_.public_url);
  if (!public_origin_.empty()) {
    if (auto parsed = ParseOrigin(public_origin_)) public_host_ = parsed->authority.host;
  }
  for (auto& o : options_.allowed_origins) {
    o = Lower(o);
    while (!o.empty() && o.back() == '/') o.pop_back();
  }
}

OriginPolicy::Verdict OriginPolicy::CheckHost(std::string_view host_header) const {
  if (host_header.empty()) return Verdict::kAllowed;
  std::optional<HostPort> host = ParseHostHeader(host_header);
  if (!host) return Verdict::kMalformed;
  if (!loopback_ || IsLoopback(*host)) return Verdict::kAllowed;
  if (!public_host_.empty() && host->host == public_host_) return Verdict::kAllowed;
  return Verdict::kForbidden;
}

bool OriginPolicy::OriginAllowed(std::string_view origin, std::string_view host_header) const {
  if (origin.empty()) return true;
  // Configured origins match exactly (case-insensitively), whatever their scheme.
  std::string o = Lower(origin);
  if (o.ends_with('/')) o.pop_back();
  if (std::find(options_.allowed_origins.begin(), options_.allowed_origins.end(), o) !=
      options_.allowed_origins.end()) {
    return true;
  }
  if (!public_origin_.empty() && o == public_origin_) return true;
  std::optional<ParsedOrigin> parsed = ParseOrigin(origin);
  if (!parsed) return false;  // "null", other schemes, malformed
  if (loopback_) return IsLoopback(parsed->authority);
  std::optional<HostPort> host = ParseHostHeader(host_header);
  if (!host || host->host != parsed->authority.host) return false;
  // Same origin: the Host names the same port (absent = the origin scheme's default).
  return host->port.value_or(parsed->effective_port()) == parsed->effective_port();
}

}  // namespace herald::transport
