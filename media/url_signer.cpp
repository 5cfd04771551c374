#include "media/url_signer.h"

#include <charconv>
#include <chrono>
#include <cstdint>

#include "base/crypto.h"
#include "platforms/http/form_urlencoded.h"

namespace herald::media {
namespace {

// The signing key is derived from the secret, so the same secret used elsewhere (stored
// credentials) never signs URLs directly.
constexpr std::string_view kKeyLabel = "herald media url v1";

std::string Message(std::string_view media_id, std::string_view file, std::string_view exp) {
  std::string m;
  m.reserve(media_id.size() + file.size() + exp.size() + 2);
  m.append(media_id).append("\n").append(file).append("\n").append(exp);
  return m;
}

}  // namespace

UrlSigner::UrlSigner(std::string key, std::string public_url)
    : key_(base::HmacSha256(key, kKeyLabel)), public_url_(std::move(public_url)) {
  while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
}

base::Result<std::string> UrlSigner::Sign(std::string_view media_id, std::string_view file,
                                          base::Time expires) const {
  if (public_url_.empty()) {
    return base::FailedPrecondition(
        "no public URL is configured: set HERALD_PUBLIC_URL to an address the networks can "
        "reach (https://herald.example) so they can fetch media from herald");
  }
  const int64_t seconds =
      std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  const std::string exp = std::to_string(seconds);
  const std::string sig = base::Base64UrlEncode(base::HmacSha256(key_, Message(media_id, file, exp)));
  return public_url_ + "/media/" + platforms::http::PercentEncode(media_id) + "/" + platforms::http::PercentEncode(file) +
         "?exp=" + exp + "&sig=" + sig;
}

base::Result<void> UrlSigner::Verify(std::string_view media_id, std::string_view file,
                                     std::string_view exp, std::string_view sig,
                                     base::Time now) const {
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), seconds);
  if (exp.empty() || ec != std::errc() || end != exp.data() + exp.size() || seconds < 0) {
    return base::InvalidArgument("the media URL's exp is not a number of seconds");
  }
  const std::string expected =
      base::Base64UrlEncode(base::HmacSha256(key_, Message(media_id, file, exp)));
  if (!base::ConstantTimeEqual(expected, sig)) {
    return base::PermissionDenied("the media URL's signature does not match");
  }
  const int64_t now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (seconds < now_seconds) return base::DeadlineExceeded("the media URL has expired");
  return base::Ok();
}

}  // namespace herald::media
