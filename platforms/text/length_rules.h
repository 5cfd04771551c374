// Length rules: how a network counts text, and the message a user sees when a text is over.
//
// Each network counts differently: Mastodon counts grapheme clusters with every URL as 23 and
// `@user@domain` as `@user`; Bluesky counts graphemes (and bytes); Telegram and Discord count
// UTF-16 code units; X weighs code points (weighted_length.h). A LengthRule says which, and
// CheckLength turns an over-long text into a Violation whose message says by how much, counted
// the network's way:
//   "text is 512 characters, 12 over Mastodon's limit of 500 (URLs count as 23)"
// Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_TEXT_LENGTH_RULES_H_
#define HERALD_PLATFORMS_TEXT_LENGTH_RULES_H_

#include <optional>
#include <string>
#include <string_view>

#include "platforms/platform.h"

namespace herald::platforms::text {

enum class LengthUnit {
  kGraphemes,   // extended grapheme clusters ("characters" to a user)
  kCodePoints,  // Unicode scalar values
  kUtf16Units,  // JavaScript / Telegram string length
  kBytes,       // UTF-8 bytes
  kXWeighted,   // X's weighted length (weighted_length.h): URLs 23, emoji/CJK 2, after NFC
};

// "graphemes" | "characters" | "utf16_units" | "bytes" | "weighted" (TextRules::unit
// vocabulary).
std::string_view LengthUnitName(LengthUnit unit);

struct LengthRule {
  std::string network;  // "Mastodon": used in messages
  int limit = 0;        // maximum length, inclusive
  LengthUnit unit = LengthUnit::kGraphemes;
  int url_length = 0;  // > 0: every http(s) URL counts as this many units (Mastodon: 23)
  bool mention_username_only = false;  // Mastodon: "@user@domain" counts as "@user"
};

// The length of `text` counted by `rule` (REQUIRES: valid UTF-8).
int CountLength(std::string_view text, const LengthRule& rule);

// "text is 512 characters, 12 over Mastodon's limit of 500 (URLs count as 23)", for a text of
// `length` units under `rule`, naming it by `field`.
std::string OverLimitMessage(std::string_view field, int length, const LengthRule& rule);

// A violation for `field` when `text` is longer than the rule allows, else nullopt. Invalid
// UTF-8 is a violation too ("text is not valid UTF-8 (bad byte at offset N)").
std::optional<Violation> CheckLength(std::string_view field, std::string_view text,
                                     const LengthRule& rule);

}  // namespace herald::platforms::text

#endif  // HERALD_PLATFORMS_TEXT_LENGTH_RULES_H_
