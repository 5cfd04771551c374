// X's weighted text length (twitter-text configuration v3), the way api.x.com counts a post:
//
//  - the text is NFC-normalized first;
//  - every URL counts 23 (with or without a scheme: "example.com", "bit.ly/x"; a bare domain
//    under a two-letter country TLD only with a path, or under .co / .tv);
//  - every emoji (a grapheme cluster holding a pictographic code point, a variation selector
//    16 or a keycap, ZWJ sequences and skin tones included) weighs 2;
//  - every other code point weighs 1 in U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F and
//    U+2032-U+2037, and 2 everywhere else (CJK, most symbols);
//  - U+FFFE, U+FEFF and U+FFFF make the text invalid.
// The limit is 280. Where herald's URL detection and X's may differ, herald counts more, never
// less, so a text it accepts X accepts too. Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_TEXT_WEIGHTED_LENGTH_H_
#define HERALD_PLATFORMS_TEXT_WEIGHTED_LENGTH_H_

#include <string>
#include <string_view>

namespace herald::platforms::text {

inline constexpr int kXMaxWeightedLength = 280;
inline constexpr int kXUrlLength = 23;

// The NFC form of `text` (REQUIRES: valid UTF-8); `text` itself when ICU cannot normalize it.
std::string NormalizeNfc(std::string_view text);

// `text` with every URL X detects (http(s):// ones and bare domains, see the header comment)
// replaced by `url_length` 'x' characters.
std::string ReplaceXUrls(std::string_view text, int url_length);

// The weight of `text` by code point and emoji cluster, URLs NOT treated specially (REQUIRES:
// valid UTF-8). CountXWeightedLength = this of ReplaceXUrls(NormalizeNfc(text), 23).
int CountXWeights(std::string_view text);

// X's weighted length of `text` (REQUIRES: valid UTF-8).
int CountXWeightedLength(std::string_view text);

// The first code point X refuses outright (U+FFFE, U+FEFF, U+FFFF) as "U+FEFF", or "".
std::string XInvalidCharacter(std::string_view text);

}  // namespace herald::platforms::text

#endif  // HERALD_PLATFORMS_TEXT_WEIGHTED_LENGTH_H_
