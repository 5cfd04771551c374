// Unit tests of the emulator framework's pure parts.
#include <gtest/gtest.h>

#include "tests/emulators/common/fault_plan.h"
#include "tests/emulators/common/multipart.h"
#include "tests/emulators/common/oauth_grants.h"
#include "tests/emulators/common/post_ledger.h"
#include "tests/emulators/common/rate_limiter.h"
#include "tests/emulators/common/token_registry.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::emulators {
namespace {

TEST(PathMatchesTest, GlobWithStars) {
  EXPECT_TRUE(PathMatches("*", "/anything"));
  EXPECT_TRUE(PathMatches("/api/v1/statuses", "/api/v1/statuses"));
  EXPECT_FALSE(PathMatches("/api/v1/statuses", "/api/v1/statuses/1"));
  EXPECT_TRUE(PathMatches("/api/v1/statuses*", "/api/v1/statuses/1"));
  EXPECT_TRUE(PathMatches("/api/*/media*", "/api/v2/media"));
  EXPECT_TRUE(PathMatches("*createRecord", "/xrpc/com.atproto.repo.createRecord"));
  EXPECT_FALSE(PathMatches("*createRecord", "/xrpc/com.atproto.repo.createRecordX"));
  EXPECT_TRUE(PathMatches("/a*b*c", "/aXXbYYbZZc"));
  EXPECT_FALSE(PathMatches("", "/x"));
}

TEST(FaultPlanTest, FiresCountTimesInOrderThenIsSpent) {
  FaultPlan plan;
  Fault a;
  a.kind = FaultKind::kServerError;
  a.path = "/x*";
  a.count = 2;
  Fault b;
  b.kind = FaultKind::kRateLimit;
  b.count = 1;
  ASSERT_EQ(*plan.Add(a), "f1");
  ASSERT_EQ(*plan.Add(b), "f2");
  auto first = plan.Take("POST", "/x/1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, "f1");
  EXPECT_EQ(first->fired, 1);
  EXPECT_EQ(plan.Take("GET", "/x")->id, "f1");
  // f1 spent: the next /x request gets f2 (which matches everything), then nothing.
  EXPECT_EQ(plan.Take("GET", "/x")->id, "f2");
  EXPECT_FALSE(plan.Take("GET", "/x"));
  EXPECT_TRUE(plan.List().empty());
}

TEST(FaultPlanTest, MethodFilterUnlimitedAndRemove) {
  FaultPlan plan;
  Fault f;
  f.kind = FaultKind::kDropBefore;
  f.method = "POST";
  f.count = -1;
  auto id = plan.Add(f);
  EXPECT_FALSE(plan.Take("GET", "/a"));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(plan.Take("POST", "/a"));
  ASSERT_THAT(plan.Remove(*id), IsOk());
  EXPECT_FALSE(plan.Take("POST", "/a"));
  EXPECT_EQ(plan.Remove("f99").error().code(), base::ErrorCode::kNotFound);
}

TEST(FaultPlanTest, IsBounded) {
  FaultPlan plan;
  for (size_t i = 0; i < FaultPlan::kMaxFaults; ++i) ASSERT_THAT(plan.Add(Fault{}), IsOk());
  EXPECT_EQ(plan.Add(Fault{}).error().code(), base::ErrorCode::kResourceExhausted);
}

TEST(FaultTest, FromJsonReadsEveryFieldAndRejectsBadOnes) {
  auto f = Fault::FromJson(
      Json{{"kind", "5xx"}, {"path", "/p"}, {"method", "POST"}, {"count", 3}, {"status", 502}});
  ASSERT_THAT(f, IsOk()) << f.error().ToString();
  EXPECT_EQ(f->kind, FaultKind::kServerError);
  EXPECT_EQ(f->status, 502);
  EXPECT_EQ(f->count, 3);
  auto slow = Fault::FromJson(Json{{"kind", "slow"}, {"delay_ms", 250}});
  ASSERT_THAT(slow, IsOk());
  EXPECT_EQ(slow->delay.count(), 250);
  auto rl = Fault::FromJson(Json{{"kind", "429"}, {"retry_after", 7}});
  ASSERT_THAT(rl, IsOk());
  EXPECT_EQ(rl->retry_after.count(), 7);
  EXPECT_EQ(Fault::FromJson(Json{{"kind", "5xx"}})->status, 503);

  auto unknown = Fault::FromJson(Json{{"kind", "explode"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("explode"), std::string::npos);
  EXPECT_FALSE(Fault::FromJson(Json{{"path", "/x"}}).ok());
  auto bad_status = Fault::FromJson(Json{{"kind", "5xx"}, {"status", 404}});
  ASSERT_FALSE(bad_status.ok());
  EXPECT_NE(bad_status.error().message().find("status"), std::string::npos);
  EXPECT_FALSE(Fault::FromJson(Json{{"kind", "slow"}, {"count", 0}}).ok());
  EXPECT_FALSE(Fault::FromJson(Json::array()).ok());
}

TEST(MultipartTest, ParsesFieldsAndFiles) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"description\"\r\n\r\n"
      "a cat\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"cat.png\"\r\n"
      "Content-Type: image/png\r\n\r\n"
      "\x89PNG\r\n\x1a\n--not-a-boundary\r\n"
      "--XyZ--\r\n";
  auto parts = ParseMultipart(body, "multipart/form-data; boundary=XyZ");
  ASSERT_THAT(parts, IsOk()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "description");
  EXPECT_EQ((*parts)[0].data, "a cat");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "cat.png");
  EXPECT_EQ((*parts)[1].content_type, "image/png");
  EXPECT_EQ((*parts)[1].data, "\x89PNG\r\n\x1a\n--not-a-boundary");
}

TEST(MultipartTest, RejectsMalformedBodies) {
  EXPECT_FALSE(ParseMultipart("x", "application/json").ok());
  EXPECT_FALSE(ParseMultipart("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",
                              "multipart/form-data; boundary=b")
                   .ok());
  EXPECT_FALSE(
      ParseMultipart("--b\r\nX: y\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b").ok());
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=\"q q\""), "q q");
}

TEST(RateLimiterTest, FixedWindowPerKey) {
  RateLimiter limiter;
  base::FakeClock clock;
  for (int i = 0; i < 3; ++i) {
    auto s = limiter.Consume("k", 1, 3, std::chrono::seconds(60), clock.Now());
    EXPECT_FALSE(s.exceeded);
    EXPECT_EQ(s.remaining, 2 - i);
  }
  auto over = limiter.Consume("k", 1, 3, std::chrono::seconds(60), clock.Now());
  EXPECT_TRUE(over.exceeded);
  EXPECT_EQ(over.remaining, 0);
  EXPECT_EQ(over.reset_at, clock.Now() + std::chrono::seconds(60));
  EXPECT_FALSE(limiter.Consume("other", 1, 3, std::chrono::seconds(60), clock.Now()).exceeded);
  clock.Advance(std::chrono::seconds(60));
  EXPECT_FALSE(limiter.Consume("k", 1, 3, std::chrono::seconds(60), clock.Now()).exceeded);
  // Points: a create costs 3 of 5.
  auto big = limiter.Consume("p", 3, 5, std::chrono::seconds(60), clock.Now());
  EXPECT_EQ(big.remaining, 2);
  EXPECT_TRUE(limiter.Consume("p", 3, 5, std::chrono::seconds(60), clock.Now()).exceeded);
}

TEST(PostLedgerTest, OrdersPostsAndMarksDeletes) {
  PostLedger ledger;
  CreatedPost a;
  a.id = "1";
  a.text = "first";
  CreatedPost b;
  b.id = "2";
  b.reply_to = "1";
  EXPECT_EQ(ledger.Add(a)->seq, 1);
  EXPECT_EQ(ledger.Add(b)->seq, 2);
  EXPECT_TRUE(ledger.MarkDeleted("1"));
  EXPECT_FALSE(ledger.MarkDeleted("1"));
  EXPECT_FALSE(ledger.MarkDeleted("9"));
  EXPECT_EQ(ledger.LiveCount(), 1u);
  ASSERT_THAT(ledger.Update("2", [](CreatedPost& p) { p.metrics["likes"] = 4; }), IsOk());
  Json j = ledger.Find("2")->ToJson();
  EXPECT_EQ(j["reply_to"], "1");
  EXPECT_EQ(j["metrics"]["likes"], 4);
  EXPECT_EQ(ledger.List().front().text, "first");
}

TEST(TokenRegistryTest, IssuesRevokesAndParsesBearer) {
  TokenRegistry tokens;
  auto t = tokens.Issue("acct1", "", Json::object(), "tok");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(*t, "tok-1");
  EXPECT_EQ(tokens.Find("tok-1")->account, "acct1");
  ASSERT_THAT(tokens.Revoke("tok-1"), IsOk());
  EXPECT_TRUE(tokens.Find("tok-1")->revoked);
  EXPECT_FALSE(tokens.Revoke("nope").ok());
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bearer  abc "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer"), "");
}

TEST(OAuthGrantsTest, CodesTokensAndRevocation) {
  OAuthGrants grants;
  const base::Time now = base::FromUnixMicros(1'767'225'600'000'000);
  OAuthGrants::Code code;
  code.user = "u1";
  code.scope = "a b";
  code.redirect_uri = "http://127.0.0.1/cb";
  code.challenge = "verifier";  // plain
  code.method = "plain";
  code.expires_at = now + std::chrono::seconds(60);
  const std::string value = grants.AddCode(code, "c-");
  EXPECT_EQ(value.rfind("c-", 0), 0u);
  EXPECT_FALSE(grants.TakeCode("nope", now).has_value());
  auto taken = grants.TakeCode(value, now);
  ASSERT_TRUE(taken.has_value());
  EXPECT_TRUE(OAuthGrants::VerifierMatches(*taken, "verifier"));
  EXPECT_FALSE(OAuthGrants::VerifierMatches(*taken, "other"));
  EXPECT_FALSE(grants.TakeCode(value, now).has_value());  // single use
  // An expired code is refused.
  const std::string late = grants.AddCode(code, "c-");
  EXPECT_FALSE(grants.TakeCode(late, now + std::chrono::seconds(61)).has_value());

  auto grant = grants.AddGrant({"u1", "a b"});
  ASSERT_THAT(grant, IsOk());
  const std::string access = grants.IssueAccess(*grant, std::chrono::seconds(10), now, "at-");
  const std::string refresh = grants.IssueRefresh(*grant, "rt-");
  EXPECT_EQ(grants.AccessGrant(access, now), *grant);
  EXPECT_FALSE(grants.AccessGrant(access, now + std::chrono::seconds(10)).has_value());
  ASSERT_THAT(grants.ExpireAccess(access, now), IsOk());
  EXPECT_FALSE(grants.AccessGrant(access, now).has_value());
  EXPECT_EQ(grants.RefreshGrant(refresh), *grant);
  ASSERT_THAT(grants.RevokeByToken(refresh), IsOk());
  EXPECT_FALSE(grants.RefreshGrant(refresh).has_value());
  EXPECT_FALSE(grants.RevokeByToken("unknown").ok());
}

TEST(OAuthGrantsTest, RedirectUriAllowed) {
  EXPECT_TRUE(RedirectUriAllowed(Json::object(), "http://127.0.0.1:9/cb"));
  EXPECT_FALSE(RedirectUriAllowed(Json::object(), "ftp://x/cb"));
  const Json registered{{"redirect_uris", {"https://herald.example/cb"}}};
  EXPECT_TRUE(RedirectUriAllowed(registered, "https://herald.example/cb"));
  EXPECT_FALSE(RedirectUriAllowed(registered, "https://evil.example/cb"));
}

}  // namespace
}  // namespace herald::emulators
