#include "platforms/text/weighted_length.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "platforms/text/entities.h"
#include "platforms/text/graphemes.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::text {
namespace {

// twitter-text v3 ranges of weight 1 (scale 100 / weight 100); everything else weighs 2.
int CodePointWeight(char32_t c) {
  if (c <= 0x10FF || (c >= 0x2000 && c <= 0x200D) || (c >= 0x2010 && c <= 0x201F) ||
      (c >= 0x2032 && c <= 0x2037)) {
    return 1;
  }
  return 2;
}

// A code point that makes its grapheme cluster an emoji: pictographs, dingbats, symbols,
// regional indicators, variation selector 16 and the combining keycap.
bool IsEmojiMarker(char32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
         (c >= 0x2300 && c <= 0x23FF) || (c >= 0x2B00 && c <= 0x2BFF) || c == 0xFE0F ||
         c == 0x20E3;
}

bool IsAsciiAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Generic top-level domains common enough in posts; two-letter ones are country codes.
bool IsGenericTld(std::string_view tld) {
  static constexpr std::array<std::string_view, 40> kTlds = {
      "com",  "net",    "org",  "edu",   "gov",   "mil",   "int",  "info", "biz",  "xyz",
      "app",  "dev",    "io",   "ai",    "online", "site", "shop", "store", "tech", "blog",
      "news", "cloud",  "page", "club",  "live",  "email", "link", "art",  "design", "top",
      "one",  "today",  "world", "media", "social", "network", "website", "space", "pro",
      "mobi"};
  return std::find(kTlds.begin(), kTlds.end(), tld) != kTlds.end();
}

bool IsCountryTld(std::string_view tld) {
  return tld.size() == 2 && std::isalpha(static_cast<unsigned char>(tld[0])) &&
         std::isalpha(static_cast<unsigned char>(tld[1]));
}

// twitter-text: a URL without a scheme may not follow these.
bool InvalidBeforeBareUrl(char c) {
  return IsAsciiAlnum(c) || c == '@' || c == '#' || c == '$' || c == '.' || c == '-' ||
         c == '_' || c == '/' || c == ':';
}

bool IsTrailingPunctuation(char c) {
  return c == '.' || c == ',' || c == '!' || c == '?' || c == ':' || c == ';' || c == '\'' ||
         c == '"' || c == ')' || c == ']' || c == '}';
}

// The end of a bare-domain URL starting at `begin`, or 0 when none starts there.
size_t BareUrlEnd(std::string_view t, size_t begin) {
  if (!IsAsciiAlnum(t[begin])) return 0;
  if (begin > 0 && InvalidBeforeBareUrl(t[begin - 1])) return 0;
  size_t end = begin;
  while (end < t.size() && (IsAsciiAlnum(t[end]) || t[end] == '.' || t[end] == '-')) ++end;
  while (end > begin && (t[end - 1] == '.' || t[end - 1] == '-')) --end;
  std::string_view domain = t.substr(begin, end - begin);
  const size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || domain.find("..") != std::string_view::npos) return 0;
  std::string tld(domain.substr(dot + 1));
  for (char& c : tld) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool generic = IsGenericTld(tld);
  if (!generic && !IsCountryTld(tld)) return 0;
  // An e-mail address or a longer word is no URL.
  if (end < t.size() && (t[end] == '@' || t[end] == '_')) return 0;
  size_t url_end = end;
  if (url_end < t.size() && t[url_end] == ':') {  // port
    size_t p = url_end + 1;
    while (p < t.size() && std::isdigit(static_cast<unsigned char>(t[p]))) ++p;
    if (p > url_end + 1) url_end = p;
  }
  bool path = false;
  if (url_end < t.size() && (t[url_end] == '/' || t[url_end] == '?')) {
    size_t p = url_end;
    while (p < t.size() && !std::isspace(static_cast<unsigned char>(t[p])) &&
           static_cast<unsigned char>(t[p]) < 0x80) {
      ++p;
    }
    while (p > url_end + 1 && IsTrailingPunctuation(t[p - 1])) --p;
    path = true;
    url_end = p;
  }
  if (!generic && !path && tld != "co" && tld != "tv") return 0;
  return url_end;
}

}  // namespace

std::string NormalizeNfc(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status) || nfc == nullptr) return std::string(text);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (nfc->isNormalized(in, status) && U_SUCCESS(status)) return std::string(text);
  status = U_ZERO_ERROR;
  icu::UnicodeString out = nfc->normalize(in, status);
  if (U_FAILURE(status)) return std::string(text);
  std::string result;
  out.toUTF8String(result);
  return result;
}

std::string ReplaceXUrls(std::string_view text, int url_length) {
  const std::string with_scheme = ReplaceUrls(text, url_length);
  std::string_view t = with_scheme;
  std::string out;
  size_t copied = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const size_t end = BareUrlEnd(t, i);
    if (end == 0) continue;
    out.append(t.substr(copied, i - copied));
    out.append(static_cast<size_t>(url_length), 'x');
    copied = end;
    i = end - 1;
  }
  out.append(t.substr(copied));
  return out;
}

int CountXWeights(std::string_view text) {
  const std::vector<size_t> bounds = GraphemeBoundaries(text);
  int weight = 0;
  for (size_t b = 0; b + 1 < bounds.size(); ++b) {
    const std::string_view cluster = text.substr(bounds[b], bounds[b + 1] - bounds[b]);
    int cluster_weight = 0;
    bool emoji = false;
    for (size_t pos = 0; pos < cluster.size();) {
      const char32_t c = DecodeUtf8(cluster, pos);
      emoji = emoji || IsEmojiMarker(c);
      cluster_weight += CodePointWeight(c);
    }
    weight += emoji ? 2 : cluster_weight;
  }
  return weight;
}

int CountXWeightedLength(std::string_view text) {
  return CountXWeights(ReplaceXUrls(NormalizeNfc(text), kXUrlLength));
}

std::string XInvalidCharacter(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const char32_t c = DecodeUtf8(text, pos);
    if (c == 0xFFFE || c == 0xFEFF || c == 0xFFFF) {
      char buf[16];
      std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(c));
      return buf;
    }
  }
  return "";
}

}  // namespace herald::platforms::text
