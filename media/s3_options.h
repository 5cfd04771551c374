// S3Options: where and how S3MediaStore reaches S3-compatible storage (the HERALD_S3_* variables,
// read by app/config.cpp). Plain data.
#ifndef HERALD_MEDIA_S3_OPTIONS_H_
#define HERALD_MEDIA_S3_OPTIONS_H_

#include <cstdint>
#include <string>

namespace herald::media {

// The smallest part S3 accepts in a multipart upload (all parts but the last).
inline constexpr int64_t kMinS3PartSize = 5LL << 20;

struct S3Options {
  // "https://s3.eu-west-1.amazonaws.com", "https://minio.example:9000" (HERALD_S3_ENDPOINT); an
  // optional path prefix is kept. Plain http:// only to a loopback address (the HTTPS client's
  // rule). Empty: no S3 storage.
  std::string endpoint;
  std::string bucket;                // HERALD_S3_BUCKET
  std::string region = "us-east-1";  // HERALD_S3_REGION
  std::string access_key_id;         // HERALD_S3_ACCESS_KEY_ID
  std::string secret_access_key;     // HERALD_S3_SECRET_ACCESS_KEY
  // Single PUT up to this size; the part size of multipart uploads and of ranged GETs
  // (kMinS3PartSize to 5 GiB).
  int64_t part_size = 8LL << 20;
};

}  // namespace herald::media

#endif  // HERALD_MEDIA_S3_OPTIONS_H_
