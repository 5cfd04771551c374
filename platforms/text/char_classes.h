// Character classes used by the text scanners (internal to platforms/text). Thread-safe.
#ifndef HERALD_PLATFORMS_TEXT_CHAR_CLASSES_H_
#define HERALD_PLATFORMS_TEXT_CHAR_CLASSES_H_

namespace herald::platforms::text::internal {

// Letter, mark, decimal digit or connector punctuation (Onigmo's [[:word:]]).
bool IsWordChar(char32_t c);
bool IsLetter(char32_t c);
bool IsWhiteSpace(char32_t c);
// Unicode general category P*.
bool IsPunctuation(char32_t c);
// Cyrillic script, or one of twitter-text's "latin accent" characters.
bool IsCyrillicOrLatinAccent(char32_t c);
// ASCII-only case folding of a letter.
inline char32_t AsciiLower(char32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

}  // namespace herald::platforms::text::internal

#endif  // HERALD_PLATFORMS_TEXT_CHAR_CLASSES_H_
