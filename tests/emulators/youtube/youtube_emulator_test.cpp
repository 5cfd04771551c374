// The YouTube emulator's contract over raw HTTP: Google OAuth (offline access, refresh tokens
// that do not rotate, invalid_grant), the resumable upload (308 and Range, 256 KiB chunks, the
// status query, the file check, expired sessions), the daily quota and its Pacific reset,
// error bodies, and the process mode.
#include "tests/emulators/youtube/youtube_emulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "base/time.h"
#include "platforms/http/form_urlencoded.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"
#include "tests/emulators/common/emulator_server.h"
#include "tests/support/result_matchers.h"

namespace herald::emulators {
namespace {

using ::herald::matchers::IsOk;

using ::testing::HasSubstr;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kQuantum = 256 * 1024;

// An "MP4": an ftyp box, then filler.
std::string Mp4(size_t size) {
  std::string bytes("\0\0\0\x18" "ftypmp42\0\0\0\0mp42isom", 24);
  for (size_t i = bytes.size(); i < size; ++i) bytes.push_back(static_cast<char>('a' + i % 26));
  bytes.resize(size);
  return bytes;
}

class YouTubeEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.clock = &clock_;
    server_ = EmulatorServer::Make<YouTubeEmulator>(options);
    ASSERT_THAT(server_->Start(), IsOk());
    client_ = std::make_unique<EmulatorClient>(server_->base_url());
    // A token that outlives the clock moves of these tests (the seed one lasts an hour).
    auto made = server_->network().CreateToken(Json{{"expires_in", 400 * 86400}});
    ASSERT_THAT(made, IsOk());
    token_ = (*made)["access_token"];
  }

  Headers Bearer(std::string token = {}) {
    return {{"Authorization", "Bearer " + (token.empty() ? token_ : token)}};
  }

  RawResponse Send(const std::string& method, const std::string& path) {
    return Send(method, path, Bearer());
  }
  RawResponse Send(const std::string& method, const std::string& path, Headers h,
                   const std::string& body = "") {
    auto r = client_->Send(method, path, std::move(h), body);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RawResponse{};
  }

  // Starts a session for `total` bytes; its path and query.
  std::string Start(int64_t total, const std::string& title = "A title") {
    Headers h = Bearer();
    h.emplace_back("Content-Type", "application/json; charset=UTF-8");
    h.emplace_back("X-Upload-Content-Length", std::to_string(total));
    h.emplace_back("X-Upload-Content-Type", "video/mp4");
    RawResponse r = Send("POST", "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
                         h,
                         base::DumpJson(Json{{"snippet", {{"title", title}, {"description", "d"}}},
                                             {"status", {{"privacyStatus", "unlisted"}}}}));
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string location = r.Header("Location");
    EXPECT_EQ(location.rfind(server_->base_url(), 0), 0u) << location;
    return location.substr(server_->base_url().size());
  }

  RawResponse Chunk(const std::string& session, const std::string& bytes, int64_t first,
                    int64_t total) {
    return Send("PUT", session,
                {{"Content-Type", "video/mp4"},
                 {"Content-Range", "bytes " + std::to_string(first) + "-" +
                                       std::to_string(first + bytes.size() - 1) + "/" +
                                       std::to_string(total)}},
                bytes);
  }

  RawResponse Status(const std::string& session, int64_t total) {
    return Send("PUT", session, {{"Content-Range", "bytes */" + std::to_string(total)}});
  }

  base::FakeClock clock_;
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<EmulatorClient> client_;
  std::string token_;
};

TEST_F(YouTubeEmulatorTest, OfflineConsentGivesARefreshTokenThatDoesNotRotate) {
  const std::string redirect = "http://127.0.0.1:9/oauth/callback/youtube";
  RawResponse r = Send(
      "GET",
      "/o/oauth2/v2/auth?response_type=code&client_id=" +
          platforms::http::PercentEncode(YouTubeEmulator::kClientId) + "&redirect_uri=" +
          platforms::http::PercentEncode(redirect) +
          "&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fyoutube.upload&state=s1"
          "&access_type=offline&prompt=consent",
      {});
  ASSERT_EQ(r.status, 302) << r.body;
  auto q = platforms::http::ParseFormUrlEncoded(r.Header("Location").substr(redirect.size() + 1));
  EXPECT_EQ(platforms::http::FormValue(q, "state"), "s1");
  const std::string code = platforms::http::FormValue(q, "code");
  ASSERT_FALSE(code.empty());
  Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  const std::string client = std::string("&client_id=") +
                             platforms::http::PercentEncode(YouTubeEmulator::kClientId) +
                             "&client_secret=" + YouTubeEmulator::kClientSecret;
  r = Send("POST", "/token", form,
           "grant_type=authorization_code&code=" + platforms::http::PercentEncode(code) +
               "&redirect_uri=" + platforms::http::PercentEncode(redirect) + client);
  ASSERT_EQ(r.status, 200) << r.body;
  Json tokens = r.JsonBody();
  EXPECT_EQ(tokens["expires_in"], 3599);
  EXPECT_EQ(tokens["token_type"], "Bearer");
  const std::string refresh = tokens["refresh_token"];
  // The code is spent.
  r = Send("POST", "/token", form,
           "grant_type=authorization_code&code=" + platforms::http::PercentEncode(code) +
               "&redirect_uri=" + platforms::http::PercentEncode(redirect) + client);
  EXPECT_EQ(r.JsonBody()["error"], "invalid_grant");
  // Refreshing twice with the same token works (no rotation) and brings no new refresh token.
  for (int i = 0; i < 2; ++i) {
    r = Send("POST", "/token", form,
             "grant_type=refresh_token&refresh_token=" + platforms::http::PercentEncode(refresh) +
                 client);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.JsonBody().contains("refresh_token"));
  }
  ASSERT_THAT(server_->network().RevokeToken(refresh), IsOk());
  r = Send("POST", "/token", form,
           "grant_type=refresh_token&refresh_token=" + platforms::http::PercentEncode(refresh) +
               client);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.JsonBody()["error"], "invalid_grant");
  EXPECT_EQ(r.JsonBody()["error_description"], "Token has been expired or revoked.");
}

TEST_F(YouTubeEmulatorTest, ResumableUploadInChunksWith308AndRange) {
  const int64_t total = 2 * kQuantum + 1000;
  const std::string file = Mp4(static_cast<size_t>(total));
  const std::string session = Start(total);
  // Nothing yet: 308 without Range.
  RawResponse r = Status(session, total);
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(r.Header("Range"), "");
  // A chunk that is not a multiple of 256 KiB (and not the last) is refused.
  r = Chunk(session, file.substr(0, 1000), 0, total);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("262144"));
  r = Chunk(session, file.substr(0, kQuantum), 0, total);
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(r.Header("Range"), "bytes=0-262143");
  // A chunk past what the session holds is refused.
  r = Chunk(session, file.substr(2 * kQuantum), 2 * kQuantum, total);
  EXPECT_EQ(r.status, 400);
  r = Chunk(session, file.substr(kQuantum, kQuantum), kQuantum, total);
  EXPECT_EQ(r.Header("Range"), "bytes=0-524287");
  r = Chunk(session, file.substr(2 * kQuantum), 2 * kQuantum, total);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = r.JsonBody()["id"];
  EXPECT_EQ(r.JsonBody()["snippet"]["title"], "A title");
  EXPECT_EQ(r.JsonBody()["status"]["privacyStatus"], "unlisted");
  auto posts = server_->context().posts().List();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].id, id);
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(file));
  // Asking again after it is complete: the same video, never a second one.
  r = Status(session, total);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.JsonBody()["id"], id);
  EXPECT_EQ(server_->context().posts().List().size(), 1u);
  // It is listed, newest first, in the uploads playlist.
  r = Send("GET", std::string("/youtube/v3/playlistItems?part=snippet,contentDetails&playlistId=") +
                      YouTubeEmulator::kUploadsPlaylist + "&maxResults=5");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.JsonBody()["items"][0]["contentDetails"]["videoId"], id);
}

TEST_F(YouTubeEmulatorTest, APartialChunkThenDropResumesFromWhatWasKept) {
  const int64_t total = 2 * kQuantum;
  const std::string file = Mp4(static_cast<size_t>(total));
  const std::string session = Start(total);
  ASSERT_THAT(server_->network().Control("partial_next_chunk", Json{{"bytes", 1000}}), IsOk());
  auto dropped = client_->Send("PUT", session,
                               {{"Content-Range", "bytes 0-" + std::to_string(kQuantum - 1) + "/" +
                                                      std::to_string(total)}},
                               file.substr(0, kQuantum));
  EXPECT_FALSE(dropped.ok());
  RawResponse r = Status(session, total);
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(r.Header("Range"), "bytes=0-999");
  // The rest in one last chunk from byte 1000.
  r = Chunk(session, file.substr(1000), 1000, total);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(server_->context().posts().List()[0].media[0].sha256, base::Sha256Hex(file));
}

TEST_F(YouTubeEmulatorTest, RefusesAFileThatIsNotAVideoAndExpiredSessions) {
  const std::string session = Start(100);
  RawResponse r = Chunk(session, std::string(100, 'x'), 0, 100);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("invalidFile"));
  EXPECT_TRUE(server_->context().posts().List().empty());

  const std::string old = Start(100);
  clock_.Advance(std::chrono::hours(24 * 8));
  r = Status(old, 100);
  EXPECT_EQ(r.status, 410);
  const std::string fresh = Start(100);
  ASSERT_THAT(server_->network().Control("expire_sessions", Json::object()), IsOk());
  EXPECT_EQ(Status(fresh, 100).status, 410);
  EXPECT_EQ(Status("/upload/youtube/v3/videos?uploadType=resumable&upload_id=nope", 100).status,
            404);
}

TEST_F(YouTubeEmulatorTest, RefusesBadMetadata) {
  Headers h = Bearer();
  h.emplace_back("X-Upload-Content-Length", "100");
  auto start = [&](const Json& body) {
    return Send("POST", "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status", h,
                base::DumpJson(body));
  };
  RawResponse r = start(Json{{"snippet", {{"title", std::string(101, 't')}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("invalidTitle"));
  r = start(Json{{"snippet", {{"title", "a <b>"}}}});
  EXPECT_THAT(r.body, HasSubstr("invalidTitle"));
  r = start(Json{{"snippet", {{"title", "ok"}}},
                 {"status", {{"privacyStatus", "public"}, {"publishAt", "2026-02-01T00:00:00Z"}}}});
  EXPECT_THAT(r.body, HasSubstr("invalidPublishAt"));
}

TEST_F(YouTubeEmulatorTest, QuotaIsSpentByUploadsAndResetsAtPacificMidnight) {
  // 2026-03-07T20:00:00Z is 12:00 PST on the day before the switch to daylight saving time.
  clock_.Set(base::ParseRfc3339("2026-03-07T20:00:00Z").value());
  server_->context().MergeConfig(Json{{"daily_quota", 3300}});
  Start(100);
  Start(100);
  Headers h = Bearer();
  h.emplace_back("X-Upload-Content-Length", "100");
  RawResponse r = Send("POST", "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
                       h, base::DumpJson(Json{{"snippet", {{"title", "third"}}}}));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.JsonBody()["error"]["errors"][0]["reason"], "quotaExceeded");
  EXPECT_EQ(r.JsonBody()["error"]["errors"][0]["domain"], "youtube.quota");
  EXPECT_EQ(server_->network().Info()["quota"]["resets_at"], "2026-03-08T08:00:00Z");
  // Lists still fit (100 units left).
  EXPECT_EQ(Send("GET", "/youtube/v3/channels?part=snippet&mine=true").status, 200);
  // Midnight in Los Angeles (08:00Z, still standard time): a new day.
  clock_.Set(base::ParseRfc3339("2026-03-08T08:00:01Z").value());
  EXPECT_EQ(Send("POST", "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status", h,
                 base::DumpJson(Json{{"snippet", {{"title", "next day"}}}}))
                .status,
            200);
  // The next reset comes 23 hours later: the clocks sprang forward in between.
  EXPECT_EQ(server_->network().Info()["quota"]["resets_at"], "2026-03-09T07:00:00Z");
}

TEST_F(YouTubeEmulatorTest, ErrorsInGooglesShape) {
  RawResponse r = Send("GET", "/youtube/v3/channels?part=snippet&mine=true", Bearer("nope"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.JsonBody()["error"]["errors"][0]["reason"], "authError");
  auto token = server_->network().CreateToken(
      Json{{"scope", "https://www.googleapis.com/auth/youtube.upload"}});
  ASSERT_THAT(token, IsOk());
  r = Send("DELETE", "/youtube/v3/videos?id=yt000000001", Bearer((*token)["access_token"]));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.JsonBody()["error"]["errors"][0]["reason"], "insufficientPermissions");
  r = Send("DELETE", "/youtube/v3/videos?id=yt000000001");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.JsonBody()["error"]["errors"][0]["reason"], "videoNotFound");
  Fault f;
  f.kind = FaultKind::kRateLimit;
  ASSERT_THAT(server_->context().faults().Add(f), IsOk());
  r = Send("GET", "/youtube/v3/channels?part=snippet&mine=true");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.JsonBody()["error"]["errors"][0]["reason"], "rateLimitExceeded");
}

TEST(YouTubeEmulatorProcessTest, ServesFromHeraldEmulator) {
  auto process = EmulatorProcess::Start(EmulatorProcess::DefaultBinary(), "youtube");
  ASSERT_THAT(process, IsOk());
  EmulatorClient client((*process)->base_url());
  auto r = client.Send("GET", "/youtube/v3/channels?part=snippet&mine=true",
                       {{"Authorization", std::string("Bearer ") + YouTubeEmulator::kSeedToken}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->JsonBody()["items"][0]["id"], YouTubeEmulator::kChannelId);
}

}  // namespace
}  // namespace herald::emulators
