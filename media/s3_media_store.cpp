#include "media/s3_media_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <limits>

#include "base/crypto.h"
#include "media/store_file_io.h"
#include "platforms/http/url_policy.h"

namespace herald::media {
namespace {

using file_io::IoError;
using file_io::UniqueFd;
using platforms::HttpHeaders;
using platforms::HttpRequest;
using platforms::HttpResponse;

constexpr int64_t kMaxPartSize = 5LL << 30;  // S3's largest part (and single PUT)
constexpr int64_t kMaxParts = 10'000;        // S3's most parts in one upload
constexpr size_t kSmallAnswer = 1 << 20;     // answers without object data

// The text of the first <tag>...</tag> in `xml`, entities decoded; "" when absent.
std::string XmlValue(std::string_view xml, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t start = xml.find(open);
  if (start == std::string_view::npos) return "";
  start += open.size();
  size_t end = xml.find(close, start);
  if (end == std::string_view::npos) return "";
  std::string_view raw = xml.substr(start, end - start);
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    bool decoded = false;
    if (raw[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (raw.substr(i, entity.size()) == entity) {
          out.push_back(c);
          i += entity.size();
          decoded = true;
          break;
        }
      }
    }
    if (!decoded) out.push_back(raw[i++]);
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::optional<int64_t> ParseSize(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0) return std::nullopt;
  return n;
}

// Sending `bytes` (or receiving them) may take a while on a slow link: 60 s plus 4 s per MiB,
// at most 2 hours.
std::chrono::milliseconds TimeoutFor(size_t bytes) {
  const size_t mib = std::min<size_t>(bytes / (1 << 20), 2 * 3600 / 4);
  return std::chrono::milliseconds(60'000 + static_cast<int64_t>(mib) * 4'000);
}

// Bucket names as S3 defines them: 3-63 of a-z 0-9 . -, starting and ending with a letter or
// digit (plus '_', which some self-hosted servers allow).
bool ValidBucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '.' || c == '-' || c == '_')) {
      return false;
    }
  }
  auto alnum = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
  };
  return alnum(bucket.front()) && alnum(bucket.back());
}

// The file to upload, opened for reading, and its size.
Result<file_io::ReadableFile> OpenForUpload(const std::string& path) {
  return file_io::OpenRegularFile(path, "the file to store");
}

// One part read from the file and its SHA-256 (hex).
struct Part {
  std::string data;
  std::string sha256;
};

Result<Part> ReadPart(int fd, int64_t offset, int64_t length, const std::string& path) {
  HERALD_ASSIGN_OR_RETURN(std::string data, file_io::ReadAt(fd, offset, length, path));
  if (static_cast<int64_t>(data.size()) != length) {
    return base::Aborted("the file to store changed size while it was uploaded");
  }
  std::string sha = base::Sha256Hex(data);
  return Part{std::move(data), std::move(sha)};
}

// Brace lists are built in these plain functions: GCC 12 cannot keep the array of an
// initializer_list inside a co_await expression.
HttpHeaders OneHeader(std::string name, std::string value) {
  HttpHeaders headers;
  headers.emplace_back(std::move(name), std::move(value));
  return headers;
}

std::vector<std::pair<std::string, std::string>> OneParam(std::string name, std::string value) {
  std::vector<std::pair<std::string, std::string>> query;
  query.emplace_back(std::move(name), std::move(value));
  return query;
}

std::vector<std::pair<std::string, std::string>> PartParams(int number, std::string upload_id) {
  auto query = OneParam("partNumber", std::to_string(number));
  query.emplace_back("uploadId", std::move(upload_id));
  return query;
}

HttpHeaders RangeHeader(int64_t offset, int64_t length) {
  return OneHeader("Range", "bytes=" + std::to_string(offset) + "-" +
                                std::to_string(offset + length - 1));
}

}  // namespace

// ---- construction ----

Result<std::unique_ptr<S3MediaStore>> S3MediaStore::Create(S3Options options,
                                                           platforms::HttpClient& http,
                                                           const base::Clock& clock,
                                                           base::asio::thread_pool* blocking) {
  for (const auto& [value, variable] :
       {std::pair<const std::string&, const char*>{options.endpoint, "HERALD_S3_ENDPOINT"},
        {options.bucket, "HERALD_S3_BUCKET"},
        {options.region, "HERALD_S3_REGION"},
        {options.access_key_id, "HERALD_S3_ACCESS_KEY_ID"},
        {options.secret_access_key, "HERALD_S3_SECRET_ACCESS_KEY"}}) {
    if (value.empty()) {
      return base::FailedPrecondition(std::string("S3 media storage needs ") + variable +
                                      " to be set");
    }
  }
  HERALD_ASSIGN_OR_RETURN(platforms::http::ParsedUrl url,
                          platforms::http::ParseUrl(options.endpoint, "HERALD_S3_ENDPOINT"));
  if (url.scheme != "https" && url.scheme != "http") {
    return base::InvalidArgument("HERALD_S3_ENDPOINT must be an https:// URL (http:// only to "
                                 "127.0.0.1 or localhost); got " + url.scheme + "://");
  }
  if (url.has_userinfo || url.query || url.has_fragment) {
    return base::InvalidArgument(
        "HERALD_S3_ENDPOINT must be scheme://host[:port][/path] without user, query or fragment; "
        "put the credentials in HERALD_S3_ACCESS_KEY_ID and HERALD_S3_SECRET_ACCESS_KEY");
  }
  std::string base_path = url.path;
  while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
  for (char c : base_path) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '.' ||
          c == '_' || c == '~')) {
      return base::InvalidArgument(
          "the path of HERALD_S3_ENDPOINT may hold only letters, digits and - . _ ~ /");
    }
  }
  if (!ValidBucket(options.bucket)) {
    return base::InvalidArgument(
        "HERALD_S3_BUCKET must be a bucket name of 3 to 63 lower-case letters, digits, '.', '-' "
        "(or '_'), starting and ending with a letter or digit; got '" +
        options.bucket.substr(0, 63) + "'");
  }
  if (options.part_size < kMinS3PartSize || options.part_size > kMaxPartSize) {
    return base::InvalidArgument("the S3 part size must be 5 MiB to 5 GiB; got " +
                                 std::to_string(options.part_size) + " bytes");
  }
  const bool tls = url.scheme == "https";
  std::string host = url.ip && url.ip->is_v6() ? "[" + url.host + "]" : url.host;
  if (url.port && *url.port != (tls ? 443 : 80)) host += ":" + std::to_string(*url.port);
  return std::unique_ptr<S3MediaStore>(new S3MediaStore(std::move(options), url.scheme,
                                                        std::move(host), std::move(base_path),
                                                        http, nullptr, clock, blocking));
}

Result<std::unique_ptr<S3MediaStore>> S3MediaStore::Create(
    S3Options options, std::unique_ptr<platforms::HttpClient> http, const base::Clock& clock,
    base::asio::thread_pool* blocking) {
  HERALD_ASSIGN_OR_RETURN(std::unique_ptr<S3MediaStore> store,
                          Create(std::move(options), *http, clock, blocking));
  store->owned_http_ = std::move(http);
  return store;
}

S3MediaStore::S3MediaStore(S3Options options, std::string scheme, std::string host,
                           std::string base_path, platforms::HttpClient& http,
                           std::unique_ptr<platforms::HttpClient> owned,
                           const base::Clock& clock, base::asio::thread_pool* blocking)
    : options_(std::move(options)),
      scheme_(std::move(scheme)),
      host_(std::move(host)),
      base_path_(std::move(base_path)),
      owned_http_(std::move(owned)),
      http_(http),
      signer_({.access_key_id = options_.access_key_id,
               .secret_access_key = options_.secret_access_key,
               .region = options_.region,
               .service = "s3"},
              clock),
      clock_(clock),
      own_pool_(blocking == nullptr ? std::make_unique<base::asio::thread_pool>(2) : nullptr),
      blocking_(blocking == nullptr ? *own_pool_ : *blocking) {}

S3MediaStore::~S3MediaStore() {
  if (own_pool_) own_pool_->join();
}

// ---- requests and errors ----

Task<Result<HttpResponse>> S3MediaStore::Send(std::string method, const std::string& key,
                                              Query query, HttpHeaders headers, std::string body,
                                              size_t max_response_bytes,
                                              std::string payload_sha256) {
  SigV4Request signing;
  signing.method = method;
  signing.host = host_;
  signing.path = base_path_ + "/" + options_.bucket + "/" + key;
  signing.query = std::move(query);
  signing.headers = headers;
  if (!payload_sha256.empty()) {
    signing.payload_sha256 = std::move(payload_sha256);
  } else if (!body.empty()) {
    signing.payload_sha256 =
        co_await base::RunBlocking(blocking_, [&body] { return base::Sha256Hex(body); });
  }
  HttpRequest request;
  request.method = std::move(method);
  request.url = scheme_ + "://" + host_ + CanonicalUri(signing.path);
  if (std::string q = CanonicalQuery(signing.query); !q.empty()) request.url += "?" + q;
  request.headers = std::move(headers);
  for (auto& header : signer_.Sign(signing)) request.headers.push_back(std::move(header));
  request.total_timeout = TimeoutFor(std::max(body.size(), max_response_bytes));
  request.max_response_bytes = max_response_bytes;
  request.body = std::move(body);
  co_return co_await http_.Send(std::move(request));
}

base::Error S3MediaStore::TransportError(std::string_view operation,
                                         const base::Error& error) const {
  std::string where = "S3 storage at " + host_;
  switch (error.code()) {
    case base::ErrorCode::kInvalidArgument:
      return base::FailedPrecondition(where + " cannot be used: " + error.message() +
                                      "; check HERALD_S3_ENDPOINT")
          .set_detail(error.detail());
    case base::ErrorCode::kResourceExhausted:
      return base::Unavailable(where + " sent a larger answer than expected to " +
                                   std::string(operation),
                               error.message());
    default:
      return base::Unavailable(where + " cannot be reached (" + std::string(operation) +
                                   "): " + error.message(),
                               error.detail());
  }
}

base::Error S3MediaStore::ErrorFor(std::string_view operation, std::string_view key,
                                   const HttpResponse& response) const {
  const std::string code = XmlValue(response.body, "Code");
  const std::string where = "S3 storage at " + host_;
  const std::string bucket = "bucket " + options_.bucket;
  std::string detail = std::string(operation) + " " + std::string(key) + ": HTTP " +
                       std::to_string(response.status);
  if (!code.empty()) detail += " " + code;
  if (std::string message = XmlValue(response.body, "Message"); !message.empty()) {
    detail += ": " + message.substr(0, 500);
  }
  auto with = [&](base::Error e) { return e.set_detail(detail); };
  const int status = response.status;
  if (code == "NoSuchKey" || (code.empty() && status == 404)) {
    return with(base::NotFound("no media object " + std::string(key) + " in S3 " + bucket));
  }
  if (code == "NoSuchBucket") {
    return with(base::FailedPrecondition(where + " has no " + bucket +
                                         ": check HERALD_S3_BUCKET and HERALD_S3_ENDPOINT"));
  }
  if (code == "SignatureDoesNotMatch") {
    return with(base::PermissionDenied(
        where + " refused the request signature: check HERALD_S3_SECRET_ACCESS_KEY (the secret "
                "of the key in HERALD_S3_ACCESS_KEY_ID)"));
  }
  if (code == "InvalidAccessKeyId") {
    return with(base::PermissionDenied(where + " does not know the access key: check "
                                               "HERALD_S3_ACCESS_KEY_ID"));
  }
  if (code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" ||
      code == "IllegalLocationConstraintException" || status == 301) {
    return with(base::FailedPrecondition(where + " expects another region for " + bucket +
                                         ": check HERALD_S3_REGION and HERALD_S3_ENDPOINT"));
  }
  if (code == "RequestTimeTooSkewed") {
    return with(base::FailedPrecondition(
        where + " refused the request because this machine's clock is more than 15 minutes off; "
                "correct the system clock"));
  }
  if (code == "AccessDenied" || code == "AllAccessDisabled" || status == 403) {
    return with(base::PermissionDenied(
        where + " denied " + std::string(operation) + " in " + bucket +
        ": check HERALD_S3_ACCESS_KEY_ID and HERALD_S3_SECRET_ACCESS_KEY, and that the key may "
        "read and write the bucket"));
  }
  if (code == "InvalidRange" || status == 416) {
    return with(base::InvalidArgument("the range asked of " + std::string(key) +
                                      " is past the end of the object"));
  }
  if (code == "NoSuchUpload") {
    return with(base::Unavailable(where + " lost the multipart upload of " + std::string(key) +
                                  "; try again"));
  }
  if (status >= 500 || code == "SlowDown" || code == "InternalError" ||
      code == "ServiceUnavailable" || status == 429) {
    return with(base::Unavailable(where + " is unavailable (HTTP " + std::to_string(status) +
                                  (code.empty() ? "" : " " + code) + "); try again later"));
  }
  return with(base::FailedPrecondition(where + " refused " + std::string(operation) + " of " +
                                       std::string(key) + " (HTTP " + std::to_string(status) +
                                       (code.empty() ? "" : " " + code) + ")"));
}

// ---- operations ----

Task<Result<StoredObject>> S3MediaStore::PutFile(std::string key, std::string path,
                                                 std::string content_type) {
  HERALD_CO_RETURN_IF_ERROR(CheckObjectKey(key));
  if (content_type.empty()) content_type = "application/octet-stream";
  for (char c : content_type) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      co_return base::InvalidArgument("a media content type must not contain control characters");
    }
  }
  auto opened = co_await base::RunBlocking(blocking_, [&path] { return OpenForUpload(path); });
  if (!opened.ok()) co_return std::move(opened).error();
  const int64_t size = opened->size;  // PutSingle / UploadParts open the file again
  if (size <= options_.part_size) co_return co_await PutSingle(key, path, size, content_type);
  co_return co_await PutMultipart(key, path, size, content_type);
}

Task<Result<StoredObject>> S3MediaStore::PutSingle(const std::string& key,
                                                   const std::string& path, int64_t size,
                                                   const std::string& content_type) {
  auto part = co_await base::RunBlocking(blocking_, [&]() -> Result<Part> {
    HERALD_ASSIGN_OR_RETURN(auto opened, OpenForUpload(path));
    if (opened.size != size) {
      return base::Aborted("the file to store changed size while it was uploaded");
    }
    return ReadPart(opened.fd.get(), 0, size, path);
  });
  if (!part.ok()) co_return std::move(part).error();
  auto response = co_await Send("PUT", key, {}, OneHeader("Content-Type", content_type),
                                std::move(part->data), kSmallAnswer, std::move(part->sha256));
  if (!response.ok()) co_return TransportError("storing " + key, response.error());
  if (response->status != 200) co_return ErrorFor("PUT", key, *response);
  co_return StoredObject{key, size, content_type};
}

Task<Result<StoredObject>> S3MediaStore::PutMultipart(const std::string& key,
                                                      const std::string& path, int64_t size,
                                                      const std::string& content_type) {
  auto created = co_await Send("POST", key, OneParam("uploads", ""), OneHeader("Content-Type", content_type),
                               "", kSmallAnswer);
  if (!created.ok()) co_return TransportError("starting the upload of " + key, created.error());
  if (created->status != 200) co_return ErrorFor("CreateMultipartUpload", key, *created);
  const std::string upload_id = XmlValue(created->body, "UploadId");
  if (upload_id.empty()) {
    co_return base::Unavailable("S3 storage at " + host_ +
                                " answered a multipart upload without an UploadId");
  }

  std::string complete;
  Result<void> uploaded = co_await UploadParts(key, path, size, upload_id, &complete);
  if (!uploaded.ok()) {
    co_await AbortMultipart(key, upload_id);
    co_return std::move(uploaded).error();
  }
  auto done = co_await Send("POST", key, OneParam("uploadId", upload_id),
                            OneHeader("Content-Type", "application/xml"), std::move(complete),
                            kSmallAnswer);
  std::optional<base::Error> failure;
  if (!done.ok()) {
    failure = TransportError("completing the upload of " + key, done.error());
  } else if (done->status != 200 || done->body.find("<Error>") != std::string::npos) {
    // S3 may answer 200 and still fail, with an <Error> in the body.
    failure = ErrorFor("CompleteMultipartUpload", key, *done);
  }
  if (failure) {
    co_await AbortMultipart(key, upload_id);
    co_return std::move(*failure);
  }
  co_return StoredObject{key, size, content_type};
}

Task<Result<void>> S3MediaStore::UploadParts(const std::string& key, const std::string& path,
                                             int64_t size, const std::string& upload_id,
                                             std::string* complete_xml) {
  // At most 10,000 parts: a larger file gets larger parts (whole MiB).
  int64_t part_size = options_.part_size;
  if ((size + part_size - 1) / part_size > kMaxParts) {
    part_size = ((size + kMaxParts - 1) / kMaxParts + (1 << 20) - 1) / (1 << 20) * (1 << 20);
  }
  auto opened = co_await base::RunBlocking(blocking_, [&path] { return OpenForUpload(path); });
  if (!opened.ok()) co_return std::move(opened).error();
  if (opened->size != size) {
    co_return base::Aborted("the file to store changed size while it was uploaded");
  }
  const int fd = opened->fd.get();
  *complete_xml = "<CompleteMultipartUpload>";
  int number = 1;
  for (int64_t offset = 0; offset < size; offset += part_size, ++number) {
    const int64_t length = std::min(part_size, size - offset);
    auto part = co_await base::RunBlocking(
        blocking_, [&] { return ReadPart(fd, offset, length, path); });
    if (!part.ok()) co_return std::move(part).error();
    const std::string what = "uploading part " + std::to_string(number) + " of " + key;
    auto response = co_await Send("PUT", key,
                                  PartParams(number, upload_id), {}, std::move(part->data), kSmallAnswer,
                                  std::move(part->sha256));
    if (!response.ok()) co_return TransportError(what, response.error());
    if (response->status != 200) co_return ErrorFor("UploadPart", key, *response);
    std::string etag = response->Header("ETag");
    if (etag.empty()) {
      co_return base::Unavailable("S3 storage at " + host_ + " answered part " +
                                  std::to_string(number) + " of " + key + " without an ETag");
    }
    *complete_xml += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" +
                     XmlEscape(etag) + "</ETag></Part>";
  }
  *complete_xml += "</CompleteMultipartUpload>";
  co_return base::Ok();
}

Task<void> S3MediaStore::AbortMultipart(const std::string& key, const std::string& upload_id) {
  // Best effort: a failure leaves parts that the bucket's lifecycle rule (or a later abort)
  // removes; the error of the upload is what the caller needs.
  auto aborted = co_await Send("DELETE", key, OneParam("uploadId", upload_id), {}, "",
                                kSmallAnswer);
  (void)aborted;
}

Task<Result<StoredObject>> S3MediaStore::GetToFile(std::string key, std::string path) {
  auto stat = co_await Stat(key);
  if (!stat.ok()) co_return std::move(stat).error();
  auto created = co_await base::RunBlocking(blocking_, [&path]() -> Result<UniqueFd> {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd.valid()) return IoError("creating", path, errno);
    return fd;
  });
  if (!created.ok()) co_return std::move(created).error();
  UniqueFd fd = std::move(*created);
  Result<void> written = co_await DownloadTo(key, fd.get(), path, stat->size);
  if (written.ok()) written = fd.Close(path);
  if (!written.ok()) {
    fd = UniqueFd();
    ::unlink(path.c_str());
    co_return std::move(written).error();
  }
  co_return std::move(*stat);
}

Task<Result<void>> S3MediaStore::DownloadTo(const std::string& key, int fd,
                                            const std::string& path, int64_t size) {
  const int64_t part_size = options_.part_size;
  for (int64_t offset = 0; offset < size; offset += part_size) {
    const int64_t length = std::min(part_size, size - offset);
    auto response = co_await Send(
        "GET", key, {},
        RangeHeader(offset, length), "", static_cast<size_t>(length) + 1024);
    if (!response.ok()) co_return TransportError("reading " + key, response.error());
    if (response->status == 416 || response->status == 412) {
      co_return base::Unavailable("media object " + key + " changed while it was read; try again");
    }
    if (response->status != 206 && !(response->status == 200 && offset == 0)) {
      co_return ErrorFor("GET", key, *response);
    }
    std::string_view data = response->body;
    if (response->status == 200) data = data.substr(0, static_cast<size_t>(length));
    if (static_cast<int64_t>(data.size()) != length) {
      co_return base::Unavailable("media object " + key + " changed while it was read; try again");
    }
    Result<void> written = co_await base::RunBlocking(
        blocking_, [&] { return file_io::WriteAll(fd, data, path); });
    if (!written.ok()) co_return written;
  }
  co_return base::Ok();
}

Task<Result<std::string>> S3MediaStore::ReadRange(std::string key, int64_t offset,
                                                  int64_t length) {
  HERALD_CO_RETURN_IF_ERROR(CheckObjectKey(key));
  if (offset < 0 || length < 0) {
    co_return base::InvalidArgument("a media range needs a non-negative offset and length");
  }
  auto past_end_or_empty = [&](int64_t size) -> Result<std::string> {
    if (offset > size) {
      return base::InvalidArgument("offset " + std::to_string(offset) + " is past the end of " +
                                   key + " (" + std::to_string(size) + " bytes)");
    }
    return std::string();
  };
  length = std::min(length, std::numeric_limits<int64_t>::max() - offset);  // no overflow below
  if (length == 0) {
    auto stat = co_await Stat(key);
    if (!stat.ok()) co_return std::move(stat).error();
    co_return past_end_or_empty(stat->size);
  }
  auto response = co_await Send(
      "GET", key, {},
      RangeHeader(offset, length), "",
      static_cast<size_t>(std::min<int64_t>(length, std::numeric_limits<int64_t>::max() / 2)) +
          1024);
  if (!response.ok()) co_return TransportError("reading " + key, response.error());
  if (response->status == 416) {
    auto stat = co_await Stat(key);
    if (!stat.ok()) co_return std::move(stat).error();
    co_return past_end_or_empty(stat->size);
  }
  if (response->status == 206) co_return std::move(response->body);
  if (response->status == 200) {  // the server ignored the range
    std::string& body = response->body;
    if (offset > static_cast<int64_t>(body.size())) {
      co_return past_end_or_empty(static_cast<int64_t>(body.size()));
    }
    co_return body.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
  }
  co_return ErrorFor("GET", key, *response);
}

Task<Result<StoredObject>> S3MediaStore::Stat(std::string key) {
  HERALD_CO_RETURN_IF_ERROR(CheckObjectKey(key));
  auto response = co_await Send("HEAD", key, {}, {}, "", kSmallAnswer);
  if (!response.ok()) co_return TransportError("looking up " + key, response.error());
  if (response->status != 200) co_return ErrorFor("HEAD", key, *response);
  std::optional<int64_t> size = ParseSize(response->Header("Content-Length"));
  if (!size) {
    co_return base::Unavailable("S3 storage at " + host_ + " answered " + key +
                                " without a valid Content-Length");
  }
  std::string type = response->Header("Content-Type");
  if (type.empty()) type = "application/octet-stream";
  co_return StoredObject{key, *size, std::move(type)};
}

Task<Result<void>> S3MediaStore::Remove(std::string key) {
  HERALD_CO_RETURN_IF_ERROR(CheckObjectKey(key));
  auto response = co_await Send("DELETE", key, {}, {}, "", kSmallAnswer);
  if (!response.ok()) co_return TransportError("removing " + key, response.error());
  if (response->status == 200 || response->status == 204) co_return base::Ok();
  if (response->status == 404 && XmlValue(response->body, "Code") != "NoSuchBucket") {
    co_return base::Ok();
  }
  co_return ErrorFor("DELETE", key, *response);
}

Result<std::string> S3MediaStore::PresignedUrl(std::string_view key, base::Time expires) const {
  HERALD_RETURN_IF_ERROR(CheckObjectKey(key));
  SigV4Request request;
  request.method = "GET";
  request.host = host_;
  request.path = base_path_ + "/" + options_.bucket + "/" + std::string(key);
  auto expires_in = std::chrono::duration_cast<std::chrono::seconds>(expires - clock_.Now());
  return signer_.Presign(scheme_, request, expires_in);
}

}  // namespace herald::media
