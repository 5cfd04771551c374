#include "platforms/text/entities.h"

#include <string_view>

#include "platforms/text/char_classes.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::text {
namespace {

using internal::AsciiLower;
using internal::IsCyrillicOrLatinAccent;
using internal::IsPunctuation;
using internal::IsWhiteSpace;
using internal::IsWordChar;

// The text as code points with their byte offsets; offsets.back() == text.size().
struct Decoded {
  std::vector<char32_t> cps;
  std::vector<size_t> offsets;
};

Decoded Decode(std::string_view text) {
  Decoded d;
  for (size_t pos = 0; pos < text.size();) {
    d.offsets.push_back(pos);
    d.cps.push_back(DecodeUtf8(text, pos));
  }
  d.offsets.push_back(text.size());
  return d;
}

bool IsAsciiAlnum(char32_t c) {
  c = AsciiLower(c);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// twitter-text valid_domain_chars: anything but punctuation, space and control characters.
bool IsDomainChar(char32_t c) {
  if (c < 0x80) return IsAsciiAlnum(c);
  return !IsWhiteSpace(c) && !IsPunctuation(c) && c != 0xFFFD && c >= 0xA0;
}

// twitter-text valid_general_url_path_chars (case-insensitive).
bool IsPathChar(char32_t c) {
  if (IsAsciiAlnum(c) || IsCyrillicOrLatinAccent(c)) return true;
  switch (c) {
    case '!':
    case '*':
    case '\'':
    case ';':
    case ':':
    case '=':
    case '+':
    case ',':
    case '.':
    case '$':
    case '/':
    case '%':
    case '#':
    case '[':
    case ']':
    case '-':
    case 0x2013:
    case '_':
    case '~':
    case '&':
    case '|':
    case '@':
      return true;
    default:
      return false;
  }
}

// twitter-text valid_url_path_ending_chars (without the balanced-parenthesis case).
bool IsPathEndChar(char32_t c) {
  if (IsAsciiAlnum(c) || IsCyrillicOrLatinAccent(c)) return true;
  return c == '=' || c == '_' || c == '#' || c == '/' || c == '+' || c == '-';
}

bool IsQueryChar(char32_t c) {
  if (IsAsciiAlnum(c)) return true;
  switch (c) {
    case '!':
    case '?':
    case '*':
    case '\'':
    case '(':
    case ')':
    case ';':
    case ':':
    case '&':
    case '=':
    case '+':
    case '$':
    case '/':
    case '%':
    case '#':
    case '[':
    case ']':
    case '-':
    case '_':
    case '.':
    case ',':
    case '~':
    case '|':
    case '@':
      return true;
    default:
      return false;
  }
}

bool IsQueryEndChar(char32_t c) {
  return IsAsciiAlnum(c) || c == '_' || c == '&' || c == '=' || c == '#' || c == '/' || c == '-';
}

// Matches "http://" or "https://" (any case) at index i; returns the index after it or 0.
size_t MatchScheme(const std::vector<char32_t>& cps, size_t i) {
  static constexpr std::u32string_view kHttp = U"http";
  if (i + 7 > cps.size()) return 0;
  for (size_t k = 0; k < kHttp.size(); ++k) {
    if (AsciiLower(cps[i + k]) != kHttp[k]) return 0;
  }
  size_t j = i + 4;
  if (AsciiLower(cps[j]) == 's') ++j;
  if (j + 3 > cps.size() || cps[j] != ':' || cps[j + 1] != '/' || cps[j + 2] != '/') return 0;
  return j + 3;
}

// A host is two or more dot-separated labels; the last is a top-level domain of letters (two or
// more) or punycode. Labels may hold '-' (and '_' below the top two) but not start or end with it.
bool IsValidHost(const std::vector<char32_t>& cps, size_t begin, size_t end) {
  std::vector<std::pair<size_t, size_t>> labels;
  size_t start = begin;
  for (size_t i = begin; i <= end; ++i) {
    if (i == end || cps[i] == '.') {
      if (i == start) return false;
      labels.emplace_back(start, i);
      start = i + 1;
    }
  }
  if (labels.size() < 2) return false;
  for (auto [b, e] : labels) {
    if (!IsDomainChar(cps[b]) || !IsDomainChar(cps[e - 1])) return false;
  }
  auto [tb, te] = labels.back();
  const bool punycode = te - tb > 4 && AsciiLower(cps[tb]) == 'x' &&
                        AsciiLower(cps[tb + 1]) == 'n' && cps[tb + 2] == '-' && cps[tb + 3] == '-';
  if (punycode) return true;
  if (te - tb < 2) return false;
  for (size_t i = tb; i < te; ++i) {
    if (!internal::IsLetter(cps[i])) return false;
  }
  return true;
}

// The end (exclusive, code point index) of a URL whose scheme ends at `i`, or 0.
size_t ScanUrlRest(const std::vector<char32_t>& cps, size_t i) {
  // Host.
  size_t host_end = i;
  while (host_end < cps.size() && (IsDomainChar(cps[host_end]) || cps[host_end] == '-' ||
                                   cps[host_end] == '_' || cps[host_end] == '.')) {
    ++host_end;
  }
  while (host_end > i &&
         (cps[host_end - 1] == '.' || cps[host_end - 1] == '-' || cps[host_end - 1] == '_')) {
    --host_end;
  }
  if (!IsValidHost(cps, i, host_end)) return 0;
  size_t end = host_end;
  // Port.
  if (end + 1 < cps.size() && cps[end] == ':' && cps[end + 1] >= '0' && cps[end + 1] <= '9') {
    size_t j = end + 1;
    while (j < cps.size() && j - end <= 5 && cps[j] >= '0' && cps[j] <= '9') ++j;
    end = j;
  }
  // Path: path characters and parentheses, then trailing punctuation and unbalanced ')' off.
  if (end < cps.size() && cps[end] == '/') {
    size_t j = end + 1;
    while (j < cps.size() && (IsPathChar(cps[j]) || cps[j] == '(' || cps[j] == ')')) ++j;
    while (j > end + 1) {
      const char32_t last = cps[j - 1];
      if (last == ')') {
        int open = 0, close = 0;
        for (size_t k = end; k < j; ++k) {
          open += cps[k] == '(';
          close += cps[k] == ')';
        }
        if (open >= close) break;
      } else if (IsPathEndChar(last)) {
        break;
      }
      --j;
    }
    end = j;
  }
  // Query: needs at least one valid ending character after '?'.
  if (end < cps.size() && cps[end] == '?') {
    size_t j = end + 1;
    while (j < cps.size() && IsQueryChar(cps[j])) ++j;
    while (j > end + 1 && !IsQueryEndChar(cps[j - 1])) --j;
    if (j > end + 1) end = j;
  }
  return end;
}

}  // namespace

std::vector<TextSpan> FindUrls(std::string_view text) {
  const Decoded d = Decode(text);
  std::vector<TextSpan> out;
  const auto& cps = d.cps;
  for (size_t i = 0; i < cps.size(); ++i) {
    if (AsciiLower(cps[i]) != 'h') continue;
    if (i > 0) {
      const char32_t prev = cps[i - 1];
      if (IsAsciiAlnum(prev) || prev == '@' || prev == 0xFF20 || prev == '$' || prev == '#' ||
          prev == 0xFF03) {
        continue;
      }
    }
    const size_t after_scheme = MatchScheme(cps, i);
    if (after_scheme == 0) continue;
    const size_t end = ScanUrlRest(cps, after_scheme);
    if (end == 0) continue;
    out.push_back({d.offsets[i], d.offsets[end]});
    i = end - 1;
  }
  return out;
}

std::vector<MastodonMention> FindMastodonMentions(std::string_view text) {
  const Decoded d = Decode(text);
  const auto& cps = d.cps;
  auto is_user_char = [](char32_t c) { return IsAsciiAlnum(c) || c == '_'; };
  std::vector<MastodonMention> out;
  for (size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] != '@') continue;
    if (i > 0 && (cps[i - 1] == '=' || cps[i - 1] == '/' || IsWordChar(cps[i - 1]))) continue;
    // Username: [a-z0-9_]+ ([a-z0-9_.-]+ [a-z0-9_]+)?
    size_t j = i + 1;
    if (j >= cps.size() || !is_user_char(cps[j])) continue;
    while (j < cps.size() && (is_user_char(cps[j]) || cps[j] == '.' || cps[j] == '-')) ++j;
    while (!is_user_char(cps[j - 1])) --j;
    const size_t user_end = j;
    // Domain: @ [word.-]+ word
    size_t end = user_end;
    size_t domain_begin = 0, domain_end = 0;
    if (user_end < cps.size() && cps[user_end] == '@') {
      size_t k = user_end + 1;
      while (k < cps.size() && (IsWordChar(cps[k]) || cps[k] == '.' || cps[k] == '-')) ++k;
      while (k > user_end + 1 && !IsWordChar(cps[k - 1])) --k;
      if (k >= user_end + 3) {  // at least two characters after '@'
        domain_begin = user_end + 1;
        domain_end = k;
        end = k;
      }
    }
    MastodonMention m;
    m.span = {d.offsets[i], d.offsets[end]};
    m.username = std::string(text.substr(d.offsets[i + 1], d.offsets[user_end] - d.offsets[i + 1]));
    if (domain_end > 0) {
      m.domain = std::string(
          text.substr(d.offsets[domain_begin], d.offsets[domain_end] - d.offsets[domain_begin]));
    }
    out.push_back(std::move(m));
    i = end - 1;
  }
  return out;
}

std::string ReplaceUrls(std::string_view text, int url_length) {
  std::string out;
  size_t pos = 0;
  for (const TextSpan& url : FindUrls(text)) {
    out.append(text.substr(pos, url.begin - pos));
    out.append(static_cast<size_t>(url_length), 'x');
    pos = url.end;
  }
  out.append(text.substr(pos));
  return out;
}

std::string ShortenMentions(std::string_view text) {
  std::string out;
  size_t pos = 0;
  for (const MastodonMention& m : FindMastodonMentions(text)) {
    out.append(text.substr(pos, m.span.begin - pos));
    out.push_back('@');
    out.append(m.username);
    pos = m.span.end;
  }
  out.append(text.substr(pos));
  return out;
}

std::string MastodonCountableText(std::string_view text, int url_length) {
  return ShortenMentions(ReplaceUrls(text, url_length));
}

}  // namespace herald::platforms::text
