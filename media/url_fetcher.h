// UrlFetcher: downloads media a user gave by URL (upload_media {url}) into a local file.
//
// http:// and https:// only. Every hop is checked by the private-address guard after DNS
// (loopback, private, link-local incl. 169.254.169.254, CGNAT, ULA refused), redirects
// included (at most 5). The body streams to the file and the download stops as soon as it
// exceeds max_bytes (the Content-Length is checked first when given). The type is sniffed from
// the first bytes, never taken from the URL or the Content-Type. On any failure the partial
// file is removed. Thread-safe.
#ifndef HERALD_MEDIA_URL_FETCHER_H_
#define HERALD_MEDIA_URL_FETCHER_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "base/async.h"
#include "base/result.h"

namespace herald::media {

struct FetchedFile {
  std::string path;
  int64_t size = 0;
  std::string mime_type;  // sniffed (media_probe.h SniffMediaType)
  std::string file_name;  // from Content-Disposition or the URL path, sanitized; may be ""
};

struct FetchOptions {
  int64_t max_bytes = 1LL << 30;
  std::chrono::seconds timeout{300};
  int max_redirects = 5;
};

class UrlFetcher {
 public:
  virtual ~UrlFetcher() = default;
  // Downloads `url` into the new file `path`. Errors: kInvalidArgument (scheme, a private
  // address: the message names the host and why, a type that is not supported media);
  // kResourceExhausted over max_bytes (naming the limit); kUnavailable / kDeadlineExceeded when
  // the server cannot be reached or is too slow; kNotFound etc. for a 4xx (status named).
  virtual base::Task<base::Result<FetchedFile>> Fetch(std::string url, std::string path,
                                                      FetchOptions options) = 0;
};

}  // namespace herald::media

#endif  // HERALD_MEDIA_URL_FETCHER_H_
