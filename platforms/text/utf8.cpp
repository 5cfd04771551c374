#include "platforms/text/utf8.h"

#include <string>

namespace herald::platforms::text {
namespace {

// Length of a well-formed sequence starting at `pos`, or 0 when it is malformed.
size_t SequenceLength(std::string_view s, size_t pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) return 1;
  auto cont = [&](size_t i) { return i < s.size() && (byte(i) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(pos + 1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(pos + 1) || !cont(pos + 2)) return 0;
    const unsigned char b1 = byte(pos + 1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b0 == 0xED && b1 >= 0xA0) return 0;  // UTF-16 surrogates
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(pos + 1) || !cont(pos + 2) || !cont(pos + 3)) return 0;
    const unsigned char b1 = byte(pos + 1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

char32_t DecodeUtf8(std::string_view text, size_t& pos) {
  const size_t len = SequenceLength(text, pos);
  auto byte = [&](size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(text[i])); };
  char32_t cp = 0;
  switch (len) {
    case 1:
      cp = byte(pos);
      break;
    case 2:
      cp = ((byte(pos) & 0x1F) << 6) | (byte(pos + 1) & 0x3F);
      break;
    case 3:
      cp = ((byte(pos) & 0x0F) << 12) | ((byte(pos + 1) & 0x3F) << 6) | (byte(pos + 2) & 0x3F);
      break;
    case 4:
      cp = ((byte(pos) & 0x07) << 18) | ((byte(pos + 1) & 0x3F) << 12) |
           ((byte(pos + 2) & 0x3F) << 6) | (byte(pos + 3) & 0x3F);
      break;
    default:
      pos += 1;
      return U'\uFFFD';
  }
  pos += len;
  return cp;
}

bool IsValidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t len = SequenceLength(text, pos);
    if (len == 0) return false;
    pos += len;
  }
  return true;
}

base::Result<void> CheckUtf8(std::string_view field, std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t len = SequenceLength(text, pos);
    if (len == 0) {
      return base::InvalidArgument(std::string(field) + " is not valid UTF-8 (bad byte at offset " +
                                   std::to_string(pos) + ")");
    }
    pos += len;
  }
  return base::Ok();
}

int CountCodePoints(std::string_view text) {
  int n = 0;
  for (size_t pos = 0; pos < text.size();) {
    DecodeUtf8(text, pos);
    ++n;
  }
  return n;
}

int CountUtf16Units(std::string_view text) {
  int n = 0;
  for (size_t pos = 0; pos < text.size();) {
    n += DecodeUtf8(text, pos) > 0xFFFF ? 2 : 1;
  }
  return n;
}

std::vector<size_t> Utf16ToUtf8Offsets(std::string_view text) {
  std::vector<size_t> out;
  out.reserve(text.size() + 1);
  for (size_t pos = 0; pos < text.size();) {
    out.push_back(pos);
    const char32_t cp = DecodeUtf8(text, pos);
    if (cp > 0xFFFF) out.push_back(pos);
  }
  out.push_back(text.size());
  return out;
}

}  // namespace herald::platforms::text
