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

}  // namespace

base::Result<void> CheckUserUrl(std::string_view field_in, std::string_view url,
                                bool allow_private_networks) {
  std::string field(field_in);
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return base::InvalidArgument(field +
                                 " must be an absolute https:// URL, e.g. "
                                 "https://mastodon.social");
  }
  boost::urls::url_view u = *parsed;
  std::string scheme = Lower(u.scheme());
  if (scheme != "https" && scheme != "http") {
    return base::InvalidArgument(field + " must be an https:// URL (got " + scheme + "://)");
  }
  if (u.has_userinfo()) {
    return base::InvalidArgument(field + " must not contain a user name or password");
  }
  std::string host = Lower(u.host_address());
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return base::InvalidArgument(field + " has no host name");
  auto ip = ParseIpLiteral(host);
  bool loopback = (ip && IsLoopbackAddress(*ip)) || host == "localhost";
  if (scheme == "http") {
    if (!loopback) {
      return base::InvalidArgument(field + " must be an https:// URL (got http://" + host +
                                   "); plain http:// is only accepted for this machine "
                                   "(127.0.0.1, localhost)");
    }
    return base::Ok();
  }
  bool is_private = ip ? IsPrivateAddress(*ip) : IsLocalName(host);
  if (is_private && !allow_private_networks) {
    return base::InvalidArgument(
        field + " points to a private address (" + host +
        "); herald only connects to public addresses unless the operator sets "
        "HERALD_ALLOW_PRIVATE_NETWORKS=1 (e.g. for a self-hosted instance on a LAN)");
  }
  return base::Ok();
}

}  // namespace herald::platforms::http
