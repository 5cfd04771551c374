#include "platforms/http/proxy_config.h"

#include <boost/url/parse.hpp>
#include <cctype>

#include "base/crypto.h"
#include "platforms/http/address_policy.h"
#include "platforms/http/url_policy.h"

namespace herald::platforms::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "10.0.0.0/8" contains `a`?
bool CidrContains(std::string_view cidr, const boost::asio::ip::address& a) {
  size_t slash = cidr.find('/');
  if (slash == std::string_view::npos) return false;
  auto net = ParseIpLiteral(cidr.substr(0, slash));
  if (!net) return false;
  int prefix = 0;
  for (char c : cidr.substr(slash + 1)) {
    if (c < '0' || c > '9') return false;
    prefix = prefix * 10 + (c - '0');
    if (prefix > 128) return false;
  }
  if (net->is_v4() != a.is_v4()) return false;
  auto bytes_of = [](const boost::asio::ip::address& x) {
    std::vector<unsigned char> out;
    if (x.is_v4()) {
      auto b = x.to_v4().to_bytes();
      out.assign(b.begin(), b.end());
    } else {
      auto b = x.to_v6().to_bytes();
      out.assign(b.begin(), b.end());
    }
    return out;
  };
  std::vector<unsigned char> n = bytes_of(*net), h = bytes_of(a);
  if (prefix > static_cast<int>(n.size()) * 8) return false;
  for (int bit = 0; bit < prefix; ++bit) {
    int byte = bit / 8, shift = 7 - bit % 8;
    if (((n[byte] >> shift) & 1) != ((h[byte] >> shift) & 1)) return false;
  }
  return true;
}

}  // namespace

base::Result<std::optional<ProxyConfig>> ProxyConfig::Parse(std::string_view proxy_url,
                                                            std::string_view no_proxy) {
  while (!proxy_url.empty() && std::isspace(static_cast<unsigned char>(proxy_url.back()))) {
    proxy_url.remove_suffix(1);
  }
  if (proxy_url.empty()) return std::optional<ProxyConfig>();
  std::string text(proxy_url);
  if (text.find("://") == std::string::npos) text = "http://" + text;
  if (!boost::urls::parse_uri(text)) {
    return base::InvalidArgument("HTTPS_PROXY is not a valid URL (expected http://host:port)");
  }
  HERALD_ASSIGN_OR_RETURN(ParsedUrl u, ParseUrl(text, "HTTPS_PROXY"));
  if (u.scheme != "http") {
    return base::InvalidArgument(
        "HTTPS_PROXY must be an http:// proxy URL (the tunnel to the real host is TLS); got " +
        u.scheme + "://");
  }
  ProxyConfig out;
  out.host = u.host;
  out.port = u.PortOr(1080);
  if (u.has_userinfo) {
    std::string credentials = u.user + ":" + u.password;
    out.authorization = "Basic " + base::Base64Encode(credentials);
  }
  std::string entry;
  auto flush = [&] {
    if (!entry.empty()) out.no_proxy.push_back(Lower(entry));
    entry.clear();
  };
  for (char c : no_proxy) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      entry += c;
    }
  }
  flush();
  return std::optional<ProxyConfig>(std::move(out));
}

bool ProxyConfig::Applies(std::string_view host_in) const {
  std::string h = Lower(host_in);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  while (!h.empty() && h.back() == '.') h.pop_back();
  auto ip = ParseIpLiteral(h);
  if (h == "localhost" || (h.size() > 10 && h.ends_with(".localhost"))) return false;
  if (ip && IsLoopbackAddress(*ip)) return false;
  for (std::string entry : no_proxy) {
    if (entry == "*") return false;
    if (ip) {
      if (entry.find('/') != std::string::npos) {
        if (CidrContains(entry, *ip)) return false;
        continue;
      }
      if (entry.size() >= 2 && entry.front() == '[' && entry.back() == ']') {
        entry = entry.substr(1, entry.size() - 2);
      }
      auto entry_ip = ParseIpLiteral(entry);
      if (entry_ip && *entry_ip == *ip) return false;
      continue;
    }
    // A host name: strip an optional ":port" and leading dot, then match the domain or a
    // subdomain of it.
    if (size_t colon = entry.rfind(':'); colon != std::string::npos && entry.find(':') == colon) {
      entry.resize(colon);
    }
    if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    while (!entry.empty() && entry.back() == '.') entry.pop_back();
    if (entry.empty()) continue;
    if (h == entry) return false;
    if (h.size() > entry.size() && h.ends_with(entry) && h[h.size() - entry.size() - 1] == '.') {
      return false;
    }
  }
  return true;
}

}  // namespace herald::platforms::http
