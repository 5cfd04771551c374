// PostContent: what a post says, as stored in store::Post::content and as each network sees it.
//
// Stored JSON: {"text", "media": [ids], "thread": [{"text", "media"}],
//               "overrides": {account_id: {"text"?, "media"?}}, "fit"?: "pad"|"crop",
//               "platform_options"?: {platform_id: {...}}}.
// An override replaces the main part's text and/or media for one account; thread parts are the
// same for every account. Plain value type, no I/O; thread-compatible.
#ifndef HERALD_CORE_POST_CONTENT_H_
#define HERALD_CORE_POST_CONTENT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "platforms/platform.h"

namespace herald::core {

using base::Json;
using base::Result;

struct ContentPart {
  std::string text;
  std::vector<std::string> media;  // med_... ids, in order
};

struct ContentOverride {
  std::optional<std::string> text;
  std::optional<std::vector<std::string>> media;
};

struct PostContent {
  std::string text;
  std::vector<std::string> media;
  std::vector<ContentPart> thread;  // replies after the main part, in order
  std::map<std::string, ContentOverride, std::less<>> overrides;  // by account id
  // How converted images meet a network's aspect ratios (stored as "fit" unless none).
  platforms::MediaFit fit = platforms::MediaFit::kNone;
  // Per network options (a YouTube title, a TikTok privacy level, an Instagram post type), by
  // platform id; each checked against that network's PlatformInfo::options_schema.
  std::map<std::string, Json, std::less<>> platform_options;

  // The stored JSON form (keys always present except empty overrides/thread/media).
  Json ToJson() const;
  // Parses the stored form. Errors: kInternal if the stored JSON is not content (a bug).
  static Result<PostContent> FromJson(const Json& json);

  // The parts one account publishes: [0] is the main part with that account's override applied,
  // then the thread.
  std::vector<ContentPart> PartsFor(std::string_view account_id) const;
  // The options for one network ({} when the post gives none).
  Json OptionsFor(std::string_view platform_id) const;
  // Every media id the content refers to (overrides included), without duplicates, in order of
  // first appearance.
  std::vector<std::string> AllMediaIds() const;
};

// The platforms::Content for `parts`, with media metadata (and bytes, if present) taken from
// `media` by id. Media ids missing from `media` are skipped (callers check existence first).
platforms::Content ToPlatformContent(const std::vector<ContentPart>& parts,
                                     const std::map<std::string, platforms::MediaItem,
                                                    std::less<>>& media,
                                     platforms::MediaFit fit = platforms::MediaFit::kNone);

// "none" | "pad" | "crop" -> MediaFit. kInvalidArgument naming the field `fit` otherwise.
Result<platforms::MediaFit> ParseMediaFit(std::string_view name);

}  // namespace herald::core

#endif  // HERALD_CORE_POST_CONTENT_H_
