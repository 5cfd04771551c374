#include "platforms/http/url_policy.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <string>

#include "platforms/http/address_policy.h"

namespace herald::platforms::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsLocalName(const std::string& host) {
  return host == "localhost" || host.ends_with(".localhost") || host.ends_with(".local") ||
         host.ends_with(".internal") || host.ends_with(".lan") || host.ends_with(".home.arpa");
}

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// The port text for a message: printable ASCII only, at most 10 characters. (The port comes
// from the authority, never from the path or query, which may hold a token.)
std::string ShownPort(std::string_view text) {
  if (text.empty()) return "an empty port";
  std::string out = "port ";
  for (char c : text.substr(0, 10)) out += (c > ' ' && c < 0x7f) ? c : '?';
  if (text.size() > 10) out += "...";
  return out;
}

// The text after the host's ':' in a URL Boost.URL refused ("+80" in "http://h:+80/"), or
// nullopt when the authority has no port part.
std::optional<std::string_view> RawPortText(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  size_t colon;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos || close + 1 >= authority.size() ||
        authority[close + 1] != ':') {
      return std::nullopt;
    }
    colon = close + 1;
  } else {
    colon = authority.find(':');
    if (colon == std::string_view::npos || authority.find(':', colon + 1) != std::string_view::npos) {
      return std::nullopt;
    }
  }
  return authority.substr(colon + 1);
}

base::Error BadPort(const std::string& what, std::string_view text) {
  return base::InvalidArgument(what + " has an invalid port (" + ShownPort(text) +
                               "); a port is a number from 1 to 65535");
}

}  // namespace

std::string ParsedUrl::Authority() const {
  std::string out = ip && ip->is_v6() ? "[" + host + "]" : host;
  if (port) out += ":" + std::to_string(*port);
  return out;
}

std::optional<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value < 1 || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

base::Result<ParsedUrl> ParseUrl(std::string_view url, std::string_view what_in) {
  const std::string what(what_in);
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    if (auto port = RawPortText(url); port && !ParsePort(*port)) return BadPort(what, *port);
    return base::InvalidArgument(what +
                                 " is not a valid absolute URL (expected scheme://host[:port]/...)");
  }
  const boost::urls::url_view u = *parsed;
  ParsedUrl out;
  out.scheme = Lower(u.scheme());
  switch (u.host_type()) {
    case boost::urls::host_type::name:
      out.host = Lower(u.host_address());
      for (char c : out.host) {
        if (!IsHostNameChar(c)) return base::InvalidArgument(what + " has an invalid host name");
      }
      while (!out.host.empty() && out.host.back() == '.') out.host.pop_back();
      break;
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
      out.host = Lower(u.host_address());
      out.ip = ParseIpLiteral(out.host);
      if (!out.ip) return base::InvalidArgument(what + " has an invalid IP address");
      break;
    case boost::urls::host_type::none:
      break;
    default:
      return base::InvalidArgument(what + " has an unusable host");
  }
  if (out.host.empty()) return base::InvalidArgument(what + " has no host");
  // The port as written: Boost.URL reads "h:80abc" as port 80 and "h:99999" as 34463.
  const std::optional<std::string_view> raw_port = RawPortText(url);
  if (u.has_port() || raw_port) {
    const std::string_view text = raw_port ? *raw_port : std::string_view(u.port());
    out.port = ParsePort(text);
    if (!out.port || !u.has_port() || std::string_view(u.port()) != text) {
      return BadPort(what, text);
    }
  }
  out.has_userinfo = u.has_userinfo();
  if (out.has_userinfo) {
    out.user = u.user();
    out.password = u.password();
  }
  out.path = std::string(u.encoded_path());
  if (u.has_query()) out.query = std::string(u.encoded_query());
  out.has_fragment = u.has_fragment();
  return out;
}

base::Result<void> CheckUserUrl(std::string_view field_in, std::string_view url,
                                bool allow_private_networks) {
  std::string field(field_in);
  if (!boost::urls::parse_uri(url) && !RawPortText(url)) {
    return base::InvalidArgument(field +
                                 " must be an absolute https:// URL, e.g. "
                                 "https://mastodon.social");
  }
  HERALD_ASSIGN_OR_RETURN(ParsedUrl u, ParseUrl(url, field));
  const std::string& scheme = u.scheme;
  if (scheme != "https" && scheme != "http") {
    return base::InvalidArgument(field + " must be an https:// URL (got " + scheme + "://)");
  }
  if (u.has_userinfo) {
    return base::InvalidArgument(field + " must not contain a user name or password");
  }
  const std::string& host = u.host;
  bool loopback = (u.ip && IsLoopbackAddress(*u.ip)) || host == "localhost";
  if (scheme == "http") {
    if (!loopback) {
      return base::InvalidArgument(field + " must be an https:// URL (got http://" + host +
                                   "); plain http:// is only accepted for this machine "
                                   "(127.0.0.1, localhost)");
    }
    return base::Ok();
  }
  bool is_private = u.ip ? IsPrivateAddress(*u.ip) : IsLocalName(host);
  if (is_private && !allow_private_networks) {
    return base::InvalidArgument(
        field + " points to a private address (" + host +
        "); herald only connects to public addresses unless the operator sets "
        "HERALD_ALLOW_PRIVATE_NETWORKS=1 (e.g. for a self-hosted instance on a LAN)");
  }
  return base::Ok();
}

base::Result<void> CheckBaseUrl(std::string_view variable_in, std::string_view url) {
  const std::string variable(variable_in);
  HERALD_ASSIGN_OR_RETURN(ParsedUrl u, ParseUrl(url, variable));
  if (u.scheme != "https" && u.scheme != "http") {
    return base::InvalidArgument(variable + " must be an http:// or https:// URL (got " + u.scheme +
                                 "://)");
  }
  if (u.has_userinfo) {
    return base::InvalidArgument(variable + " must not contain a user name or password");
  }
  if (u.query || u.has_fragment) {
    return base::InvalidArgument(variable + " must not have a query or fragment");
  }
  return base::Ok();
}

}  // namespace herald::platforms::http
