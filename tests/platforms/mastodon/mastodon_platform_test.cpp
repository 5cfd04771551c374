// MastodonPlatform against the in-process Mastodon emulator over real loopback HTTP (the
// production HttpsClient): connect, publish (text, images, threads, resume), every fault,
// length rules, delete and metrics.
#include "platforms/mastodon/mastodon_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include "base/crypto.h"
#include "tests/emulators/mastodon/mastodon_emulator.h"
#include "tests/platforms/support/emulator_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::mastodon {
namespace {

using base::ErrorCode;
using emulators::FaultKind;
using emulators::MastodonEmulator;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

class MastodonPlatformTest : public testing::EmulatorFixture<MastodonEmulator> {
 protected:
  void SetUp() override {
    EmulatorFixture::SetUp();
    MastodonOptions options;
    options.media_poll_interval = std::chrono::milliseconds(1);
    options.request_timeout = std::chrono::seconds(5);
    platform_ = std::make_unique<MastodonPlatform>(http_.get(), &clock_, options);
  }
  void TearDown() override {
    platform_.reset();
    EmulatorFixture::TearDown();
  }

  AccountContext Account(std::string token = MastodonEmulator::kSeedToken) {
    AccountContext a;
    a.account_id = "acc_1";
    a.external_id = MastodonEmulator::kSeedAccountId;
    a.base_url = server_->base_url();
    a.credentials = Json{{"access_token", token}};
    return a;
  }

  PublishRequest Request(std::vector<PostPart> parts, std::string key = "tgt_1") {
    PublishRequest r;
    r.account = Account();
    r.content.parts = std::move(parts);
    r.idempotency_key = std::move(key);
    r.save_remote_state = [this](const Json& state) -> Result<void> {
      saved_.push_back(state);
      return base::Ok();
    };
    return r;
  }

  static MediaItem Image(std::string name, std::string alt, std::string bytes = "\x89PNG fake") {
    MediaItem m;
    m.id = "med_" + name;
    m.mime_type = "image/png";
    m.file_name = name;
    m.alt_text = std::move(alt);
    m.data = std::move(bytes);
    m.size = static_cast<int64_t>(m.data.size());
    return m;
  }

  std::unique_ptr<MastodonPlatform> platform_;
  std::vector<Json> saved_;
};

TEST_F(MastodonPlatformTest, DescribesItself) {
  const PlatformInfo& info = platform_->Info();
  EXPECT_EQ(info.id, "mastodon");
  EXPECT_EQ(info.text.max_length, 500);
  EXPECT_EQ(info.text.url_length, 23);
  EXPECT_EQ(info.media.max_items, 4);
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kNative);
  EXPECT_TRUE(info.features.threads);
}

TEST_F(MastodonPlatformTest, ConnectVerifiesTheTokenAndReturnsTheAccount) {
  auto connected = Run(platform_->Connect(Json{{"instance_url", server_->base_url() + "/"},
                                               {"access_token", MastodonEmulator::kSeedToken}}));
  ASSERT_THAT(connected, IsOk());
  EXPECT_EQ(connected->external_id, MastodonEmulator::kSeedAccountId);
  EXPECT_EQ(connected->handle, "@alice@127.0.0.1");
  EXPECT_EQ(connected->display_name, "Alice Example");
  EXPECT_EQ(connected->base_url, server_->base_url());
  EXPECT_EQ(connected->credentials["access_token"], MastodonEmulator::kSeedToken);
  EXPECT_FALSE(connected->token_expires_at.has_value());
}

TEST_F(MastodonPlatformTest, ConnectRejectsABadTokenWithMastodonsReason) {
  auto connected = Run(
      platform_->Connect(Json{{"instance_url", server_->base_url()}, {"access_token", "wrong"}}));
  ASSERT_THAT(connected, Not(IsOk()));
  EXPECT_EQ(connected.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(connected.error().message(), HasSubstr("The access token is invalid"));
  EXPECT_THAT(connected.error().message(), Not(HasSubstr("wrong")));
}

TEST_F(MastodonPlatformTest, ConnectNamesMissingOrBadFields) {
  auto no_url = Run(platform_->Connect(Json{{"access_token", "x"}}));
  ASSERT_THAT(no_url, Not(IsOk()));
  EXPECT_EQ(no_url.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(no_url.error().message(), HasSubstr("instance_url"));
  auto no_token = Run(platform_->Connect(Json{{"instance_url", server_->base_url()}}));
  EXPECT_THAT(no_token.error().message(), HasSubstr("access_token"));
  auto plain_http = Run(
      platform_->Connect(Json{{"instance_url", "http://mastodon.example"}, {"access_token", "x"}}));
  EXPECT_EQ(plain_http.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(plain_http.error().message(), HasSubstr("https://"));
  EXPECT_EQ(*NormalizeInstanceUrl("mastodon.social/"), "https://mastodon.social");
  EXPECT_THAT(NormalizeInstanceUrl("https://mastodon.social/some/path"), Not(IsOk()));
  EXPECT_THAT(NormalizeInstanceUrl("https://user:pw@mastodon.social"), Not(IsOk()));
}

TEST_F(MastodonPlatformTest, InstanceUrlPortMustBe1To65535) {
  for (std::string port : {"0", "65536", "99999", "-1", "+80", "80abc", ""}) {
    for (std::string base : {"https://mastodon.example:", "http://127.0.0.1:"}) {
      auto normalized = NormalizeInstanceUrl(base + port);
      EXPECT_THAT(normalized, Not(IsOk()));
    }
    // Through Connect as well (only loopback here: no test reaches the internet).
    auto connected = Run(platform_->Connect(
        Json{{"instance_url", "http://127.0.0.1:" + port}, {"access_token", "x"}}));
    ASSERT_THAT(connected, Not(IsOk()));
    EXPECT_EQ(connected.error().code(), ErrorCode::kInvalidArgument)
        << port << ": " << connected.error().ToString();
    EXPECT_THAT(connected.error().message(), HasSubstr("instance_url"));
  }
  EXPECT_EQ(*NormalizeInstanceUrl("https://mastodon.example:8443/"),
            "https://mastodon.example:8443");
  EXPECT_EQ(*NormalizeInstanceUrl("http://[::1]:65535"), "http://[::1]:65535");
}

// A user-given instance URL that reaches a loopback service, while the operator has not
// allowed private networks: that service is not a Mastodon instance, so its own error text
// ("error", "error_description") is never quoted; it only goes to the detail (the log).
TEST_F(MastodonPlatformTest, ErrorTextFromAPrivateServiceIsNotQuoted) {
  auto strict = platforms::http::HttpsClient::Create(platforms::http::HttpsClientOptions{});
  ASSERT_THAT(strict, IsOk());
  MastodonPlatform platform(strict->get(), &clock_, MastodonOptions{});
  auto connected = Run(
      platform.Connect(Json{{"instance_url", server_->base_url()}, {"access_token", "wrong"}}));
  ASSERT_THAT(connected, Not(IsOk()));
  EXPECT_EQ(connected.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(connected.error().message(), Not(HasSubstr("The access token is invalid")));
  EXPECT_THAT(connected.error().message(), HasSubstr("HTTP 401"));
  EXPECT_THAT(connected.error().detail(), HasSubstr("The access token is invalid"));
  (*strict)->CloseIdle();
}

// "Could not connect" (nothing listens) and "did not answer" (a listener that accepts and stays
// silent until the configured timeout) read the same, so connect_account cannot be used to
// tell open ports from closed ones.
TEST_F(MastodonPlatformTest, ClosedPortAndSilentPortGiveTheSameMessage) {
  namespace asio = boost::asio;
  const auto loopback = asio::ip::make_address("127.0.0.1");
  uint16_t closed_port;
  {
    asio::ip::tcp::acceptor a(io_, asio::ip::tcp::endpoint(loopback, 0));
    closed_port = a.local_endpoint().port();
  }
  asio::ip::tcp::acceptor silent(io_, asio::ip::tcp::endpoint(loopback, 0));  // never accepts
  MastodonOptions options;
  options.connect_timeout = std::chrono::milliseconds(300);
  options.request_timeout = std::chrono::milliseconds(300);
  MastodonPlatform platform(http_.get(), &clock_, options);
  auto connect = [&](uint16_t port) {
    return Run(platform.Connect(Json{{"instance_url", "http://127.0.0.1:" + std::to_string(port)},
                                     {"access_token", "x"}}));
  };
  auto closed = connect(closed_port);
  auto quiet = connect(silent.local_endpoint().port());
  ASSERT_THAT(closed, Not(IsOk()));
  ASSERT_THAT(quiet, Not(IsOk()));
  EXPECT_EQ(closed.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(quiet.error().code(), closed.error().code());
  EXPECT_EQ(quiet.error().message(), closed.error().message());
  EXPECT_NE(quiet.error().detail(), closed.error().detail());  // the log still tells them apart
}

TEST_F(MastodonPlatformTest, PublishesAStatusWithAPerPartIdempotencyKey) {
  auto receipt = Run(platform_->Publish(Request({{"Hello from herald", {}}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, "Hello from herald");
  EXPECT_EQ(posts[0].idempotency_key, "tgt_1:0");
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, posts[0].url);
  EXPECT_THAT(receipt->url, HasSubstr("/@alice/"));
  // One part: nothing to save between parts; the receipt carries the state.
  EXPECT_TRUE(saved_.empty());
  EXPECT_EQ(receipt->remote_state["parts"][0]["id"], posts[0].id);
}

TEST_F(MastodonPlatformTest, PublishesImagesWithAltText) {
  auto receipt = Run(platform_->Publish(
      Request({{"Two cats", {Image("a.png", "a grey cat"), Image("b.png", "", "other bytes")}}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  ASSERT_EQ(posts[0].media.size(), 2u);
  EXPECT_EQ(posts[0].media[0].alt_text, "a grey cat");
  EXPECT_EQ(posts[0].media[0].mime_type, "image/png");
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex("\x89PNG fake"));
  EXPECT_EQ(posts[0].media[1].alt_text, "");
}

TEST_F(MastodonPlatformTest, WaitsForAsynchronousMediaProcessing) {
  emulator().MergeConfig(Json{{"media_processing_polls", 2}});
  auto receipt = Run(platform_->Publish(Request({{"processing", {Image("a.png", "alt")}}})));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(Posts()[0].media.size(), 1u);
  int polls = 0;
  for (const auto& r : emulator().requests().List()) {
    if (r.method == "GET" && r.path.rfind("/api/v1/media/", 0) == 0) {
      ++polls;
      EXPECT_TRUE(r.status == 206 || r.status == 200);
    }
  }
  EXPECT_EQ(polls, 3);  // 206, 206, 200
}

TEST_F(MastodonPlatformTest, GivesUpOnMediaThatNeverFinishesProcessing) {
  MastodonOptions options;
  options.media_poll_interval = std::chrono::milliseconds(1);
  options.media_poll_attempts = 3;
  MastodonPlatform impatient(http_.get(), &clock_, options);
  emulator().MergeConfig(Json{{"media_processing_polls", 100}});
  auto receipt = Run(impatient.Publish(Request({{"x", {Image("a.png", "alt")}}})));
  ASSERT_THAT(receipt, Not(IsOk()));
  EXPECT_EQ(receipt.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(receipt.error().message(), HasSubstr("still processing"));
  EXPECT_TRUE(Posts().empty());
}

TEST_F(MastodonPlatformTest, PublishesAThreadChainedByInReplyTo) {
  auto receipt = Run(platform_->Publish(Request({{"one", {}}, {"two", {}}, {"three", {}}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].reply_to, "");
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
  EXPECT_EQ(posts[2].reply_to, posts[1].id);
  EXPECT_EQ(posts[2].idempotency_key, "tgt_1:2");
  EXPECT_EQ(receipt->external_id, posts[0].id);
  ASSERT_EQ(receipt->remote_state["parts"].size(), 3u);
  EXPECT_EQ(receipt->remote_state["parts"][2]["id"], posts[2].id);
  ASSERT_EQ(saved_.size(), 2u);  // after each part but the last (the receipt has it)
  EXPECT_EQ(saved_[0]["parts"].size(), 1u);
  EXPECT_EQ(saved_[1]["parts"].size(), 2u);
}

TEST_F(MastodonPlatformTest, ResumesAPartialThreadFromRemoteState) {
  PublishRequest first = Request({{"one", {}}, {"two", {}}, {"three", {}}});
  // Fail the second status: arm a 503 once the first part is saved.
  first.save_remote_state = [this](const Json& state) -> Result<void> {
    saved_.push_back(state);
    if (saved_.size() == 1) Arm(FaultKind::kServerError, "POST", "/api/v1/statuses");
    return base::Ok();
  };
  auto failed = Run(platform_->Publish(first));
  ASSERT_THAT(failed, Not(IsOk()));
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  ASSERT_EQ(Posts().size(), 1u);

  PublishRequest retry = Request({{"one", {}}, {"two", {}}, {"three", {}}});
  retry.remote_state = saved_.back();
  auto receipt = Run(platform_->Publish(retry));
  ASSERT_THAT(receipt, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 3u);  // "one" was not posted again
  EXPECT_EQ(posts[1].text, "two");
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
  EXPECT_EQ(posts[2].reply_to, posts[1].id);
  EXPECT_EQ(receipt->external_id, posts[0].id);
}

TEST_F(MastodonPlatformTest, RateLimitIsResourceExhaustedWithRetryAfterFromTheResetHeader) {
  Arm(FaultKind::kRateLimit, "POST", "/api/v1/statuses", 1, 429, 30);
  auto receipt = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(receipt, Not(IsOk()));
  EXPECT_EQ(receipt.error().code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(receipt.error().retry_after().has_value());
  EXPECT_EQ(*receipt.error().retry_after(), std::chrono::seconds(30));
  EXPECT_THAT(receipt.error().message(), HasSubstr("Too many requests"));
  EXPECT_TRUE(Posts().empty());
}

TEST_F(MastodonPlatformTest, RealRateLimitWindowIsEnforcedAndReported) {
  emulator().MergeConfig(Json{{"rate_limit", 2}});
  ASSERT_THAT(Run(platform_->Publish(Request({{"a", {}}}, "k1"))), IsOk());
  ASSERT_THAT(Run(platform_->Publish(Request({{"b", {}}}, "k2"))), IsOk());
  clock_.Advance(std::chrono::seconds(60));
  auto third = Run(platform_->Publish(Request({{"c", {}}}, "k3")));
  ASSERT_THAT(third, Not(IsOk()));
  EXPECT_EQ(third.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*third.error().retry_after(), std::chrono::seconds(240));  // 5 min window - 60 s
  clock_.Advance(std::chrono::seconds(240));
  EXPECT_THAT(Run(platform_->Publish(Request({{"c", {}}}, "k3"))), IsOk());
}

TEST_F(MastodonPlatformTest, ServerErrorsAreUnavailable) {
  Arm(FaultKind::kServerError, "POST", "/api/v1/statuses", 1, 502);
  auto gateway = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(gateway, Not(IsOk()));
  EXPECT_EQ(gateway.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(gateway.error().message(), HasSubstr("HTTP 502"));
  Arm(FaultKind::kServerError, "POST", "/api/v2/media", 1, 500);
  auto media = Run(platform_->Publish(Request({{"x", {Image("a.png", "")}}})));
  EXPECT_EQ(media.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(Posts().empty());
}

TEST_F(MastodonPlatformTest, DropAfterAcceptIsUnknownAndTheRetryMakesNoDuplicate) {
  Arm(FaultKind::kDropAfterAccept, "POST", "/api/v1/statuses");
  auto first = Run(platform_->Publish(Request({{"exactly once", {}}})));
  ASSERT_THAT(first, Not(IsOk()));
  EXPECT_EQ(first.error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(Posts().size(), 1u);  // Mastodon did apply it

  auto retry = Run(platform_->Publish(Request({{"exactly once", {}}})));
  ASSERT_THAT(retry, IsOk());
  ASSERT_EQ(Posts().size(), 1u);
  EXPECT_EQ(retry->external_id, Posts()[0].id);
}

TEST_F(MastodonPlatformTest, DropAfterAcceptMidThreadResumesWithoutDuplicates) {
  PublishRequest first = Request({{"one", {}}, {"two", {}}});
  first.save_remote_state = [this](const Json& state) -> Result<void> {
    saved_.push_back(state);
    if (saved_.size() == 1) Arm(FaultKind::kDropAfterAccept, "POST", "/api/v1/statuses");
    return base::Ok();
  };
  EXPECT_EQ(Run(platform_->Publish(first)).error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(Posts().size(), 2u);
  PublishRequest retry = Request({{"one", {}}, {"two", {}}});
  retry.remote_state = saved_.back();
  ASSERT_THAT(Run(platform_->Publish(retry)), IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
}

TEST_F(MastodonPlatformTest, DropBeforeIsUnknownAndTheRetryPostsOnce) {
  Arm(FaultKind::kDropBefore, "POST", "/api/v1/statuses");
  auto first = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(first, Not(IsOk()));
  EXPECT_EQ(first.error().code(), ErrorCode::kUnknown);
  EXPECT_TRUE(Posts().empty());
  ASSERT_THAT(Run(platform_->Publish(Request({{"x", {}}}))), IsOk());
  EXPECT_EQ(Posts().size(), 1u);
}

TEST_F(MastodonPlatformTest, ExpiredTokenIsUnauthenticated) {
  Arm(FaultKind::kExpiredToken, "*", "*");
  auto receipt = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(receipt, Not(IsOk()));
  EXPECT_EQ(receipt.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(receipt.error().message(), HasSubstr("revoked"));
  // The token stays revoked.
  auto again = Run(platform_->FetchAccountMetrics(Account()));
  EXPECT_EQ(again.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(MastodonPlatformTest, SlowAnswerTimesOutAsUnknownAndTheRetryMakesNoDuplicate) {
  MastodonOptions options;
  options.request_timeout = std::chrono::milliseconds(150);
  MastodonPlatform hasty(http_.get(), &clock_, options);
  Arm(FaultKind::kSlow, "POST", "/api/v1/statuses", 1, 0, 0, 400);
  auto first = Run(hasty.Publish(Request({{"slow", {}}})));
  ASSERT_THAT(first, Not(IsOk()));
  EXPECT_EQ(first.error().code(), ErrorCode::kUnknown);
  auto retry = Run(platform_->Publish(Request({{"slow", {}}})));
  ASSERT_THAT(retry, IsOk());
  server_->Stop();  // lets the delayed first request finish
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(retry->external_id, posts[0].id);
}

TEST_F(MastodonPlatformTest, ValidateCountsTheMastodonWay) {
  // 480 letters + a 100-character URL (counts 23) = 504 with the space.
  std::string text = std::string(480, 'a') + " https://example.com/" + std::string(80, 'p');
  Content content{{{text, {}}}};
  ValidationReport report = platform_->Validate(content);
  EXPECT_EQ(report.length, 504);
  EXPECT_EQ(report.limit, 500);
  EXPECT_EQ(report.unit, "graphemes");
  ASSERT_EQ(report.violations.size(), 1u);
  EXPECT_EQ(report.violations[0].field, "text");
  EXPECT_EQ(report.violations[0].message,
            "text is 504 characters, 4 over Mastodon's limit of 500 (URLs count as 23, "
            "@user@domain mentions count as @user)");
  // A remote mention counts as @user: fits.
  Content mention{{{std::string(480, 'a') + " @someone@very.long.instance.example", {}}}};
  EXPECT_TRUE(platform_->Validate(mention).ok());
  // Thread parts are named as the caller wrote them: the first reply is thread[0].
  Content thread{{{"ok", {}}, {std::string(501, 'b'), {}}}};
  auto t = platform_->Validate(thread);
  ASSERT_EQ(t.violations.size(), 1u);
  EXPECT_EQ(t.violations[0].field, "thread[0].text");
}

TEST_F(MastodonPlatformTest, ValidateChecksMedia) {
  std::vector<MediaItem> five(5, Image("a.png", ""));
  auto too_many = platform_->Validate(Content{{{"x", five}}});
  ASSERT_FALSE(too_many.ok());
  EXPECT_THAT(too_many.violations[0].message, HasSubstr("over Mastodon's limit of 4"));
  MediaItem pdf = Image("a.pdf", "");
  pdf.mime_type = "application/pdf";
  EXPECT_THAT(platform_->Validate(Content{{{"x", {pdf}}}}).violations[0].field, "media[0]");
  MediaItem huge = Image("h.png", "");
  huge.size = 17 * 1024 * 1024;
  EXPECT_THAT(platform_->Validate(Content{{{"x", {huge}}}}).violations[0].message,
              HasSubstr("16 MiB"));
  MediaItem video = Image("v.mp4", "");
  video.mime_type = "video/mp4";
  EXPECT_FALSE(platform_->Validate(Content{{{"x", {video, Image("a.png", "")}}}}).ok());
  EXPECT_FALSE(platform_->Validate(Content{{{"", {}}}}).ok());
  EXPECT_TRUE(platform_->Validate(Content{{{"", {Image("a.png", "alt")}}}}).ok());
}

TEST_F(MastodonPlatformTest, OverlongTextRejectedByTheInstanceIsInvalidArgument) {
  auto receipt = Run(platform_->Publish(Request({{std::string(501, 'x'), {}}})));
  ASSERT_THAT(receipt, Not(IsOk()));
  EXPECT_EQ(receipt.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(receipt.error().message(), HasSubstr("character limit of 500 exceeded"));
  // 5 images get Mastodon's own 422.
  std::vector<MediaItem> five;
  for (int i = 0; i < 5; ++i) five.push_back(Image("i" + std::to_string(i) + ".png", ""));
  auto media = Run(platform_->Publish(Request({{"x", five}}, "k2")));
  EXPECT_EQ(media.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(media.error().message(), HasSubstr("Cannot attach more than 4 files"));
  EXPECT_TRUE(Posts().empty());
}

TEST_F(MastodonPlatformTest, DeletesEveryPartAndToleratesAlreadyDeleted) {
  auto receipt = Run(platform_->Publish(Request({{"one", {}}, {"two", {}}})));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());
  EXPECT_TRUE(LivePosts().empty());
  EXPECT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());  // 404s: already gone
  // Replies went first.
  std::vector<std::string> deleted;
  for (const auto& r : emulator().requests().List()) {
    if (r.method == "DELETE") deleted.push_back(r.path);
  }
  ASSERT_GE(deleted.size(), 2u);
  EXPECT_EQ(deleted[0],
            "/api/v1/statuses/" + receipt->remote_state["parts"][1]["id"].get<std::string>());
}

TEST_F(MastodonPlatformTest, FetchesPostAndAccountMetrics) {
  auto receipt = Run(platform_->Publish(Request({{"count me", {}}})));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_TRUE(
      emulator()
          .posts()
          .Update(receipt->external_id,
                  [](emulators::CreatedPost& p) {
                    p.metrics = Json{{"likes", 5}, {"reposts", 2}, {"replies", 1}, {"quotes", 3}};
                  })
          .ok());
  auto metrics = Run(platform_->FetchPostMetrics(Account(), *receipt));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ(*metrics, (Json{{"likes", 5}, {"reposts", 2}, {"replies", 1}, {"quotes", 3}}));
  auto account = Run(platform_->FetchAccountMetrics(Account()));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ((*account)["followers"], 42);
  EXPECT_EQ((*account)["following"], 7);
  EXPECT_EQ((*account)["posts"], 1);
  ASSERT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());
  EXPECT_EQ(Run(platform_->FetchPostMetrics(Account(), *receipt)).error().code(),
            ErrorCode::kNotFound);
}

TEST_F(MastodonPlatformTest, FetchHistoryPagesBackToSinceWithEngagement) {
  // 50 seeded statuses over the past days (three a day), the Tuesday 14:00 UTC ones boosted,
  // plus one published now.
  auto seeded = server_->network().Control(
      "history", Json{{"account", MastodonEmulator::kSeedAccountId},
                      {"count", 50},
                      {"days", 30},
                      {"peak", {{"weekday", 2}, {"hour", 14}, {"factor", 10}}}});
  ASSERT_THAT(seeded, IsOk());
  ASSERT_EQ((*seeded)["created"], 50);
  ASSERT_THAT(Run(platform_->Publish(Request({{"fresh <b>&amp; new</b>", {}}}))), IsOk());

  HistoryRequest all;
  all.since = clock_.Now() - std::chrono::hours(24 * 90);
  auto history = Run(platform_->FetchHistory(Account(), all));
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->size(), 51u);                          // two pages of 40
  EXPECT_EQ((*history)[0].text, "fresh <b>&amp; new</b>");  // entities decoded, tags dropped
  for (size_t i = 1; i < history->size(); ++i) {
    EXPECT_GE((*history)[i - 1].published_at, (*history)[i].published_at);
    EXPECT_THAT((*history)[i].text, HasSubstr("history post"));
    EXPECT_FALSE((*history)[i].url.empty());
    const bool peak = (*history)[i].text.find("(Tue 14h UTC)") != std::string::npos;
    EXPECT_EQ((*history)[i].metrics["likes"], peak ? 20 : 2) << (*history)[i].text;
    EXPECT_EQ((*history)[i].metrics["reposts"], peak ? 10 : 1);
  }
  int pages = 0;
  for (const auto& r : emulator().requests().List()) {
    if (r.path.find("/statuses") != std::string::npos && r.method == "GET") ++pages;
  }
  EXPECT_EQ(pages, 2);

  // Bounded by `since` and by `max_posts`.
  HistoryRequest week;
  week.since = clock_.Now() - std::chrono::hours(24 * 7);
  auto recent = Run(platform_->FetchHistory(Account(), week));
  ASSERT_THAT(recent, IsOk());
  EXPECT_LT(recent->size(), 51u);
  for (const auto& p : *recent) EXPECT_GE(p.published_at, week.since);
  HistoryRequest few = all;
  few.max_posts = 5;
  auto five = Run(platform_->FetchHistory(Account(), few));
  ASSERT_THAT(five, IsOk());
  EXPECT_EQ(five->size(), 5u);
  // A revoked token is the network's reason, not an empty history.
  auto denied = Run(platform_->FetchHistory(Account("wrong"), all));
  EXPECT_THAT(denied, StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(MastodonPlatformTest, FindReportsACompleteRemoteStateOrAsksToPublishAgain) {
  auto none = Run(platform_->Find(Request({{"x", {}}})));
  ASSERT_THAT(none, Not(IsOk()));
  EXPECT_EQ(none.error().code(), ErrorCode::kUnimplemented);
  PublishRequest done = Request({{"x", {}}});
  done.remote_state = Json{{"parts", Json::array({Json{{"id", "9"}, {"url", "u"}}})}};
  auto found = Run(platform_->Find(done));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, "9");
}

// The kit's one rule: part 1 is on the instance but herald could not record it, so the attempt
// is kUnknown (the core reconciles before sending again); it used to return the store's error.
TEST_F(MastodonPlatformTest, SaveRemoteStateFailureStopsAndTheRetryDoesNotDuplicate) {
  PublishRequest first = Request({{"one", {}}, {"two", {}}});
  first.save_remote_state = [](const Json&) -> Result<void> {
    return base::Unavailable("database is busy");
  };
  auto failed = Run(platform_->Publish(first));
  EXPECT_THAT(failed, StatusIs(ErrorCode::kUnknown, HasSubstr("herald could not record it")));
  EXPECT_THAT(failed.error().detail(), HasSubstr("database is busy"));
  ASSERT_EQ(Posts().size(), 1u);
  // Nothing was saved: the retry starts over, and the Idempotency-Key returns part 0.
  ASSERT_THAT(Run(platform_->Publish(Request({{"one", {}}, {"two", {}}}))), IsOk());
  EXPECT_EQ(Posts().size(), 2u);
}

}  // namespace
}  // namespace herald::platforms::mastodon
