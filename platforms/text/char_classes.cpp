#include "platforms/text/char_classes.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

namespace herald::platforms::text::internal {

bool IsWordChar(char32_t c) {
  const auto cp = static_cast<UChar32>(c);
  const int8_t type = u_charType(cp);
  return u_hasBinaryProperty(cp, UCHAR_ALPHABETIC) || type == U_NON_SPACING_MARK ||
         type == U_ENCLOSING_MARK || type == U_COMBINING_SPACING_MARK ||
         type == U_DECIMAL_DIGIT_NUMBER || type == U_CONNECTOR_PUNCTUATION;
}

bool IsLetter(char32_t c) { return u_isalpha(static_cast<UChar32>(c)) != 0; }

bool IsWhiteSpace(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)) != 0; }

bool IsPunctuation(char32_t c) { return u_ispunct(static_cast<UChar32>(c)) != 0; }

bool IsCyrillicOrLatinAccent(char32_t c) {
  if ((c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0xFF) ||
      (c >= 0x100 && c <= 0x24F) || c == 0x253 || c == 0x254 || c == 0x256 || c == 0x257 ||
      c == 0x259 || c == 0x25B || c == 0x263 || c == 0x268 || c == 0x26F || c == 0x272 ||
      c == 0x289 || c == 0x28B || c == 0x2BB || (c >= 0x300 && c <= 0x36F) ||
      (c >= 0x1E00 && c <= 0x1EFF)) {
    return true;
  }
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(static_cast<UChar32>(c), &status) == USCRIPT_CYRILLIC &&
         U_SUCCESS(status);
}

}  // namespace herald::platforms::text::internal
