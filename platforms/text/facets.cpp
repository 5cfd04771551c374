#include "platforms/text/facets.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <memory>

#include "platforms/text/char_classes.h"
#include "platforms/text/graphemes.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::text {
namespace {

// The client's regular expressions (packages/api/src/rich-text/util.ts), in ICU syntax.
constexpr const char* kMentionRe = R"((^|\s|\()(@)([a-zA-Z0-9.-]+)(\b))";
constexpr const char* kUrlRe =
    R"((^|\s|\()((https?://[\S]+)|(([a-z][a-z0-9]*(\.[a-z0-9]+)+)[\S]*)))";
constexpr const char* kTagRe =
    R"((^|\s)[#\x{FF03}]((?!\x{FE0F})[^\s\x{00AD}\x{2060}\x{200A}\x{200B}\x{200C}\x{200D}\x{20E2}]*)"
    R"([^0-9\s\p{P}\x{00AD}\x{2060}\x{200A}\x{200B}\x{200C}\x{200D}\x{20E2}]+)"
    R"([^\s\x{00AD}\x{2060}\x{200A}\x{200B}\x{200C}\x{200D}\x{20E2}]*)?)";

constexpr std::array<std::string_view, 40> kCommonGenericTlds = {
    "com",   "org",    "net",  "edu",   "gov",   "mil",   "int",    "info",   "biz",  "name",
    "pro",   "app",    "dev",  "io",    "ai",    "xyz",   "online", "site",   "tech", "store",
    "blog",  "social", "news", "media", "cloud", "page",  "art",    "design", "shop", "live",
    "world", "club",   "team", "zone",  "space", "email", "link",   "wiki",   "test", "network"};

struct Patterns {
  std::unique_ptr<icu::RegexPattern> mention, url, tag;
};

std::unique_ptr<icu::RegexPattern> Compile(const char* re, uint32_t flags) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  std::unique_ptr<icu::RegexPattern> p(
      icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(re), flags, parse_error, status));
  if (U_FAILURE(status)) return nullptr;
  return p;
}

const Patterns& GetPatterns() {
  static const Patterns* patterns = [] {
    auto* p = new Patterns;
    p->mention = Compile(kMentionRe, 0);
    p->url = Compile(kUrlRe, UREGEX_CASE_INSENSITIVE | UREGEX_MULTILINE);
    p->tag = Compile(kTagRe, 0);
    return p;
  }();
  return *patterns;
}

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// Runs `pattern` over `u` and calls fn(matcher) for each match. The matcher stops after a
// bounded amount of work so adversarial text cannot stall a thread.
template <class Fn>
void ForEachMatch(const icu::RegexPattern* pattern, const icu::UnicodeString& u, Fn fn) {
  if (pattern == nullptr) return;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> m(pattern->matcher(u, status));
  if (U_FAILURE(status)) return;
  m->setTimeLimit(1000, status);  // ~1000 steps of 1000 matcher ops each
  while (m->find(status) && U_SUCCESS(status)) fn(*m);
}

}  // namespace

bool HasKnownTld(std::string_view domain) {
  const size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot + 1 >= domain.size()) return false;
  std::string tld(domain.substr(dot + 1));
  for (char& c : tld) c = static_cast<char>(internal::AsciiLower(static_cast<unsigned char>(c)));
  if (tld.size() == 2 &&
      std::all_of(tld.begin(), tld.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return true;
  }
  return std::find(kCommonGenericTlds.begin(), kCommonGenericTlds.end(), tld) !=
         kCommonGenericTlds.end();
}

std::vector<Facet> DetectBlueskyFacets(std::string_view text) {
  std::vector<Facet> out;
  if (text.empty()) return out;
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const std::vector<size_t> to_utf8 = Utf16ToUtf8Offsets(text);
  auto byte_at = [&](int32_t i) {
    return to_utf8[std::min(static_cast<size_t>(i), to_utf8.size() - 1)];
  };
  const Patterns& patterns = GetPatterns();
  UErrorCode status = U_ZERO_ERROR;

  ForEachMatch(patterns.mention.get(), u, [&](icu::RegexMatcher& m) {
    const std::string handle = ToUtf8(m.group(3, status));
    std::string lower = handle;
    for (char& c : lower)
      c = static_cast<char>(internal::AsciiLower(static_cast<unsigned char>(c)));
    const bool test_domain = lower.size() > 5 && lower.ends_with(".test");
    if (!HasKnownTld(handle) && !test_domain) return;
    const int32_t at = m.start(2, status);
    const int32_t end = m.end(3, status);
    out.push_back({Facet::Kind::kMention, byte_at(at), byte_at(end), handle});
  });

  ForEachMatch(patterns.url.get(), u, [&](icu::RegexMatcher& m) {
    int32_t start = m.start(2, status);
    int32_t end = m.end(2, status);
    icu::UnicodeString uri = m.group(2, status);
    if (!uri.startsWith(icu::UnicodeString("http"))) {
      const std::string domain = ToUtf8(m.group(5, status));
      if (domain.empty() || !HasKnownTld(domain)) return;
      uri = icu::UnicodeString("https://") + uri;
    }
    auto last = [&]() { return uri.length() > 0 ? uri.charAt(uri.length() - 1) : 0; };
    const char16_t c = last();
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?') {
      uri.truncate(uri.length() - 1);
      --end;
    }
    if (last() == ')' && uri.indexOf(u'(') < 0) {
      uri.truncate(uri.length() - 1);
      --end;
    }
    out.push_back({Facet::Kind::kLink, byte_at(start), byte_at(end), ToUtf8(uri)});
  });

  ForEachMatch(patterns.tag.get(), u, [&](icu::RegexMatcher& m) {
    if (m.start(2, status) < 0) return;  // '#' alone
    icu::UnicodeString tag = m.group(2, status);
    tag.trim();
    // Strip trailing punctuation (\p{P}+$).
    while (tag.length() > 0) {
      const UChar32 ch = tag.char32At(tag.length() - 1);
      if (!internal::IsPunctuation(static_cast<char32_t>(ch))) break;
      tag.truncate(tag.length() - U16_LENGTH(ch));
    }
    if (tag.length() == 0) return;
    const std::string tag_utf8 = ToUtf8(tag);
    if (tag.length() > 64 && CountGraphemes(tag_utf8) > 64) return;
    const int32_t hash = m.start(2, status) - 1;  // the '#' (one UTF-16 unit, '#' or U+FF03)
    out.push_back({Facet::Kind::kTag, byte_at(hash), byte_at(hash + 1 + tag.length()), tag_utf8});
  });
  return out;
}

}  // namespace herald::platforms::text
