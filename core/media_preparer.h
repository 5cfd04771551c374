// MediaPreparer: makes the media of one target ready for its network, just before it is sent.
//
// For each item: plans it against the network's MediaRules (platforms/kit/media_plan.h, the
// same plan validate_post showed), converts it when the plan says so, once per (media,
// ConversionSpec): the result is stored in the MediaStore and recorded in media_variants, so a
// retry or another post reuses it; then hands the adapter the bytes: `data` for items up to
// inline_limit, a local `path` for larger ones (video, read in chunks), or a signed, expiring
// `url` for networks that fetch media by URL (a presigned S3 URL, or herald's own
// /media/<id>/<file> URL under HERALD_PUBLIC_URL).
//
// Errors follow the Platform convention so the publish worker treats them as a send that did
// not happen: kInvalidArgument (refused by the plan, or the file cannot be converted: fail the
// target with the reason), kFailedPrecondition (no public URL for a fetch-by-URL network: the
// message says what to set), kUnavailable (storage unreachable: retry later). Thread-safe.
#ifndef HERALD_CORE_MEDIA_PREPARER_H_
#define HERALD_CORE_MEDIA_PREPARER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/clock.h"
#include "base/result.h"
#include "media/media_converter.h"
#include "media/media_store.h"
#include "media/url_signer.h"
#include "platforms/platform.h"
#include "store/store.h"

namespace herald::core {

struct MediaPreparerOptions {
  std::string staging_dir = "./var/staging";
  int64_t inline_limit = 64LL << 20;        // items up to this size go as bytes in `data`
  std::chrono::hours url_lifetime{24};      // signed URLs for fetch-by-URL networks
  media::ConvertLimits convert_limits;
};

// What MediaPreparer::ConvertFor did for one network.
struct ConversionOutcome {
  std::string action;  // "as_is" | "converted" | "reused" (converted earlier) | "refuse"
  // refuse: why; converted/reused: what herald changed, in the user's words.
  std::vector<std::string> reasons;
  // What the network gets (as_is: the original); empty when refused.
  std::string mime_type;
  int64_t size = 0;
  platforms::MediaProbe probe;
};

// Temporary files made for one publish; removed when this goes away.
class PreparedMedia {
 public:
  PreparedMedia() = default;
  PreparedMedia(PreparedMedia&&) = default;
  PreparedMedia& operator=(PreparedMedia&&) = default;
  ~PreparedMedia();
  void Add(std::string path) { temp_files_.push_back(std::move(path)); }

 private:
  std::vector<std::string> temp_files_;
};

class MediaPreparer {
 public:
  // `signer` may be null (then only a store with presigned URLs serves fetch-by-URL networks).
  MediaPreparer(store::Store& store, media::MediaStore& files, const media::UrlSigner* signer,
                const base::Clock& clock, base::asio::thread_pool& blocking,
                MediaPreparerOptions options = {});

  // Prepares every media item of `content` (items are matched to stored media by id in
  // `org_id`) for `info`'s network. The returned value owns temporary files the adapter reads:
  // keep it until the publish call returns.
  base::Task<base::Result<std::shared_ptr<PreparedMedia>>> Prepare(
      std::string org_id, const platforms::PlatformInfo& info, platforms::Content& content);

  // Converts media `media_id` of `org_id` for `info`'s network now, exactly as publishing
  // would (the same plan, the same stored conversion that a later publish reuses), telling
  // `progress` (may be empty) how far it is. A refusal is an outcome, not an error. Errors:
  // kNotFound (no such media in the org), kFailedPrecondition (media stored before the
  // pipeline: nothing to convert), kInvalidArgument (the file cannot be converted: why),
  // kUnavailable (storage or the converter failed; try again).
  base::Task<base::Result<ConversionOutcome>> ConvertFor(std::string org_id,
                                                         const platforms::PlatformInfo& info,
                                                         std::string media_id,
                                                         platforms::MediaFit fit,
                                                         media::ConvertProgress progress);

 private:
  // The stored conversion of `row` per `plan` (kConvert), made now when there is none yet;
  // `reused` says which.
  base::Task<base::Result<store::MediaVariant>> EnsureVariant(
      const std::string& org_id, const platforms::PlatformInfo& info, const store::Media& row,
      const platforms::MediaItem& planned, const platforms::MediaPlan& plan,
      const media::ConvertProgress& progress, PreparedMedia& temps, bool& reused);
  base::Task<base::Result<void>> PrepareItem(const std::string& org_id,
                                             const platforms::PlatformInfo& info,
                                             platforms::MediaFit fit, platforms::MediaItem& item,
                                             PreparedMedia& temps);
  // The bytes at `key` as a local file (in place for a local store, else a temporary copy).
  base::Task<base::Result<std::string>> LocalCopy(const std::string& key, PreparedMedia& temps);

  store::Store& store_;
  media::MediaStore& files_;
  const media::UrlSigner* signer_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  MediaPreparerOptions options_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_MEDIA_PREPARER_H_
