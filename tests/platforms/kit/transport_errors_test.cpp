// Transport errors (platforms/kit/transport_errors.h): by kind of call, redacted; and
// LookupFailedError: a reconciliation lookup that could not be completed becomes "try again
// later", whatever the refusal it was meant to explain.
#include "platforms/kit/transport_errors.h"

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

TEST(TransportErrorTest, WritesThatMayHaveLandedAreUnknownReadsNeverAre) {
  const base::Error lost = base::Unknown("read timed out", "after sending");
  const base::Error refused = base::Unavailable("could not connect", "refused");
  EXPECT_EQ(TransportError(lost, CallKind::kWrite, "Telegram").code(), ErrorCode::kUnknown);
  EXPECT_EQ(TransportError(lost, CallKind::kRead, "Telegram").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(TransportError(lost, CallKind::kDelete, "Telegram").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(TransportError(refused, CallKind::kWrite, "Telegram").code(),
            ErrorCode::kUnavailable);
  EXPECT_EQ(TransportError(base::DeadlineExceeded("connect"), CallKind::kWrite, "Telegram").code(),
            ErrorCode::kUnavailable);
}

// A read that got no answer (the connection accepted, then silence or a drop) reads exactly like
// one that never connected (refused, unreachable, no DNS answer, connect timeout), so an error
// never tells a closed port from an open one; the cause stays in the detail (the log). (Moved
// here from the Telegram, Discord and Slack wire tests, which all map through this.)
TEST(TransportErrorTest, UnansweredAndUnconnectedReadsGiveTheSameMessage) {
  const base::Error refused = base::Unavailable("could not connect to 127.0.0.1", "refused");
  const base::Error timeout = base::DeadlineExceeded("connecting to 127.0.0.1 timed out");
  for (const char* network : {"Telegram", "Discord", "Slack"}) {
    for (const base::Error& unanswered :
         {base::Unknown("127.0.0.1 did not answer within 1s", "timeout"),
          base::Unknown("the connection to 127.0.0.1 was lost", "eof"),
          base::ResourceExhausted("the response from 127.0.0.1 is larger than the limit")}) {
      base::Error a = TransportError(unanswered, CallKind::kRead, network);
      base::Error b = TransportError(refused, CallKind::kRead, network);
      base::Error c = TransportError(timeout, CallKind::kRead, network);
      EXPECT_EQ(a.code(), b.code());
      EXPECT_EQ(a.message(), b.message()) << unanswered.ToString();
      EXPECT_EQ(c.message(), b.message());
      EXPECT_THAT(a.detail(), HasSubstr(unanswered.detail()));
    }
  }
}

TEST(TransportErrorTest, TheSecretNeverReachesMessageOrDetail) {
  const std::string token = "7012345678:AAH3xV_l2-FakeFakeFakeFakeFakeFake12";
  base::Error lost = base::Unknown("POST https://api.telegram.org/bot" + token + " timed out",
                                   "POST https://api.telegram.org/bot" + token + "/sendMessage");
  for (CallKind kind : {CallKind::kRead, CallKind::kWrite, CallKind::kDelete}) {
    base::Error e = TransportError(lost, kind, "Telegram", token);
    EXPECT_EQ(e.message().find(token), std::string::npos);
    EXPECT_EQ(e.detail().find(token), std::string::npos);
    EXPECT_THAT(e.detail(), HasSubstr("<redacted>"));
  }
}

}  // namespace
}  // namespace herald::platforms
