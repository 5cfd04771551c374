#include "platforms/kit/post_validator.h"

#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/text/utf8.h"

namespace herald::platforms {

PostValidator::PostValidator(PostRules rules)
    : rules_(std::move(rules)), media_(rules_.text.network, rules_.media) {}

ValidationReport PostValidator::Validate(const Content& content) const {
  ValidationReport report;
  report.unit = std::string(text::LengthUnitName(rules_.text.unit));
  report.limit = rules_.text.limit;
  if (content.parts.empty()) {
    report.violations.push_back({"text", "the post is empty: " + rules_.needs});
    return report;
  }
  for (size_t i = 0; i < content.parts.size(); ++i) {
    const PostPart& part = content.parts[i];
    const std::string field = PartField(i, "text");
    if (!text::IsValidUtf8(part.text)) {
      report.violations.push_back({field, field + " is not valid UTF-8"});
      continue;
    }
    const bool has_media = !part.media.empty();
    const bool as_caption = has_media && rules_.caption.has_value();
    const text::LengthRule& rule = as_caption ? *rules_.caption : rules_.text;
    const std::string counted =
        rules_.before_counting ? rules_.before_counting(part.text) : part.text;
    const int length = text::CountLength(counted, rule);
    if (i == 0) {
      report.length = length;
      report.limit = rule.limit;
    }
    const bool empty = rules_.blank_is_empty ? IsBlank(part.text) : part.text.empty();
    if (!has_media && empty) {
      report.violations.push_back({field, field + " is empty: " + rules_.empty_part});
    } else if (length > rule.limit) {
      report.violations.push_back(
          {field, text::OverLimitMessage(field, length, rule) +
                      (as_caption ? rules_.caption_hint : rules_.over_limit_hint)});
    } else if (rules_.also) {
      const int other = text::CountLength(counted, *rules_.also);
      if (other > rules_.also->limit) {
        report.violations.push_back({field, text::OverLimitMessage(field, other, *rules_.also)});
      }
    }
    media_.Check(i, part.media, content.fit, report.violations, &report.conversions);
  }
  return report;
}

}  // namespace herald::platforms
