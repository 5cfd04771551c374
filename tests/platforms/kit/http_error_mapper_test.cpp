// HttpErrorMapper (platforms/kit/http_error_mapper.h): statuses, the network's own reason and
// overrides, Retry-After and reset headers, transport errors by kind of call, redaction.
#include "platforms/kit/http_error_mapper.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/json.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms {
namespace {

using base::ErrorCode;
using matchers::StatusIs;
using ::testing::HasSubstr;

const base::Time kNow = base::FromUnixMicros(1'700'000'000'000'000);

HttpResponse Answer(int status, std::string body = {}, HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

HttpErrorMapper Mapper() {
  HttpErrorMapper::Options o;
  o.network = "Example";
  o.read_body = [](const HttpResponse& r) {
    ErrorBody out;
    auto j = base::ParseJson(r.body);
    if (!j.ok() || !j->is_object()) return out;
    out.reason = base::GetString(*j, "error");
    if (out.reason == "ExpiredToken") out.code = ErrorCode::kUnauthenticated;
    if (j->contains("retry_after") && (*j)["retry_after"].is_number()) {
      out.retry_after = std::chrono::milliseconds(
          static_cast<int64_t>((*j)["retry_after"].get<double>() * 1000));
    }
    return out;
  };
  o.fallback_reasons[ErrorCode::kUnauthenticated] = "the token is invalid";
  return HttpErrorMapper(std::move(o));
}

TEST(HttpErrorMapperTest, StatusCodes) {
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(400), ErrorCode::kInvalidArgument);
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(422), ErrorCode::kInvalidArgument);
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(413), ErrorCode::kInvalidArgument);
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(401), ErrorCode::kUnauthenticated);
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(403), ErrorCode::kPermissionDenied);
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(404), ErrorCode::kNotFound);
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(410), ErrorCode::kNotFound);
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(429), ErrorCode::kResourceExhausted);
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(500), ErrorCode::kUnavailable);
  EXPECT_EQ(HttpErrorMapper::CodeForStatus(503), ErrorCode::kUnavailable);
}

TEST(HttpErrorMapperTest, MessagesCarryTheNetworksReasonOrAFallback) {
  base::Error e = Mapper().FromResponse(Answer(422, R"({"error":"Text too long"})"), "the post", kNow);
  EXPECT_THAT(e, StatusIs(ErrorCode::kInvalidArgument,
                          "Example refused the post (HTTP 422): Text too long"));
  EXPECT_THAT(e.detail(), HasSubstr("Text too long"));
  EXPECT_THAT(Mapper().FromResponse(Answer(401, "<html>"), "x", kNow),
              StatusIs(ErrorCode::kUnauthenticated, HasSubstr("the token is invalid")));
  // An answer not known to come from the network: only the status is used.
  HttpResponse local = Answer(422, R"({"error":"you have been pwned"})");
  local.from_network = false;
  base::Error quiet = Mapper().FromResponse(local, "x", kNow);
  EXPECT_THAT(quiet.message(), ::testing::Not(HasSubstr("pwned")));
  EXPECT_THAT(quiet.detail(), HasSubstr("pwned"));
}

TEST(HttpErrorMapperTest, TheBodyMayOverrideTheCode) {
  EXPECT_THAT(Mapper().FromResponse(Answer(400, R"({"error":"ExpiredToken"})"), "x", kNow),
              StatusIs(ErrorCode::kUnauthenticated));
}

TEST(HttpErrorMapperTest, RateLimitWithRetryAfterInSeconds) {
  base::Error e = Mapper().FromResponse(Answer(429, "", {{"Retry-After", "30"}}), "x", kNow);
  EXPECT_THAT(e, StatusIs(ErrorCode::kResourceExhausted));
  ASSERT_TRUE(e.retry_after().has_value());
  EXPECT_EQ(*e.retry_after(), std::chrono::seconds(30));
}

TEST(HttpErrorMapperTest, RateLimitWithRetryAfterAsADate) {
  // 2023-11-14T22:13:20Z is kNow.
  base::Error e = Mapper().FromResponse(
      Answer(429, "", {{"Retry-After", "Tue, 14 Nov 2023 22:14:20 GMT"}}), "x", kNow);
  ASSERT_TRUE(e.retry_after().has_value());
  EXPECT_EQ(*e.retry_after(), std::chrono::seconds(60));
}

TEST(HttpErrorMapperTest, RateLimitFromResetHeadersOrTheBody) {
  base::Error reset =
      Mapper().FromResponse(Answer(429, "", {{"RateLimit-Reset", "1700000090"}}), "x", kNow);
  EXPECT_EQ(*reset.retry_after(), std::chrono::seconds(90));
  base::Error body = Mapper().FromResponse(
      Answer(429, R"({"retry_after": 1.337})", {{"Retry-After", "2"}}), "x", kNow);
  EXPECT_EQ(*body.retry_after(), std::chrono::milliseconds(1337));  // the body wins
  EXPECT_FALSE(Mapper().FromResponse(Answer(429), "x", kNow).retry_after().has_value());
}

TEST(HttpErrorMapperTest, SecretsNeverReachAMessageOrTheDetail) {
  const std::string secret = "xoxb-123-secret";
  base::Error e = Mapper().FromResponse(
      Answer(400, R"({"error":"bad token xoxb-123-secret"})"), "using " + secret, kNow, secret);
  EXPECT_EQ(e.message().find(secret), std::string::npos);
  EXPECT_EQ(e.detail().find(secret), std::string::npos);
  base::Error t = Mapper().FromTransport(base::Unknown("lost", "POST /bot" + secret),
                                         CallKind::kWrite, secret);
  EXPECT_THAT(t, StatusIs(ErrorCode::kUnknown));
  EXPECT_EQ(t.detail().find(secret), std::string::npos);
}

TEST(HttpErrorMapperTest, TransportErrorsByKindOfCall) {
  const base::Error lost = base::Unknown("lost");
  EXPECT_THAT(Mapper().FromTransport(lost, CallKind::kWrite), StatusIs(ErrorCode::kUnknown));
  EXPECT_THAT(Mapper().FromTransport(lost, CallKind::kRead), StatusIs(ErrorCode::kUnavailable));
  EXPECT_THAT(Mapper().FromTransport(lost, CallKind::kDelete),
              StatusIs(ErrorCode::kUnavailable));
  // A URL the client refuses is the user's fault for a user-given URL, herald's for its own.
  EXPECT_THAT(Mapper().FromTransport(base::InvalidArgument("private"), CallKind::kRead),
              StatusIs(ErrorCode::kInvalidArgument));
  HttpErrorMapper::Options fixed;
  fixed.network = "Telegram";
  fixed.fixed_base_url = true;
  EXPECT_THAT(HttpErrorMapper(fixed).FromTransport(base::InvalidArgument("private"),
                                                   CallKind::kRead),
              StatusIs(ErrorCode::kInternal));
}

}  // namespace
}  // namespace herald::platforms
