// PostValidator: a network's Validate, driven by data. Every network checks a post the same way
// and differs only in its numbers and words, which PostRules holds:
//
//  - a post without parts is refused ("the post is empty: <needs>");
//  - each part's text must be valid UTF-8 ("<field> is not valid UTF-8"; its media is then not
//    checked), and is counted the network's way (after `before_counting`, e.g. Slack's escapes)
//    with the caption rule when the part has media and the network has one;
//  - a part without media whose text is empty (or blank, when blank_is_empty) is refused
//    ("<field> is empty: <empty_part>"); else an over-long text gets text::OverLimitMessage plus
//    the network's hint; else the `also` limit (Bluesky's bytes) is checked;
//  - the media of each part goes through MediaValidator.
//
// The report's length, limit and unit describe the first part. Fields are named as the caller
// wrote them (PartField). Immutable once built; thread-safe.
#ifndef HERALD_PLATFORMS_KIT_POST_VALIDATOR_H_
#define HERALD_PLATFORMS_KIT_POST_VALIDATOR_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "platforms/kit/media_validator.h"
#include "platforms/platform.h"
#include "platforms/text/length_rules.h"

namespace herald::platforms {

struct PostRules {
  text::LengthRule text;                    // a part's text; text.network names the network
  std::optional<text::LengthRule> caption;  // a part with media, when its limit differs
  std::optional<text::LengthRule> also;     // a second limit, checked when the first holds
  // Transforms the text before it is counted (Slack counts its escapes); empty: as written.
  std::function<std::string(std::string_view)> before_counting;
  std::string over_limit_hint;  // appended to an over-long text's message
  std::string caption_hint;     // appended instead when the caption rule was exceeded
  bool blank_is_empty = true;   // whitespace-only text counts as empty (else only "")
  std::string needs;            // "text or a photo": what an empty post lacks
  std::string empty_part;       // "Telegram needs 1 to 4096 characters of text, or a photo"
  MediaRules media;
};

class PostValidator {
 public:
  explicit PostValidator(PostRules rules);

  // Counts and checks `content` (see the header comment).
  ValidationReport Validate(const Content& content) const;

 private:
  PostRules rules_;
  MediaValidator media_;
};

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_POST_VALIDATOR_H_
