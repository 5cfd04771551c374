#include "base/time.h"
#include "tests/support/result_matchers.h"

#include <gtest/gtest.h>

using ::herald::matchers::IsOk;

namespace herald::base {
namespace {

Time At(const char* rfc3339) {
  auto r = ParseRfc3339(rfc3339);
  EXPECT_THAT(r, IsOk()) << rfc3339;
  return r.ok() ? *r : Time{};
}

TEST(TimeTest, ParsesOffsetsAndFractions) {
  EXPECT_EQ(FormatRfc3339(At("2026-03-29T09:00:00+02:00")), "2026-03-29T07:00:00Z");
  EXPECT_EQ(FormatRfc3339(At("2026-03-29T09:00:00-05:30")), "2026-03-29T14:30:00Z");
  EXPECT_EQ(FormatRfc3339(At("2026-03-29t09:00:00.5z")), "2026-03-29T09:00:00.500000Z");
  EXPECT_EQ(FormatRfc3339(At("2026-03-29 09:00Z")), "2026-03-29T09:00:00Z");
  EXPECT_EQ(ToUnixMicros(At("1970-01-01T00:00:00.000001Z")), 1);
}

TEST(TimeTest, RejectsWithReasons) {
  auto no_offset = ParseRfc3339("2026-03-29T09:00:00");
  ASSERT_FALSE(no_offset.ok());
  EXPECT_NE(no_offset.error().message().find("no UTC offset"), std::string::npos);
  EXPECT_FALSE(ParseRfc3339("2026-13-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2026-02-30T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2026-02-01T24:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("tomorrow").ok());
  EXPECT_FALSE(ParseRfc3339("2026-02-01T10:00:00Zjunk").ok());
  EXPECT_FALSE(ParseRfc3339("").ok());
}

TEST(TimeTest, LocalTimeInZone) {
  // Paris in summer is UTC+2, in winter UTC+1.
  EXPECT_EQ(FormatRfc3339(*ParseUserTime("2026-07-01T09:00:00", "Europe/Paris")),
            "2026-07-01T07:00:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseUserTime("2026-01-15T09:00", "Europe/Paris")),
            "2026-01-15T08:00:00Z");
  // An offset wins over the zone.
  EXPECT_EQ(FormatRfc3339(*ParseUserTime("2026-01-15T09:00:00Z", "Europe/Paris")),
            "2026-01-15T09:00:00Z");
}

TEST(TimeTest, DaylightSavingDays) {
  // 2026-03-29: Paris jumps from 02:00 to 03:00. 09:00 that day is 09:00 CEST = 07:00Z.
  EXPECT_EQ(FormatRfc3339(*ParseUserTime("2026-03-29T09:00:00", "Europe/Paris")),
            "2026-03-29T07:00:00Z");
  auto gap = ParseUserTime("2026-03-29T02:30:00", "Europe/Paris");
  ASSERT_FALSE(gap.ok());
  EXPECT_NE(gap.error().message().find("does not exist"), std::string::npos);
  // 2026-10-25: 02:30 happens twice; the first (CEST, +02:00) is chosen.
  EXPECT_EQ(FormatRfc3339(*ParseUserTime("2026-10-25T02:30:00", "Europe/Paris")),
            "2026-10-25T00:30:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseUserTime("2026-10-25T09:00:00", "Europe/Paris")),
            "2026-10-25T08:00:00Z");
}

TEST(TimeTest, ZonesAndFormatting) {
  EXPECT_TRUE(IsValidTimeZone("Europe/Paris"));
  EXPECT_TRUE(IsValidTimeZone("UTC"));
  EXPECT_FALSE(IsValidTimeZone("Mars/Olympus"));
  EXPECT_FALSE(IsValidTimeZone(""));
  auto bad = ParseUserTime("2026-01-01T09:00:00", "Mars/Olympus");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("timezone"), std::string::npos);
  auto missing = ParseUserTime("2026-01-01T09:00:00", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("pass timezone"), std::string::npos);
  EXPECT_EQ(*FormatInTimeZone(At("2026-03-29T07:00:00Z"), "Europe/Paris"),
            "2026-03-29T09:00:00+02:00");
  EXPECT_EQ(*FormatInTimeZone(At("2026-01-29T07:00:00Z"), "Europe/London"),
            "2026-01-29T07:00:00+00:00");
  EXPECT_EQ(*FormatInTimeZone(At("2026-01-29T07:00:00Z"), "UTC"), "2026-01-29T07:00:00Z");
  EXPECT_EQ(*FormatInTimeZone(At("2026-01-29T07:00:00Z"), "America/St_Johns"),
            "2026-01-29T03:30:00-03:30");
}

}  // namespace
}  // namespace herald::base
