// CheckUserUrl: the early check of a URL a user hands herald as a connect argument (a Mastodon
// instance_url, a Bluesky service_url, a Discord webhook_url) before anything connects to it.
// The HTTPS client enforces the same rules again after DNS resolution; this check gives a
// message that names the argument. Pure, thread-safe.
#ifndef HERALD_PLATFORMS_HTTP_URL_POLICY_H_
#define HERALD_PLATFORMS_HTTP_URL_POLICY_H_

#include <string_view>

#include "base/result.h"

namespace herald::platforms::http {

// Ok for an absolute https:// URL with a host (or http:// to 127.0.0.1, [::1] or localhost).
// Errors (kInvalidArgument, the message names `field` and shows only scheme and host, never the
// path or query, which may hold a token): not a URL; another scheme; http:// to a non-loopback
// host; user info in the URL; an IP-literal or "localhost"-style host that is private while
// `allow_private_networks` is false ("<field> points to a private address ...").
base::Result<void> CheckUserUrl(std::string_view field, std::string_view url,
                                bool allow_private_networks);

}  // namespace herald::platforms::http

#endif  // HERALD_PLATFORMS_HTTP_URL_POLICY_H_
