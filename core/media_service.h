// MediaService: the media library of an organization: upload (base64 data, a URL herald
// downloads, a local path over stdio, or a file staged by the REST/resumable upload), list,
// get (with what each network will do with the file), delete, and removal of unused media.
//
// Every upload ends in IngestFile: the type is sniffed from the bytes (a declared type must
// match), the file is probed (media/media_probe.h: dimensions, duration, codecs; hostile files
// refused within limits), videos get a JPEG thumbnail, the bytes go to the MediaStore (local
// directory or S3) and only then the row is written, so a failure leaves nothing half-stored.
// Each item gets a med_... id scoped to the caller's organization; another organization's id is
// kNotFound. Reads need the viewer role, changes the editor role.
//
// Media not kept explicitly (keep) and not used by any post for `unused_after` (7 days) is
// removed by CollectUnused, never while a draft, scheduled or publishing post names it.
// Coroutines; blocking work (store, files, probes) runs on the `blocking` pool. Thread-safe.
#ifndef HERALD_CORE_MEDIA_SERVICE_H_
#define HERALD_CORE_MEDIA_SERVICE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "core/limits.h"
#include "core/media_preparer.h"
#include "media/media_probe.h"
#include "media/media_store.h"
#include "media/url_fetcher.h"
#include "platforms/platform_registry.h"
#include "store/store.h"

namespace herald::core {

struct MediaServiceOptions {
  int64_t max_inline_bytes = limits::kMaxMediaBytes;  // data_base64, decoded
  int64_t max_file_bytes = 2LL << 30;                 // url, path, REST and resumable uploads
  size_t max_alt_text = limits::kMaxAltTextLength;    // code points
  size_t max_file_name = limits::kMaxFileNameLength;  // code points
  std::string staging_dir = "./var/staging";          // temporary files (same disk as the data)
  std::chrono::hours unused_after{24 * 7};
  bool allow_local_paths = false;  // upload_media {path}: stdio only (the user's own machine)
  media::ProbeLimits probe_limits;
  int thumbnail_side = 640;
};

struct UploadMediaRequest {
  // Exactly one of data_base64, url, path.
  std::string data_base64;
  std::string url;
  std::string path;
  std::string mime_type;  // optional; when given it must match the bytes
  std::string file_name;
  std::string alt_text;
  bool keep = false;
};

// A file already on this machine (REST and resumable uploads). IngestFile takes ownership of
// `path`: it is moved into the store or removed, success or not.
struct IngestRequest {
  std::string path;
  std::string declared_type;  // optional
  std::string file_name;
  std::string alt_text;
  bool keep = false;
};

// What one network will do with the item.
struct MediaAcceptance {
  std::string platform;  // "instagram"
  std::string network;   // "Instagram"
  std::string action;    // "as_is" | "convert" | "refuse"
  std::vector<std::string> reasons;
};

struct MediaDetails {
  store::Media media;  // without bytes
  std::vector<MediaAcceptance> acceptance;  // one per network herald has
  std::vector<std::string> pending_posts;   // draft/scheduled/publishing posts that use it
};

struct ListMediaRequest {
  std::string kind;       // "" | "image" | "video" | "audio"
  std::string before_id;  // paging: items created before this one
  int limit = 50;
};

struct PrepareMediaRequest {
  std::string media_id;
  // Network ids ("instagram"); empty: the networks of the organization's active accounts.
  std::vector<std::string> platforms;
  platforms::MediaFit fit = platforms::MediaFit::kNone;
};

// What prepare_media did for one network.
struct PreparedForNetwork {
  std::string platform;  // "instagram"
  std::string network;   // "Instagram"
  ConversionOutcome outcome;
};

// Told how far Prepare is: network `index` of `count` (0-based) is `fraction` (0..1) done.
using PrepareProgress =
    std::function<void(size_t index, size_t count, const std::string& network, double fraction)>;

// The bytes behind a signed /media/<id>/<file> URL.
struct ServedMedia {
  std::string storage_key;
  std::string mime_type;
  int64_t size = 0;
};

// The media file name of a stored key's last segment: "original.png", "thumbnail.jpg", ...
std::string_view MediaFileOfKey(std::string_view key);

// The extension herald gives a type's files ("png", "jpg", "mp4"; "bin" when unknown).
std::string_view ExtensionForType(std::string_view mime_type);

class MediaService {
 public:
  // `fetcher` may be null (then url uploads are refused). All references outlive the service.
  MediaService(store::Store& store, media::MediaStore& files, media::UrlFetcher* fetcher,
               const platforms::PlatformRegistry& platforms, const base::Clock& clock,
               base::asio::thread_pool& blocking, MediaServiceOptions options = {});

  // upload_media. Errors (kInvalidArgument naming the field): none or several of data_base64,
  // url, path; data not base64, empty or over max_inline_bytes; a path over stdio that is not
  // an absolute path to a readable file, or any path when not allowed; bytes that are not a
  // supported type or not the declared type; a malformed or over-limit file; alt_text or
  // file_name too long. The URL fetcher's errors for url. kPermissionDenied for a viewer.
  base::Task<base::Result<store::Media>> Upload(base::Caller caller, UploadMediaRequest request);

  // See IngestRequest. Errors as Upload.
  base::Task<base::Result<store::Media>> IngestFile(base::Caller caller, IngestRequest request);

  base::Task<base::Result<std::vector<store::Media>>> List(base::Caller caller,
                                                           ListMediaRequest request);
  base::Task<base::Result<MediaDetails>> Get(base::Caller caller, std::string media_id);

  // Removes the item, its conversions and its bytes. kFailedPrecondition naming the posts while
  // a draft, scheduled or publishing post uses it; kNotFound.
  base::Task<base::Result<void>> Delete(base::Caller caller, std::string media_id);

  // Sets or clears `keep`.
  base::Task<base::Result<store::Media>> SetKeep(base::Caller caller, std::string media_id,
                                                 bool keep);

  // prepare_media: converts the item now for each network of `request` that needs it, as its
  // publish would (the conversion is stored and reused by the publish), reporting `progress`
  // (may be empty) as it goes; a network that refuses the file is an outcome with the reason.
  // Needs the editor role. Errors: kInvalidArgument (an unknown network id, naming it; no
  // network given and no account connected; a conversion that fails: why), kNotFound (no such
  // media in the org), kFailedPrecondition (no preparer configured), kUnavailable (storage).
  base::Task<base::Result<std::vector<PreparedForNetwork>>> Prepare(base::Caller caller,
                                                                    PrepareMediaRequest request,
                                                                    PrepareProgress progress);

  // The converter Prepare uses (the publish path's own); set once at start, may stay unset.
  void SetPreparer(MediaPreparer* preparer) { preparer_ = preparer; }

  // Removes media unused since now - unused_after (see the class comment); returns how many.
  base::Task<base::Result<int>> CollectUnused(base::Time now);

  // For GET /media/<id>/<file> (the URL's signature is the authorization, checked before):
  // the object behind `file` of `media_id`, if it is one of the item's files.
  base::Task<base::Result<ServedMedia>> LookupServed(std::string media_id, std::string file);

  // What each network herald has will do with `item` (see platforms/kit/media_plan.h).
  std::vector<MediaAcceptance> AcceptanceOf(const platforms::MediaItem& item) const;

  const MediaServiceOptions& options() const { return options_; }

 private:
  base::Result<void> CheckText(const std::string& file_name, const std::string& alt_text) const;
  base::Task<base::Result<void>> RemoveFiles(const store::Media& media,
                                             const std::vector<store::MediaVariant>& variants);
  std::string StagingPath(std::string_view suffix) const;

  store::Store& store_;
  media::MediaStore& files_;
  media::UrlFetcher* fetcher_;
  const platforms::PlatformRegistry& platforms_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  MediaServiceOptions options_;
  MediaPreparer* preparer_ = nullptr;
};

}  // namespace herald::core

#endif  // HERALD_CORE_MEDIA_SERVICE_H_
