#include "mcp/auth/origin_policy.h"

#include <algorithm>
#include <cctype>

namespace herald::mcp {
namespace {

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

}  // namespace

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
    std::string port;
    SplitHostPort(std::string_view(public_origin_).substr(public_origin_.find("://") + 3),
                  &public_host_, &port);
  }
  for (auto& o : options_.allowed_origins) o = Lower(o);
}

bool OriginPolicy::HostAllowed(std::string_view host_header) const {
  if (!loopback_) return true;
  if (host_header.empty()) return true;  // HTTP/1.0 without Host: no name to rebind
  std::string host, port;
  SplitHostPort(host_header, &host, &port);
  if (IsLoopbackName(host)) return true;
  return !public_host_.empty() && host == public_host_;
}

bool OriginPolicy::OriginAllowed(std::string_view origin, std::string_view host_header) const {
  if (origin.empty()) return true;
  std::string o = Lower(origin);
  while (!o.empty() && o.back() == '/') o.pop_back();
  if (std::find(options_.allowed_origins.begin(), options_.allowed_origins.end(), o) !=
      options_.allowed_origins.end()) {
    return true;
  }
  if (!public_origin_.empty() && o == public_origin_) return true;
  size_t sep = o.find("://");
  if (sep == std::string::npos) return false;  // "null" and other opaque origins
  std::string_view authority = std::string_view(o).substr(sep + 3);
  std::string host, port;
  SplitHostPort(authority, &host, &port);
  if (loopback_) return IsLoopbackName(host);
  return !host_header.empty() && authority == Lower(host_header);
}

}  // namespace herald::mcp
