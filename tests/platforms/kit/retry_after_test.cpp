// RetryAfter (platforms/kit/retry_after.h): one reading of every network's rate-limit headers.
#include "platforms/kit/retry_after.h"

#include <gtest/gtest.h>

#include "base/time.h"

namespace herald::platforms {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

base::Time At(const char* text) { return *base::ParseRfc3339(text); }

TEST(RetryAfterTest, RetryAfterInSeconds) {
  const base::Time now = At("2024-01-01T00:00:00Z");
  EXPECT_EQ(*RetryAfter({{"Retry-After", "120"}}, now), seconds(120));
  EXPECT_EQ(*RetryAfter({{"retry-after", "0"}}, now), seconds(1));  // never a tight loop
}

TEST(RetryAfterTest, RetryAfterAsAnHttpDate) {
  const base::Time now = At("2024-01-01T00:00:00Z");
  EXPECT_EQ(*RetryAfter({{"Retry-After", "Mon, 01 Jan 2024 00:00:30 GMT"}}, now), seconds(30));
  EXPECT_EQ(*RetryAfter({{"Retry-After", "Sun, 31 Dec 2023 23:00:00 GMT"}}, now), seconds(1));
  EXPECT_FALSE(RetryAfter({{"Retry-After", "soon"}}, now).has_value());
}

// Mastodon: Retry-After first, then X-RateLimit-Reset as an ISO 8601 time.
TEST(RetryAfterTest, PrefersRetryAfterThenTheIsoResetHeader) {
  const base::Time now = At("2024-01-01T00:00:00Z");
  HttpHeaders h = {{"X-RateLimit-Reset", "2024-01-01T00:05:00.000000Z"}};
  EXPECT_EQ(*RetryAfter(h, now), minutes(5));
  h.emplace_back("retry-after", "12");
  EXPECT_EQ(*RetryAfter(h, now), seconds(12));
  EXPECT_EQ(*RetryAfter({{"X-RateLimit-Reset", "2023-12-31T23:00:00Z"}}, now), seconds(1));
  EXPECT_FALSE(RetryAfter({}, now).has_value());
}

// Bluesky: RateLimit-Reset in epoch seconds.
TEST(RetryAfterTest, EpochResetHeaders) {
  const base::Time now = base::FromUnixMicros(1'700'000'000'000'000);
  EXPECT_EQ(*RetryAfter({{"RateLimit-Reset", "1700000090"}, {"RateLimit-Policy", "3000;w=300"}},
                        now),
            seconds(90));
  // X: x-rate-limit-reset, Unix seconds.
  EXPECT_EQ(*RetryAfter({{"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", "1700000600"}},
                        now),
            minutes(10));
}

// X's daily caps: the family that ran out decides, not the first one present.
TEST(RetryAfterTest, TheExhaustedFamilyWins) {
  const base::Time now = base::FromUnixMicros(1'700'000'000'000'000);
  HttpHeaders h = {{"x-rate-limit-remaining", "40"},
                   {"x-rate-limit-reset", "1700000060"},
                   {"x-user-limit-24hour-remaining", "0"},
                   {"x-user-limit-24hour-reset", "1700036000"}};
  EXPECT_EQ(*RetryAfter(h, now), seconds(36000));
}

// Discord: X-RateLimit-Reset-After, fractional seconds.
TEST(RetryAfterTest, ResetAfterSeconds) {
  EXPECT_EQ(*RetryAfter({{"X-RateLimit-Reset-After", "64.57"}}, base::Time{}), milliseconds(64570));
}

// Meta: estimated_time_to_regain_access, in minutes, inside the usage headers.
TEST(RetryAfterTest, MetaUsageHeaders) {
  HttpHeaders h = {{"X-Business-Use-Case-Usage",
                    R"({"1234":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":7}]})"}};
  EXPECT_EQ(*RetryAfter(h, base::Time{}), minutes(7));
  EXPECT_FALSE(RetryAfter({{"X-App-Usage", R"({"call_count":5})"}}, base::Time{}).has_value());
}

}  // namespace
}  // namespace herald::platforms
