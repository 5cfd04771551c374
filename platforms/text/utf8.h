// UTF-8 helpers shared by every network's text rules: validation, code point and UTF-16 unit
// counting, and the mapping from UTF-16 indices (what ICU and JavaScript count in) back to
// UTF-8 byte offsets (what Bluesky facets use). Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_TEXT_UTF8_H_
#define HERALD_PLATFORMS_TEXT_UTF8_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace herald::platforms::text {

// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequence).
bool IsValidUtf8(std::string_view text);

// Ok if `text` is well-formed UTF-8. Errors: kInvalidArgument "<field> is not valid UTF-8
// (bad byte at offset N)".
base::Result<void> CheckUtf8(std::string_view field, std::string_view text);

// Counts over well-formed UTF-8 (REQUIRES: IsValidUtf8(text); malformed bytes count as one
// code point each, so the functions never fail).
int CountCodePoints(std::string_view text);
int CountUtf16Units(std::string_view text);  // code points above U+FFFF count as 2

// offsets[i] = the UTF-8 byte offset of UTF-16 index i, for i in [0, CountUtf16Units(text)];
// the second unit of a surrogate pair maps to the offset of its code point's end.
std::vector<size_t> Utf16ToUtf8Offsets(std::string_view text);

// Decodes the code point starting at `text[pos]` and advances `pos`. Malformed input yields
// U+FFFD and advances one byte.
char32_t DecodeUtf8(std::string_view text, size_t& pos);

}  // namespace herald::platforms::text

#endif  // HERALD_PLATFORMS_TEXT_UTF8_H_
