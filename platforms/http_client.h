// HttpClient: the outbound HTTP(S) contract every network adapter uses.
//
// The real implementation (HttpsClient) speaks TLS 1.2+ with certificate and host-name checks,
// keeps a keep-alive pool per host and enforces timeouts and a response size limit. Plain
// http:// is allowed only to loopback addresses (tests, a self-hosted instance on this machine),
// except for public-only requests (HttpRequest::public_addresses_only: URLs users give for
// media), which may use http:// to public addresses and never reach a non-public one.
// Tests use fakes or point adapters at loopback emulators. Implementations are thread-safe.
#ifndef HERALD_PLATFORMS_HTTP_CLIENT_H_
#define HERALD_PLATFORMS_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/async.h"
#include "base/result.h"

namespace herald::platforms {

using base::Result;
using base::Task;

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: https://host[:port]/path?query
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{30'000};
  size_t max_response_bytes = 16 * 1024 * 1024;
  int max_redirects = 0;  // redirects are not followed unless asked
  // When set, the body of a 2xx response is handed to it in pieces as it arrives and is not
  // kept in HttpResponse::body (other answers, redirects and errors, keep theirs there).
  // max_response_bytes still applies (kResourceExhausted as soon as it is exceeded, a
  // Content-Length over it before any byte is read). An error it returns ends the download
  // and is what Send returns.
  std::function<Result<void>(std::string_view chunk)> on_body;
  // Only public addresses, for URLs a user gave (media by URL): every hop, redirects
  // included, is refused (kInvalidArgument, naming the host) when its host resolves to a
  // loopback, private, link-local, CGNAT or ULA address, whatever the client's options (no
  // loopback exception, HERALD_ALLOW_PRIVATE_NETWORKS ignored); plain http:// is then allowed
  // to public addresses. Pooled connections are not used for such a request.
  bool public_addresses_only = false;
  // Tests only, never set in production: "127.0.0.1:<port>" endpoints a public-only request
  // may still reach (a loopback test server). Another port on the same address is refused.
  std::set<std::string, std::less<>> test_allowed_endpoints;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
  // Whether the answer is known to come from the network itself, so that its own error text
  // ("error", "error_description", "message") may be quoted to the user. The HTTPS client sets
  // false for an answer from a loopback or private address while private networks are not
  // allowed (HERALD_ALLOW_PRIVATE_NETWORKS): that is a local service a user-given URL (a
  // Mastodon instance_url, a Bluesky service_url) pointed at, not a network. An adapter whose
  // base URL is the operator's configured override (HERALD_<ID>_API_URL) or a network's fixed
  // host may ignore it. The status code is always usable; the text then only goes to the log.
  bool from_network = true;
  // The first header named `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends `request` and returns the response, whatever its status. Errors:
  //  kInvalidArgument: bad URL, http:// to a non-loopback host, or a host that resolves to a
  //                    private address (unless private networks are allowed);
  //  kUnavailable:     DNS, connect or TLS failure: the request was NOT sent;
  //  kUnknown:         the connection failed or timed out after the request was (partly)
  //                    written: the server may have acted on it;
  //  kDeadlineExceeded: connect timeout (nothing sent);
  //  kResourceExhausted: the response exceeded max_response_bytes.
  virtual Task<Result<HttpResponse>> Send(HttpRequest request) = 0;

  // Closes idle pooled connections. Pooled sockets belong to the io_context of the coroutine
  // that opened them: call this (or destroy the client) before destroying such an io_context.
  virtual void CloseIdle() {}
};

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_HTTP_CLIENT_H_
