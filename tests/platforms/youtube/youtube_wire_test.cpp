// YouTube wire mapping (platforms/youtube/youtube_wire.h) on recorded answers in
// tests/platforms/data/youtube/: scopes, metadata from text and platform_options, the resumable
// upload's headers, the answers herald reads, Google's error bodies, and the Pacific quota day.
#include "platforms/youtube/youtube_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/schema_validator.h"
#include "base/time.h"
#include "platforms/kit/http_error_mapper.h"
#include "tests/platforms/support/social_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::youtube {
namespace {

using base::ErrorCode;
using matchers::IsOk;
using matchers::StatusIs;
using testing::Fixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

HttpResponse Answer(int status, const std::string& fixture) {
  HttpResponse r;
  r.status = status;
  r.body = Fixture("youtube/" + fixture);
  return r;
}

base::Time At(const char* rfc3339) { return base::ParseRfc3339(rfc3339).value(); }

MediaItem Video(int width, int height, int64_t duration_ms) {
  MediaItem m;
  m.file_name = "launch.mp4";
  m.mime_type = "video/mp4";
  m.probe.kind = "video";
  m.probe.width = width;
  m.probe.height = height;
  m.probe.duration_ms = duration_ms;
  return m;
}

TEST(YouTubeWire, Scopes) {
  EXPECT_THAT(YouTubeScopes(), ElementsAre("https://www.googleapis.com/auth/youtube.upload",
                                           "https://www.googleapis.com/auth/youtube.readonly",
                                           "https://www.googleapis.com/auth/youtube"));
  EXPECT_THAT(MissingScopes("https://www.googleapis.com/auth/youtube.upload "
                            "https://www.googleapis.com/auth/youtube.readonly"),
              ElementsAre("https://www.googleapis.com/auth/youtube"));
  // The full scope covers the other two.
  EXPECT_THAT(MissingScopes("https://www.googleapis.com/auth/youtube"), IsEmpty());
  EXPECT_EQ(MissingScopes("").size(), 3u);
}

TEST(YouTubeWire, QuotaResetsAtPacificMidnightAcrossDaylightSavingTime) {
  // Winter (PST, UTC-8).
  EXPECT_EQ(NextQuotaReset(At("2026-01-15T12:00:00Z")), At("2026-01-16T08:00:00Z"));
  // Just before and at midnight.
  EXPECT_EQ(NextQuotaReset(At("2026-01-16T07:59:59Z")), At("2026-01-16T08:00:00Z"));
  EXPECT_EQ(NextQuotaReset(At("2026-01-16T08:00:00Z")), At("2026-01-17T08:00:00Z"));
  // The night the clocks spring forward (2026-03-08 02:00 PST -> 03:00 PDT): the day after
  // starts at 07:00Z.
  EXPECT_EQ(NextQuotaReset(At("2026-03-08T12:00:00Z")), At("2026-03-09T07:00:00Z"));
  // Summer (PDT, UTC-7), and back to standard time on 2026-11-01.
  EXPECT_EQ(NextQuotaReset(At("2026-07-04T06:59:00Z")), At("2026-07-04T07:00:00Z"));
  EXPECT_EQ(NextQuotaReset(At("2026-11-01T12:00:00Z")), At("2026-11-02T08:00:00Z"));
}

TEST(YouTubeWire, OptionsSchemaRefusesWhatYouTubeDoesNot) {
  auto validator = base::SchemaValidator::Compile(OptionsSchema());
  ASSERT_THAT(validator, IsOk());
  EXPECT_TRUE(validator->IsValid(Json{{"privacy_status", "unlisted"}, {"tags", {"a"}}}));
  EXPECT_FALSE(validator->IsValid(Json{{"privacy_status", "friends"}}));
  EXPECT_FALSE(validator->IsValid(Json{{"colour", "red"}}));
  EXPECT_FALSE(validator->IsValid(Json{{"category_id", "people"}}));
  EXPECT_FALSE(validator->IsValid(Json{{"made_for_kids", "no"}}));
}

TEST(YouTubeWire, MetadataFromTextAndOptions) {
  const MediaItem video = Video(1920, 1080, 60'000);
  VideoMetadata m = ComposeMetadata("\n  Launch day  \nWe shipped.", Json::object(), &video);
  EXPECT_EQ(m.title, "Launch day");
  EXPECT_EQ(m.description, "\n  Launch day  \nWe shipped.");
  EXPECT_EQ(m.privacy_status, "public");
  EXPECT_FALSE(m.made_for_kids);
  // A long first line is cut to 100 characters, ending with an ellipsis.
  m = ComposeMetadata(std::string(150, 'x'), Json::object(), &video);
  EXPECT_EQ(m.title, std::string(99, 'x') + "\xE2\x80\xA6");
  // No text: the file name.
  EXPECT_EQ(ComposeMetadata("", Json::object(), &video).title, "launch");
  m = ComposeMetadata("text", Json{{"title", "Mine"}, {"privacy_status", "private"},
                                   {"tags", {"a", "b c"}}, {"category_id", "22"},
                                   {"made_for_kids", true},
                                   {"publish_at", "2026-02-01T10:00:00Z"}},
                      &video);
  EXPECT_EQ(InsertBody(m),
            R"({"snippet":{"categoryId":"22","description":"text","tags":["a","b c"],)"
            R"("title":"Mine"},"status":{"privacyStatus":"private","publishAt":)"
            R"("2026-02-01T10:00:00Z","selfDeclaredMadeForKids":true}})");
}

TEST(YouTubeWire, CheckMetadataNamesTheField) {
  const MediaItem video = Video(1920, 1080, 60'000);
  EXPECT_THAT(CheckMetadata("fine", Json{{"title", std::string(100, 't')}}, &video), IsEmpty());
  auto v = CheckMetadata("fine", Json{{"title", std::string(101, 't')}}, &video);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "platform_options.youtube.title");
  EXPECT_THAT(v[0].message, HasSubstr("101 characters, 1 over YouTube's limit of 100"));
  v = CheckMetadata("fine", Json{{"title", "a <b>"}}, &video);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_THAT(v[0].message, HasSubstr("'<' or '>'"));
  v = CheckMetadata("I <3 it", Json::object(), &video);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "text");
  v = CheckMetadata("fine", Json{{"publish_at", "2026-02-01T10:00:00Z"}}, &video);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "platform_options.youtube.publish_at");
  EXPECT_THAT(v[0].message, HasSubstr("privacy_status \"private\""));
  v = CheckMetadata("fine", Json{{"publish_at", "tomorrow"}, {"privacy_status", "private"}},
                    &video);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_THAT(v[0].message, HasSubstr("RFC 3339"));
  std::vector<std::string> tags(60, "abcdefghi");  // 60 * 9 + 59 commas = 599
  v = CheckMetadata("fine", Json{{"tags", tags}}, &video);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_THAT(v[0].message, HasSubstr("599 characters"));
  // No title anywhere.
  v = CheckMetadata("", Json::object(), nullptr);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_THAT(v[0].message, HasSubstr("YouTube needs a title"));
}

TEST(YouTubeWire, ShortsAndLinks) {
  EXPECT_TRUE(IsShort(Video(1080, 1920, 45'000)));
  EXPECT_TRUE(IsShort(Video(1080, 1080, 180'000)));
  EXPECT_FALSE(IsShort(Video(1080, 1920, 181'000)));
  EXPECT_FALSE(IsShort(Video(1920, 1080, 30'000)));
  EXPECT_EQ(VideoUrl("abc", false), "https://www.youtube.com/watch?v=abc");
  EXPECT_EQ(VideoUrl("abc", true), "https://www.youtube.com/shorts/abc");
}

TEST(YouTubeWire, ResumableHeaders) {
  EXPECT_EQ(ContentRange(0, 262143, 1000000), "bytes 0-262143/1000000");
  EXPECT_EQ(StatusRange(1000000), "bytes */1000000");
  EXPECT_THAT(ConfirmedBytes(""), IsOk());
  EXPECT_EQ(*ConfirmedBytes(""), 0);
  EXPECT_EQ(*ConfirmedBytes("bytes=0-262143"), 262144);
  EXPECT_THAT(ConfirmedBytes("bytes=5-9"), StatusIs(ErrorCode::kUnavailable));
  EXPECT_THAT(ConfirmedBytes("bytes=0-x"), StatusIs(ErrorCode::kUnavailable));
}

TEST(YouTubeWire, Channels) {
  auto c = ParseChannels(Fixture("youtube/channels_mine.json"));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->id, "UCheraldtester000000000a");
  EXPECT_EQ(c->title, "Herald Tester");
  EXPECT_EQ(c->custom_url, "@heraldtester");
  EXPECT_EQ(c->uploads_playlist, "UUheraldtester000000000a");
  EXPECT_EQ(ChannelMetrics(*c), (Json{{"followers", 1500}, {"views", 42000}, {"posts", 12}}));
  c->hidden_subscribers = true;
  EXPECT_FALSE(ChannelMetrics(*c).contains("followers"));
  EXPECT_THAT(ParseChannels(Fixture("youtube/channels_none.json")),
              StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(ParseChannels("<html>"), StatusIs(ErrorCode::kUnavailable));
}

TEST(YouTubeWire, Videos) {
  auto v = ParseUploadedVideo(Fixture("youtube/video_uploaded.json"));
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->id, "yt000000001");
  EXPECT_EQ(v->title, "Launch day");
  EXPECT_EQ(v->upload_status, "uploaded");
  EXPECT_EQ(v->privacy_status, "unlisted");
  EXPECT_THAT(ParseUploadedVideo("{}"), StatusIs(ErrorCode::kUnknown));

  auto listed = ParseVideoList(Fixture("youtube/videos_statistics.json"), "yt000000001");
  ASSERT_THAT(listed, IsOk());
  ASSERT_TRUE(listed->has_value());
  EXPECT_EQ(VideoMetrics(**listed), (Json{{"views", 1200}, {"likes", 85}, {"replies", 9},
                                          {"comments", 9}, {"favorites", 0}}));
  auto gone = ParseVideoList(Fixture("youtube/videos_empty.json"), "yt000000001");
  ASSERT_THAT(gone, IsOk());
  EXPECT_FALSE(gone->has_value());
}

TEST(YouTubeWire, PlaylistItems) {
  auto items = ParsePlaylistItems(Fixture("youtube/playlist_items.json"));
  ASSERT_THAT(items, IsOk());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].video_id, "yt000000002");
  EXPECT_EQ((*items)[1].title, "Launch day");
  ASSERT_TRUE((*items)[1].published_at.has_value());
  EXPECT_EQ(*(*items)[1].published_at, At("2026-01-01T09:00:00Z"));
  EXPECT_EQ(ParseNextPageToken(Fixture("youtube/playlist_items.json")), "EAAaBlBUOkNBVQ");
  EXPECT_EQ(ParseNextPageToken(Fixture("youtube/videos_empty.json")), "");
}

TEST(YouTubeWire, ErrorsInGooglesShape) {
  HttpErrorMapper mapper(ErrorOptions());
  const base::Time now = At("2026-01-01T00:00:00Z");
  HttpResponse quota = Answer(403, "error_quota_403.json");
  EXPECT_EQ(ErrorReason(quota), "quotaExceeded");
  EXPECT_TRUE(IsDailyQuota("quotaExceeded"));
  base::Error e = mapper.FromResponse(quota, "uploading", now);
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  EXPECT_THAT(e.message(), HasSubstr("exceeded your quota."));  // the link's tags are gone
  EXPECT_THAT(e.message(), Not(HasSubstr("<a")));

  HttpResponse cap = Answer(400, "error_upload_limit_400.json");
  EXPECT_TRUE(IsDailyQuota(ErrorReason(cap)));
  EXPECT_EQ(mapper.FromResponse(cap, "uploading", now).code(), ErrorCode::kResourceExhausted);

  HttpResponse rate = Answer(403, "error_rate_limit_403.json");
  EXPECT_FALSE(IsDailyQuota(ErrorReason(rate)));
  EXPECT_EQ(mapper.FromResponse(rate, "uploading", now).code(), ErrorCode::kResourceExhausted);

  EXPECT_EQ(mapper.FromResponse(Answer(401, "error_auth_401.json"), "x", now).code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(mapper.FromResponse(Answer(403, "error_scopes_403.json"), "x", now).code(),
            ErrorCode::kPermissionDenied);
  e = mapper.FromResponse(Answer(400, "error_invalid_title_400.json"), "uploading", now);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(e.message(), HasSubstr("invalid or empty video title"));
  EXPECT_EQ(ErrorReason(Answer(400, "token_invalid_grant_400.json")), "invalid_grant");
}

}  // namespace
}  // namespace herald::platforms::youtube
