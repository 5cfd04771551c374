// Unicode extended grapheme clusters (UAX #29), the "characters" a person sees: a flag, an
// emoji ZWJ family, a letter with combining marks each count as one. Counted with ICU's
// character BreakIterator over the UTF-8 text (no copy). Thread-safe (one iterator per thread).
#ifndef HERALD_PLATFORMS_TEXT_GRAPHEMES_H_
#define HERALD_PLATFORMS_TEXT_GRAPHEMES_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace herald::platforms::text {

// The number of extended grapheme clusters in `text` (UTF-8; malformed bytes count as U+FFFD).
int CountGraphemes(std::string_view text);

// The UTF-8 byte offset of every cluster boundary, starting with 0 and ending with text.size().
std::vector<size_t> GraphemeBoundaries(std::string_view text);

}  // namespace herald::platforms::text

#endif  // HERALD_PLATFORMS_TEXT_GRAPHEMES_H_
