// Bluesky rich-text facets: links, mentions and hashtags at UTF-8 byte offsets, detected the way
// the official client (@atproto/api RichText.detectFacets) does. Bluesky servers do not detect
// anything themselves: text without facets is plain. Pure functions, thread-safe.
//
// Differences from the official client: a bare domain ("example.com/x") is a link only when its
// top-level domain is two letters or one of a short list of common generic TLDs (the client
// checks the full IANA list); cashtags are not detected.
#ifndef HERALD_PLATFORMS_TEXT_FACETS_H_
#define HERALD_PLATFORMS_TEXT_FACETS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald::platforms::text {

struct Facet {
  enum class Kind { kLink, kMention, kTag };
  Kind kind = Kind::kLink;
  size_t byte_start = 0;  // inclusive, UTF-8 bytes from the start of the text
  size_t byte_end = 0;    // exclusive
  // kLink: the full URI ("https://example.com/x"); kMention: the handle without '@'
  // ("alice.bsky.social", still to be resolved to a DID); kTag: the tag without '#'.
  std::string value;
};

// Mentions first, then links, then tags, each in text order (the client's order).
std::vector<Facet> DetectBlueskyFacets(std::string_view text);

// True if `domain`'s last label looks like a real top-level domain (see above).
bool HasKnownTld(std::string_view domain);

}  // namespace herald::platforms::text

#endif  // HERALD_PLATFORMS_TEXT_FACETS_H_
