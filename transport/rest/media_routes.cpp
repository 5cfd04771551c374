#include "transport/rest/media_routes.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "base/crypto.h"
#include "transport/guard/error_mapping.h"

namespace herald::transport {
namespace {

constexpr std::string_view kTusVersion = "1.0.0";
constexpr std::string_view kUploadsPath = "/api/v1/uploads";

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 0) {
    return std::nullopt;
  }
  return v;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The media type of a Content-Type value, without parameters, lower-case.
std::string MediaType(std::string_view content_type) {
  std::string out(Trim(content_type.substr(0, content_type.find(';'))));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool Truthy(std::string_view v) { return v == "true" || v == "1" || v == "yes"; }

http::Response Tus(http::Response r) {
  r.headers.Set("Tus-Resumable", kTusVersion);
  return r;
}

// nullopt when the request speaks tus 1.0.0, else the 412 answer.
std::optional<http::Response> CheckTusVersion(const http::Request& req) {
  if (req.Header("Tus-Resumable") == kTusVersion) return std::nullopt;
  http::Response r = RestErrorResponse(
      412, "failed_precondition",
      "this server speaks tus " + std::string(kTusVersion) + "; send Tus-Resumable: 1.0.0");
  r.headers.Set("Tus-Version", kTusVersion);
  return r;
}

std::optional<http::Response> RequireEditor(const base::Caller& caller) {
  if (base::RoleAllows(caller.role, base::Role::kEditor)) return std::nullopt;
  return RestErrorResponse(403, "permission_denied", "uploading media needs an editor key");
}

// tus Upload-Metadata: "key base64,key2 base64,key3".
base::Result<core::UploadMetadata> ParseUploadMetadata(std::string_view header) {
  core::UploadMetadata m;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view pair = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (pair.empty()) continue;
    size_t space = pair.find(' ');
    std::string_view key = pair.substr(0, space);
    std::string value;
    if (space != std::string_view::npos) {
      auto decoded = base::Base64Decode(Trim(pair.substr(space + 1)));
      if (!decoded.ok()) {
        return base::InvalidArgument("Upload-Metadata: the value of '" + std::string(key) +
                                     "' is not base64");
      }
      value = std::move(decoded).value();
    }
    if (key == "filename") m.file_name = std::move(value);
    else if (key == "filetype") m.declared_type = std::move(value);
    else if (key == "alt_text") m.alt_text = std::move(value);
    else if (key == "keep") m.keep = Truthy(value);
  }
  return m;
}

std::string MediaIdOf(const base::Json& media) {
  for (const char* k : {"media_id", "id"}) {
    auto it = media.find(k);
    if (it != media.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

http::Response MediaCreated(int status, const base::Json& media) {
  http::Response r = http::Response::Json(status, base::DumpJson(media));
  if (std::string id = MediaIdOf(media); !id.empty()) r.headers.Set("Herald-Media-Id", id);
  return r;
}

http::Response NotMedia(const base::Error& e) {
  return RestErrorResponse(422, base::ErrorCodeName(e.code()), e.message());
}

// The "name" (and "filename") of a multipart part's Content-Disposition.
std::string DispositionParam(std::string_view disposition, std::string_view param) {
  std::string needle = std::string(param) + "=\"";
  size_t at = 0;
  while ((at = disposition.find(needle, at)) != std::string_view::npos) {
    if (at == 0 || disposition[at - 1] == ' ' || disposition[at - 1] == ';') {
      size_t start = at + needle.size();
      size_t end = disposition.find('"', start);
      if (end == std::string_view::npos) return {};
      return std::string(disposition.substr(start, end - start));
    }
    at += needle.size();
  }
  return {};
}

struct MultipartFile {
  std::string bytes;
  core::UploadMetadata metadata;
};

// Takes the "file" part (and the text fields file_name, alt_text, keep) of a multipart/form-data
// body. kInvalidArgument when there is no boundary or no file part.
base::Result<MultipartFile> ParseMultipart(std::string_view content_type, std::string_view body) {
  size_t b = content_type.find("boundary=");
  if (b == std::string_view::npos) {
    return base::InvalidArgument("multipart/form-data without a boundary");
  }
  std::string_view boundary = Trim(content_type.substr(b + 9));
  boundary = boundary.substr(0, boundary.find(';'));
  if (boundary.size() >= 2 && boundary.front() == '"') boundary = boundary.substr(1, boundary.size() - 2);
  const std::string delimiter = "--" + std::string(boundary);
  MultipartFile out;
  bool found = false;
  size_t pos = body.find(delimiter);
  while (pos != std::string_view::npos) {
    size_t start = pos + delimiter.size();
    if (body.substr(start, 2) == "--") break;  // the closing delimiter
    if (body.substr(start, 2) == "\r\n") start += 2;
    size_t next = body.find("\r\n" + delimiter, start);
    if (next == std::string_view::npos) break;
    std::string_view part = body.substr(start, next - start);
    size_t head_end = part.find("\r\n\r\n");
    if (head_end != std::string_view::npos) {
      std::string_view head = part.substr(0, head_end);
      std::string_view content = part.substr(head_end + 4);
      std::string disposition, type;
      while (!head.empty()) {
        size_t eol = head.find("\r\n");
        std::string_view line = head.substr(0, eol);
        head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string_view name = line.substr(0, colon);
        if (http::EqualsIgnoreCase(name, "Content-Disposition")) {
          disposition = std::string(Trim(line.substr(colon + 1)));
        } else if (http::EqualsIgnoreCase(name, "Content-Type")) {
          type = std::string(Trim(line.substr(colon + 1)));
        }
      }
      std::string name = DispositionParam(disposition, "name");
      if (name == "file" && !found) {
        found = true;
        out.bytes = std::string(content);
        if (out.metadata.file_name.empty()) {
          out.metadata.file_name = DispositionParam(disposition, "filename");
        }
        out.metadata.declared_type = MediaType(type);
      } else if (name == "file_name") {
        out.metadata.file_name = std::string(content);
      } else if (name == "alt_text") {
        out.metadata.alt_text = std::string(content);
      } else if (name == "keep") {
        out.metadata.keep = Truthy(content);
      }
    }
    pos = next + 2;
  }
  if (!found) return base::InvalidArgument("the multipart/form-data body has no 'file' part");
  return out;
}

// Reads a stored object's [offset, offset + length) in pieces.
class StoreSource final : public http::BodyStream {
 public:
  StoreSource(media::MediaStore& store, std::string key, int64_t offset, int64_t length,
              size_t piece)
      : store_(store), key_(std::move(key)), offset_(offset), left_(length), piece_(piece) {}

  base::Task<base::Result<std::string>> Read() override {
    if (left_ <= 0) co_return std::string();
    const int64_t want = std::min<int64_t>(left_, static_cast<int64_t>(piece_));
    base::Result<std::string> got = co_await store_.ReadRange(key_, offset_, want);
    if (!got.ok()) co_return got;
    if (got->empty()) co_return base::Internal("the stored object " + key_ + " ended early");
    offset_ += static_cast<int64_t>(got->size());
    left_ -= static_cast<int64_t>(got->size());
    co_return got;
  }

 private:
  media::MediaStore& store_;
  const std::string key_;
  int64_t offset_;
  int64_t left_;
  const size_t piece_;
};

}  // namespace

std::optional<std::pair<int64_t, int64_t>> ParseByteRange(std::string_view header, int64_t size) {
  header = Trim(header);
  if (!header.starts_with("bytes=")) return std::nullopt;
  std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view first_text = Trim(spec.substr(0, dash));
  std::string_view last_text = Trim(spec.substr(dash + 1));
  const std::pair<int64_t, int64_t> unsatisfiable{-1, -1};
  if (first_text.empty()) {  // "-n": the last n bytes
    auto n = ParseInt(last_text);
    if (!n) return std::nullopt;
    if (*n == 0 || size == 0) return unsatisfiable;
    return std::make_pair(std::max<int64_t>(0, size - *n), size - 1);
  }
  auto first = ParseInt(first_text);
  if (!first) return std::nullopt;
  int64_t last = size - 1;
  if (!last_text.empty()) {
    auto l = ParseInt(last_text);
    if (!l || *l < *first) return std::nullopt;
    last = std::min(*l, size - 1);
  }
  if (*first >= size) return unsatisfiable;
  return std::make_pair(*first, last);
}

MediaRoutes::MediaRoutes(MediaRoutesOptions options, const HttpGuard& guard, RestApi& rest,
                         const base::Clock& clock)
    : options_(std::move(options)), guard_(guard), rest_(rest), clock_(clock) {
  if (options_.piece_size == 0) options_.piece_size = 256u << 10;
}

void MediaRoutes::AddTo(http::HttpServer& server, const RestRoute* upload_media_route) {
  upload_media_route_ = upload_media_route;
  using Member = base::Task<http::Response> (MediaRoutes::*)(http::Request, base::Caller);
  // Guarded like every REST route; the tus header on every answer, the guard's included.
  auto tus = [this](Member member) -> http::Handler {
    http::Handler guarded = guard_.Protect(
        [this, member](http::Request req, base::Caller caller) -> base::Task<http::Response> {
          return (this->*member)(std::move(req), std::move(caller));
        },
        ErrorFlavor::kRest);
    return [guarded](http::Request req) -> base::Task<http::Response> {
      http::Response r = co_await guarded(std::move(req));
      co_return Tus(std::move(r));
    };
  };
  if (options_.uploads != nullptr) {
    const size_t max_size = static_cast<size_t>(options_.uploads->limits().max_size);
    // A CORS preflight on the uploads path still goes to the guard's preflight.
    http::Handler preflight = guard_.Preflight();
    http::Handler discovery = tus(&MediaRoutes::Options);
    server.Route("OPTIONS", std::string(kUploadsPath),
                 [preflight, discovery](http::Request req) -> base::Task<http::Response> {
                   if (req.headers.Has("Access-Control-Request-Method")) {
                     co_return co_await preflight(std::move(req));
                   }
                   co_return co_await discovery(std::move(req));
                 });
    server.Route("POST", std::string(kUploadsPath), tus(&MediaRoutes::Create));
    const std::string one = std::string(kUploadsPath) + "/{id}";
    server.Route("HEAD", one, tus(&MediaRoutes::Head));
    server.Route("PATCH", one, tus(&MediaRoutes::Patch),
                 http::RouteOptions{.body_limit = max_size,
                                    .stream_body = true,
                                    .stream_chunk = options_.piece_size});
    server.Route("DELETE", one, tus(&MediaRoutes::Terminate));
    // Streamed so that a body over the small-upload limit gets a 413 that points at the
    // resumable uploads (not the server's generic one); at most the limit is held in memory.
    server.Route("POST", "/api/v1/media",
                 guard_.Protect(
                     [this](http::Request req, base::Caller caller) -> base::Task<http::Response> {
                       return PostMedia(std::move(req), std::move(caller));
                     },
                     ErrorFlavor::kRest),
                 http::RouteOptions{.body_limit = std::max(max_size, options_.small_upload_limit),
                                    .stream_body = true,
                                    .stream_chunk = options_.piece_size});
  }
  if (options_.signer != nullptr && options_.store != nullptr && options_.lookup) {
    auto serve = [this](http::Request req) -> base::Task<http::Response> {
      return Serve(std::move(req));
    };
    server.Route("GET", "/media/{media_id}/{file}", serve);
    server.Route("HEAD", "/media/{media_id}/{file}", serve);
  }
}

base::Task<http::Response> MediaRoutes::Options(http::Request, base::Caller) {
  http::Response r = http::Response::Empty(204);
  r.headers.Set("Tus-Version", kTusVersion);
  r.headers.Set("Tus-Extension", "creation,termination");
  r.headers.Set("Tus-Max-Size", std::to_string(options_.uploads->limits().max_size));
  co_return r;
}

base::Task<http::Response> MediaRoutes::Create(http::Request req, base::Caller caller) {
  if (auto bad = CheckTusVersion(req)) co_return *bad;
  if (auto denied = RequireEditor(caller)) co_return *denied;
  std::optional<int64_t> length = ParseInt(Trim(req.Header("Upload-Length")));
  if (!length) {
    co_return RestErrorResponse(400, "invalid_argument",
                                "Upload-Length (the file's size in bytes) is required; "
                                "Upload-Defer-Length is not supported");
  }
  const int64_t max = options_.uploads->limits().max_size;
  if (*length > max) {
    co_return RestErrorResponse(413, "resource_exhausted",
                                "the upload is " + std::to_string(*length) +
                                    " bytes, over the limit of " + std::to_string(max) + " bytes");
  }
  auto metadata = ParseUploadMetadata(req.Header("Upload-Metadata"));
  if (!metadata.ok()) co_return RestErrorFor(metadata.error());
  auto created = co_await options_.uploads->Create(caller, *length, std::move(metadata).value());
  if (!created.ok()) co_return RestErrorFor(created.error());
  http::Response r = http::Response::Empty(201);
  r.headers.Set("Location", guard_.BaseUrl(req) + std::string(kUploadsPath) + "/" + created->id);
  r.headers.Set("Upload-Offset", "0");
  co_return r;
}

base::Task<http::Response> MediaRoutes::Head(http::Request req, base::Caller caller) {
  if (auto bad = CheckTusVersion(req)) co_return *bad;
  auto info = co_await options_.uploads->Get(caller, std::string(req.PathParam("id")));
  http::Response r = info.ok() ? http::Response::Empty(200) : RestErrorFor(info.error());
  if (info.ok()) {
    r.headers.Set("Upload-Offset", std::to_string(info->offset));
    r.headers.Set("Upload-Length", std::to_string(info->length));
  }
  r.headers.Set("Cache-Control", "no-store");
  co_return r;
}

base::Task<http::Response> MediaRoutes::Patch(http::Request req, base::Caller caller) {
  if (auto bad = CheckTusVersion(req)) co_return *bad;
  if (auto denied = RequireEditor(caller)) co_return *denied;
  if (MediaType(req.Header("Content-Type")) != "application/offset+octet-stream") {
    co_return RestErrorResponse(415, "invalid_argument",
                                "a PATCH to an upload must have Content-Type "
                                "application/offset+octet-stream");
  }
  std::optional<int64_t> offset = ParseInt(Trim(req.Header("Upload-Offset")));
  if (!offset) {
    co_return RestErrorResponse(400, "invalid_argument",
                                "Upload-Offset (where this body starts) is required");
  }
  std::shared_ptr<http::BodyStream> body = req.body_reader;
  if (!body) co_return RestErrorResponse(500, "internal", "the body is not streamed");
  auto outcome = co_await options_.uploads->Append(
      caller, std::string(req.PathParam("id")), *offset,
      [body]() -> base::Task<base::Result<std::string>> { return body->Read(); });
  if (!outcome.ok()) {
    if (outcome.error().code() == base::ErrorCode::kResourceExhausted) {
      co_return RestErrorResponse(413, "resource_exhausted", outcome.error().message());
    }
    co_return RestErrorFor(outcome.error());
  }
  if (outcome->finish_error) co_return NotMedia(*outcome->finish_error);
  http::Response r = outcome->media ? MediaCreated(200, *outcome->media) : http::Response::Empty(204);
  r.headers.Set("Upload-Offset", std::to_string(outcome->info.offset));
  co_return r;
}

base::Task<http::Response> MediaRoutes::Terminate(http::Request req, base::Caller caller) {
  if (auto bad = CheckTusVersion(req)) co_return *bad;
  if (auto denied = RequireEditor(caller)) co_return *denied;
  auto done = co_await options_.uploads->Terminate(caller, std::string(req.PathParam("id")));
  if (!done.ok()) co_return RestErrorFor(done.error());
  co_return http::Response::Empty(204);
}

base::Task<http::Response> MediaRoutes::PostMedia(http::Request req, base::Caller caller) {
  const std::string type = MediaType(req.Header("Content-Type"));
  const size_t limit = options_.small_upload_limit;
  const std::string too_large = "POST /api/v1/media takes files up to " + std::to_string(limit) +
                                " bytes; use the resumable uploads at /api/v1/uploads (tus "
                                "1.0) for larger ones";
  if (auto length = ParseInt(req.Header("Content-Length")); length && static_cast<uint64_t>(*length) > limit) {
    co_return RestErrorResponse(413, "resource_exhausted", too_large);
  }
  // The body, at most `limit` bytes of it.
  std::string body;
  if (req.body_reader) {
    for (;;) {
      base::Result<std::string> piece = co_await req.body_reader->Read();
      if (!piece.ok()) co_return RestErrorFor(piece.error());
      if (piece->empty()) break;
      if (body.size() + piece->size() > limit) {
        co_return RestErrorResponse(413, "resource_exhausted", too_large);
      }
      body += *piece;
    }
  } else {
    body = std::move(req.body);
  }
  if (type == "application/json") {
    if (upload_media_route_ == nullptr) {
      co_return RestErrorResponse(404, "not_found", "upload_media is not available");
    }
    req.body = std::move(body);
    req.body_reader.reset();
    co_return co_await rest_.Serve(*upload_media_route_, std::move(req), std::move(caller));
  }
  if (auto denied = RequireEditor(caller)) co_return *denied;
  core::UploadMetadata metadata;
  if (type == "multipart/form-data") {
    auto parsed = ParseMultipart(req.Header("Content-Type"), body);
    if (!parsed.ok()) co_return RestErrorFor(parsed.error());
    body = std::move(parsed->bytes);
    metadata = std::move(parsed->metadata);
  } else {
    metadata.declared_type = type;
    if (auto v = req.Query("file_name")) metadata.file_name = std::string(*v);
    if (auto v = req.Query("alt_text")) metadata.alt_text = std::string(*v);
    if (auto v = req.Query("keep")) metadata.keep = Truthy(*v);
  }
  if (body.empty()) co_return RestErrorResponse(400, "invalid_argument", "the file is empty");
  auto media = co_await options_.uploads->FinishWhole(caller, std::move(metadata), std::move(body));
  if (!media.ok()) {
    if (media.error().code() == base::ErrorCode::kInvalidArgument) co_return NotMedia(media.error());
    co_return RestErrorFor(media.error());
  }
  co_return MediaCreated(201, *media);
}

base::Task<http::Response> MediaRoutes::Serve(http::Request req) {
  const std::string media_id(req.PathParam("media_id"));
  const std::string file(req.PathParam("file"));
  const std::string exp(req.Query("exp").value_or(""));
  const std::string sig(req.Query("sig").value_or(""));
  const base::Time now = clock_.Now();
  if (!options_.signer->Verify(media_id, file, exp, sig, now).ok()) {
    co_return RestErrorResponse(403, "permission_denied",
                                "this media URL is not valid or has expired");
  }
  auto served = co_await options_.lookup(media_id, file);
  if (!served.ok()) co_return RestErrorFor(served.error());
  const int64_t size = served->size;
  // Cached no longer than the URL is valid.
  int64_t left = ParseInt(exp).value_or(0) -
                 std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  left = std::clamp<int64_t>(left, 0, options_.max_cache_age.count());
  auto range = req.headers.Has("Range") ? ParseByteRange(req.Header("Range"), size) : std::nullopt;
  if (range && range->first < 0) {
    http::Response r = RestErrorResponse(416, "out_of_range", "the requested range is not in the file");
    r.headers.Set("Content-Range", "bytes */" + std::to_string(size));
    r.headers.Set("Accept-Ranges", "bytes");
    co_return r;
  }
  const int64_t first = range ? range->first : 0;
  const int64_t count = range ? range->second - range->first + 1 : size;
  http::Response r;
  r.status = range ? 206 : 200;
  r.headers.Set("Content-Type", served->content_type.empty() ? "application/octet-stream"
                                                             : served->content_type);
  r.headers.Set("Accept-Ranges", "bytes");
  r.headers.Set("Cache-Control", "private, max-age=" + std::to_string(left));
  if (range) {
    r.headers.Set("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                       std::to_string(range->second) + "/" + std::to_string(size));
  }
  r.content_length = static_cast<uint64_t>(count);
  r.body_stream = std::make_shared<StoreSource>(*options_.store, served->key, first, count,
                                                options_.piece_size);
  co_return r;
}

}  // namespace herald::transport
