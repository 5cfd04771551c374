#include "core/media_preparer.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <system_error>

#include "base/crypto.h"
#include "base/ids.h"
#include "core/media_probe_json.h"
#include "core/media_service.h"
#include "platforms/kit/media_plan.h"

namespace herald::core {
namespace {

namespace fs = std::filesystem;
using base::Result;
using base::Task;

// Errors from storage or conversion, in the Platform convention: never kUnknown (nothing was
// sent to the network).
base::Error AsNotSent(base::Error e, const std::string& what) {
  base::ErrorCode code = e.code();
  if (code == base::ErrorCode::kUnknown || code == base::ErrorCode::kDeadlineExceeded ||
      code == base::ErrorCode::kInternal || code == base::ErrorCode::kNotFound) {
    code = code == base::ErrorCode::kNotFound ? base::ErrorCode::kFailedPrecondition
                                              : base::ErrorCode::kUnavailable;
  }
  return base::Error(code, what + ": " + e.message());
}

}  // namespace

PreparedMedia::~PreparedMedia() {
  for (const auto& path : temp_files_) {
    std::error_code ec;
    fs::remove(path, ec);
  }
}

MediaPreparer::MediaPreparer(store::Store& store, media::MediaStore& files,
                             const media::UrlSigner* signer, const base::Clock& clock,
                             base::asio::thread_pool& blocking, MediaPreparerOptions options)
    : store_(store),
      files_(files),
      signer_(signer),
      clock_(clock),
      blocking_(blocking),
      options_(std::move(options)) {}

Task<Result<std::shared_ptr<PreparedMedia>>> MediaPreparer::Prepare(
    std::string org_id, const platforms::PlatformInfo& info, platforms::Content& content) {
  auto temps = std::make_shared<PreparedMedia>();
  bool any = false;
  for (const auto& part : content.parts) any = any || !part.media.empty();
  if (!any) co_return temps;
  for (auto& part : content.parts) {
    for (auto& item : part.media) {
      HERALD_CO_RETURN_IF_ERROR(co_await PrepareItem(org_id, info, content.fit, item, *temps));
    }
  }
  // Sent now: the media counts as used (unused media is removed after 7 days).
  const base::Time now = clock_.Now();
  auto touched = co_await base::RunBlocking(blocking_, [&] {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      for (const auto& part : content.parts) {
        for (const auto& item : part.media) {
          HERALD_RETURN_IF_ERROR(tx.UpdateMediaUse(org_id, item.id, std::nullopt, now));
        }
      }
      return base::Ok();
    });
  });
  if (!touched.ok()) spdlog::warn("recording media use failed: {}", touched.error().ToLogString());
  co_return temps;
}

Task<Result<std::string>> MediaPreparer::LocalCopy(const std::string& key, PreparedMedia& temps) {
  std::string local = files_.LocalPath(key);
  if (!local.empty()) co_return local;
  std::string path = options_.staging_dir + "/" + base::NewId("stg") + ".fetch";
  temps.Add(path);
  auto got = co_await files_.GetToFile(key, path);
  if (!got.ok()) co_return AsNotSent(std::move(got).error(), "reading the media from storage");
  co_return path;
}

Task<Result<store::MediaVariant>> MediaPreparer::EnsureVariant(
    const std::string& org_id, const platforms::PlatformInfo& info, const store::Media& row,
    const platforms::MediaItem& planned, const platforms::MediaPlan& plan,
    const media::ConvertProgress& progress, PreparedMedia& temps, bool& reused) {
  const std::string& media_id = row.id;
  const std::string spec_key = plan.spec.Key();
  auto cached = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<store::MediaVariant>(
        store_, [&](store::Tx& tx) { return tx.GetMediaVariant(media_id, spec_key); });
  });
  if (cached.ok()) {
    reused = true;
    co_return std::move(*cached);
  }
  if (cached.error().code() != base::ErrorCode::kNotFound) {
    co_return AsNotSent(std::move(cached).error(), "reading the media's conversions");
  }
  reused = false;
  HERALD_CO_ASSIGN_OR_RETURN(std::string source, co_await LocalCopy(row.storage_key, temps));
  std::string output = options_.staging_dir + "/" + base::NewId("stg") + "." +
                       std::string(ExtensionForType(plan.spec.mime_type));
  temps.Add(output);
  auto converted = co_await base::RunBlocking(blocking_, [&] {
    return media::ConvertMedia(source, planned.probe, plan.spec, output, options_.convert_limits,
                               progress);
  });
  if (!converted.ok()) {
    base::Error e = std::move(converted).error();
    if (e.code() == base::ErrorCode::kInvalidArgument) {
      co_return base::InvalidArgument("media " + media_id + " could not be converted for " +
                                      info.name + ": " + e.message());
    }
    co_return AsNotSent(std::move(e), "converting media " + media_id + " for " + info.name);
  }
  store::MediaVariant variant;
  variant.media_id = media_id;
  variant.spec_key = spec_key;
  variant.storage_key = media::ObjectKey(
      org_id, media_id,
      "v-" + base::Sha256Hex(spec_key).substr(0, 12) + "." +
          std::string(ExtensionForType(converted->mime_type)));
  variant.mime_type = converted->mime_type;
  variant.size = converted->size;
  variant.probe = ProbeToJson(converted->probe);
  variant.created_at = clock_.Now();
  auto put = co_await files_.PutFile(variant.storage_key, converted->path, variant.mime_type);
  if (!put.ok()) co_return AsNotSent(std::move(put).error(), "storing the converted media");
  auto recorded = co_await base::RunBlocking(blocking_, [&] {
    return store_.Write([&](store::Tx& tx) { return tx.InsertMediaVariant(variant); });
  });
  // A concurrent conversion of the same spec wrote the same key: either row is right.
  if (!recorded.ok() && recorded.error().code() != base::ErrorCode::kAlreadyExists) {
    co_return AsNotSent(std::move(recorded).error(), "recording the converted media");
  }
  spdlog::info("converted media {} for {} ({})", media_id, info.name, spec_key);
  co_return variant;
}

Task<Result<ConversionOutcome>> MediaPreparer::ConvertFor(std::string org_id,
                                                          const platforms::PlatformInfo& info,
                                                          std::string media_id,
                                                          platforms::MediaFit fit,
                                                          media::ConvertProgress progress) {
  auto row = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<store::Media>(
        store_, [&](store::Tx& tx) { return tx.GetMedia(org_id, media_id, false); });
  });
  if (!row.ok()) co_return std::move(row).error();
  if (row->storage_key.empty()) {
    co_return base::FailedPrecondition(
        "media " + media_id + " was stored before herald converted media; upload it again");
  }
  platforms::MediaItem planned = MediaItemFromRow(*row);
  platforms::MediaPlan plan = platforms::PlanMedia(info.name, info.media, planned, fit);
  ConversionOutcome out;
  out.reasons = plan.reasons;
  switch (plan.action) {
    case platforms::MediaPlan::Action::kRefuse:
      out.action = "refuse";
      co_return out;
    case platforms::MediaPlan::Action::kAsIs:
      out.action = "as_is";
      out.mime_type = row->mime_type;
      out.size = row->size;
      out.probe = planned.probe;
      if (progress) progress(1);
      co_return out;
    case platforms::MediaPlan::Action::kConvert:
      break;
  }
  PreparedMedia temps;
  bool reused = false;
  HERALD_CO_ASSIGN_OR_RETURN(
      store::MediaVariant variant,
      co_await EnsureVariant(org_id, info, *row, planned, plan, progress, temps, reused));
  if (reused && progress) progress(1);
  out.action = reused ? "reused" : "converted";
  out.mime_type = variant.mime_type;
  out.size = variant.size;
  out.probe = ProbeFromJson(variant.probe);
  co_return out;
}

Task<Result<void>> MediaPreparer::PrepareItem(const std::string& org_id,
                                              const platforms::PlatformInfo& info,
                                              platforms::MediaFit fit, platforms::MediaItem& item,
                                              PreparedMedia& temps) {
  auto row = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<store::Media>(
        store_, [&](store::Tx& tx) { return tx.GetMedia(org_id, item.id, true); });
  });
  if (!row.ok()) {
    if (row.error().code() == base::ErrorCode::kNotFound) {
      co_return base::FailedPrecondition("media " + item.id + " of this post no longer exists");
    }
    co_return std::move(row).error();
  }
  if (row->storage_key.empty()) {  // stored before the media pipeline: bytes in the row
    item.data = std::move(row->data);
    co_return base::Ok();
  }
  platforms::MediaItem planned = MediaItemFromRow(*row);
  planned.alt_text = item.alt_text;
  platforms::MediaPlan plan = platforms::PlanMedia(info.name, info.media, planned, fit);
  std::string key = row->storage_key;
  if (plan.action == platforms::MediaPlan::Action::kRefuse) {
    std::string why;
    for (const auto& r : plan.reasons) why += (why.empty() ? "" : "; ") + r;
    co_return base::InvalidArgument("media " + item.id + ": " + why);
  }
  if (plan.action == platforms::MediaPlan::Action::kConvert) {
    bool reused = false;
    HERALD_CO_ASSIGN_OR_RETURN(
        store::MediaVariant variant,
        co_await EnsureVariant(org_id, info, *row, planned, plan, {}, temps, reused));
    key = variant.storage_key;
    item.mime_type = variant.mime_type;
    item.size = variant.size;
    item.probe = ProbeFromJson(variant.probe);
    std::string ext(ExtensionForType(item.mime_type));
    if (!item.file_name.empty()) {
      item.file_name = fs::path(item.file_name).replace_extension(ext).string();
    }
  } else {
    item.probe = planned.probe;
    item.mime_type = row->mime_type;
    item.size = row->size;
  }

  if (info.media.fetch_by_url) {
    const base::Time expires = clock_.Now() + options_.url_lifetime;
    auto presigned = files_.PresignedUrl(key, expires);
    if (presigned.ok()) {
      item.url = std::move(*presigned);
      co_return base::Ok();
    }
    if (signer_ == nullptr || !signer_->has_public_url()) {
      co_return base::FailedPrecondition(
          info.name + " downloads media from a URL: set HERALD_PUBLIC_URL to an https address "
                      "where " + info.name + " can reach this herald (or configure S3 storage "
                      "with HERALD_S3_ENDPOINT), then retry the post");
    }
    auto signed_url = signer_->Sign(item.id, std::string(MediaFileOfKey(key)), expires);
    if (!signed_url.ok()) co_return std::move(signed_url).error();
    item.url = std::move(*signed_url);
    co_return base::Ok();
  }
  if (item.size <= options_.inline_limit) {
    auto bytes = co_await files_.ReadRange(key, 0, item.size);
    if (!bytes.ok()) co_return AsNotSent(std::move(bytes).error(), "reading the media from storage");
    item.data = std::move(*bytes);
    co_return base::Ok();
  }
  HERALD_CO_ASSIGN_OR_RETURN(item.path, co_await LocalCopy(key, temps));
  co_return base::Ok();
}

}  // namespace herald::core
