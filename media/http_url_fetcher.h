// HttpUrlFetcher: the UrlFetcher (media/url_fetcher.h) over an HttpClient.
//
// Each download is one GET with HttpRequest::public_addresses_only (unless the operator allows
// private networks, see HttpUrlFetcherOptions; every hop, redirects
// included, checked after DNS: loopback, private, link-local incl. 169.254.169.254, CGNAT and
// ULA refused, naming the host) and on_body (the body goes straight to the file in 64 KiB
// pieces, stopped as soon as it exceeds max_bytes; a Content-Length over it is refused before
// any byte is read). The type comes from the first bytes through the sniffer given at
// construction (media::SniffMediaType in production). The file is created new (never
// overwritten), synced when complete and removed on any failure. File writes happen inside the
// client's body callback (small sequential writes). Thread-safe.
#ifndef HERALD_MEDIA_HTTP_URL_FETCHER_H_
#define HERALD_MEDIA_HTTP_URL_FETCHER_H_

#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "media/url_fetcher.h"
#include "platforms/http_client.h"

namespace herald::media {

struct HttpUrlFetcherOptions {
  // Tests only, never set in production: loopback endpoints ("127.0.0.1:<port>") a download
  // may reach although they are not public (see HttpRequest::test_allowed_endpoints).
  std::set<std::string, std::less<>> test_allowed_endpoints;
  // The operator's HERALD_ALLOW_PRIVATE_NETWORKS: downloads are not public-only, so any address
  // the client itself may reach is allowed (loopback and private test servers, intranets). The
  // client's own allow_private_networks must be set too. Off by default: public addresses only.
  bool allow_private_networks = false;
};

class HttpUrlFetcher final : public UrlFetcher {
 public:
  // The MIME type of a file from its first bytes, "" when not supported media.
  using Sniffer = std::function<std::string_view(std::string_view head)>;

  // `client` must outlive this object. `sniff`: media::SniffMediaType in production.
  HttpUrlFetcher(platforms::HttpClient& client, Sniffer sniff, HttpUrlFetcherOptions options = {});

  base::Task<base::Result<FetchedFile>> Fetch(std::string url, std::string path,
                                              FetchOptions options) override;

 private:
  platforms::HttpClient& client_;
  Sniffer sniff_;
  HttpUrlFetcherOptions options_;
};

// A safe file name from `raw` (a URL path's last segment or a Content-Disposition filename):
// letters, digits, '.', '-', '_' kept, anything else becomes '_', no leading dot, at most 100
// characters; "" when nothing is left.
std::string SanitizeFileName(std::string_view raw);

}  // namespace herald::media

#endif  // HERALD_MEDIA_HTTP_URL_FETCHER_H_
