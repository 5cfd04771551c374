// S3MediaStore: media objects in an S3-compatible bucket (AWS S3, MinIO, Garage, Ceph RGW, ...),
// path-style addressing (<endpoint>/<bucket>/<key>, which self-hosted servers need), every
// request signed with AWS Signature V4 (media/aws_sigv4.h).
//
// - PutFile: one signed PUT up to part_size; above it a multipart upload (CreateMultipartUpload,
//   one UploadPart per part read from the file, CompleteMultipartUpload), AbortMultipartUpload on
//   any failure, so nothing half-stored stays behind. Memory: one part at a time.
// - GetToFile: ranged GETs of part_size written to the file in turn (removed on failure).
// - ReadRange: one GET with a Range header. Stat: HEAD. Remove: DELETE. PresignedUrl: a SigV4
//   presigned GET (at most 7 days).
// - Errors: S3's XML error (<Error><Code>..</Code><Message>..</Message>) becomes a clear error:
//   NoSuchKey -> kNotFound; NoSuchBucket -> kFailedPrecondition naming HERALD_S3_BUCKET;
//   AccessDenied / InvalidAccessKeyId -> kPermissionDenied naming HERALD_S3_ACCESS_KEY_ID;
//   SignatureDoesNotMatch -> kPermissionDenied naming HERALD_S3_SECRET_ACCESS_KEY; a wrong region
//   -> kFailedPrecondition naming HERALD_S3_REGION; RequestTimeTooSkewed -> kFailedPrecondition
//   (the clock); 5xx, SlowDown and connection failures -> kUnavailable. Messages name the
//   endpoint's host, the bucket and the key, never a credential (S3's own message text goes to the
//   detail only).
//
// File reads, writes and payload hashing run on a thread pool (the one given, or two threads of
// its own). Thread-safe.
#ifndef HERALD_MEDIA_S3_MEDIA_STORE_H_
#define HERALD_MEDIA_S3_MEDIA_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/async.h"
#include "base/clock.h"
#include "media/aws_sigv4.h"
#include "media/media_store.h"
#include "media/s3_options.h"
#include "platforms/http_client.h"

namespace herald::media {

class S3MediaStore final : public MediaStore {
 public:
  // Checks `options` (kInvalidArgument naming the variable: an endpoint that is not an
  // http(s) URL, a bucket that is not a valid bucket name, part_size under 5 MiB or over
  // 5 GiB; kFailedPrecondition for a missing value). `http` must outlive the store (tests pass
  // their client; production uses the overload that owns one). `blocking`: nullptr for two
  // threads of the store's own.
  static Result<std::unique_ptr<S3MediaStore>> Create(S3Options options,
                                                      platforms::HttpClient& http,
                                                      const base::Clock& clock,
                                                      base::asio::thread_pool* blocking = nullptr);
  // The same, owning `http`.
  static Result<std::unique_ptr<S3MediaStore>> Create(
      S3Options options, std::unique_ptr<platforms::HttpClient> http, const base::Clock& clock,
      base::asio::thread_pool* blocking = nullptr);

  ~S3MediaStore() override;

  std::string_view Kind() const override { return "s3"; }
  Task<Result<StoredObject>> PutFile(std::string key, std::string path,
                                     std::string content_type) override;
  Task<Result<StoredObject>> GetToFile(std::string key, std::string path) override;
  Task<Result<std::string>> ReadRange(std::string key, int64_t offset, int64_t length) override;
  Task<Result<StoredObject>> Stat(std::string key) override;
  Task<Result<void>> Remove(std::string key) override;
  // kInvalidArgument when `expires` is not 1 second to 7 days from now.
  Result<std::string> PresignedUrl(std::string_view key, base::Time expires) const override;

  const S3Options& options() const { return options_; }

 private:
  using Query = std::vector<std::pair<std::string, std::string>>;

  S3MediaStore(S3Options options, std::string scheme, std::string host, std::string base_path,
               platforms::HttpClient& http, std::unique_ptr<platforms::HttpClient> owned,
               const base::Clock& clock, base::asio::thread_pool* blocking);

  // Signs and sends one request to the object `key`. `payload_sha256`: the hex SHA-256 of
  // `body` when the caller has it, else "" (then hashed here, on the pool).
  Task<Result<platforms::HttpResponse>> Send(std::string method, const std::string& key,
                                             Query query, platforms::HttpHeaders headers,
                                             std::string body, size_t max_response_bytes,
                                             std::string payload_sha256 = "");
  Task<Result<StoredObject>> PutSingle(const std::string& key, const std::string& path,
                                       int64_t size, const std::string& content_type);
  Task<Result<StoredObject>> PutMultipart(const std::string& key, const std::string& path,
                                          int64_t size, const std::string& content_type);
  Task<Result<void>> UploadParts(const std::string& key, const std::string& path, int64_t size,
                                 const std::string& upload_id, std::string* complete_xml);
  Task<void> AbortMultipart(const std::string& key, const std::string& upload_id);
  Task<Result<void>> DownloadTo(const std::string& key, int fd, const std::string& path,
                                int64_t size);

  // The error for a non-2xx answer (or an <Error> in a 200 answer) to `operation` on `key`.
  base::Error ErrorFor(std::string_view operation, std::string_view key,
                       const platforms::HttpResponse& response) const;
  // The error for a transport failure of the HTTP client.
  base::Error TransportError(std::string_view operation, const base::Error& error) const;

  S3Options options_;
  std::string scheme_;     // "https" | "http"
  std::string host_;       // Host header: "host[:port]"
  std::string base_path_;  // "/prefix" of the endpoint, or ""
  std::unique_ptr<platforms::HttpClient> owned_http_;
  platforms::HttpClient& http_;
  SigV4Signer signer_;
  const base::Clock& clock_;
  std::unique_ptr<base::asio::thread_pool> own_pool_;
  base::asio::thread_pool& blocking_;
};

}  // namespace herald::media

#endif  // HERALD_MEDIA_S3_MEDIA_STORE_H_
