#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "platforms/text/entities.h"
#include "platforms/text/facets.h"
#include "platforms/text/graphemes.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::text {
namespace {

using matchers::IsOk;
using ::testing::Not;

// A few fixed strings (UTF-8 spelled out so the source file's encoding cannot change them).
const std::string kFamily =
    "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";  // man ZWJ woman
                                                                                 // ZWJ girl
const std::string kFlagFr = "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";      // regional indicators F R
const std::string kThumbsDark = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBF";  // thumbs up + skin tone
const std::string kEAcuteCombining = "e\xCC\x81";                    // e + COMBINING ACUTE
const std::string kNihon = "\xE6\x97\xA5\xE6\x9C\xAC";               // 日本
const std::string kHangulJamo =
    "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8";                // conjoining jamo (1 syllable)
const std::string kKeycap1 = "1\xEF\xB8\x8F\xE2\x83\xA3";  // 1 VS16 keycap
const std::string kRainbowFlag = "\xF0\x9F\x8F\xB3\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x8C\x88";

TEST(Utf8Test, ValidatesWellFormedAndRejectsMalformed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("hello " + kFamily + kNihon));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("ab\xE6\x97"));        // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  auto r = CheckUtf8("thread[1].text", "abc\xFF");
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().message(), "thread[1].text is not valid UTF-8 (bad byte at offset 3)");
}

TEST(Utf8Test, CountsCodePointsAndUtf16Units) {
  EXPECT_EQ(CountCodePoints(kFamily), 5);
  EXPECT_EQ(CountUtf16Units(kFamily), 8);  // 3 astral emoji (2 each) + 2 ZWJ
  EXPECT_EQ(CountCodePoints(kNihon), 2);
  EXPECT_EQ(CountUtf16Units(kNihon), 2);
  EXPECT_EQ(CountUtf16Units(kFlagFr), 4);
  EXPECT_EQ(CountUtf16Units("abc"), 3);
}

TEST(Utf8Test, MapsUtf16IndicesToByteOffsets) {
  // "a" (1 byte) + U+1F44D (4 bytes, 2 units) + "日" (3 bytes, 1 unit)
  const std::string s = "a\xF0\x9F\x91\x8D\xE6\x97\xA5";
  auto offsets = Utf16ToUtf8Offsets(s);
  ASSERT_EQ(offsets.size(), 5u);
  EXPECT_EQ(offsets[0], 0u);
  EXPECT_EQ(offsets[1], 1u);
  EXPECT_EQ(offsets[3], 5u);
  EXPECT_EQ(offsets[4], 8u);
}

TEST(GraphemesTest, CountsUserPerceivedCharacters) {
  EXPECT_EQ(CountGraphemes(""), 0);
  EXPECT_EQ(CountGraphemes("hello"), 5);
  EXPECT_EQ(CountGraphemes(kFamily), 1);
  EXPECT_EQ(CountGraphemes(kFlagFr), 1);
  EXPECT_EQ(CountGraphemes(kFlagFr + kFlagFr), 2);
  EXPECT_EQ(CountGraphemes(kThumbsDark), 1);
  EXPECT_EQ(CountGraphemes(kEAcuteCombining), 1);
  EXPECT_EQ(CountGraphemes(kNihon), 2);
  EXPECT_EQ(CountGraphemes(kHangulJamo), 1);
  EXPECT_EQ(CountGraphemes(kKeycap1), 1);
  EXPECT_EQ(CountGraphemes(kRainbowFlag), 1);
  EXPECT_EQ(CountGraphemes("\r\n"), 1);
  EXPECT_EQ(CountGraphemes("a" + kFamily + "b" + kEAcuteCombining), 4);
}

TEST(GraphemesTest, BoundariesAreByteOffsets) {
  auto b = GraphemeBoundaries("a" + kFlagFr + "b");
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[1], 1u);
  EXPECT_EQ(b[2], 9u);
  EXPECT_EQ(b[3], 10u);
}

TEST(GraphemesTest, WorksFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (CountGraphemes(kFamily + kNihon + kFlagFr) != 4) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

std::vector<std::string> Urls(std::string_view text) {
  std::vector<std::string> out;
  for (const TextSpan& s : FindUrls(text)) out.emplace_back(s.In(text));
  return out;
}

TEST(UrlsTest, FindsHttpAndHttpsUrlsWithTwitterTextRules) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Urls("see https://example.com/a/b?x=1&y=2 now"), V{"https://example.com/a/b?x=1&y=2"});
  EXPECT_EQ(Urls("HTTP://Example.COM."), V{"HTTP://Example.COM"});
  EXPECT_EQ(Urls("(see https://en.wikipedia.org/wiki/Foo_(bar))"),
            V{"https://en.wikipedia.org/wiki/Foo_(bar)"});
  EXPECT_EQ(Urls("(https://example.com/x)"), V{"https://example.com/x"});
  EXPECT_EQ(Urls("end: https://example.com/path/!?"), V{"https://example.com/path/"});
  EXPECT_EQ(Urls("port https://example.com:8443/x, ok"), V{"https://example.com:8443/x"});
  EXPECT_EQ(Urls("two https://a.io and http://b.org/"), (V{"https://a.io", "http://b.org/"}));
  EXPECT_EQ(Urls("no scheme example.com here"), V{});
  EXPECT_EQ(Urls("no tld https://localhost/x"), V{});
  EXPECT_EQ(Urls("glued xhttps://example.com"), V{});
  EXPECT_EQ(Urls("https://example.com/?"), V{"https://example.com/"});
  EXPECT_EQ(Urls(kNihon + "https://example.jp/" + kNihon), V{"https://example.jp/"});
  EXPECT_EQ(Urls("https://xn--bcher-kva.example/"), V{"https://xn--bcher-kva.example/"});
}

TEST(MentionsTest, FindsMastodonMentions) {
  auto m = FindMastodonMentions("hi @alice@mastodon.social and @bob, not a@b.c or x=@y");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].username, "alice");
  EXPECT_EQ(m[0].domain, "mastodon.social");
  EXPECT_EQ(m[1].username, "bob");
  EXPECT_EQ(m[1].domain, "");
  auto dotted = FindMastodonMentions("@first.last@example.org.");
  ASSERT_EQ(dotted.size(), 1u);
  EXPECT_EQ(dotted[0].username, "first.last");
  EXPECT_EQ(dotted[0].domain, "example.org");
}

TEST(MastodonLengthTest, UrlsCountAs23AndRemoteMentionsAsUsername) {
  const LengthRule rule{"Mastodon", 500, LengthUnit::kGraphemes, 23, true};
  EXPECT_EQ(CountLength("hello", rule), 5);
  // A 60-character URL counts as 23.
  const std::string url = "https://example.com/" + std::string(40, 'a');
  EXPECT_EQ(CountLength(url, rule), 23);
  // A short URL also counts as 23.
  EXPECT_EQ(CountLength("https://a.io", rule), 23);
  EXPECT_EQ(CountLength("@alice@mastodon.social", rule), 6);
  EXPECT_EQ(CountLength("hi " + kFamily + " " + kFlagFr, rule), 6);
  EXPECT_EQ(MastodonCountableText("x @bob@example.org https://a.io/p"),
            "x @bob " + std::string(23, 'x'));
}

TEST(MastodonLengthTest, ViolationSaysByHowMuchCountedMastodonsWay) {
  const LengthRule rule{"Mastodon", 500, LengthUnit::kGraphemes, 23, true};
  // 489 emoji families (1 each) + space + a long URL (23) = 513.
  std::string text;
  for (int i = 0; i < 489; ++i) text += kFamily;
  text += " https://example.com/" + std::string(200, 'z');
  auto v = CheckLength("text", text, rule);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->field, "text");
  EXPECT_EQ(v->message,
            "text is 513 characters, 13 over Mastodon's limit of 500 (URLs count as 23, "
            "@user@domain mentions count as @user)");
  EXPECT_FALSE(CheckLength("text", std::string(500, 'a'), rule).has_value());
  EXPECT_TRUE(CheckLength("text", std::string(501, 'a'), rule).has_value());
}

TEST(LengthRulesTest, OtherUnits) {
  const LengthRule tg{"Telegram", 4, LengthUnit::kUtf16Units};
  EXPECT_EQ(CountLength(kFamily, tg), 8);
  auto v = CheckLength("text", kFamily, tg);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->message,
            "text is 8 UTF-16 code units, 4 over Telegram's limit of 4 (most emoji count as 2)");
  const LengthRule bytes{"Bluesky", 3000, LengthUnit::kBytes};
  EXPECT_EQ(CountLength(kNihon, bytes), 6);
  auto bad = CheckLength("thread[0].text", "\xFF", bytes);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->field, "thread[0].text");
  EXPECT_EQ(LengthUnitName(LengthUnit::kUtf16Units), "utf16_units");
}

TEST(FacetsTest, DetectsLinksMentionsAndTagsAtUtf8ByteOffsets) {
  // "✨ hi @alice.bsky.social see https://example.com/x. #café"
  const std::string sparkles = "\xE2\x9C\xA8";  // 3 bytes, 1 UTF-16 unit
  const std::string text =
      sparkles + " hi @alice.bsky.social see https://example.com/x. #caf\xC3\xA9";
  auto facets = DetectBlueskyFacets(text);
  ASSERT_EQ(facets.size(), 3u);
  const Facet& mention = facets[0];
  EXPECT_EQ(mention.kind, Facet::Kind::kMention);
  EXPECT_EQ(mention.value, "alice.bsky.social");
  EXPECT_EQ(text.substr(mention.byte_start, mention.byte_end - mention.byte_start),
            "@alice.bsky.social");
  EXPECT_EQ(mention.byte_start, 7u);  // 3 (sparkles) + " hi " (4)
  const Facet& link = facets[1];
  EXPECT_EQ(link.kind, Facet::Kind::kLink);
  EXPECT_EQ(link.value, "https://example.com/x");
  EXPECT_EQ(text.substr(link.byte_start, link.byte_end - link.byte_start), "https://example.com/x");
  const Facet& tag = facets[2];
  EXPECT_EQ(tag.kind, Facet::Kind::kTag);
  EXPECT_EQ(tag.value, "caf\xC3\xA9");
  EXPECT_EQ(text.substr(tag.byte_start, tag.byte_end - tag.byte_start), "#caf\xC3\xA9");
  EXPECT_EQ(tag.byte_end, text.size());
}

TEST(FacetsTest, OffsetsAfterEmojiAndCjkAreBytesNotUnits) {
  const std::string text = kFamily + kNihon + " https://a.co";
  auto facets = DetectBlueskyFacets(text);
  ASSERT_EQ(facets.size(), 1u);
  EXPECT_EQ(facets[0].byte_start, kFamily.size() + kNihon.size() + 1);
  EXPECT_EQ(facets[0].byte_end, text.size());
}

TEST(FacetsTest, BareDomainsAndEdgeCases) {
  auto f = DetectBlueskyFacets("go to example.com/page, or (bsky.app)");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].value, "https://example.com/page");
  EXPECT_EQ(f[1].value, "https://bsky.app");
  // Not a handle (no known TLD), a lone '#', numeric-only tags and email-like text.
  EXPECT_TRUE(DetectBlueskyFacets("@notahandle # #123 mail me a@b").empty());
  auto test_handle = DetectBlueskyFacets("@bob.test");
  ASSERT_EQ(test_handle.size(), 1u);
  EXPECT_EQ(test_handle[0].kind, Facet::Kind::kMention);
  // Trailing punctuation is stripped from tags; a tag longer than 64 graphemes is ignored.
  auto tags = DetectBlueskyFacets("#launch! #" + std::string(65, 'a'));
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].value, "launch");
  EXPECT_EQ(tags[0].byte_end, 7u);
  // Full-width hash.
  auto wide = DetectBlueskyFacets("\xEF\xBC\x83tag");
  ASSERT_EQ(wide.size(), 1u);
  EXPECT_EQ(wide[0].byte_start, 0u);
  EXPECT_EQ(wide[0].byte_end, 6u);
}

TEST(FacetsTest, KnownTlds) {
  EXPECT_TRUE(HasKnownTld("alice.bsky.social"));
  EXPECT_TRUE(HasKnownTld("example.fr"));
  EXPECT_FALSE(HasKnownTld("file.txt"));
  EXPECT_FALSE(HasKnownTld("nodot"));
}

}  // namespace
}  // namespace herald::platforms::text
