// MediaRoutes: getting media in and out over HTTP, on the frontend's server.
//
//   OPTIONS /api/v1/uploads          tus 1.0 discovery (Tus-Version, Tus-Extension, Tus-Max-Size)
//   POST    /api/v1/uploads          tus creation: Upload-Length, Upload-Metadata     201 Location
//   HEAD    /api/v1/uploads/{id}     Upload-Offset (durably received), Upload-Length
//   PATCH   /api/v1/uploads/{id}     application/offset+octet-stream at Upload-Offset, streamed
//                                    to the staging file; the last byte finishes the upload:
//                                    200 + Herald-Media-Id + the media JSON (422 when not media)
//   DELETE  /api/v1/uploads/{id}     tus termination                                     204
//   POST    /api/v1/media            a small file (up to 32 MiB): the raw body with its type as
//                                    Content-Type and ?file_name=&alt_text=&keep=, or
//                                    multipart/form-data with a "file" part; 201 + media JSON.
//                                    A JSON body is the upload_media tool (base64 data, url).
//   GET|HEAD /media/{media_id}/{file}?exp=&sig=   public, signed (UrlSigner), range requests
//
// The /api/v1 routes go through the HttpGuard like every REST route (API key, Host/Origin).
// Every tus answer carries Tus-Resumable: 1.0.0; a request naming another version is 412.
// Uploads live in core::UploadSessions; serving reads MediaStore::ReadRange in pieces.
// Registered by HttpFrontend when HttpFrontendOptions::media has the pieces they need.
#ifndef HERALD_TRANSPORT_REST_MEDIA_ROUTES_H_
#define HERALD_TRANSPORT_REST_MEDIA_ROUTES_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "base/async.h"
#include "base/clock.h"
#include "base/result.h"
#include "core/upload_sessions.h"
#include "http/http_server.h"
#include "media/media_store.h"
#include "media/url_signer.h"
#include "transport/guard/http_guard.h"
#include "transport/rest/rest_api.h"

namespace herald::transport {

// One file of one media item as the store holds it.
struct ServedFile {
  std::string key;           // MediaStore key
  std::string content_type;  // "image/jpeg"
  int64_t size = 0;
};

struct MediaRoutesOptions {
  // tus uploads and POST /api/v1/media; no upload routes when null (POST /api/v1/media is then
  // the upload_media tool only). Must outlive the frontend.
  core::UploadSessions* uploads = nullptr;
  // GET /media/...: all three needed, else no such route. Must outlive the frontend.
  const media::UrlSigner* signer = nullptr;
  media::MediaStore* store = nullptr;
  // The stored file behind (media_id, file name); kNotFound when there is none.
  std::function<base::Task<base::Result<ServedFile>>(std::string media_id, std::string file)>
      lookup;
  size_t small_upload_limit = 32u << 20;  // POST /api/v1/media
  size_t piece_size = 256u << 10;         // PATCH pieces and served pieces
  std::chrono::seconds max_cache_age{86'400};
};

class MediaRoutes {
 public:
  // `guard`, `rest` and `clock` must outlive the server's handlers.
  MediaRoutes(MediaRoutesOptions options, const HttpGuard& guard, RestApi& rest,
              const base::Clock& clock);

  // Adds the routes the options allow. `upload_media_route` is the REST table's POST
  // /api/v1/media (JSON bodies go to it).
  void AddTo(http::HttpServer& server, const RestRoute* upload_media_route);

  // True when AddTo adds POST /api/v1/media (the table's route must then be left out).
  bool serves_media_post() const { return options_.uploads != nullptr; }

 private:
  base::Task<http::Response> Options(http::Request req, base::Caller caller);
  base::Task<http::Response> Create(http::Request req, base::Caller caller);
  base::Task<http::Response> Head(http::Request req, base::Caller caller);
  base::Task<http::Response> Patch(http::Request req, base::Caller caller);
  base::Task<http::Response> Terminate(http::Request req, base::Caller caller);
  base::Task<http::Response> PostMedia(http::Request req, base::Caller caller);
  base::Task<http::Response> Serve(http::Request req);

  MediaRoutesOptions options_;
  const HttpGuard& guard_;
  RestApi& rest_;
  const base::Clock& clock_;
  const RestRoute* upload_media_route_ = nullptr;
};

// A single byte range of a `size`-byte file from a Range header value: nullopt when the header
// is absent, malformed or asks for several ranges (the whole file is served); {-1, -1} when it
// cannot be satisfied (416). Otherwise [first, last] inclusive.
std::optional<std::pair<int64_t, int64_t>> ParseByteRange(std::string_view header, int64_t size);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_REST_MEDIA_ROUTES_H_
