// X's weighted length (platforms/text/weighted_length.h), with cases in the spirit of the
// twitter-text conformance suite: plain ASCII, CJK, emoji sequences, URLs with and without a
// scheme, NFC, the limit itself, and the message an over-long text gets.
#include <gtest/gtest.h>

#include <string>

#include "platforms/text/length_rules.h"
#include "platforms/text/weighted_length.h"

namespace herald::platforms::text {
namespace {

// UTF-8 spelled out so the source file's encoding cannot change them.
const std::string kKonnichiwa =
    "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF";  // こんにちは (5)
const std::string kGrinning = "\xF0\x9F\x98\x80";                    // U+1F600
const std::string kFamily =
    "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D"
    "\xF0\x9F\x91\xA6";                                                  // ZWJ family of four
const std::string kThumbsMedium = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";  // thumbs up + skin tone
const std::string kFlagJp = "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5";        // regional indicators
const std::string kKeycapOne = "1\xEF\xB8\x8F\xE2\x83\xA3";            // 1 VS16 keycap
const std::string kHeartText = "\xE2\x9D\xA4\xEF\xB8\x8F";             // U+2764 VS16
const std::string kEAcuteCombining = "e\xCC\x81";                      // NFC: U+00E9
const std::string kCurlyQuotes = "\xE2\x80\x9C" "a" "\xE2\x80\x9D";   // “a” (U+201C/D: 1 each)
const std::string kEllipsis = "\xE2\x80\xA6";                          // U+2026: weight 2
const std::string kPrime = "\xE2\x80\xB2";                             // U+2032: weight 1
const std::string kBom = "\xEF\xBB\xBF";                               // U+FEFF

TEST(XWeightedLength, AsciiCountsOneEach) {
  EXPECT_EQ(CountXWeightedLength(""), 0);
  EXPECT_EQ(CountXWeightedLength("hello world"), 11);
  EXPECT_EQ(CountXWeightedLength(std::string(280, 'a')), 280);
  EXPECT_EQ(CountXWeightedLength(std::string(281, 'a')), 281);
  // Latin-1, Greek, Cyrillic and the rest up to U+10FF weigh 1.
  EXPECT_EQ(CountXWeightedLength("\xC3\xA9\xCE\xB1\xD0\xB6"), 3);  // é α ж
}

TEST(XWeightedLength, CjkWeighsTwo) {
  EXPECT_EQ(CountXWeightedLength(kKonnichiwa), 10);
  std::string cjk140, cjk141;
  for (int i = 0; i < 140; ++i) cjk140 += "\xE6\x97\xA5";  // 日
  cjk141 = cjk140 + "\xE6\x97\xA5";
  EXPECT_EQ(CountXWeightedLength(cjk140), 280);
  EXPECT_EQ(CountXWeightedLength(cjk141), 282);
}

TEST(XWeightedLength, EveryEmojiSequenceWeighsTwo) {
  EXPECT_EQ(CountXWeightedLength(kGrinning), 2);
  EXPECT_EQ(CountXWeightedLength(kFamily), 2);
  EXPECT_EQ(CountXWeightedLength(kThumbsMedium), 2);
  EXPECT_EQ(CountXWeightedLength(kFlagJp), 2);
  EXPECT_EQ(CountXWeightedLength(kKeycapOne), 2);
  EXPECT_EQ(CountXWeightedLength(kHeartText), 2);
  EXPECT_EQ(CountXWeightedLength("hi " + kFamily + kGrinning), 3 + 2 + 2);
}

TEST(XWeightedLength, PunctuationRanges) {
  EXPECT_EQ(CountXWeightedLength(kCurlyQuotes), 3);
  EXPECT_EQ(CountXWeightedLength(kEllipsis), 2);
  EXPECT_EQ(CountXWeightedLength(kPrime), 1);
}

TEST(XWeightedLength, NormalizesToNfcFirst) {
  EXPECT_EQ(CountXWeightedLength(kEAcuteCombining), 1);
  EXPECT_EQ(NormalizeNfc(kEAcuteCombining), "\xC3\xA9");
}

TEST(XWeightedLength, UrlsCountTwentyThree) {
  EXPECT_EQ(CountXWeightedLength("https://example.com/a/very/long/path/that/goes/on/and/on"), 23);
  EXPECT_EQ(CountXWeightedLength("see https://example.com"), 4 + 23);
  EXPECT_EQ(CountXWeightedLength("http://a.co"), 23);  // short ones count 23 too
  EXPECT_EQ(CountXWeightedLength("https://a.example https://b.example"), 23 + 1 + 23);
}

TEST(XWeightedLength, BareDomainsAreUrls) {
  EXPECT_EQ(CountXWeightedLength("example.com"), 23);
  EXPECT_EQ(CountXWeightedLength("go to example.com."), 6 + 23 + 1);
  EXPECT_EQ(CountXWeightedLength("bit.ly/abc"), 23);  // a country TLD with a path
  EXPECT_EQ(CountXWeightedLength("t.co"), 23);        // .co and .tv without a path too
  EXPECT_EQ(CountXWeightedLength("example.de"), 10);  // other country TLDs need a path
  EXPECT_EQ(CountXWeightedLength("me@example.com"), 14);  // an e-mail address is no URL
  EXPECT_EQ(CountXWeightedLength("#example.com"), 12);
  EXPECT_EQ(CountXWeightedLength("v1.2"), 4);
}

TEST(XWeightedLength, InvalidCharacters) {
  EXPECT_EQ(XInvalidCharacter("fine"), "");
  EXPECT_EQ(XInvalidCharacter("a" + kBom), "U+FEFF");
  EXPECT_EQ(XInvalidCharacter("\xEF\xBF\xBE"), "U+FFFE");
  EXPECT_EQ(XInvalidCharacter("\xEF\xBF\xBF"), "U+FFFF");
}

TEST(XWeightedLength, LengthRuleSaysByHowMuch) {
  const LengthRule rule{"X", kXMaxWeightedLength, LengthUnit::kXWeighted, kXUrlLength};
  EXPECT_EQ(LengthUnitName(LengthUnit::kXWeighted), "weighted");
  EXPECT_EQ(CountLength(kKonnichiwa + " https://example.com", rule), 10 + 1 + 23);
  EXPECT_FALSE(CheckLength("text", std::string(280, 'a'), rule).has_value());
  auto v = CheckLength("text", std::string(270, 'a') + kKonnichiwa + "!", rule);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->field, "text");
  EXPECT_EQ(v->message,
            "text is 281 characters, 1 over X's limit of 280 (URLs count as 23, emoji, CJK "
            "characters and most symbols count as 2)");
}

}  // namespace
}  // namespace herald::platforms::text
