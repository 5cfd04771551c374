// YouTubePlatform against the in-process YouTube emulator over real loopback HTTP (the
// production HttpsClient): connect (offline consent, scopes, the channel), the resumable upload
// in chunks with progress, resuming in the same session after a dropped or failed chunk, after
// a "crash" (a new adapter with the saved remote_state), a lost final answer found by Find, an
// expired session with and without a video, the daily quota as a quota wait until Pacific
// midnight (across a change of daylight saving time), refresh tokens that do not rotate and
// invalid_grant, bad input refused before anything is sent, delete and metrics.
#include "platforms/youtube/youtube_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "base/crypto.h"
#include "base/time.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/oauth/pkce.h"
#include "platforms/oauth/token_set.h"
#include "platforms/register_all.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/youtube/youtube_emulator.h"
#include "tests/platforms/support/emulator_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::youtube {
namespace {

using base::ErrorCode;
using emulators::FaultKind;
using emulators::YouTubeEmulator;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kQuantum = 256 * 1024;

// An "MP4" the emulator accepts: an ftyp box, then a pattern that shows any misplaced byte.
std::string Mp4(size_t size) {
  std::string bytes("\0\0\0\x18" "ftypmp42\0\0\0\0mp42isom", 24);
  for (size_t i = bytes.size(); i < size; ++i) {
    bytes.push_back(static_cast<char>('a' + (i * 7 + i / 1000) % 26));
  }
  bytes.resize(size);
  return bytes;
}

class YouTubePlatformTest : public herald::testing::EmulatorFixture<YouTubeEmulator> {
 protected:
  void SetUp() override {
    EmulatorFixture::SetUp();
    platform_ = Make();
  }
  void TearDown() override {
    platform_.reset();
    EmulatorFixture::TearDown();
  }
  ~YouTubePlatformTest() override {
    for (const auto& f : files_) std::remove(f.c_str());
  }

  std::unique_ptr<YouTubePlatform> Make(YouTubeOptions options = {}) {
    options.api_url = server_->base_url();
    options.chunk_bytes = kQuantum;
    options.request_timeout = std::chrono::seconds(5);
    oauth::OAuthProvider provider = YouTubeProvider(server_->base_url());
    provider.client_id = YouTubeEmulator::kClientId;
    provider.client_secret = YouTubeEmulator::kClientSecret;
    return std::make_unique<YouTubePlatform>(std::move(provider), *http_, clock_,
                                             std::move(options));
  }

  AccountContext Account(std::string access = YouTubeEmulator::kSeedToken,
                         std::string refresh = YouTubeEmulator::kSeedRefreshToken) {
    oauth::TokenSet tokens;
    tokens.access_token = std::move(access);
    tokens.refresh_token = std::move(refresh);
    tokens.scope = YouTubeEmulator::kAllScopes;
    tokens.expires_at = clock_.Now() + std::chrono::hours(1);
    AccountContext a;
    a.account_id = "acc_yt";
    a.external_id = YouTubeEmulator::kChannelId;
    a.handle = "@heraldtester";
    a.settings = Json{{"channel_id", YouTubeEmulator::kChannelId},
                      {"uploads_playlist", YouTubeEmulator::kUploadsPlaylist}};
    a.credentials = oauth::TokenSetToCredentials(tokens);
    a.save_credentials = [this](const Json& c, std::optional<base::Time>) -> Result<void> {
      saved_credentials_.push_back(c);
      return base::Ok();
    };
    return a;
  }

  MediaItem VideoFile(const std::string& bytes, int width = 1920, int height = 1080,
                      int64_t duration_ms = 60'000) {
    const std::string path =
        ::testing::TempDir() + "yt_video_" + base::RandomToken() + ".mp4";
    std::ofstream(path, std::ios::binary) << bytes;
    files_.push_back(path);
    MediaItem m;
    m.id = "med_video";
    m.mime_type = "video/mp4";
    m.file_name = "launch.mp4";
    m.path = path;
    m.size = static_cast<int64_t>(bytes.size());
    m.probe.kind = "video";
    m.probe.format = "mp4";
    m.probe.width = width;
    m.probe.height = height;
    m.probe.duration_ms = duration_ms;
    m.probe.frame_rate = 30;
    m.probe.video_codec = "h264";
    m.probe.audio_codec = "aac";
    return m;
  }

  PublishRequest Request(MediaItem video, std::string text = "Launch day\nWe shipped.",
                         Json options = Json::object()) {
    PublishRequest r;
    r.account = Account();
    r.content.parts = {{std::move(text), {std::move(video)}}};
    r.content.options = std::move(options);
    r.idempotency_key = "tgt_yt";
    r.save_remote_state = [this](const Json& state) -> Result<void> {
      saved_.push_back(state);
      if (on_save_) on_save_(state);
      return base::Ok();
    };
    r.report_progress = [this](int64_t done, int64_t total) {
      progress_.emplace_back(done, total);
    };
    return r;
  }

  size_t Requests(const std::string& method, const std::string& path_prefix) {
    size_t n = 0;
    for (const auto& r : emulator().requests().List()) {
      n += r.method == method && r.path.rfind(path_prefix, 0) == 0;
    }
    return n;
  }
  size_t StatusQueries() {
    size_t n = 0;
    for (const auto& r : emulator().requests().List()) {
      for (const auto& [k, v] : r.headers) {
        n += r.method == "PUT" && (k == "Content-Range" || k == "content-range") &&
             v.rfind("bytes */", 0) == 0;
      }
    }
    return n;
  }

  std::unique_ptr<YouTubePlatform> platform_;
  std::vector<Json> saved_;
  std::vector<Json> saved_credentials_;
  std::vector<std::pair<int64_t, int64_t>> progress_;
  std::function<void(const Json&)> on_save_;
  std::vector<std::string> files_;
};

// ---- description and bad input ----

TEST_F(YouTubePlatformTest, DescribesItself) {
  const PlatformInfo& info = platform_->Info();
  EXPECT_EQ(info.id, "youtube");
  EXPECT_EQ(info.auth_kind, AuthKind::kOAuth2);
  EXPECT_EQ(info.media.max_items, 1);
  EXPECT_FALSE(info.features.threads);
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kReconcile);
  EXPECT_TRUE(info.options_schema.is_object());
  EXPECT_EQ(platform_->Provider().authorize_url, server_->base_url() + "/o/oauth2/v2/auth");
  EXPECT_EQ(platform_->Provider().token_url, server_->base_url() + "/token");
}

TEST_F(YouTubePlatformTest, MissingClientIdNamesTheVariableAndTheRealHosts) {
  PlatformEnv env;
  env.http = http_.get();
  env.clock = &clock_;
  auto p = MakeYouTubePlatform(env);
  ASSERT_NE(p, nullptr);
  auto* network = oauth::AsOAuthNetwork(p.get());
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->Provider().authorize_url, "https://accounts.google.com/o/oauth2/v2/auth");
  EXPECT_EQ(network->Provider().token_url, "https://oauth2.googleapis.com/token");
  auto configured = network->Provider().CheckConfigured();
  ASSERT_THAT(configured, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(configured.error().message(), HasSubstr("HERALD_YOUTUBE_CLIENT_ID"));
  EXPECT_THAT(configured.error().message(), HasSubstr("/oauth/callback/youtube"));
  // HERALD_YOUTUBE_AUTH_URL stands for both Google hosts, keeping the paths.
  env.auth_urls["youtube"] = "http://127.0.0.1:2/";
  p = MakeYouTubePlatform(env);
  network = oauth::AsOAuthNetwork(p.get());
  EXPECT_EQ(network->Provider().authorize_url, "http://127.0.0.1:2/o/oauth2/v2/auth");
  EXPECT_EQ(network->Provider().token_url, "http://127.0.0.1:2/token");
}

TEST_F(YouTubePlatformTest, RefusesBadInputBeforeSendingAnything) {
  auto violations = [&](Content c) {
    std::string all;
    for (const Violation& v : platform_->Validate(c).violations) {
      all += v.field + ": " + v.message + "\n";
    }
    return all;
  };
  const MediaItem video = VideoFile(Mp4(1000));
  Content ok;
  ok.parts = {{"Launch day", {video}}};
  EXPECT_TRUE(platform_->Validate(ok).ok()) << violations(ok);

  MediaItem image;
  image.mime_type = "image/png";
  image.file_name = "cat.png";
  image.size = 1000;
  image.probe.kind = "image";
  image.probe.format = "png";
  image.probe.width = 800;
  image.probe.height = 600;
  Content picture;
  picture.parts = {{"A cat", {image}}};
  EXPECT_THAT(violations(picture), HasSubstr("YouTube takes no images"));

  MediaItem pdf;
  pdf.mime_type = "application/pdf";
  pdf.file_name = "deck.pdf";
  pdf.size = 1000;
  Content not_video;
  not_video.parts = {{"Deck", {pdf}}};
  EXPECT_THAT(violations(not_video), HasSubstr("\"application/pdf\", which YouTube does not accept"));

  Content text_only;
  text_only.parts = {{"Just words", {}}};
  EXPECT_THAT(violations(text_only), HasSubstr("YouTube needs a video"));

  Content long_title = ok;
  long_title.options = Json{{"title", std::string(101, 't')}};
  EXPECT_THAT(violations(long_title),
              HasSubstr("platform_options.youtube.title: platform_options.youtube.title is 101 "
                        "characters, 1 over YouTube's limit of 100"));
  Content angle = ok;
  angle.options = Json{{"title", "<script>"}};
  EXPECT_THAT(violations(angle), HasSubstr("'<' or '>'"));

  Content scheduled = ok;
  scheduled.options = Json{{"publish_at", "2026-03-01T10:00:00Z"}, {"privacy_status", "public"}};
  EXPECT_THAT(violations(scheduled), HasSubstr("platform_options.youtube.publish_at"));

  Content thread;
  thread.parts = {{"one", {video}}, {"two", {}}};
  EXPECT_THAT(violations(thread), HasSubstr("YouTube has no threads"));

  Content long_description;
  long_description.parts = {{std::string(5001, 'd'), {video}}};
  EXPECT_THAT(violations(long_description), HasSubstr("5001"));
  // Nothing reached YouTube.
  EXPECT_EQ(emulator().requests().List().size(), 0u);
}

// ---- connect ----

TEST_F(YouTubePlatformTest, ConnectsWithOfflineConsentAndIdentifiesTheChannel) {
  const std::string verifier = oauth::NewCodeVerifier();
  const std::string redirect = "http://127.0.0.1:9/oauth/callback/youtube";
  const std::string url =
      platform_->AuthorizeUrl(redirect, "st4te", oauth::CodeChallengeS256(verifier));
  EXPECT_THAT(url, HasSubstr("access_type=offline"));
  EXPECT_THAT(url, HasSubstr("prompt=consent"));
  auto answer = emulators::EmulatorClient(server_->base_url())
                    .Send("GET", url.substr(server_->base_url().size()));
  ASSERT_THAT(answer, IsOk());
  ASSERT_EQ(answer->status, 302) << answer->body;
  auto query =
      http::ParseFormUrlEncoded(answer->Header("Location").substr(redirect.size() + 1));
  EXPECT_EQ(http::FormValue(query, "state"), "st4te");
  auto tokens =
      Run(platform_->ExchangeCode(http::FormValue(query, "code"), redirect, verifier));
  ASSERT_THAT(tokens, IsOk());
  EXPECT_FALSE(tokens->refresh_token.empty());
  auto account = Run(platform_->Identify(*tokens));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->external_id, YouTubeEmulator::kChannelId);
  EXPECT_EQ(account->handle, "@heraldtester");
  EXPECT_EQ(account->display_name, "Herald Tester");
  EXPECT_EQ(account->settings["uploads_playlist"], YouTubeEmulator::kUploadsPlaylist);
}

TEST_F(YouTubePlatformTest, RefusesAGrantWithoutEveryScope) {
  oauth::TokenSet tokens;
  tokens.access_token = YouTubeEmulator::kSeedToken;
  tokens.scope = "https://www.googleapis.com/auth/youtube.upload";
  auto account = Run(platform_->Identify(tokens));
  ASSERT_THAT(account, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(account.error().message(),
              HasSubstr("https://www.googleapis.com/auth/youtube.readonly"));
}

// ---- publish ----

TEST_F(YouTubePlatformTest, UploadsInChunksReportingProgress) {
  const std::string bytes = Mp4(3 * kQuantum + 5000);
  auto receipt = Run(platform_->Publish(Request(
      VideoFile(bytes), "Launch day\nWe shipped.",
      Json{{"privacy_status", "unlisted"}, {"tags", {"launch", "herald"}}, {"category_id", "28"},
           {"made_for_kids", false}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, "Launch day");
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(bytes));
  EXPECT_EQ(posts[0].extra["status"]["privacyStatus"], "unlisted");
  EXPECT_EQ(posts[0].extra["snippet"]["tags"], (Json{"launch", "herald"}));
  EXPECT_EQ(posts[0].extra["snippet"]["categoryId"], "28");
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, "https://www.youtube.com/watch?v=" + posts[0].id);
  EXPECT_EQ(receipt->remote_state["video"]["id"], posts[0].id);
  EXPECT_EQ(Requests("PUT", "/upload/youtube/v3/videos"), 4u);
  // The session was saved before the first byte, then each confirmed offset.
  ASSERT_EQ(saved_.size(), 4u);
  EXPECT_EQ(saved_[0]["upload"]["offset"], 0);
  EXPECT_EQ(saved_[0]["upload"]["total"], bytes.size());
  EXPECT_EQ(saved_[3]["upload"]["offset"], 3 * kQuantum);
  ASSERT_FALSE(progress_.empty());
  EXPECT_EQ(progress_.back(), std::make_pair(static_cast<int64_t>(bytes.size()),
                                             static_cast<int64_t>(bytes.size())));
  EXPECT_EQ(progress_[1].first, kQuantum);
}

TEST_F(YouTubePlatformTest, AVerticalShortVideoGetsAShortsLink) {
  auto receipt = Run(platform_->Publish(Request(VideoFile(Mp4(2000), 1080, 1920, 30'000))));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(receipt->url, "https://www.youtube.com/shorts/" + receipt->external_id);
}

TEST_F(YouTubePlatformTest, ResumesInTheSameSessionAfterADroppedChunk) {
  const std::string bytes = Mp4(3 * kQuantum + 100);
  on_save_ = [this](const Json& state) {
    // After the first chunk, the second is cut after 1,000 bytes and the connection drops.
    if (state["upload"]["offset"] == kQuantum) {
      ASSERT_THAT(server_->network().Control("partial_next_chunk", Json{{"bytes", 1000}}),
                  IsOk());
    }
  };
  auto receipt = Run(platform_->Publish(Request(VideoFile(bytes))));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(StatusQueries(), 1u);
  EXPECT_EQ(Requests("POST", "/upload/youtube/v3/videos"), 1u);  // one session
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(bytes));
  // Google confirmed kQuantum + 1000 bytes; the upload went on from there.
  bool resumed = false;
  for (const Json& s : saved_) resumed |= s["upload"]["offset"] == kQuantum + 1000;
  EXPECT_TRUE(resumed);
}

TEST_F(YouTubePlatformTest, AServerErrorOnAChunkAsksTheStatusAndGoesOn) {
  const std::string bytes = Mp4(2 * kQuantum + 10);
  Arm(FaultKind::kServerError, "PUT", "/upload/youtube/v3/videos", 1, 503);
  auto receipt = Run(platform_->Publish(Request(VideoFile(bytes))));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(StatusQueries(), 1u);
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(LivePosts()[0].media[0].sha256, base::Sha256Hex(bytes));
}

TEST_F(YouTubePlatformTest, ResumesAfterACrashWithTheSavedSession) {
  const std::string bytes = Mp4(4 * kQuantum);
  const MediaItem video = VideoFile(bytes);
  // The worker "dies" after two chunks: every chunk PUT fails from then on (more than the
  // attempt tolerates), so the attempt ends with the session saved.
  on_save_ = [this](const Json& state) {
    if (state["upload"]["offset"] == 2 * kQuantum) {
      Arm(FaultKind::kDropBefore, "PUT", "/upload/youtube/v3/videos", -1);
    }
  };
  auto first = Run(platform_->Publish(Request(video)));
  ASSERT_THAT(first, StatusIs(ErrorCode::kUnavailable));
  EXPECT_THAT(first.error().message(), HasSubstr("resumes it"));
  EXPECT_TRUE(LivePosts().empty());
  ASSERT_FALSE(saved_.empty());
  const Json state = saved_.back();
  emulator().faults().Clear();
  on_save_ = nullptr;
  // Find after the crash: the session is incomplete, nothing is on the channel yet.
  PublishRequest find = Request(video);
  find.remote_state = state;
  auto found = Run(platform_->Find(std::move(find)));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());
  // A new adapter (a restarted herald) with the saved state asks `bytes */N` and resumes.
  platform_ = Make();
  const size_t puts_before = Requests("PUT", "/upload/youtube/v3/videos");
  PublishRequest again = Request(video);
  again.remote_state = state;
  auto receipt = Run(platform_->Publish(std::move(again)));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(Requests("POST", "/upload/youtube/v3/videos"), 1u);
  // One status query and the two remaining chunks.
  EXPECT_EQ(Requests("PUT", "/upload/youtube/v3/videos") - puts_before, 3u);
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(LivePosts()[0].media[0].sha256, base::Sha256Hex(bytes));
}

TEST_F(YouTubePlatformTest, TheLostFinalAnswerIsFoundNotUploadedAgain) {
  const std::string bytes = Mp4(2 * kQuantum + 7);
  const MediaItem video = VideoFile(bytes);
  ASSERT_THAT(server_->network().Control("drop_completion", Json::object()), IsOk());
  // The attempt itself asks the status after the drop and finds the video.
  auto receipt = Run(platform_->Publish(Request(video)));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(receipt->external_id, LivePosts()[0].id);

  // And when the worker died before it could record it: Find asks the saved session.
  emulator().posts().Clear();
  saved_.clear();
  ASSERT_THAT(server_->network().Control("drop_completion", Json::object()), IsOk());
  auto second = Run(platform_->Publish(Request(video)));
  ASSERT_THAT(second, IsOk());
  ASSERT_EQ(LivePosts().size(), 1u);
  PublishRequest find = Request(video);
  find.remote_state = saved_.back();
  auto found = Run(platform_->Find(std::move(find)));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, LivePosts()[0].id);
  // Publish with that state again: the same video, never a second.
  PublishRequest again = Request(video);
  again.remote_state = saved_.back();
  auto third = Run(platform_->Publish(std::move(again)));
  ASSERT_THAT(third, IsOk());
  EXPECT_EQ(third->external_id, LivePosts()[0].id);
  EXPECT_EQ(LivePosts().size(), 1u);
}

TEST_F(YouTubePlatformTest, AnExpiredSessionWithoutAVideoStartsANewOne) {
  const std::string bytes = Mp4(2 * kQuantum + 3);
  const MediaItem video = VideoFile(bytes);
  on_save_ = [this](const Json& state) {
    if (state["upload"]["offset"] == kQuantum) {
      Arm(FaultKind::kDropBefore, "PUT", "/upload/youtube/v3/videos", -1);
    }
  };
  ASSERT_THAT(Run(platform_->Publish(Request(video))), StatusIs(ErrorCode::kUnavailable));
  const Json state = saved_.back();
  emulator().faults().Clear();
  on_save_ = nullptr;
  ASSERT_THAT(server_->network().Control("expire_sessions", Json::object()), IsOk());
  PublishRequest find = Request(video);
  find.remote_state = state;
  auto found = Run(platform_->Find(std::move(find)));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());
  PublishRequest again = Request(video);
  again.remote_state = state;
  auto receipt = Run(platform_->Publish(std::move(again)));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(Requests("POST", "/upload/youtube/v3/videos"), 2u);  // a second session
  EXPECT_GE(Requests("GET", "/youtube/v3/playlistItems"), 2u);    // looked first
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(LivePosts()[0].media[0].sha256, base::Sha256Hex(bytes));
}

TEST_F(YouTubePlatformTest, AGoneSessionWhoseVideoExistsIsFoundInTheUploads) {
  const std::string bytes = Mp4(kQuantum + 3);
  const MediaItem video = VideoFile(bytes);
  auto first = Run(platform_->Publish(Request(video)));
  ASSERT_THAT(first, IsOk());
  const std::string id = LivePosts()[0].id;
  // Suppose herald crashed before recording it, and the session is gone by the next attempt.
  Json state = saved_.back();
  clock_.Advance(std::chrono::hours(24 * 8));  // past the session's life: Google says 410
  PublishRequest again = Request(video);
  again.remote_state = state;
  auto receipt = Run(platform_->Publish(std::move(again)));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(receipt->external_id, id);
  EXPECT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(Requests("POST", "/upload/youtube/v3/videos"), 1u);
}

// ---- quota ----

TEST_F(YouTubePlatformTest, ASpentQuotaWaitsUntilPacificMidnight) {
  // 2026-03-07 12:00 PST; the clocks spring forward the next night.
  clock_.Set(base::ParseRfc3339("2026-03-07T20:00:00Z").value());
  ASSERT_THAT(server_->network().Control("quota", Json{{"used", 9000}}), IsOk());
  const MediaItem video = VideoFile(Mp4(1000));
  auto r = Run(platform_->Publish(Request(video)));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  EXPECT_TRUE(r.error().quota_wait());
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_EQ(*r.error().retry_after(), std::chrono::hours(12));  // until 08:00Z
  EXPECT_THAT(r.error().message(), HasSubstr("quota"));
  EXPECT_THAT(r.error().message(), HasSubstr("2026-03-08T08:00:00Z"));
  EXPECT_TRUE(LivePosts().empty());
  // Known spent: the next upload waits without asking YouTube.
  const size_t asked = Requests("POST", "/upload/youtube/v3/videos");
  clock_.Advance(std::chrono::hours(1));
  r = Run(platform_->Publish(Request(video)));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  EXPECT_TRUE(r.error().quota_wait());
  EXPECT_EQ(*r.error().retry_after(), std::chrono::hours(11));
  EXPECT_EQ(Requests("POST", "/upload/youtube/v3/videos"), asked);
  // After Pacific midnight the upload goes through.
  clock_.Set(base::ParseRfc3339("2026-03-08T08:00:00Z").value());
  ASSERT_THAT(Run(platform_->Publish(Request(video))), IsOk());
  // The next day is 23 hours long: a quota spent now waits until 07:00Z the day after.
  ASSERT_THAT(server_->network().Control("quota", Json{{"used", 10000}}), IsOk());
  clock_.Set(base::ParseRfc3339("2026-03-08T20:00:00Z").value());
  r = Run(platform_->Publish(Request(video)));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  EXPECT_EQ(*r.error().retry_after(), std::chrono::hours(11));  // until 2026-03-09T07:00Z
}

TEST_F(YouTubePlatformTest, ARateLimitIsAnOrdinaryRetry) {
  Arm(FaultKind::kRateLimit, "POST", "/upload/youtube/v3/videos", 1);
  auto r = Run(platform_->Publish(Request(VideoFile(Mp4(1000)))));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  EXPECT_FALSE(r.error().quota_wait());
}

// ---- tokens ----

TEST_F(YouTubePlatformTest, RefreshesWithATokenThatDoesNotRotate) {
  ASSERT_THAT(server_->network().ExpireTokens(YouTubeEmulator::kSeedToken), IsOk());
  ASSERT_THAT(Run(platform_->Publish(Request(VideoFile(Mp4(1000))))), IsOk());
  ASSERT_EQ(saved_credentials_.size(), 1u);
  // Google gave no new refresh token: the old one is kept.
  EXPECT_EQ(saved_credentials_[0]["refresh_token"], YouTubeEmulator::kSeedRefreshToken);
  EXPECT_NE(saved_credentials_[0]["access_token"], YouTubeEmulator::kSeedToken);
  // The grant revoked: invalid_grant means reconnect.
  ASSERT_THAT(server_->network().RevokeToken(YouTubeEmulator::kSeedRefreshToken), IsOk());
  auto r = Run(platform_->FetchAccountMetrics(Account()));
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(r.error().message(), HasSubstr("reconnected"));
}

TEST_F(YouTubePlatformTest, AnExpiredTokenMidUploadIsRenewedAndTheChunkRepeated) {
  const std::string bytes = Mp4(2 * kQuantum + 1);
  Arm(FaultKind::kExpiredToken, "PUT", "/upload/youtube/v3/videos", 1);
  ASSERT_THAT(Run(platform_->Publish(Request(VideoFile(bytes)))), IsOk());
  EXPECT_EQ(saved_credentials_.size(), 1u);
  ASSERT_EQ(LivePosts().size(), 1u);
  EXPECT_EQ(LivePosts()[0].media[0].sha256, base::Sha256Hex(bytes));
}

// ---- delete and metrics ----

TEST_F(YouTubePlatformTest, DeletesAndReadsMetrics) {
  auto receipt = Run(platform_->Publish(Request(VideoFile(Mp4(1000)))));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_THAT(emulator().posts().Update(receipt->external_id,
                                        [](emulators::CreatedPost& p) {
                                          p.metrics = Json{{"views", 120}, {"likes", 7},
                                                           {"comments", 3}};
                                        }),
              IsOk());
  auto metrics = Run(platform_->FetchPostMetrics(Account(), *receipt));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ((*metrics)["views"], 120);
  EXPECT_EQ((*metrics)["likes"], 7);
  EXPECT_EQ((*metrics)["comments"], 3);
  auto channel = Run(platform_->FetchAccountMetrics(Account()));
  ASSERT_THAT(channel, IsOk());
  EXPECT_EQ((*channel)["followers"], 1500);
  EXPECT_EQ((*channel)["posts"], 1);
  ASSERT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());
  EXPECT_TRUE(LivePosts().empty());
  EXPECT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());
  EXPECT_THAT(Run(platform_->FetchPostMetrics(Account(), *receipt)),
              StatusIs(ErrorCode::kNotFound));
}

}  // namespace
}  // namespace herald::platforms::youtube
