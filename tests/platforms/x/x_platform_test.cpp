// XPlatform against the in-process X emulator over real loopback HTTP (the production
// HttpsClient): connect (authorize, PKCE, scopes), publish (text, threads and their resume,
// images with alt text, chunked video with processing states), every fault (429 until the
// reset, 5xx, a connection dropped after the post was accepted, the duplicate-content 403),
// rotating refresh tokens, bad input refused before anything is sent, delete and metrics.
#include "platforms/x/x_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "base/crypto.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/oauth/pkce.h"
#include "platforms/oauth/token_set.h"
#include "platforms/register_all.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/x/x_emulator.h"
#include "tests/platforms/support/emulator_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::x {
namespace {

using base::ErrorCode;
using emulators::FaultKind;
using emulators::XEmulator;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

class XPlatformTest : public testing::EmulatorFixture<XEmulator> {
 protected:
  void SetUp() override {
    EmulatorFixture::SetUp();
    platform_ = Make(XOptions{});
  }
  void TearDown() override {
    platform_.reset();
    EmulatorFixture::TearDown();
  }

  std::unique_ptr<XPlatform> Make(XOptions options) {
    options.api_url = server_->base_url();
    options.request_timeout = std::chrono::seconds(5);
    // Waiting for a video is moving the shared clock, never sleeping.
    options.pause = [this](std::chrono::milliseconds d) -> Task<void> {
      clock_.Advance(d);
      pauses_.push_back(d);
      co_return;
    };
    oauth::OAuthProvider provider = XProvider(server_->base_url(), server_->base_url());
    provider.client_id = XEmulator::kClientId;
    provider.client_secret = XEmulator::kClientSecret;
    return std::make_unique<XPlatform>(std::move(provider), *http_, clock_, std::move(options));
  }

  AccountContext Account(std::string access = XEmulator::kSeedToken,
                         std::string refresh = XEmulator::kSeedRefreshToken) {
    oauth::TokenSet tokens;
    tokens.access_token = std::move(access);
    tokens.refresh_token = std::move(refresh);
    tokens.scope = XEmulator::kAllScopes;
    tokens.expires_at = clock_.Now() + std::chrono::hours(2);
    AccountContext a;
    a.account_id = "acc_x";
    a.external_id = XEmulator::kSeedUserId;
    a.handle = std::string("@") + XEmulator::kSeedUsername;
    a.settings = Json{{"username", XEmulator::kSeedUsername}};
    a.credentials = oauth::TokenSetToCredentials(tokens);
    a.save_credentials = [this](const Json& c, std::optional<base::Time>) -> Result<void> {
      saved_credentials_.push_back(c);
      return base::Ok();
    };
    return a;
  }

  PublishRequest Request(std::vector<PostPart> parts) {
    PublishRequest r;
    r.account = Account();
    r.content.parts = std::move(parts);
    r.idempotency_key = "tgt_x";
    r.save_remote_state = [this](const Json& state) -> Result<void> {
      saved_.push_back(state);
      if (on_save_) on_save_(state);
      return base::Ok();
    };
    return r;
  }

  static MediaItem Image(std::string name, std::string alt, std::string bytes = "\x89PNG x") {
    MediaItem m;
    m.id = "med_" + name;
    m.mime_type = "image/png";
    m.file_name = std::move(name);
    m.alt_text = std::move(alt);
    m.data = std::move(bytes);
    m.size = static_cast<int64_t>(m.data.size());
    m.probe.kind = "image";
    m.probe.format = "png";
    m.probe.width = 800;
    m.probe.height = 600;
    return m;
  }

  // A "video" on disk (the emulator checks sizes, not codecs), read in chunks by the adapter.
  MediaItem Video(const std::string& bytes, int64_t duration_ms = 12'000) {
    const std::string path = ::testing::TempDir() + "x_video_" + base::RandomToken() + ".mp4";
    std::ofstream(path, std::ios::binary) << bytes;
    files_.push_back(path);
    MediaItem m;
    m.id = "med_video";
    m.mime_type = "video/mp4";
    m.file_name = "clip.mp4";
    m.path = path;
    m.size = static_cast<int64_t>(bytes.size());
    m.probe.kind = "video";
    m.probe.format = "mp4";
    m.probe.width = 1280;
    m.probe.height = 720;
    m.probe.duration_ms = duration_ms;
    m.probe.frame_rate = 30;
    m.probe.video_codec = "h264";
    m.probe.audio_codec = "aac";
    return m;
  }

  size_t Requests(const std::string& method, const std::string& path_prefix) {
    size_t n = 0;
    for (const auto& r : emulator().requests().List()) {
      n += r.method == method && r.path.rfind(path_prefix, 0) == 0;
    }
    return n;
  }

  ~XPlatformTest() override {
    for (const auto& f : files_) std::remove(f.c_str());
  }

  std::unique_ptr<XPlatform> platform_;
  std::vector<Json> saved_;
  std::vector<Json> saved_credentials_;
  std::function<void(const Json&)> on_save_;
  std::vector<std::chrono::milliseconds> pauses_;
  std::vector<std::string> files_;
};

// ---- description and bad input ----

TEST_F(XPlatformTest, DescribesItself) {
  const PlatformInfo& info = platform_->Info();
  EXPECT_EQ(info.id, "x");
  EXPECT_EQ(info.auth_kind, AuthKind::kOAuth2);
  EXPECT_EQ(info.text.max_length, 280);
  EXPECT_EQ(info.text.unit, "weighted");
  EXPECT_EQ(info.media.max_items, 4);
  EXPECT_TRUE(info.features.threads);
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kReconcile);
  EXPECT_EQ(platform_->Provider().authorize_url, server_->base_url() + "/i/oauth2/authorize");
  EXPECT_EQ(platform_->Provider().token_url, server_->base_url() + "/2/oauth2/token");
}

TEST_F(XPlatformTest, RefusesOverLongTextSayingByHowMuch) {
  Content c;
  c.parts = {{std::string(276, 'a') + " \xE6\x97\xA5\xE6\x9C\xAC", {}}};  // 277 + 4 = 281
  ValidationReport r = platform_->Validate(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.length, 281);
  EXPECT_EQ(r.limit, 280);
  EXPECT_THAT(r.violations[0].message, HasSubstr("281 characters, 1 over X's limit of 280"));
  // URLs count 23 whatever their length.
  c.parts = {{std::string(250, 'a') + " https://example.com/" + std::string(200, 'p'), {}}};
  EXPECT_TRUE(platform_->Validate(c).ok());
  // A thread part is named as the caller wrote it.
  c.parts = {{"fine", {}}, {std::string(300, 'b'), {}}};
  r = platform_->Validate(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.violations[0].field, "thread[0].text");
  EXPECT_THAT(r.violations[0].message, HasSubstr("20 over"));
}

TEST_F(XPlatformTest, RefusesMediaXRefuses) {
  Content five;
  five.parts = {{"five", {Image("1", ""), Image("2", ""), Image("3", ""), Image("4", ""),
                          Image("5", "")}}};
  ValidationReport r = platform_->Validate(five);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.violations[0].message, HasSubstr("5 items, over X's limit of 4"));

  Content mixed;
  mixed.parts = {{"mixed", {Image("1", ""), Video("v")}}};
  r = platform_->Validate(mixed);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.violations[0].message, HasSubstr("video"));

  Content long_video;
  long_video.parts = {{"long", {Video("v", 150'000)}}};
  r = platform_->Validate(long_video);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.violations[0].message, HasSubstr("2:30"));

  MediaItem gif = Image("anim", "");
  gif.mime_type = "image/gif";
  gif.probe.format = "gif";
  gif.probe.frames = 10;
  Content gif_and_image;
  gif_and_image.parts = {{"gif", {gif, Image("1", "")}}};
  r = platform_->Validate(gif_and_image);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.violations.back().message, HasSubstr("GIF alone"));

  Content alt;
  alt.parts = {{"alt", {Image("1", std::string(1001, 'a'))}}};
  EXPECT_FALSE(platform_->Validate(alt).ok());

  Content bom;
  bom.parts = {{"a\xEF\xBB\xBF", {}}};
  r = platform_->Validate(bom);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.violations[0].message, HasSubstr("U+FEFF"));
  // Nothing reached X.
  EXPECT_EQ(emulator().requests().List().size(), 0u);
}

TEST_F(XPlatformTest, MissingClientIdNamesTheVariableAndTheRedirectUri) {
  PlatformEnv env;
  env.http = http_.get();
  env.clock = &clock_;
  auto p = MakeXPlatform(env);
  ASSERT_NE(p, nullptr);
  auto* network = oauth::AsOAuthNetwork(p.get());
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->Provider().authorize_url, "https://x.com/i/oauth2/authorize");
  EXPECT_EQ(network->Provider().token_url, "https://api.x.com/2/oauth2/token");
  auto configured = network->Provider().CheckConfigured();
  ASSERT_THAT(configured, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(configured.error().message(), HasSubstr("HERALD_X_CLIENT_ID"));
  EXPECT_THAT(configured.error().message(), HasSubstr("/oauth/callback/x"));
  // The overrides replace the scheme and host, keeping X's paths.
  env.base_urls["x"] = "http://127.0.0.1:1";
  env.auth_urls["x"] = "http://127.0.0.1:2/";
  p = MakeXPlatform(env);
  network = oauth::AsOAuthNetwork(p.get());
  EXPECT_EQ(network->Provider().authorize_url, "http://127.0.0.1:2/i/oauth2/authorize");
  EXPECT_EQ(network->Provider().token_url, "http://127.0.0.1:1/2/oauth2/token");
}

// ---- connect ----

TEST_F(XPlatformTest, ConnectsThroughAuthorizeWithPkce) {
  const std::string verifier = oauth::NewCodeVerifier();
  const std::string redirect = "http://127.0.0.1:9/oauth/callback/x";
  const std::string url =
      platform_->AuthorizeUrl(redirect, "st4te", oauth::CodeChallengeS256(verifier));
  ASSERT_EQ(url.rfind(server_->base_url(), 0), 0u) << url;
  EXPECT_THAT(url, HasSubstr("scope=tweet.read%20tweet.write%20users.read%20media.write%20"
                             "offline.access"));
  auto answer = emulators::EmulatorClient(server_->base_url())
                    .Send("GET", url.substr(server_->base_url().size()));
  ASSERT_THAT(answer, IsOk());
  ASSERT_EQ(answer->status, 302) << answer->body;
  const std::string location = answer->Header("Location");
  ASSERT_EQ(location.rfind(redirect + "?", 0), 0u) << location;
  auto query = http::ParseFormUrlEncoded(location.substr(redirect.size() + 1));
  EXPECT_EQ(http::FormValue(query, "state"), "st4te");
  const std::string code = http::FormValue(query, "code");
  ASSERT_FALSE(code.empty());

  // A wrong verifier is refused; the code is then spent.
  EXPECT_THAT(Run(platform_->ExchangeCode(code, redirect, oauth::NewCodeVerifier())),
              Not(IsOk()));
  answer = emulators::EmulatorClient(server_->base_url())
               .Send("GET", url.substr(server_->base_url().size()));
  auto fresh = http::ParseFormUrlEncoded(answer->Header("Location").substr(redirect.size() + 1));
  auto tokens = Run(platform_->ExchangeCode(http::FormValue(fresh, "code"), redirect, verifier));
  ASSERT_THAT(tokens, IsOk());
  EXPECT_FALSE(tokens->refresh_token.empty());
  ASSERT_TRUE(tokens->expires_at.has_value());
  EXPECT_EQ(*tokens->expires_at, clock_.Now() + std::chrono::hours(2));
  auto account = Run(platform_->Identify(*tokens));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->external_id, XEmulator::kSeedUserId);
  EXPECT_EQ(account->handle, "@heraldtester");
}

TEST_F(XPlatformTest, RefusesAGrantWithoutEveryScope) {
  emulator().MergeConfig(Json{{"withhold_scope", "media.write"}});
  auto made = server_->network().CreateToken(
      Json{{"scope", "tweet.read tweet.write users.read offline.access"}});
  ASSERT_THAT(made, IsOk());
  oauth::TokenSet tokens;
  tokens.access_token = (*made)["access_token"];
  tokens.scope = (*made)["scope"];
  auto account = Run(platform_->Identify(tokens));
  ASSERT_THAT(account, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(account.error().message(), HasSubstr("media.write"));
}

// ---- publish ----

TEST_F(XPlatformTest, PublishesATweet) {
  auto receipt = Run(platform_->Publish(Request({{"Hello https://example.com & <you>", {}}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, "Hello https://example.com & <you>");
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, "https://x.com/heraldtester/status/" + posts[0].id);
}

TEST_F(XPlatformTest, PublishesAThreadAsAReplyChain) {
  auto receipt = Run(platform_->Publish(Request({{"one", {}}, {"two", {}}, {"three", {}}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].reply_to, "");
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
  EXPECT_EQ(posts[2].reply_to, posts[1].id);
  EXPECT_EQ(receipt->remote_state["parts"].size(), 3u);
  EXPECT_EQ(receipt->external_id, posts[0].id);
}

TEST_F(XPlatformTest, ThreadResumesAfterThePartsAlreadyPosted) {
  // X fails the second part once: the first is recorded, the retry posts only the rest.
  on_save_ = [this](const Json& state) {
    if (state["parts"].size() == 1) Arm(FaultKind::kServerError, "POST", "/2/tweets", 1, 503);
  };
  auto first = Run(platform_->Publish(Request({{"one", {}}, {"two", {}}, {"three", {}}})));
  ASSERT_THAT(first, StatusIs(ErrorCode::kUnavailable));
  EXPECT_THAT(first.error().message(), HasSubstr("thread part 2 of 3"));
  ASSERT_FALSE(saved_.empty());
  on_save_ = nullptr;
  PublishRequest again = Request({{"one", {}}, {"two", {}}, {"three", {}}});
  again.remote_state = saved_.back();
  auto second = Run(platform_->Publish(std::move(again)));
  ASSERT_THAT(second, IsOk());
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
  EXPECT_EQ(second->external_id, posts[0].id);
}

TEST_F(XPlatformTest, RateLimitWaitsForTheReset) {
  Arm(FaultKind::kRateLimit, "POST", "/2/tweets", 1, 429, 600);
  auto r = Run(platform_->Publish(Request({{"later", {}}})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_EQ(*r.error().retry_after(), std::chrono::seconds(600));
  EXPECT_TRUE(LivePosts().empty());
  // The 24-hour user limit: the wait is until its reset, a day away.
  emulator().MergeConfig(Json{{"user_daily_post_limit", 1}});
  ASSERT_THAT(Run(platform_->Publish(Request({{"first of the day", {}}}))), IsOk());
  clock_.Advance(std::chrono::hours(1));
  r = Run(platform_->Publish(Request({{"second of the day", {}}})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_EQ(*r.error().retry_after(), std::chrono::hours(23));
}

TEST_F(XPlatformTest, ServerErrorIsTransient) {
  Arm(FaultKind::kServerError, "POST", "/2/tweets", 1, 503);
  EXPECT_THAT(Run(platform_->Publish(Request({{"retry me", {}}}))),
              StatusIs(ErrorCode::kUnavailable));
  EXPECT_TRUE(LivePosts().empty());
  EXPECT_THAT(Run(platform_->Publish(Request({{"retry me", {}}}))), IsOk());
  EXPECT_EQ(LivePosts().size(), 1u);
}

TEST_F(XPlatformTest, DroppedAfterAcceptIsFoundByFind) {
  EXPECT_THAT(Run(platform_->Find(Request({{"not yet", {}}}))), IsOk());
  EXPECT_FALSE(Run(platform_->Find(Request({{"not yet", {}}})))->has_value());
  Arm(FaultKind::kDropAfterAccept, "POST", "/2/tweets", 1);
  auto r = Run(platform_->Publish(Request({{"did it go? https://example.com/a", {}}})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnknown));
  ASSERT_EQ(LivePosts().size(), 1u);
  auto found = Run(platform_->Find(Request({{"did it go? https://example.com/a", {}}})));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, LivePosts()[0].id);
  EXPECT_EQ((*found)->url, "https://x.com/heraldtester/status/" + LivePosts()[0].id);
}

// Found by the crash test: a tweet whose answer was lost, followed by more tweets than one page
// of the user's timeline holds before the next attempt, was "certainly not there" for Find and
// "not found" after X's duplicate answer. Herald pages back through the lookback window.
TEST_F(XPlatformTest, FindLooksBeyondTheFirstPageOfRecentTweets) {
  XOptions options;
  options.recent_tweets = 5;  // X's smallest page
  platform_ = Make(options);
  Arm(FaultKind::kDropAfterAccept, "POST", "/2/tweets", 1);
  ASSERT_THAT(Run(platform_->Publish(Request({{"lost answer", {}}}))),
              StatusIs(ErrorCode::kUnknown));
  for (int i = 0; i < 12; ++i) {
    ASSERT_THAT(Run(platform_->Publish(Request({{"later " + std::to_string(i), {}}}))), IsOk());
  }
  const std::string id = LivePosts()[0].id;
  auto found = Run(platform_->Find(Request({{"lost answer", {}}})));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, id);
  // Sent again: X's duplicate answer, and the tweet is found rather than reported unknown.
  auto again = Run(platform_->Publish(Request({{"lost answer", {}}})));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->external_id, id);
  EXPECT_EQ(LivePosts().size(), 13u);
  EXPECT_THAT(Run(platform_->Find(Request({{"never sent", {}}}))), IsOk());
}

TEST_F(XPlatformTest, FindRecordsThePartsOfAThreadItFinds) {
  Arm(FaultKind::kDropAfterAccept, "POST", "/2/tweets", 1);
  ASSERT_THAT(Run(platform_->Publish(Request({{"root", {}}, {"reply", {}}}))),
              StatusIs(ErrorCode::kUnknown));
  auto found = Run(platform_->Find(Request({{"root", {}}, {"reply", {}}})));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());  // the reply is not there
  ASSERT_FALSE(saved_.empty());
  EXPECT_EQ(saved_.back()["parts"].size(), 1u);
  PublishRequest again = Request({{"root", {}}, {"reply", {}}});
  again.remote_state = saved_.back();
  ASSERT_THAT(Run(platform_->Publish(std::move(again))), IsOk());
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
}

TEST_F(XPlatformTest, DuplicateContentMeansItExists) {
  Arm(FaultKind::kDropAfterAccept, "POST", "/2/tweets", 1);
  ASSERT_THAT(Run(platform_->Publish(Request({{"exactly once", {}}, {"and its reply", {}}}))),
              StatusIs(ErrorCode::kUnknown));
  // Sent again without a lookup: X answers 403 duplicate for the root; herald finds it.
  auto r = Run(platform_->Publish(Request({{"exactly once", {}}, {"and its reply", {}}})));
  ASSERT_THAT(r, IsOk());
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(r->external_id, posts[0].id);
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
}

// ---- media ----

TEST_F(XPlatformTest, PublishesImagesWithAltText) {
  const std::string bytes(3000, 'i');
  auto r = Run(platform_->Publish(
      Request({{"pics", {Image("a.png", "A cat on a mat", bytes), Image("b.png", "")}}})));
  ASSERT_THAT(r, IsOk());
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  ASSERT_EQ(posts[0].media.size(), 2u);
  EXPECT_EQ(posts[0].media[0].alt_text, "A cat on a mat");
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(bytes));
  EXPECT_EQ(Requests("POST", "/2/media/metadata"), 1u);
}

TEST_F(XPlatformTest, UploadsAVideoInChunksAndWaitsWhileItProcesses) {
  platform_ = [&] {
    XOptions o;
    o.chunk_bytes = 1000;
    return Make(o);
  }();
  emulator().MergeConfig(Json{{"media_processing_checks", 3}, {"media_check_after_secs", 5}});
  std::string bytes;
  for (int i = 0; i < 3500; ++i) bytes.push_back(static_cast<char>('a' + i % 26));
  auto r = Run(platform_->Publish(Request({{"clip", {Video(bytes)}}})));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Requests("POST", "/2/media/upload/") - 2, 4u);  // 4 appends (+ init + finalize)
  EXPECT_EQ(Requests("GET", "/2/media/upload"), 3u);
  ASSERT_EQ(pauses_.size(), 3u);
  EXPECT_EQ(pauses_[0], std::chrono::seconds(5));
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  ASSERT_EQ(posts[0].media.size(), 1u);
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(bytes));
}

TEST_F(XPlatformTest, AVideoXFailsToProcessIsRefused) {
  emulator().MergeConfig(Json{{"fail_media_processing", 1}});
  auto r = Run(platform_->Publish(Request({{"bad clip", {Video("not a video")}}})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("X could not process clip.mp4"));
  EXPECT_TRUE(LivePosts().empty());
}

TEST_F(XPlatformTest, MediaUploadedBeforeAFailureIsReusedNotAttachedTwice) {
  Arm(FaultKind::kServerError, "POST", "/2/tweets", 1, 502);
  ASSERT_THAT(Run(platform_->Publish(Request({{"with a picture", {Image("a.png", "alt")}}}))),
              StatusIs(ErrorCode::kUnavailable));
  ASSERT_FALSE(saved_.empty());
  ASSERT_TRUE(saved_.back()["media"].contains("0"));
  PublishRequest again = Request({{"with a picture", {Image("a.png", "alt")}}});
  again.remote_state = saved_.back();
  ASSERT_THAT(Run(platform_->Publish(std::move(again))), IsOk());
  EXPECT_EQ(Requests("POST", "/2/media/upload/initialize"), 1u);
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].media.size(), 1u);
}

// ---- tokens ----

TEST_F(XPlatformTest, RefreshesAnExpiredTokenAndStoresTheRotatedPair) {
  ASSERT_THAT(server_->network().ExpireTokens(XEmulator::kSeedToken), IsOk());
  ASSERT_THAT(Run(platform_->Publish(Request({{"after refresh", {}}}))), IsOk());
  ASSERT_EQ(saved_credentials_.size(), 1u);
  EXPECT_NE(saved_credentials_[0]["refresh_token"], XEmulator::kSeedRefreshToken);
  EXPECT_EQ(server_->network().Info()["refreshes"], 1);
  // The old refresh token is spent: presenting it again revokes the whole grant, and herald
  // reads X's invalid_request as "reconnect".
  PublishRequest stale = Request({{"stale", {}}});
  ASSERT_THAT(server_->network().ExpireTokens(""), IsOk());
  auto r = Run(platform_->Publish(std::move(stale)));
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(r.error().message(), HasSubstr("reconnected"));
  EXPECT_EQ(server_->network().Info()["refresh_token_reuses"], 1);
  AccountContext rotated = Account(saved_credentials_[0]["access_token"],
                                   saved_credentials_[0]["refresh_token"]);
  EXPECT_THAT(Run(platform_->FetchAccountMetrics(rotated)), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(XPlatformTest, TokenExpiryMidQueueGoesThroughTheCoresRefresh) {
  int core_refreshes = 0;
  PublishRequest r = Request({{"queued", {}}});
  r.account.refresh_credentials = [&]() -> Task<Result<Json>> {
    ++core_refreshes;
    auto made = server_->network().CreateToken(Json::object());
    if (!made.ok()) co_return made.error();
    oauth::TokenSet t;
    t.access_token = (*made)["access_token"];
    t.refresh_token = (*made)["refresh_token"];
    t.expires_at = clock_.Now() + std::chrono::hours(2);
    co_return oauth::TokenSetToCredentials(t);
  };
  // Accepted when queued, expired when its turn comes: X answers 401, the core renews.
  Arm(FaultKind::kExpiredToken, "POST", "/2/tweets", 1);
  ASSERT_THAT(Run(platform_->Publish(std::move(r))), IsOk());
  EXPECT_EQ(core_refreshes, 1);
  EXPECT_TRUE(saved_credentials_.empty());  // the core stores them, not the adapter
  EXPECT_EQ(server_->network().Info()["refreshes"], 0);
  EXPECT_EQ(LivePosts().size(), 1u);
}

// ---- delete and metrics ----

TEST_F(XPlatformTest, DeletesEveryPartAndReadsMetrics) {
  auto receipt = Run(platform_->Publish(Request({{"measure me", {}}, {"and me", {}}})));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_THAT(emulator().posts().Update(receipt->external_id,
                                        [](emulators::CreatedPost& p) {
                                          p.metrics = Json{{"likes", 7}, {"reposts", 2},
                                                           {"views", 120}};
                                        }),
              IsOk());
  auto metrics = Run(platform_->FetchPostMetrics(Account(), *receipt));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ((*metrics)["likes"], 7);
  EXPECT_EQ((*metrics)["reposts"], 2);
  EXPECT_EQ((*metrics)["replies"], 1);
  EXPECT_EQ((*metrics)["views"], 120);
  auto account = Run(platform_->FetchAccountMetrics(Account()));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ((*account)["followers"], 1200);
  EXPECT_EQ((*account)["posts"], 2);

  ASSERT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());
  EXPECT_TRUE(LivePosts().empty());
  // Deleting again is fine: already gone.
  EXPECT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());
  EXPECT_THAT(Run(platform_->FetchPostMetrics(Account(), *receipt)),
              StatusIs(ErrorCode::kNotFound));
}

}  // namespace
}  // namespace herald::platforms::x
