// The small helpers of platforms/kit/helpers.h.
#include "platforms/kit/helpers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace herald::platforms {
namespace {

using base::ErrorCode;

TEST(KitHelpersTest, PartFieldNamesPartsAsTheCallerWroteThem) {
  EXPECT_EQ(PartField(0, "text"), "text");
  EXPECT_EQ(PartField(1, "text"), "thread[0].text");
  EXPECT_EQ(PartField(3, "media[1]"), "thread[2].media[1]");
}

TEST(KitHelpersTest, InPartPrefixesOnlyThreadsAndKeepsCodeAndWait) {
  base::Error limited = base::ResourceExhausted("slow down");
  limited.set_retry_after(std::chrono::seconds(7));
  limited.set_detail("HTTP 429");
  base::Error e = InPart(limited, 1, 3);
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(e.message(), "thread part 2 of 3: slow down");
  EXPECT_EQ(e.detail(), "HTTP 429");
  EXPECT_EQ(*e.retry_after(), std::chrono::seconds(7));
  EXPECT_EQ(InPart(limited, 0, 1).message(), "slow down");
}

TEST(KitHelpersTest, StringsAndHeaders) {
  EXPECT_TRUE(IsBlank(" \t\n"));
  EXPECT_FALSE(IsBlank(" x "));
  EXPECT_TRUE(EqualsIgnoreCase("Retry-After", "retry-after"));
  EXPECT_FALSE(EqualsIgnoreCase("Retry-After", "Retry-Afte"));
  EXPECT_EQ(TrimSlash("https://x/api//"), "https://x/api");
  HttpHeaders h = {{"content-type", "a"}, {"X-RateLimit-Reset", "5"}, {"x-ratelimit-reset", "6"}};
  EXPECT_EQ(FindHeader(h, "x-RATELIMIT-reset"), "5");
  EXPECT_EQ(FindHeader(h, "Retry-After"), "");
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("127.evil.example"));
}

TEST(KitHelpersTest, RedactionRemovesEveryCopyOfTheSecret) {
  EXPECT_EQ(Redact("a SECRET b SECRETSECRET", "SECRET"), "a <redacted> b <redacted><redacted>");
  EXPECT_EQ(Redact("nothing", ""), "nothing");
  base::Error e = base::Unknown("bot SECRET failed", "url /botSECRET/send");
  e.set_retry_after(std::chrono::seconds(2));
  base::Error r = RedactError(e, "SECRET");
  EXPECT_EQ(r.message(), "bot <redacted> failed");
  EXPECT_EQ(r.detail(), "url /bot<redacted>/send");
  EXPECT_EQ(r.code(), ErrorCode::kUnknown);
  EXPECT_EQ(*r.retry_after(), std::chrono::seconds(2));
}

}  // namespace
}  // namespace herald::platforms
