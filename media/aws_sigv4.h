// AWS Signature Version 4 for S3 (HMAC-SHA256 over a canonical request, OpenSSL through
// base/crypto.h): signs a request in headers, or presigns a GET URL with the signature in the
// query. Canonical form as S3 wants it: the path URI-encoded once per segment with '/' kept,
// the query sorted by encoded name then value, header names lower-cased and sorted, values
// trimmed with inner runs of spaces collapsed. The clock is injected, so the AWS published
// examples (tests/media/aws_sigv4_test.cpp) are checked byte for byte.
//
// Secrets never leave this file: nothing here logs, and no error names a key. Thread-safe;
// immutable after construction.
#ifndef HERALD_MEDIA_AWS_SIGV4_H_
#define HERALD_MEDIA_AWS_SIGV4_H_

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "platforms/http_client.h"

namespace herald::media {

// The longest a presigned URL may live (S3's limit): 7 days.
inline constexpr std::chrono::seconds kMaxPresignExpiry{604'800};

// SHA-256 of the empty string, hex: the payload hash of a request without a body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region = "us-east-1";
  std::string service = "s3";
};

// One request to sign. Names and values are raw (not URI-encoded): the signer encodes them,
// and the caller sends the path and query it gets from CanonicalUri / CanonicalQuery.
struct SigV4Request {
  std::string method = "GET";
  std::string host;  // the Host header as sent: "examplebucket.s3.amazonaws.com", "127.0.0.1:9000"
  std::string path = "/";  // "/bucket/org_1/med 2/original.png"
  std::vector<std::pair<std::string, std::string>> query;  // ("uploadId", "abc"), ("uploads", "")
  platforms::HttpHeaders headers;  // further headers to sign (Range, Content-Type, Date, ...)
  std::string payload_sha256 = std::string(kEmptyPayloadSha256);  // hex, or "UNSIGNED-PAYLOAD"
};

// RFC 3986 percent-encoding as SigV4 defines it: A-Z a-z 0-9 '-' '.' '_' '~' kept, every other
// byte %XX (upper-case hex); '/' kept unless `encode_slash`.
std::string AwsUriEncode(std::string_view text, bool encode_slash);

// The canonical URI of a raw path: each segment encoded once, '/' kept ("" -> "/").
std::string CanonicalUri(std::string_view path);

// The canonical query string: names and values encoded (with '/'), sorted, joined by '&';
// an empty value keeps its '=' ("uploads=").
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

// "20130524T000000Z" for `t` (seconds; UTC).
std::string AmzDate(base::Time t);

class SigV4Signer {
 public:
  SigV4Signer(AwsCredentials credentials, const base::Clock& clock);

  // The headers to add to `request` so S3 accepts it: x-amz-date, x-amz-content-sha256 and
  // Authorization (in that order). Signs host, x-amz-date, x-amz-content-sha256 and every
  // header of `request.headers`.
  platforms::HttpHeaders Sign(const SigV4Request& request) const;

  // The canonical request and the string to sign of Sign (for tests and debugging; no secret in
  // either).
  std::string CanonicalRequest(const SigV4Request& request, std::string_view amz_date,
                               std::string* signed_headers = nullptr) const;
  std::string StringToSign(std::string_view canonical_request, std::string_view amz_date) const;

  // A presigned URL: `scheme` ("https" or "http") + "://" + request.host + the canonical URI
  // and query of `request` plus X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
  // X-Amz-SignedHeaders=host and X-Amz-Signature (payload UNSIGNED-PAYLOAD; request.headers
  // are not signed). Errors: kInvalidArgument when `expires_in` is under 1 second or over
  // kMaxPresignExpiry (the message gives the limit).
  base::Result<std::string> Presign(std::string_view scheme, const SigV4Request& request,
                                    std::chrono::seconds expires_in) const;

 private:
  // "20130524/us-east-1/s3/aws4_request".
  std::string Scope(std::string_view amz_date) const;
  // Hex HMAC-SHA256 of `string_to_sign` under the key derived for the day of `amz_date`.
  std::string Signature(std::string_view amz_date, std::string_view string_to_sign) const;

  AwsCredentials credentials_;
  const base::Clock& clock_;
};

}  // namespace herald::media

#endif  // HERALD_MEDIA_AWS_SIGV4_H_
