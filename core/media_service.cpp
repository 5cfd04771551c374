#include "core/media_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "base/crypto.h"
#include "base/ids.h"
#include "core/audit.h"
#include "core/media_probe_json.h"
#include "core/platform_name.h"
#include "media/media_converter.h"
#include "platforms/kit/media_plan.h"

namespace herald::core {
namespace {

namespace fs = std::filesystem;
using base::Result;
using base::Task;

std::string Mebibytes(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string NormalizeType(std::string type) {
  type = Lower(std::move(type));
  if (type == "image/jpg") return "image/jpeg";
  if (type == "image/heif") return "image/heic";
  return type;
}

// Removes a file, ignoring a missing one.
void RemoveQuietly(const std::string& path) {
  if (path.empty()) return;
  std::error_code ec;
  fs::remove(path, ec);
}

std::string KindOfType(std::string_view mime) {
  if (mime.starts_with("video/")) return "video";
  if (mime.starts_with("audio/")) return "audio";
  return "image";
}

// Sniffs the first bytes of `path`.
Result<std::string> SniffFile(const std::string& path, int64_t& size) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::is_regular_file(status)) {
    return base::InvalidArgument("the file is not there or not a regular file");
  }
  size = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec) return base::Internal("cannot read the file's size");
  std::ifstream in(path, std::ios::binary);
  std::string head(64, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return std::string(media::SniffMediaType(head));
}

}  // namespace

std::string_view MediaFileOfKey(std::string_view key) {
  size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

std::string_view ExtensionForType(std::string_view t) {
  if (t == "image/jpeg") return "jpg";
  if (t == "image/png") return "png";
  if (t == "image/gif") return "gif";
  if (t == "image/webp") return "webp";
  if (t == "image/heic") return "heic";
  if (t == "image/avif") return "avif";
  if (t == "video/mp4") return "mp4";
  if (t == "video/quicktime") return "mov";
  if (t == "video/webm") return "webm";
  if (t == "audio/mpeg") return "mp3";
  if (t == "audio/mp4") return "m4a";
  if (t == "audio/wav" || t == "audio/x-wav") return "wav";
  if (t == "audio/ogg") return "ogg";
  return "bin";
}

MediaService::MediaService(store::Store& store, media::MediaStore& files,
                           media::UrlFetcher* fetcher, const platforms::PlatformRegistry& platforms,
                           const base::Clock& clock, base::asio::thread_pool& blocking,
                           MediaServiceOptions options)
    : store_(store),
      files_(files),
      fetcher_(fetcher),
      platforms_(platforms),
      clock_(clock),
      blocking_(blocking),
      options_(std::move(options)) {
  std::error_code ec;
  fs::create_directories(options_.staging_dir, ec);
  if (ec) spdlog::warn("cannot create the media staging directory: {}", ec.message());
}

std::string MediaService::StagingPath(std::string_view suffix) const {
  return options_.staging_dir + "/" + base::NewId("stg") + std::string(suffix);
}

Result<void> MediaService::CheckText(const std::string& file_name,
                                     const std::string& alt_text) const {
  if (limits::TextLength(alt_text) > options_.max_alt_text) {
    return base::InvalidArgument("alt_text: at most " + std::to_string(options_.max_alt_text) +
                                 " characters");
  }
  if (limits::TextLength(file_name) > options_.max_file_name) {
    return base::InvalidArgument("file_name: at most " + std::to_string(options_.max_file_name) +
                                 " characters");
  }
  return base::Ok();
}

Task<Result<store::Media>> MediaService::Upload(base::Caller caller, UploadMediaRequest request) {
  if (!base::RoleAllows(caller.role, base::Role::kEditor)) {
    co_return base::PermissionDenied("uploading media needs the editor role");
  }
  const int sources = (request.data_base64.empty() ? 0 : 1) + (request.url.empty() ? 0 : 1) +
                      (request.path.empty() ? 0 : 1);
  if (sources != 1) {
    co_return base::InvalidArgument(
        "give exactly one of data_base64 (the file, base64-encoded), url (herald downloads it)"
        " or path (a file on this machine, stdio only)");
  }
  HERALD_CO_RETURN_IF_ERROR(CheckText(request.file_name, request.alt_text));
  IngestRequest ingest;
  ingest.declared_type = request.mime_type;
  ingest.file_name = request.file_name;
  ingest.alt_text = request.alt_text;
  ingest.keep = request.keep;
  if (!request.data_base64.empty()) {
    // Refuse oversized input before decoding it (4 base64 characters per 3 bytes).
    if (request.data_base64.size() > limits::Base64LengthFor(options_.max_inline_bytes)) {
      co_return base::InvalidArgument(
          "data_base64: the file is over the limit of " + Mebibytes(options_.max_inline_bytes) +
          " for inline data; give a url, or use the REST upload (POST /api/v1/media, or "
          "/api/v1/uploads for large files)");
    }
    auto written = co_await base::RunBlocking(blocking_, [&]() -> Result<std::string> {
      auto bytes = base::Base64Decode(request.data_base64);
      if (!bytes.ok()) {
        return base::InvalidArgument("data_base64: not valid base64 (" + bytes.error().message() +
                                     ")");
      }
      if (bytes->empty()) return base::InvalidArgument("data_base64: the file is empty");
      std::string path = StagingPath(".upload");
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
      out.close();
      if (!out) {
        RemoveQuietly(path);
        return base::Internal("could not write the upload to the staging directory");
      }
      return path;
    });
    if (!written.ok()) co_return std::move(written).error();
    ingest.path = std::move(*written);
  } else if (!request.url.empty()) {
    if (fetcher_ == nullptr) {
      co_return base::FailedPrecondition("url: this herald does not download media from URLs");
    }
    std::string path = StagingPath(".download");
    media::FetchOptions fetch;
    fetch.max_bytes = options_.max_file_bytes;
    auto fetched = co_await fetcher_->Fetch(request.url, path, fetch);
    if (!fetched.ok()) {
      RemoveQuietly(path);
      base::Error e = std::move(fetched).error();
      co_return base::Error(e.code(), "url: " + e.message());
    }
    ingest.path = fetched->path;
    if (ingest.file_name.empty()) ingest.file_name = fetched->file_name;
  } else {
    if (!options_.allow_local_paths) {
      co_return base::InvalidArgument(
          "path: local files can be uploaded only over stdio (herald running on your machine);"
          " give data_base64 or url instead");
    }
    if (!fs::path(request.path).is_absolute()) {
      co_return base::InvalidArgument("path: give an absolute path");
    }
    std::string staged = StagingPath(".copy");
    auto copied = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
      std::error_code ec;
      auto status = fs::status(request.path, ec);
      if (ec || !fs::is_regular_file(status)) {
        return base::InvalidArgument("path: " + request.path.substr(0, 200) +
                                     " is not a readable file");
      }
      if (static_cast<int64_t>(fs::file_size(request.path, ec)) > options_.max_file_bytes) {
        return base::InvalidArgument("path: the file is over the limit of " +
                                     Mebibytes(options_.max_file_bytes));
      }
      fs::copy_file(request.path, staged, fs::copy_options::overwrite_existing, ec);
      if (ec) {
        RemoveQuietly(staged);
        return base::InvalidArgument("path: cannot read " + request.path.substr(0, 200) + ": " +
                                     ec.message());
      }
      return base::Ok();
    });
    if (!copied.ok()) co_return std::move(copied).error();
    ingest.path = staged;
    if (ingest.file_name.empty()) ingest.file_name = fs::path(request.path).filename().string();
  }
  co_return co_await IngestFile(std::move(caller), std::move(ingest));
}

Task<Result<store::Media>> MediaService::IngestFile(base::Caller caller, IngestRequest request) {
  // Whatever happens, the staged file does not outlive this call.
  struct Cleanup {
    std::vector<std::string> paths;
    ~Cleanup() {
      for (const auto& p : paths) RemoveQuietly(p);
    }
  } cleanup{{request.path}};
  if (!base::RoleAllows(caller.role, base::Role::kEditor)) {
    co_return base::PermissionDenied("uploading media needs the editor role");
  }
  HERALD_CO_RETURN_IF_ERROR(CheckText(request.file_name, request.alt_text));
  struct Probed {
    std::string mime;
    int64_t size = 0;
    std::string sha256;
    platforms::MediaProbe probe;
    std::string thumbnail;
  };
  auto probed = co_await base::RunBlocking(blocking_, [&]() -> Result<Probed> {
    Probed p;
    HERALD_ASSIGN_OR_RETURN(p.mime, SniffFile(request.path, p.size));
    if (p.size == 0) return base::InvalidArgument("the file is empty");
    if (p.size > options_.max_file_bytes) {
      return base::InvalidArgument("the file is " + Mebibytes(p.size) + ", over the limit of " +
                                   Mebibytes(options_.max_file_bytes));
    }
    if (p.mime.empty()) {
      return base::InvalidArgument(
          "the bytes are not an image, video or audio file herald supports (JPEG, PNG, GIF, "
          "WebP, HEIC, AVIF, MP4, MOV, WebM, MP3, ...), whatever the file name says");
    }
    std::string declared = NormalizeType(request.declared_type);
    if (!declared.empty() && declared != p.mime) {
      return base::InvalidArgument("mime_type: declared " + declared.substr(0, 64) +
                                   " but the bytes are " + p.mime +
                                   "; send the right mime_type or leave it out");
    }
    HERALD_ASSIGN_OR_RETURN(p.probe, media::ProbeFile(request.path, p.mime, options_.probe_limits));
    if (p.probe.kind.empty()) p.probe.kind = KindOfType(p.mime);
    HERALD_ASSIGN_OR_RETURN(p.sha256, base::Sha256FileHex(request.path));
    if (p.probe.kind == "video") {
      std::string thumb = StagingPath(".thumb.jpg");
      auto made = media::MakeThumbnail(request.path, p.probe, thumb, options_.thumbnail_side);
      if (made.ok()) {
        p.thumbnail = thumb;
      } else {
        RemoveQuietly(thumb);
        spdlog::warn("no thumbnail for an uploaded video: {}", made.error().ToLogString());
      }
    }
    return p;
  });
  if (!probed.ok()) co_return std::move(probed).error();
  if (!probed->thumbnail.empty()) cleanup.paths.push_back(probed->thumbnail);

  const base::Time now = clock_.Now();
  store::Media media;
  media.id = base::NewId(base::kMediaPrefix, now);
  media.org_id = caller.org_id;
  media.mime_type = probed->mime;
  media.file_name = request.file_name;
  media.alt_text = request.alt_text;
  media.sha256 = probed->sha256;
  media.size = probed->size;
  media.created_at = now;
  media.kind = probed->probe.kind;
  media.probe = ProbeToJson(probed->probe);
  media.keep = request.keep;
  media.storage_key = media::ObjectKey(
      caller.org_id, media.id, "original." + std::string(ExtensionForType(media.mime_type)));
  HERALD_CO_RETURN_IF_ERROR(
      co_await files_.PutFile(media.storage_key, request.path, media.mime_type));
  if (!probed->thumbnail.empty()) {
    std::string key = media::ObjectKey(caller.org_id, media.id, "thumbnail.jpg");
    auto put = co_await files_.PutFile(key, probed->thumbnail, "image/jpeg");
    if (put.ok()) media.thumbnail_key = key;
  }
  auto inserted = co_await base::RunBlocking(blocking_, [&] {
    return store_.WriteBatched([&](store::Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertMedia(media));
      Audit(tx, caller, "media.upload", media.id,
            base::Json{{"file_name", media.file_name},
                       {"mime_type", media.mime_type},
                       {"size", media.size},
                       {"keep", media.keep}},
            now);
      return base::Ok();
    });
  });
  if (!inserted.ok()) {
    (void)co_await RemoveFiles(media, {});
    co_return std::move(inserted).error();
  }
  co_return media;
}

Task<Result<std::vector<store::Media>>> MediaService::List(base::Caller caller,
                                                           ListMediaRequest request) {
  if (!base::RoleAllows(caller.role, base::Role::kViewer)) {
    co_return base::PermissionDenied("listing media needs the viewer role");
  }
  if (!request.kind.empty() && request.kind != "image" && request.kind != "video" &&
      request.kind != "audio") {
    co_return base::InvalidArgument("kind: expected image, video or audio");
  }
  co_return co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<std::vector<store::Media>>(store_, [&](store::Tx& tx) {
      return tx.ListMedia(caller.org_id, request.kind, request.before_id,
                          std::clamp(request.limit, 1, 200));
    });
  });
}

std::vector<MediaAcceptance> MediaService::AcceptanceOf(const platforms::MediaItem& item) const {
  std::vector<MediaAcceptance> out;
  for (const platforms::Platform* platform : platforms_.All()) {
    const auto& info = platform->Info();
    MediaAcceptance a;
    a.platform = info.id;
    a.network = info.name;
    platforms::MediaPlan plan;
    if (info.media.max_items == 0) {  // a post-level rule PlanMedia (one item) does not see
      plan.action = platforms::MediaPlan::Action::kRefuse;
      plan.reasons = {info.name + " takes no media"};
    } else {
      plan = platforms::PlanMedia(info.name, info.media, item, platforms::MediaFit::kNone);
    }
    switch (plan.action) {
      case platforms::MediaPlan::Action::kAsIs:
        a.action = "as_is";
        break;
      case platforms::MediaPlan::Action::kConvert:
        a.action = "convert";
        break;
      case platforms::MediaPlan::Action::kRefuse:
        a.action = "refuse";
        break;
    }
    a.reasons = std::move(plan.reasons);
    out.push_back(std::move(a));
  }
  return out;
}

Task<Result<MediaDetails>> MediaService::Get(base::Caller caller, std::string media_id) {
  if (!base::RoleAllows(caller.role, base::Role::kViewer)) {
    co_return base::PermissionDenied("reading media needs the viewer role");
  }
  MediaDetails details;
  auto read = co_await base::RunBlocking(blocking_, [&] {
    return store_.Read([&](store::Tx& tx) -> Result<void> {
      HERALD_ASSIGN_OR_RETURN(details.media, tx.GetMedia(caller.org_id, media_id, false));
      HERALD_ASSIGN_OR_RETURN(details.pending_posts,
                              tx.PendingPostsUsingMedia(caller.org_id, media_id));
      return base::Ok();
    });
  });
  if (!read.ok()) {
    if (read.error().code() == base::ErrorCode::kNotFound) {
      co_return base::NotFound("no media " + media_id.substr(0, 64) + " in this organization");
    }
    co_return std::move(read).error();
  }
  details.acceptance = AcceptanceOf(MediaItemFromRow(details.media));
  co_return details;
}

Task<Result<std::vector<PreparedForNetwork>>> MediaService::Prepare(base::Caller caller,
                                                                    PrepareMediaRequest request,
                                                                    PrepareProgress progress) {
  if (!base::RoleAllows(caller.role, base::Role::kEditor)) {
    co_return base::PermissionDenied("converting media needs the editor role");
  }
  if (preparer_ == nullptr) {
    co_return base::FailedPrecondition("this herald process does not convert media");
  }
  auto exists = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<store::Media>(
        store_, [&](store::Tx& tx) { return tx.GetMedia(caller.org_id, request.media_id, false); });
  });
  if (!exists.ok()) {
    if (exists.error().code() == base::ErrorCode::kNotFound) {
      co_return base::NotFound("no media " + request.media_id.substr(0, 64) +
                               " in this organization");
    }
    co_return std::move(exists).error();
  }
  std::vector<const platforms::Platform*> networks;
  for (size_t i = 0; i < request.platforms.size(); ++i) {
    const std::string& id = request.platforms[i];
    const platforms::Platform* platform = platforms_.Find(id);
    if (platform == nullptr) {
      co_return base::InvalidArgument("platforms[" + std::to_string(i) + "]: herald has no network '" +
                                      id.substr(0, 64) + "' (list_platforms names them)");
    }
    if (std::find(networks.begin(), networks.end(), platform) == networks.end()) {
      networks.push_back(platform);
    }
  }
  if (networks.empty()) {
    auto accounts = co_await base::RunBlocking(blocking_, [&] {
      return store::ReadValue<std::vector<store::Account>>(
          store_, [&](store::Tx& tx) { return tx.ListAccounts(caller.org_id); });
    });
    if (!accounts.ok()) co_return std::move(accounts).error();
    for (const auto& account : *accounts) {
      if (account.status != store::AccountStatus::kActive) continue;
      const platforms::Platform* platform = platforms_.Find(account.platform);
      if (platform != nullptr &&
          std::find(networks.begin(), networks.end(), platform) == networks.end()) {
        networks.push_back(platform);
      }
    }
    if (networks.empty()) {
      co_return base::InvalidArgument(
          "platforms: no account is connected in this organization; name the networks to "
          "convert for (list_platforms names them)");
    }
  }
  std::vector<PreparedForNetwork> out;
  for (size_t i = 0; i < networks.size(); ++i) {
    const auto& info = networks[i]->Info();
    PreparedForNetwork result;
    result.platform = info.id;
    result.network = info.name;
    if (info.media.max_items == 0) {  // a post-level rule PlanMedia (one item) does not see
      result.outcome.action = "refuse";
      result.outcome.reasons = {info.name + " takes no media"};
      if (progress) progress(i, networks.size(), info.name, 1);
    } else {
      media::ConvertProgress step;
      if (progress) {
        step = [&progress, i, count = networks.size(), name = info.name](double fraction) {
          progress(i, count, name, fraction);
        };
      }
      auto outcome = co_await preparer_->ConvertFor(caller.org_id, info, request.media_id,
                                                    request.fit, std::move(step));
      if (!outcome.ok()) co_return std::move(outcome).error();
      result.outcome = std::move(*outcome);
    }
    out.push_back(std::move(result));
  }
  base::Json done = base::Json::array();
  for (const PreparedForNetwork& r : out) {
    done.push_back(base::Json{{"platform", r.platform}, {"action", r.outcome.action}});
  }
  co_await base::RunBlocking(blocking_, [&] {
    AuditAlone(store_, caller, "media.prepare", request.media_id,
               base::Json{{"networks", std::move(done)}}, clock_.Now());
  });
  co_return out;
}

Task<Result<void>> MediaService::RemoveFiles(const store::Media& media,
                                             const std::vector<store::MediaVariant>& variants) {
  std::vector<std::string> keys;
  if (!media.storage_key.empty()) keys.push_back(media.storage_key);
  if (!media.thumbnail_key.empty()) keys.push_back(media.thumbnail_key);
  for (const auto& v : variants) keys.push_back(v.storage_key);
  Result<void> first = base::Ok();
  for (const auto& key : keys) {
    auto removed = co_await files_.Remove(key);
    if (!removed.ok()) {
      spdlog::warn("could not remove media object {}: {}", key, removed.error().ToLogString());
      if (first.ok()) first = std::move(removed).error();
    }
  }
  co_return first;
}

Task<Result<void>> MediaService::Delete(base::Caller caller, std::string media_id) {
  if (!base::RoleAllows(caller.role, base::Role::kEditor)) {
    co_return base::PermissionDenied("deleting media needs the editor role");
  }
  store::Media media;
  std::vector<store::MediaVariant> variants;
  auto deleted = co_await base::RunBlocking(blocking_, [&] {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      HERALD_ASSIGN_OR_RETURN(media, tx.GetMedia(caller.org_id, media_id, false));
      HERALD_ASSIGN_OR_RETURN(auto posts, tx.PendingPostsUsingMedia(caller.org_id, media_id));
      if (!posts.empty()) {
        std::string list;
        for (const auto& p : posts) list += (list.empty() ? "" : ", ") + p;
        return base::FailedPrecondition("media " + media_id + " is used by post(s) " + list +
                                        " still to be published; cancel them or remove the "
                                        "media from them first");
      }
      HERALD_ASSIGN_OR_RETURN(variants, tx.ListMediaVariants(media_id));
      HERALD_RETURN_IF_ERROR(tx.DeleteMedia(caller.org_id, media_id));
      Audit(tx, caller, "media.delete", media_id,
            base::Json{{"file_name", media.file_name}, {"mime_type", media.mime_type}},
            clock_.Now());
      return base::Ok();
    });
  });
  if (!deleted.ok()) {
    if (deleted.error().code() == base::ErrorCode::kNotFound) {
      co_return base::NotFound("no media " + media_id.substr(0, 64) + " in this organization");
    }
    co_return std::move(deleted).error();
  }
  // The row is gone; the bytes follow (a failure only leaves an orphan object, logged).
  (void)co_await RemoveFiles(media, variants);
  co_return base::Ok();
}

Task<Result<store::Media>> MediaService::SetKeep(base::Caller caller, std::string media_id,
                                                 bool keep) {
  if (!base::RoleAllows(caller.role, base::Role::kEditor)) {
    co_return base::PermissionDenied("changing media needs the editor role");
  }
  co_return co_await base::RunBlocking(blocking_, [&] {
    return store::WriteValue<store::Media>(store_, [&](store::Tx& tx) -> Result<store::Media> {
      HERALD_RETURN_IF_ERROR(tx.UpdateMediaUse(caller.org_id, media_id, keep, std::nullopt));
      Audit(tx, caller, "media.update", media_id, base::Json{{"keep", keep}}, clock_.Now());
      return tx.GetMedia(caller.org_id, media_id, false);
    });
  });
}

Task<Result<int>> MediaService::CollectUnused(base::Time now) {
  const base::Time cutoff = now - options_.unused_after;
  HERALD_CO_ASSIGN_OR_RETURN(auto candidates, co_await base::RunBlocking(blocking_, [&] {
                               return store::ReadValue<std::vector<store::Media>>(
                                   store_, [&](store::Tx& tx) {
                                     return tx.ListUnusedMedia(cutoff, 100);
                                   });
                             }));
  int removed = 0;
  for (const auto& candidate : candidates) {
    std::vector<store::MediaVariant> variants;
    bool gone = false;
    auto deleted = co_await base::RunBlocking(blocking_, [&] {
      return store_.Write([&](store::Tx& tx) -> Result<void> {
        HERALD_ASSIGN_OR_RETURN(auto posts,
                                tx.PendingPostsUsingMedia(candidate.org_id, candidate.id));
        if (!posts.empty()) return base::Ok();  // a post will still send it
        HERALD_ASSIGN_OR_RETURN(variants, tx.ListMediaVariants(candidate.id));
        HERALD_RETURN_IF_ERROR(tx.DeleteMedia(candidate.org_id, candidate.id));
        gone = true;
        return base::Ok();
      });
    });
    if (!deleted.ok()) {
      spdlog::warn("removing unused media {} failed: {}", candidate.id,
                   deleted.error().ToLogString());
      continue;
    }
    if (!gone) continue;
    (void)co_await RemoveFiles(candidate, variants);
    ++removed;
  }
  if (removed > 0) spdlog::info("removed {} media item(s) unused for 7 days", removed);
  co_return removed;
}

Task<Result<ServedMedia>> MediaService::LookupServed(std::string media_id, std::string file) {
  auto found = co_await base::RunBlocking(blocking_, [&]() -> Result<ServedMedia> {
    ServedMedia served;
    HERALD_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Result<void> {
      HERALD_ASSIGN_OR_RETURN(store::Media media, tx.GetMediaUnscoped(media_id));
      if (MediaFileOfKey(media.storage_key) == file) {
        served = {media.storage_key, media.mime_type, media.size};
        return base::Ok();
      }
      if (!media.thumbnail_key.empty() && MediaFileOfKey(media.thumbnail_key) == file) {
        served = {media.thumbnail_key, "image/jpeg", 0};
        return base::Ok();
      }
      HERALD_ASSIGN_OR_RETURN(auto variants, tx.ListMediaVariants(media_id));
      for (const auto& v : variants) {
        if (MediaFileOfKey(v.storage_key) == file) {
          served = {v.storage_key, v.mime_type, v.size};
          return base::Ok();
        }
      }
      return base::NotFound("no such media file");
    }));
    return served;
  });
  if (found.ok() && found->size == 0) {  // thumbnails: the size is the store's
    auto stat = co_await files_.Stat(found->storage_key);
    if (!stat.ok()) co_return std::move(stat).error();
    found->size = stat->size;
  }
  co_return found;
}

}  // namespace herald::core
