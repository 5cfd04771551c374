// LookupFailedError (platforms/adapter_support.h): a reconciliation lookup that could not be
// completed becomes "try again later", whatever the refusal it was meant to explain.
#include "platforms/adapter_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace herald::platforms {
namespace {

using base::ErrorCode;
using ::testing::HasSubstr;

TEST(LookupFailedErrorTest, RateLimitStaysRateLimitedWithItsRetryAfter) {
  base::Error limited = base::ResourceExhausted("Bluesky refused looking the post up (HTTP 429)");
  limited.set_retry_after(std::chrono::seconds(40));
  limited.set_detail("HTTP 429 {}");
  base::Error e = LookupFailedError(limited, "Bluesky");
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(e.retry_after().has_value());
  EXPECT_EQ(*e.retry_after(), std::chrono::seconds(40));
  EXPECT_THAT(e.message(), HasSubstr("could not check with Bluesky"));
  EXPECT_THAT(e.message(), HasSubstr("HTTP 429"));
  EXPECT_EQ(e.detail(), "HTTP 429 {}");
}

TEST(LookupFailedErrorTest, TransientAndUnknownStayRetryable) {
  EXPECT_EQ(LookupFailedError(base::Unavailable("502"), "Slack").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(LookupFailedError(base::Unknown("too deep"), "Slack").code(), ErrorCode::kUnknown);
  EXPECT_EQ(LookupFailedError(base::DeadlineExceeded("slow"), "Slack").code(),
            ErrorCode::kUnavailable);
}

TEST(LookupFailedErrorTest, RefusalsOfTheLookupAreNoVerdict) {
  for (base::Error refused : {base::InvalidArgument("HTTP 400 InvalidRequest"),
                              base::NotFound("HTTP 404"), base::FailedPrecondition("odd"),
                              base::Internal("bug"), base::Unimplemented("no")}) {
    base::Error e = LookupFailedError(refused, "Bluesky");
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << refused.ToString();
    EXPECT_THAT(e.message(), HasSubstr("checked again"));
  }
}

TEST(LookupFailedErrorTest, AccountProblemsKeepTheirCodeAndAdvice) {
  base::Error expired = base::Unauthenticated("the session is no longer valid; connect again");
  base::Error e = LookupFailedError(expired, "Bluesky");
  EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(e.message(), expired.message());
  EXPECT_EQ(LookupFailedError(base::PermissionDenied("scope"), "Slack").code(),
            ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace herald::platforms
