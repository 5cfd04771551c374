// Mastodon wire mapping on recorded answers (tests/platforms/data/mastodon_*.json).
#include "platforms/mastodon/mastodon_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "tests/emulators/common/multipart.h"
#include "tests/platforms/support/social_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::mastodon {
namespace {

using matchers::IsOk;
using base::ErrorCode;
using testing::Fixture;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(MastodonWireTest, ParsesACredentialAccount) {
  auto a = ParseAccount(Fixture("mastodon_credential_account.json"));
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->id, "14715");
  EXPECT_EQ(a->username, "trwnh");
  EXPECT_EQ(a->acct, "trwnh");
  EXPECT_EQ(a->display_name, "infinite love \xE2\xB4\xB3");
  EXPECT_EQ(a->followers_count, 821);
  EXPECT_EQ(a->following_count, 178);
  EXPECT_EQ(a->statuses_count, 33120);
  EXPECT_THAT(ParseAccount(R"({"username":"x"})"), Not(IsOk()));
  EXPECT_THAT(ParseAccount("<html>"), Not(IsOk()));
}

TEST(MastodonWireTest, ParsesAStatus) {
  auto s = ParseStatus(Fixture("mastodon_status.json"));
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->id, "103270115826048975");
  EXPECT_EQ(s->url, "https://mastodon.social/@Gargron/103270115826048975");
  EXPECT_EQ(s->in_reply_to_id, "103270115826038975");
  EXPECT_EQ(s->replies_count, 5);
  EXPECT_EQ(s->reblogs_count, 6);
  EXPECT_EQ(s->favourites_count, 11);
  EXPECT_EQ(s->quotes_count, 2);
}

TEST(MastodonWireTest, AcceptsNumericIdsAndMissingCountersFromForks) {
  auto s = ParseStatus(Fixture("mastodon_status_numeric_id.json"));
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->id, "103270115826048975");
  EXPECT_EQ(s->url, "");
  EXPECT_EQ(s->uri, "https://fork.example/statuses/1");
  EXPECT_EQ(s->favourites_count, 1);
  EXPECT_EQ(s->replies_count, 0);
  EXPECT_FALSE(s->quotes_count.has_value());
}

TEST(MastodonWireTest, ParsesMediaWhileProcessingAndWhenReady) {
  auto processing = ParseMedia(Fixture("mastodon_media_202.json"));
  ASSERT_THAT(processing, IsOk());
  EXPECT_EQ(processing->id, "22348641");
  EXPECT_FALSE(processing->ready());
  EXPECT_EQ(processing->description, "test uploaded via api");
  auto ready = ParseMedia(Fixture("mastodon_media_200.json"));
  ASSERT_THAT(ready, IsOk());
  EXPECT_TRUE(ready->ready());
}

TEST(MastodonWireTest, ParsesErrorBodies) {
  EXPECT_EQ(ParseErrorMessage(Fixture("mastodon_error_422.json")),
            "Validation failed: Text character limit of 500 exceeded");
  EXPECT_THAT(ParseErrorMessage(Fixture("mastodon_error_oauth.json")),
              HasSubstr("invalid_grant: The provided authorization grant is invalid"));
  EXPECT_EQ(ParseErrorMessage("<html><body>502 Bad Gateway</body></html>"), "");
}

TEST(MastodonWireTest, BuildsTheStatusBody) {
  auto body = base::ParseJson(StatusRequestBody("hi", {"1", "2"}, "99"));
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ((*body)["status"], "hi");
  EXPECT_EQ((*body)["media_ids"], Json::array({"1", "2"}));
  EXPECT_EQ((*body)["in_reply_to_id"], "99");
  auto plain = base::ParseJson(StatusRequestBody("x", {}, ""));
  EXPECT_FALSE(plain->contains("media_ids"));
  EXPECT_FALSE(plain->contains("in_reply_to_id"));
}

TEST(MastodonWireTest, IdempotencyKeysAreStablePerPartAndDistinct) {
  EXPECT_EQ(PartIdempotencyKey("tgt_1", 0), PartIdempotencyKey("tgt_1", 0));
  EXPECT_NE(PartIdempotencyKey("tgt_1", 0), PartIdempotencyKey("tgt_1", 1));
  EXPECT_NE(PartIdempotencyKey("tgt_1", 0), PartIdempotencyKey("tgt_2", 0));
}

TEST(MastodonWireTest, MediaUploadIsMultipartWithFileAndDescription) {
  MediaItem item;
  item.file_name = "cat \"1\".png";
  item.mime_type = "image/png";
  item.alt_text = "a cat";
  item.data = std::string("\x89PNG\r\n\0data", 11);
  MultipartBody upload = MediaUploadBody(item);
  auto parts = emulators::ParseMultipart(upload.body, upload.content_type);
  ASSERT_THAT(parts, IsOk());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "file");
  EXPECT_EQ((*parts)[0].content_type, "image/png");
  EXPECT_EQ((*parts)[0].data, item.data);
  EXPECT_EQ((*parts)[1].name, "description");
  EXPECT_EQ((*parts)[1].data, "a cat");
  item.alt_text.clear();
  MultipartBody no_alt = MediaUploadBody(item);
  auto only_file = emulators::ParseMultipart(no_alt.body, no_alt.content_type);
  ASSERT_THAT(only_file, IsOk());
  EXPECT_EQ(only_file->size(), 1u);
}

// RetryAfter (Retry-After, then the ISO 8601 X-RateLimit-Reset) is tested with the kit:
// tests/platforms/kit/retry_after_test.cpp, PrefersRetryAfterThenTheIsoResetHeader.

TEST(MastodonWireTest, MapsStatusCodesToErrorCodes) {
  const base::Time now = base::FromUnixMicros(0);
  auto make = [](int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  };
  EXPECT_EQ(
      ErrorFromResponse(make(401, R"({"error":"The access token is invalid"})"), "x", now).code(),
      ErrorCode::kUnauthenticated);
  EXPECT_EQ(ErrorFromResponse(
                make(403, R"({"error":"This action is outside the authorized scopes"})"), "x", now)
                .code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorFromResponse(make(404, R"({"error":"Record not found"})"), "x", now).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(ErrorFromResponse(make(410, ""), "x", now).code(), ErrorCode::kNotFound);
  base::Error e422 =
      ErrorFromResponse(make(422, Fixture("mastodon_error_422.json")), "the post", now);
  EXPECT_EQ(e422.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e422.message(),
            "Mastodon refused the post (HTTP 422): Validation failed: Text character limit of "
            "500 exceeded");
  base::Error e503 = ErrorFromResponse(make(503, "<html>nginx</html>"), "the post", now);
  EXPECT_EQ(e503.code(), ErrorCode::kUnavailable);
  EXPECT_THAT(e503.message(), HasSubstr("temporary problem"));
  EXPECT_THAT(e503.message(), Not(HasSubstr("<html>")));
  HttpResponse limited = make(429, R"({"error":"Too many requests"})");
  limited.headers = {{"X-RateLimit-Reset", "1970-01-01T00:01:00Z"}};
  base::Error e429 = ErrorFromResponse(limited, "x", now);
  EXPECT_EQ(e429.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*e429.retry_after(), std::chrono::minutes(1));
}

}  // namespace
}  // namespace herald::platforms::mastodon
