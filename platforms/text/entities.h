// Finding URLs and mentions in post text the way Mastodon does, for length counting.
//
// Mastodon (StatusLengthValidator) replaces every http(s) URL by 23 characters and every
// `@user@domain` mention by `@user`, then counts grapheme clusters. URLs are found with the
// twitter-text rules Mastodon uses: the scheme is required, the URL may not follow a letter,
// digit, `@`, `$` or `#`, the host needs a top-level domain, and trailing punctuation or an
// unbalanced `)` is not part of it. Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_TEXT_ENTITIES_H_
#define HERALD_PLATFORMS_TEXT_ENTITIES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald::platforms::text {

// A piece of text at UTF-8 byte offsets [begin, end).
struct TextSpan {
  size_t begin = 0;
  size_t end = 0;
  std::string_view In(std::string_view text) const { return text.substr(begin, end - begin); }
};

// Every http:// or https:// URL in `text`, in order.
std::vector<TextSpan> FindUrls(std::string_view text);

struct MastodonMention {
  TextSpan span;         // "@user@domain" or "@user"
  std::string username;  // "user"
  std::string domain;    // "domain", or "" for a local mention
};

// Every `@user` / `@user@domain` mention, per Mastodon's Account::MENTION_RE: not after a word
// character, `=` or `/`; a username is [a-z0-9_] with inner `.`/`-`, case-insensitive.
std::vector<MastodonMention> FindMastodonMentions(std::string_view text);

// `text` with every URL replaced by `url_length` 'x' characters.
std::string ReplaceUrls(std::string_view text, int url_length);
// `text` with every "@user@domain" mention shortened to "@user".
std::string ShortenMentions(std::string_view text);

// The text Mastodon counts: every URL replaced by `url_length` 'x' characters, then every
// mention by "@user". CountGraphemes of the result is the status length.
std::string MastodonCountableText(std::string_view text, int url_length = 23);

}  // namespace herald::platforms::text

#endif  // HERALD_PLATFORMS_TEXT_ENTITIES_H_
