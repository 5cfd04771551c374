// Meta Graph errors, URLs and container wire mapping (platforms/meta/) on recorded answers in
// tests/platforms/data/meta/.
#include "platforms/meta/graph_errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "platforms/meta/container_wire.h"
#include "platforms/meta/graph_url.h"
#include "tests/platforms/support/social_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::meta {
namespace {

using base::ErrorCode;
using matchers::IsOk;
using matchers::StatusIs;
using testing::Fixture;
using ::testing::HasSubstr;
using ::testing::Not;

HttpResponse Answer(int status, const std::string& fixture, HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = Fixture("meta/" + fixture);
  r.headers = std::move(headers);
  return r;
}

base::Error Map(const HttpResponse& r) {
  const base::Time now = base::FromUnixMicros(1'700'000'000'000'000);
  return HttpErrorMapper(GraphErrorOptions("Threads")).FromResponse(r, "publishing", now);
}

TEST(GraphErrors, ParsesTheErrorObject) {
  auto e = ParseGraphError(Fixture("meta/error_media_2207026.json"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 100);
  EXPECT_EQ(e->subcode, 2207026);
  EXPECT_EQ(e->type, "OAuthException");
  EXPECT_EQ(e->user_title, "Unsupported video format");
  EXPECT_EQ(e->fbtrace_id, "H7t6");
  EXPECT_FALSE(ParseGraphError("<html>bad gateway</html>").has_value());
  EXPECT_FALSE(ParseGraphError(R"({"error":"invalid_grant"})").has_value());
}

TEST(GraphErrors, ExpiredTokenIsUnauthenticatedNamingTheReason) {
  base::Error e = Map(Answer(400, "error_token_expired_463.json"));
  EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(e.message(), HasSubstr("Threads refused publishing (HTTP 400)"));
  EXPECT_THAT(e.message(), HasSubstr("the access token expired"));
  EXPECT_THAT(e.message(), HasSubstr("Session has expired"));
  base::Error pw = Map(Answer(400, "error_password_changed_460.json"));
  EXPECT_EQ(pw.code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(pw.message(), HasSubstr("changed their password"));
}

TEST(GraphErrors, PermissionErrorsNameThePermission) {
  base::Error e = Map(Answer(403, "error_permission_200.json"));
  EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(e.message(), HasSubstr("the permission pages_manage_posts was not granted"));
  base::Error t = Map(Answer(400, "error_permission_10.json"));
  EXPECT_EQ(t.code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(t.message(), HasSubstr("threads_content_publish"));
  EXPECT_EQ(PermissionNamed("(#10) Application does not have permission for this action"), "");
}

TEST(GraphErrors, RateLimitsWaitForTheUsageHeaderOrAnHour) {
  base::Error e = Map(Answer(
      403, "error_rate_limit_32.json",
      {{"X-Business-Use-Case-Usage",
        R"({"1234":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":30,)"
        R"("estimated_time_to_regain_access":19}]})"}}));
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(e.retry_after().has_value());
  EXPECT_EQ(*e.retry_after(), std::chrono::minutes(19));
  base::Error app = Map(Answer(403, "error_rate_limit_4.json",
                               {{"X-App-Usage", R"({"call_count":100,"total_time":25})"}}));
  EXPECT_EQ(app.code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(app.retry_after().has_value());
  EXPECT_EQ(*app.retry_after(), kDefaultThrottleWait);
  EXPECT_THAT(app.message(), HasSubstr("rate limit"));
  base::Error cap = Map(Answer(400, "error_publishing_limit_9.json"));
  EXPECT_EQ(cap.code(), ErrorCode::kResourceExhausted);
  EXPECT_THAT(cap.message(), HasSubstr("publishing limit"));
}

TEST(GraphErrors, TransientDuplicateSpamAndMedia) {
  EXPECT_EQ(Map(Answer(500, "error_transient_2.json")).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(Map(Answer(400, "error_transient_2.json")).code(), ErrorCode::kUnavailable);
  HttpResponse dup = Answer(400, "error_duplicate_506.json");
  EXPECT_TRUE(IsDuplicatePost(dup));
  EXPECT_FALSE(IsDuplicatePost(Answer(400, "error_spam_368.json")));
  EXPECT_EQ(Map(dup).code(), ErrorCode::kAlreadyExists);
  base::Error spam = Map(Answer(400, "error_spam_368.json"));
  EXPECT_EQ(spam.code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(spam.message(), HasSubstr("temporarily blocked"));
  base::Error media = Map(Answer(400, "error_media_2207026.json"));
  EXPECT_EQ(media.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(media.message(), HasSubstr("The video format is not supported"));
  // Not a Graph error: the status decides.
  HttpResponse html;
  html.status = 502;
  html.body = "<html>Bad gateway</html>";
  EXPECT_EQ(Map(html).code(), ErrorCode::kUnavailable);
}

TEST(GraphUrl, OverrideReplacesSchemeAndHostKeepingTheVersionedPath) {
  GraphUrl real("", "https://graph.threads.net", kThreadsVersion);
  EXPECT_EQ(real.Versioned("/me", {{"fields", "id,username"}}),
            "https://graph.threads.net/v1.0/me?fields=id%2Cusername");
  GraphUrl local("http://127.0.0.1:4567/", "https://graph.threads.net", kThreadsVersion);
  EXPECT_EQ(local.Versioned("/123/threads"), "http://127.0.0.1:4567/v1.0/123/threads");
  EXPECT_EQ(local.Unversioned("/oauth/access_token"), "http://127.0.0.1:4567/oauth/access_token");
  EXPECT_EQ(GraphUrl("http://h:1/some/path", "https://graph.facebook.com", kGraphVersion)
                .Versioned("/me"),
            "http://h:1/v24.0/me");
}

TEST(ContainerWire, StatusOfThreadsAndInstagram) {
  auto p = ParseContainerStatus(Fixture("meta/container_in_progress_threads.json"), "status",
                                "error_message");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->state, ContainerState::kInProgress);
  auto e = ParseContainerStatus(Fixture("meta/container_error_threads.json"), "status",
                                "error_message");
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->state, ContainerState::kError);
  EXPECT_THAT(e->reason, HasSubstr("could not be fetched"));
  auto f = ParseContainerStatus(Fixture("meta/container_finished_instagram.json"), "status_code",
                                "status");
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ(f->state, ContainerState::kFinished);
  EXPECT_THAT(ParseContainerStatus("nope", "status", ""), StatusIs(ErrorCode::kUnavailable));
  EXPECT_THAT(ParseId(R"({"id":"42"})"), IsOk());
  EXPECT_THAT(ParseId(R"({"success":true})"), StatusIs(ErrorCode::kUnavailable));
}

TEST(ContainerWire, PublishingLimitAndRecentMedia) {
  auto limit = ParsePublishingLimit(Fixture("meta/publishing_limit.json"));
  ASSERT_THAT(limit, IsOk());
  EXPECT_EQ(limit->usage, 4);
  EXPECT_EQ(limit->total, 250);
  EXPECT_EQ(limit->duration_seconds, 86400);
  EXPECT_FALSE(limit->spent());
  auto recent = ParseRecentMedia(Fixture("meta/recent_threads.json"), "text");
  ASSERT_THAT(recent, IsOk());
  ASSERT_EQ(recent->size(), 3u);
  EXPECT_EQ((*recent)[0].reply_to, "18050000000000002");
  ASSERT_TRUE((*recent)[1].timestamp.has_value());
  EXPECT_EQ(base::FormatRfc3339(*(*recent)[1].timestamp), "2026-12-07T10:04:00Z");
  auto since = base::ParseRfc3339("2026-12-07T09:00:00Z");
  ASSERT_THAT(since, IsOk());
  const RecentMedia* hello = FindRecent(*recent, " Hello Threads\n", "", *since);
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->id, "18050000000000002");  // not last week's post of the same text
  EXPECT_EQ(FindRecent(*recent, "Second part", "999", std::nullopt), nullptr);
  EXPECT_NE(FindRecent(*recent, "Second part", "18050000000000002", std::nullopt), nullptr);
}

}  // namespace
}  // namespace herald::platforms::meta
