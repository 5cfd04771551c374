#include "media/http_url_fetcher.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "platforms/http/url_policy.h"

namespace herald::media {
namespace {

constexpr size_t kSniffBytes = 64;

// The file being written; removed on destruction unless kept.
class PartFile {
 public:
  explicit PartFile(std::string path) : path_(std::move(path)) {}
  ~PartFile() {
    if (fd_ >= 0) ::close(fd_);
    if (created_ && !keep_) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  }
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  base::Result<void> Create() {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) return base::Internal("cannot create " + path_ + ": " + std::strerror(errno));
    created_ = true;
    return base::Ok();
  }
  base::Result<void> Write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return base::Internal("cannot write " + path_ + ": " + std::strerror(errno));
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return base::Ok();
  }
  base::Result<void> Finish() {
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      return base::Internal("cannot sync " + path_ + ": " + std::strerror(errno));
    }
    fd_ = -1;
    return base::Ok();
  }
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  int fd_ = -1;
  bool created_ = false;
  bool keep_ = false;
};

// The filename of a Content-Disposition header ("attachment; filename=\"a.png\""), or "".
std::string DispositionName(std::string_view header) {
  size_t at = header.find("filename=");
  if (at == std::string_view::npos) return {};
  std::string_view v = header.substr(at + 9);
  if (!v.empty() && v.front() == '"') {
    v.remove_prefix(1);
    return std::string(v.substr(0, v.find('"')));
  }
  return std::string(v.substr(0, v.find(';')));
}

std::string LastSegment(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

base::Error StatusError(int status, const std::string& host) {
  std::string what = "the server at " + host + " answered HTTP " + std::to_string(status);
  if (status == 404 || status == 410) return base::NotFound(what + ": the file is not there");
  if (status == 401 || status == 403) return base::PermissionDenied(what + ": access refused");
  if (status == 429) return base::Unavailable(what + ": too many requests, try later");
  if (status >= 500) return base::Unavailable(what);
  if (status >= 300 && status < 400) {
    return base::InvalidArgument(what + ": too many redirects, or a redirect herald does not "
                                        "follow (not http:// or https://)");
  }
  return base::InvalidArgument(what);
}

}  // namespace

std::string SanitizeFileName(std::string_view raw) {
  std::string out;
  for (unsigned char c : raw) {
    if (out.size() >= 100) break;
    out += std::isalnum(c) || c == '.' || c == '-' || c == '_' ? static_cast<char>(c) : '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  if (out.find_first_not_of("_.") == std::string::npos) return {};
  return out;
}

HttpUrlFetcher::HttpUrlFetcher(platforms::HttpClient& client, Sniffer sniff,
                               HttpUrlFetcherOptions options)
    : client_(client), sniff_(std::move(sniff)), options_(std::move(options)) {}

base::Task<base::Result<FetchedFile>> HttpUrlFetcher::Fetch(std::string url, std::string path,
                                                            FetchOptions options) {
  auto parsed = platforms::http::ParseUrl(url, "the media URL");
  if (!parsed.ok()) co_return std::move(parsed).error();
  if (parsed->scheme != "http" && parsed->scheme != "https") {
    co_return base::InvalidArgument("the media URL must use http:// or https:// (got " +
                                    parsed->scheme + "://)");
  }
  if (parsed->has_userinfo) {
    co_return base::InvalidArgument("the media URL must not contain a user name or password");
  }
  auto file = std::make_unique<PartFile>(path);
  HERALD_CO_RETURN_IF_ERROR(file->Create());

  std::string head;
  int64_t written = 0;
  platforms::HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.max_redirects = options.max_redirects;
  request.total_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options.timeout);
  request.max_response_bytes = static_cast<size_t>(options.max_bytes);
  request.public_addresses_only = !options_.allow_private_networks;
  request.test_allowed_endpoints = options_.test_allowed_endpoints;
  request.headers = {{"Accept", "image/*, video/*, audio/*, */*;q=0.5"}};
  PartFile* sink = file.get();
  request.on_body = [&head, &written, sink](std::string_view chunk) -> base::Result<void> {
    if (head.size() < kSniffBytes) head.append(chunk.substr(0, kSniffBytes - head.size()));
    written += static_cast<int64_t>(chunk.size());
    return sink->Write(chunk);
  };
  base::Result<platforms::HttpResponse> response = co_await client_.Send(std::move(request));
  if (!response.ok()) {
    if (response.error().code() == base::ErrorCode::kResourceExhausted) {
      co_return base::ResourceExhausted("the file at " + parsed->host +
                                        " is larger than the limit of " +
                                        std::to_string(options.max_bytes) + " bytes");
    }
    co_return std::move(response).error();
  }
  if (response->status < 200 || response->status > 299) {
    co_return StatusError(response->status, parsed->host);
  }
  HERALD_CO_RETURN_IF_ERROR(file->Finish());
  std::string mime(sniff_(head));
  if (mime.empty()) {
    co_return base::InvalidArgument("the file at " + parsed->host +
                                    " is not a supported image, video or audio file (judged "
                                    "by its first bytes, not its name or Content-Type)");
  }
  FetchedFile out;
  out.path = path;
  out.size = written;
  out.mime_type = std::move(mime);
  out.file_name = SanitizeFileName(DispositionName(response->Header("Content-Disposition")));
  if (out.file_name.empty()) out.file_name = SanitizeFileName(LastSegment(parsed->path));
  file->Keep();
  co_return out;
}

}  // namespace herald::media
