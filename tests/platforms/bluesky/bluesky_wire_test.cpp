// Bluesky wire mapping on recorded answers (tests/platforms/data/bluesky_*.json).
#include "platforms/bluesky/bluesky_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "base/time.h"
#include "tests/platforms/support/social_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::bluesky {
namespace {

using matchers::IsOk;
using ::testing::Not;
using base::ErrorCode;
using testing::Fixture;
using ::testing::HasSubstr;

TEST(BlueskyWireTest, ParsesASession) {
  auto s = ParseSession(Fixture("bluesky_create_session.json"));
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->did, "did:plc:z72i7hdynmk6r22z27h6tvur");
  EXPECT_EQ(s->handle, "bsky.app");
  EXPECT_FALSE(s->access_jwt.empty());
  EXPECT_FALSE(s->refresh_jwt.empty());
  EXPECT_THAT(ParseSession(R"({"did":"did:plc:x"})"), Not(IsOk()));
}

TEST(BlueskyWireTest, ReadsJwtExpiryWithoutVerifying) {
  auto s = ParseSession(Fixture("bluesky_create_session.json"));
  auto exp = JwtExpiry(s->access_jwt);
  ASSERT_TRUE(exp.has_value());
  EXPECT_EQ(base::FormatRfc3339(*exp), "2024-01-01T02:00:00Z");
  EXPECT_EQ(base::FormatRfc3339(*JwtExpiry(s->refresh_jwt)), "2024-03-31T00:00:00Z");
  EXPECT_FALSE(JwtExpiry("not.a-jwt").has_value());
  EXPECT_FALSE(JwtExpiry("").has_value());
}

TEST(BlueskyWireTest, ParsesErrorsBlobsRecordsPostsAndProfiles) {
  XrpcError e = ParseXrpcError(Fixture("bluesky_error_expired.json"));
  EXPECT_EQ(e.error, "ExpiredToken");
  EXPECT_EQ(e.message, "Token has expired");
  EXPECT_EQ(ParseXrpcError("<html>").error, "");

  auto blob = ParseBlob(Fixture("bluesky_upload_blob.json"));
  ASSERT_THAT(blob, IsOk());
  EXPECT_EQ((*blob)["$type"], "blob");
  EXPECT_EQ((*blob)["ref"]["$link"], "bafkreibabalobzn6cd366ukcsjycp4yymjymgfxcv6xczmlgpemzkz3cfa");
  EXPECT_EQ((*blob)["size"], 760898);

  auto ref = ParseStrongRef(Fixture("bluesky_create_record.json"));
  ASSERT_THAT(ref, IsOk());
  EXPECT_EQ(ref->uri, "at://did:plc:u5cwb2mwiv2bfq53cjufe6yn/app.bsky.feed.post/3k4duaz5vfs2b");
  EXPECT_EQ(RkeyOf(ref->uri), "3k4duaz5vfs2b");
  EXPECT_EQ(RkeyOf("https://x"), "");

  auto counts = ParsePostCounts(Fixture("bluesky_get_posts.json"), ref->uri);
  ASSERT_THAT(counts, IsOk());
  ASSERT_TRUE(counts->has_value());
  EXPECT_EQ((*counts)->likes, 128);
  EXPECT_EQ((*counts)->reposts, 35);
  EXPECT_EQ((*counts)->replies, 22);
  EXPECT_EQ((*counts)->quotes, 4);
  auto missing = ParsePostCounts(Fixture("bluesky_get_posts.json"), "at://other");
  ASSERT_THAT(missing, IsOk());
  EXPECT_FALSE(missing->has_value());

  auto profile = ParseProfile(Fixture("bluesky_get_profile.json"));
  ASSERT_THAT(profile, IsOk());
  EXPECT_EQ(profile->followers, 25021431);
  EXPECT_EQ(profile->follows, 6);
  EXPECT_EQ(profile->posts, 640);
  EXPECT_EQ(profile->display_name, "Bluesky");
}

TEST(BlueskyWireTest, RecordKeysAreStableValidTidsInThePast) {
  std::set<std::string> keys;
  for (size_t i = 0; i < 50; ++i) {
    const std::string k = RecordKeyFor("tgt_01JD3Q8Z6X", i);
    EXPECT_TRUE(IsValidTid(k)) << k;
    EXPECT_EQ(k, RecordKeyFor("tgt_01JD3Q8Z6X", i));
    keys.insert(k);
  }
  EXPECT_EQ(keys.size(), 50u);
  EXPECT_NE(RecordKeyFor("a", 0), RecordKeyFor("b", 0));
  // The first character of a TID of a 2023-2025 timestamp is '3'.
  EXPECT_EQ(RecordKeyFor("x", 0)[0], '3');
  EXPECT_TRUE(IsValidTid("3k4duaz5vfs2b"));
  EXPECT_FALSE(IsValidTid("3k4duaz5vfs2"));   // 12 characters
  EXPECT_FALSE(IsValidTid("kk4duaz5vfs2b"));  // first character out of range
  EXPECT_FALSE(IsValidTid("3k4duaz5vfs21"));  // '1' is not base32-sortable
  EXPECT_FALSE(IsValidTid("3K4DUAZ5VFS2B"));
}

TEST(BlueskyWireTest, BuildsPostRecordsWithFacetsEmbedsAndReplies) {
  const std::string text = "caf\xC3\xA9 @bob.test https://a.co #tag";
  ResolvedHandles resolved{{"bob.test", "did:plc:bob"}};
  Json facets = FacetsJson(text, resolved);
  ASSERT_EQ(facets.size(), 3u);
  EXPECT_EQ(facets[0]["index"]["byteStart"], 6);  // "café " is 6 bytes
  EXPECT_EQ(facets[0]["index"]["byteEnd"], 15);
  EXPECT_EQ(facets[0]["features"][0]["did"], "did:plc:bob");
  EXPECT_EQ(facets[1]["features"][0]["$type"], "app.bsky.richtext.facet#link");
  EXPECT_EQ(facets[2]["features"][0]["tag"], "tag");
  EXPECT_EQ(FacetsJson(text, {}).size(), 2u);  // an unresolved mention is plain text

  Json blob{
      {"$type", "blob"}, {"ref", {{"$link", "bafk"}}}, {"mimeType", "image/png"}, {"size", 3}};
  Json record = PostRecord(text, facets, {{blob, "alt"}},
                           std::make_pair(StrongRef{"at://r", "c1"}, StrongRef{"at://p", "c2"}),
                           "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(record["$type"], "app.bsky.feed.post");
  EXPECT_EQ(record["createdAt"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(record["embed"]["$type"], "app.bsky.embed.images");
  EXPECT_EQ(record["embed"]["images"][0]["alt"], "alt");
  EXPECT_EQ(record["reply"]["root"]["uri"], "at://r");
  EXPECT_EQ(record["reply"]["parent"]["cid"], "c2");
  Json plain = PostRecord("hi", Json::array(), {}, std::nullopt, "2026-01-01T00:00:00.000Z");
  EXPECT_FALSE(plain.contains("facets"));
  EXPECT_FALSE(plain.contains("embed"));
  EXPECT_FALSE(plain.contains("reply"));
  Json body = CreateRecordBody("did:plc:a", "3k4duaz5vfs2b", plain);
  EXPECT_EQ(body["collection"], "app.bsky.feed.post");
  EXPECT_EQ(body["rkey"], "3k4duaz5vfs2b");
  EXPECT_EQ(body["repo"], "did:plc:a");
}

TEST(BlueskyWireTest, FormatsDatetimesWithMilliseconds) {
  EXPECT_EQ(FormatDatetime(*base::ParseRfc3339("2026-03-29T07:00:00.123456Z")),
            "2026-03-29T07:00:00.123Z");
  EXPECT_EQ(FormatDatetime(base::FromUnixMicros(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(PublicPostUrl("alice.test", "3k4duaz5vfs2b"),
            "https://bsky.app/profile/alice.test/post/3k4duaz5vfs2b");
}

TEST(BlueskyWireTest, MapsErrors) {
  const base::Time now = base::FromUnixMicros(1'700'000'000'000'000);
  auto make = [](int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  };
  EXPECT_EQ(ErrorFromResponse(make(400, Fixture("bluesky_error_expired.json")), "x", now).code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(
      ErrorFromResponse(
          make(401,
               R"({"error":"AuthenticationRequired","message":"Invalid identifier or password"})"),
          "x", now)
          .code(),
      ErrorCode::kUnauthenticated);
  EXPECT_EQ(
      ErrorFromResponse(
          make(400, R"({"error":"RecordNotFound","message":"Could not locate record"})"), "x", now)
          .code(),
      ErrorCode::kNotFound);
  base::Error invalid = ErrorFromResponse(
      make(
          400,
          R"({"error":"InvalidRequest","message":"Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"})"),
      "the post", now);
  EXPECT_EQ(invalid.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(invalid.message(),
            "Bluesky refused the post (HTTP 400): InvalidRequest: Invalid app.bsky.feed.post "
            "record: Record/text must not be longer than 300 graphemes");
  EXPECT_EQ(ErrorFromResponse(make(500, Fixture("bluesky_error_internal.json")), "x", now).code(),
            ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorFromResponse(make(403, R"({"error":"AccountTakedown"})"), "x", now).code(),
            ErrorCode::kPermissionDenied);
  HttpResponse limited =
      make(429, R"({"error":"RateLimitExceeded","message":"Rate Limit Exceeded"})");
  limited.headers = {{"RateLimit-Reset", "1700000090"}, {"RateLimit-Policy", "3000;w=300"}};
  EXPECT_EQ(*ErrorFromResponse(limited, "x", now).retry_after(), std::chrono::seconds(90));
  limited.headers.emplace_back("Retry-After", "12");
  EXPECT_EQ(*ErrorFromResponse(limited, "x", now).retry_after(), std::chrono::seconds(12));
}

}  // namespace
}  // namespace herald::platforms::bluesky
