// UrlSigner: signed, expiring URLs for media herald serves itself.
//
//   <public_url>/media/<media_id>/<file>?exp=<unix seconds>&sig=<base64url HMAC-SHA256>
//
// The signature covers the media id, the file name and the expiry, keyed by a key derived from
// herald's secret key, so a URL cannot be altered or extended. Networks that fetch media by URL
// (Instagram, Threads, TikTok pull) get one; GET /media/... checks it before serving (with
// range requests). Thread-safe; immutable.
#ifndef HERALD_MEDIA_URL_SIGNER_H_
#define HERALD_MEDIA_URL_SIGNER_H_

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"

namespace herald::media {

class UrlSigner {
 public:
  // `key`: at least 32 secret bytes. `public_url`: HERALD_PUBLIC_URL ("https://herald.example"),
  // without a trailing slash; empty when not configured (Sign then fails, naming the variable).
  UrlSigner(std::string key, std::string public_url);

  // The full URL. kFailedPrecondition when no public URL is configured: the message says to set
  // HERALD_PUBLIC_URL to an address the networks can reach.
  base::Result<std::string> Sign(std::string_view media_id, std::string_view file,
                                 base::Time expires) const;

  // Ok when `sig` is the signature of (media_id, file, exp) and `exp` is not before `now`.
  // kPermissionDenied for a bad signature, kDeadlineExceeded for an expired URL,
  // kInvalidArgument for a malformed exp.
  base::Result<void> Verify(std::string_view media_id, std::string_view file, std::string_view exp,
                            std::string_view sig, base::Time now) const;

  bool has_public_url() const { return !public_url_.empty(); }

 private:
  std::string key_;
  std::string public_url_;
};

}  // namespace herald::media

#endif  // HERALD_MEDIA_URL_SIGNER_H_
