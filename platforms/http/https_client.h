// HttpsClient: the production HttpClient (see platforms/http_client.h for the error contract).
//
// - TLS 1.2+ through OpenSSL with certificate-chain and host-name verification against the
//   system CAs plus an optional extra CA file; SNI for host names.
// - Per request, public_addresses_only (media by URL): every hop must resolve to public
//   addresses only (loopback included in the refusal, allow_private_networks ignored), http://
//   allowed to them, no pooled connection used; on_body streams a 2xx body in 64 KiB pieces.
// - Plain http:// only to loopback addresses. https:// to a host that resolves to a private,
//   loopback, link-local, CGNAT or ULA address is refused (kInvalidArgument) unless
//   allow_private_networks is set. Every resolved address is checked, so a public name that
//   resolves to 10.x is refused too.
// - A keep-alive pool per (scheme, host, port), bounded per host and in total; idle
//   connections expire. A pooled connection the server already closed is detected before the
//   request is written and replaced. A request that fails on a reused connection before any
//   byte of the answer arrived is sent again on a new connection only for safe methods (GET,
//   HEAD, OPTIONS); anything else is reported as kUnknown, because the server may have acted.
// - connect_timeout bounds DNS, TCP connect, proxy CONNECT and the TLS handshake (nothing of the
//   request is sent then: kDeadlineExceeded); total_timeout bounds the whole call (after the
//   request was written: kUnknown).
// - Redirects are followed only when the request asks (max_redirects > 0), each hop under the
//   same address rules; Authorization and Cookie headers are dropped when the host changes.
// - HTTPS_PROXY (http:// proxies, CONNECT tunnel) with NO_PROXY exceptions.
// - Error messages name the host only, never the path or query (Telegram puts the bot token in
//   the path) and never a header value.
//
// Thread-safe: one client is shared by every coroutine of the process. Send runs on the
// executor of the awaiting coroutine; pooled connections are reused by coroutines running on
// the same io_context they were made on (any strand of it). When an io_context is destroyed,
// the idle connections made on it are closed first (a service of that context sees to it).
//
// Construction: HttpsClient::Create(options) with the options from the app's configuration in
// production; tests build options by hand (extra CA, resolve overrides, allow_private_networks).
#ifndef HERALD_PLATFORMS_HTTP_HTTPS_CLIENT_H_
#define HERALD_PLATFORMS_HTTP_HTTPS_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "platforms/http_client.h"

namespace herald::platforms::http {

struct HttpsClientOptions {
  // PEM file with extra trusted CA certificates (HERALD_CA_FILE), added to the system CAs.
  std::string extra_ca_file;
  // Load the system CA store (on in production; tests may turn it off).
  bool use_system_cas = true;
  // Allow https:// to private addresses (HERALD_ALLOW_PRIVATE_NETWORKS=1).
  bool allow_private_networks = false;
  // HTTPS_PROXY / https_proxy ("http://[user:password@]host:port") and NO_PROXY / no_proxy.
  std::string https_proxy;
  std::string no_proxy;
  // Fixed host -> IP answers used instead of DNS (like curl --resolve). For tests, and for
  // pinning an instance's address.
  std::map<std::string, std::string, std::less<>> resolve;
  // Idle keep-alive connections kept per (scheme, host, port) and in total, and how long an
  // idle connection may be reused.
  size_t max_idle_per_host = 8;
  size_t max_idle_total = 256;
  std::chrono::seconds max_idle_time{30};
  // Sent when the request has no User-Agent header.
  std::string user_agent = "herald/0.1";
};

class HttpsClient final : public HttpClient {
 public:
  // Counters for tests and /metrics.
  struct Stats {
    uint64_t connections_opened = 0;  // new TCP (+TLS) connections
    uint64_t connections_reused = 0;  // requests sent on a pooled connection
    uint64_t stale_discarded = 0;     // pooled connections found closed before use
    uint64_t retried = 0;             // safe requests resent after a reused connection failed
  };

  // Builds a client. Errors: kFailedPrecondition when the extra CA file cannot be loaded (the
  // message names HERALD_CA_FILE), kInvalidArgument for a malformed proxy URL.
  static base::Result<std::unique_ptr<HttpsClient>> Create(HttpsClientOptions options);

  ~HttpsClient() override;
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // See HttpClient::Send. Never throws.
  Task<Result<HttpResponse>> Send(HttpRequest request) override;

  Stats stats() const;
  // Closes every idle pooled connection.
  void CloseIdle() override;

 private:
  struct Impl;
  explicit HttpsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::platforms::http

#endif  // HERALD_PLATFORMS_HTTP_HTTPS_CLIENT_H_
