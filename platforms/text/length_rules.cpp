#include "platforms/text/length_rules.h"

#include "platforms/text/entities.h"
#include "platforms/text/graphemes.h"
#include "platforms/text/utf8.h"
#include "platforms/text/weighted_length.h"

namespace herald::platforms::text {
namespace {

int CountUnits(std::string_view text, LengthUnit unit) {
  switch (unit) {
    case LengthUnit::kGraphemes:
      return CountGraphemes(text);
    case LengthUnit::kCodePoints:
      return CountCodePoints(text);
    case LengthUnit::kUtf16Units:
      return CountUtf16Units(text);
    case LengthUnit::kBytes:
      return static_cast<int>(text.size());
    case LengthUnit::kXWeighted:
      return CountXWeights(text);
  }
  return static_cast<int>(text.size());
}

std::string_view UnitWord(LengthUnit unit, int n) {
  switch (unit) {
    case LengthUnit::kGraphemes:
    case LengthUnit::kCodePoints:
    case LengthUnit::kXWeighted:
      return n == 1 ? "character" : "characters";
    case LengthUnit::kUtf16Units:
      return n == 1 ? "UTF-16 code unit" : "UTF-16 code units";
    case LengthUnit::kBytes:
      return n == 1 ? "byte" : "bytes";
  }
  return "characters";
}

}  // namespace

std::string_view LengthUnitName(LengthUnit unit) {
  switch (unit) {
    case LengthUnit::kGraphemes:
      return "graphemes";
    case LengthUnit::kCodePoints:
      return "characters";
    case LengthUnit::kUtf16Units:
      return "utf16_units";
    case LengthUnit::kBytes:
      return "bytes";
    case LengthUnit::kXWeighted:
      return "weighted";
  }
  return "characters";
}

int CountLength(std::string_view text, const LengthRule& rule) {
  // X: NFC first, then every URL (with or without a scheme) as url_length.
  if (rule.unit == LengthUnit::kXWeighted) {
    return CountXWeights(ReplaceXUrls(NormalizeNfc(text),
                                      rule.url_length > 0 ? rule.url_length : kXUrlLength));
  }
  if (rule.url_length <= 0 && !rule.mention_username_only) return CountUnits(text, rule.unit);
  // Mastodon's order: URLs first, then mentions in the text with URLs replaced.
  std::string countable =
      rule.url_length > 0 ? ReplaceUrls(text, rule.url_length) : std::string(text);
  if (rule.mention_username_only) countable = ShortenMentions(countable);
  return CountUnits(countable, rule.unit);
}

std::string OverLimitMessage(std::string_view field, int length, const LengthRule& rule) {
  std::string msg(field);
  msg += " is " + std::to_string(length) + " " + std::string(UnitWord(rule.unit, length));
  if (length > rule.limit) {
    msg += ", " + std::to_string(length - rule.limit) + " over ";
  } else {
    msg += ", within ";
  }
  msg += rule.network + "'s limit of " + std::to_string(rule.limit);
  std::string notes;
  if (rule.url_length > 0) notes += "URLs count as " + std::to_string(rule.url_length);
  if (rule.mention_username_only) {
    if (!notes.empty()) notes += ", ";
    notes += "@user@domain mentions count as @user";
  }
  if (rule.unit == LengthUnit::kXWeighted) {
    if (!notes.empty()) notes += ", ";
    notes += "emoji, CJK characters and most symbols count as 2";
  }
  if (rule.unit == LengthUnit::kUtf16Units) {
    if (!notes.empty()) notes += ", ";
    notes += "most emoji count as 2";
  }
  if (!notes.empty()) msg += " (" + notes + ")";
  return msg;
}

std::optional<Violation> CheckLength(std::string_view field, std::string_view text,
                                     const LengthRule& rule) {
  if (auto utf8 = CheckUtf8(field, text); !utf8.ok()) {
    return Violation{std::string(field), utf8.error().message()};
  }
  const int length = CountLength(text, rule);
  if (length <= rule.limit) return std::nullopt;
  return Violation{std::string(field), OverLimitMessage(field, length, rule)};
}

}  // namespace herald::platforms::text
