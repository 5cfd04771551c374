// ThreadsPlatform against the in-process Threads emulator over real loopback HTTP (the
// production HttpsClient), with media served by a loopback file server that the emulator
// downloads for real: connect (authorize, code, long-lived exchange), publish (text polled
// several times, image, carousel, a reply chain and its resume), container ERROR with Meta's
// reason, a publish answer lost (found, one post), a spent publishing limit (a quota wait,
// nothing sent), token renewal, bad input, delete and metrics.
#include "platforms/threads/threads_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platforms/http/form_urlencoded.h"
#include "platforms/oauth/token_set.h"
#include "platforms/register_all.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/threads/threads_emulator.h"
#include "tests/platforms/support/emulator_fixture.h"
#include "tests/platforms/support/test_http_server.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::threads {
namespace {

using base::ErrorCode;
using emulators::FaultKind;
using emulators::ThreadsEmulator;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(64, 'j');
const std::string kMp4 = std::string("\0\0\0\x18", 4) + "ftypmp42" + std::string(64, 'v');

class ThreadsPlatformTest : public testing::EmulatorFixture<ThreadsEmulator> {
 protected:
  void SetUp() override {
    EmulatorFixture::SetUp();
    files_ = std::make_unique<testing::TestHttpServer>([](const testing::ServerRequest& req) {
      if (req.Path() == "/photo.jpg" || req.Path() == "/second.jpg") {
        return testing::ServerResponse::Text(200, kJpeg);
      }
      if (req.Path() == "/clip.mp4") return testing::ServerResponse::Text(200, kMp4);
      if (req.Path() == "/page.html") return testing::ServerResponse::Text(200, "<html></html>");
      return testing::ServerResponse::Text(404, "");
    });
    platform_ = Make();
  }
  void TearDown() override {
    platform_.reset();
    EmulatorFixture::TearDown();
    files_.reset();
  }

  std::unique_ptr<ThreadsPlatform> Make() {
    ThreadsOptions options;
    options.api_url = server_->base_url();
    options.request_timeout = std::chrono::seconds(5);
    // Waiting for a container moves the shared clock, never sleeps.
    options.pause = [this](std::chrono::milliseconds d) -> Task<void> {
      clock_.Advance(d);
      pauses_.push_back(d);
      co_return;
    };
    oauth::OAuthProvider provider = ThreadsProvider(server_->base_url(), server_->base_url());
    provider.client_id = ThreadsEmulator::kClientId;
    provider.client_secret = ThreadsEmulator::kClientSecret;
    return std::make_unique<ThreadsPlatform>(std::move(provider), *http_, clock_,
                                             std::move(options));
  }

  AccountContext Account(std::string token = ThreadsEmulator::kSeedToken,
                         std::chrono::hours left = std::chrono::hours(24 * 50)) {
    oauth::TokenSet tokens;
    tokens.access_token = std::move(token);
    tokens.expires_at = clock_.Now() + left;
    AccountContext a;
    a.account_id = "acc_threads";
    a.external_id = ThreadsEmulator::kSeedUserId;
    a.handle = std::string("@") + ThreadsEmulator::kSeedUsername;
    a.settings = Json{{"username", ThreadsEmulator::kSeedUsername}};
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
    r.idempotency_key = "tgt_threads";
    r.save_remote_state = [this](const Json& state) -> Result<void> {
      saved_.push_back(state);
      if (on_save_) on_save_(state);
      return base::Ok();
    };
    return r;
  }

  MediaItem Image(const std::string& name) {
    MediaItem m;
    m.id = "med_" + name;
    m.mime_type = "image/jpeg";
    m.file_name = name;
    m.size = static_cast<int64_t>(kJpeg.size());
    m.url = files_->BaseUrl() + "/" + name;
    m.probe.kind = "image";
    m.probe.format = "jpeg";
    m.probe.width = 1080;
    m.probe.height = 1080;
    return m;
  }

  size_t Requests(const std::string& method, const std::string& suffix) {
    size_t n = 0;
    for (const auto& r : emulator().requests().List()) {
      n += r.method == method && r.path.ends_with(suffix);
    }
    return n;
  }

  std::unique_ptr<testing::TestHttpServer> files_;
  std::unique_ptr<ThreadsPlatform> platform_;
  std::vector<Json> saved_;
  std::vector<Json> saved_credentials_;
  std::function<void(const Json&)> on_save_;
  std::vector<std::chrono::milliseconds> pauses_;
  bool armed_ = false;
};

// ---- description, configuration and bad input ----

TEST_F(ThreadsPlatformTest, DescribesItself) {
  const PlatformInfo& info = platform_->Info();
  EXPECT_EQ(info.id, "threads");
  EXPECT_EQ(info.auth_kind, AuthKind::kOAuth2);
  EXPECT_EQ(info.text.max_length, 500);
  EXPECT_EQ(info.media.max_items, 20);
  EXPECT_TRUE(info.media.fetch_by_url);
  EXPECT_TRUE(info.features.threads);
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kReconcile);
  EXPECT_EQ(platform_->Provider().authorize_url, server_->base_url() + "/oauth/authorize");
  EXPECT_EQ(platform_->Provider().token_url, server_->base_url() + "/oauth/access_token");
}

TEST_F(ThreadsPlatformTest, MissingClientIdNamesTheVariableAndOverridesKeepThePaths) {
  PlatformEnv env;
  env.http = http_.get();
  env.clock = &clock_;
  auto p = MakeThreadsPlatform(env);
  ASSERT_NE(p, nullptr);
  auto* network = oauth::AsOAuthNetwork(p.get());
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->Provider().authorize_url, "https://threads.net/oauth/authorize");
  EXPECT_EQ(network->Provider().token_url, "https://graph.threads.net/oauth/access_token");
  auto configured = network->Provider().CheckConfigured();
  ASSERT_THAT(configured, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(configured.error().message(), HasSubstr("HERALD_THREADS_CLIENT_ID"));
  EXPECT_THAT(configured.error().message(), HasSubstr("/oauth/callback/threads"));
  env.base_urls["threads"] = "http://127.0.0.1:1";
  env.auth_urls["threads"] = "http://127.0.0.1:2/";
  p = MakeThreadsPlatform(env);
  network = oauth::AsOAuthNetwork(p.get());
  EXPECT_EQ(network->Provider().authorize_url, "http://127.0.0.1:2/oauth/authorize");
  EXPECT_EQ(network->Provider().access_token_renewal->url,
            "http://127.0.0.1:1/refresh_access_token");
}

TEST_F(ThreadsPlatformTest, RefusesBadInputSayingWhyAndSendsNothing) {
  Content c;
  // 497 letters and an emoji of 4 bytes: 501 as Threads counts.
  c.parts = {{std::string(497, 'a') + "\xF0\x9F\x91\x8B", {}}};
  ValidationReport r = platform_->Validate(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.length, 501);
  EXPECT_THAT(r.violations[0].message, HasSubstr("501 characters, 1 over Threads"));
  EXPECT_THAT(r.violations[0].message, HasSubstr("emoji"));
  c.parts = {{std::string(496, 'a') + "\xF0\x9F\x91\x8B", {}}};
  EXPECT_TRUE(platform_->Validate(c).ok());
  Content many;
  many.parts = {{"too many", {}}};
  for (int i = 0; i < 21; ++i) many.parts[0].media.push_back(Image("photo.jpg"));
  r = platform_->Validate(many);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.violations[0].message, HasSubstr("21 items"));
  Content empty;
  empty.parts = {{"", {}}};
  EXPECT_FALSE(platform_->Validate(empty).ok());
  EXPECT_EQ(emulator().requests().List().size(), 0u);
}

// ---- connect ----

TEST_F(ThreadsPlatformTest, ConnectsAndKeepsTheLongLivedToken) {
  const std::string redirect = "http://127.0.0.1:9/oauth/callback/threads";
  const std::string url = platform_->AuthorizeUrl(redirect, "st4te", "");
  ASSERT_EQ(url.rfind(server_->base_url(), 0), 0u) << url;
  EXPECT_THAT(url, HasSubstr("scope=threads_basic%2Cthreads_content_publish"));
  EXPECT_THAT(url, Not(HasSubstr("code_challenge")));
  auto answer = emulators::EmulatorClient(server_->base_url())
                    .Send("GET", url.substr(server_->base_url().size()));
  ASSERT_THAT(answer, IsOk());
  ASSERT_EQ(answer->status, 302) << answer->body;
  const std::string location = answer->Header("Location");
  auto query = http::ParseFormUrlEncoded(location.substr(redirect.size() + 1));
  EXPECT_EQ(http::FormValue(query, "state"), "st4te");
  auto tokens = Run(platform_->ExchangeCode(http::FormValue(query, "code"), redirect, ""));
  ASSERT_THAT(tokens, IsOk());
  EXPECT_EQ(tokens->access_token.rfind("thl-", 0), 0u);  // the long-lived one
  ASSERT_TRUE(tokens->expires_at.has_value());
  EXPECT_EQ(*tokens->expires_at, clock_.Now() + std::chrono::seconds(5'184'000));
  auto account = Run(platform_->Identify(*tokens));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->external_id, ThreadsEmulator::kSeedUserId);
  EXPECT_EQ(account->handle, "@herald_tester");
  EXPECT_EQ(account->token_expires_at, tokens->expires_at);
  EXPECT_EQ(server_->network().Info()["exchanges"], 1);
}

TEST_F(ThreadsPlatformTest, RenewsTheTokenBeforeItExpires) {
  auto made = server_->network().CreateToken(Json{{"expires_in", 7 * 86'400}});
  ASSERT_THAT(made, IsOk());
  clock_.Advance(std::chrono::hours(48));  // a token must be a day old to be renewed
  PublishRequest r = Request({{"after renewal", {}}});
  r.account = Account((*made)["access_token"], std::chrono::hours(24 * 5));
  auto receipt = Run(platform_->Publish(std::move(r)));
  ASSERT_THAT(receipt, IsOk()) << receipt.error().ToString();
  ASSERT_FALSE(saved_credentials_.empty());
  EXPECT_NE(saved_credentials_.back()["access_token"], (*made)["access_token"]);
  EXPECT_EQ(server_->network().Info()["refreshes"], 1);
}

TEST_F(ThreadsPlatformTest, ExpiredTokenNeedsReconnecting) {
  ASSERT_THAT(server_->network().ExpireTokens(""), IsOk());
  auto r = Run(platform_->Publish(Request({{"hello", {}}})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(r.error().message(), HasSubstr("reconnected"));
  EXPECT_TRUE(LivePosts().empty());
}

// ---- publish ----

TEST_F(ThreadsPlatformTest, PublishesTextAfterPollingTheContainer) {
  auto receipt = Run(platform_->Publish(Request({{"Hello Threads", {}}})));
  ASSERT_THAT(receipt, IsOk()) << receipt.error().ToString();
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, "Hello Threads");
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, posts[0].url);
  EXPECT_EQ(pauses_.size(), 2u);  // two IN_PROGRESS answers, through the injected pause
  EXPECT_EQ(Requests("GET", "/threads_publishing_limit"), 1u);
  // The container was recorded before it was published.
  ASSERT_FALSE(saved_.empty());
  EXPECT_FALSE(base::GetString(saved_[0]["containers"]["0"], "container").empty());
}

TEST_F(ThreadsPlatformTest, PublishesAnImageAndACarouselFetchedFromTheirUrls) {
  auto one = Run(platform_->Publish(Request({{"A photo", {Image("photo.jpg")}}})));
  ASSERT_THAT(one, IsOk()) << one.error().ToString();
  auto carousel = Run(platform_->Publish(
      Request({{"Two photos", {Image("photo.jpg"), Image("second.jpg")}}})));
  ASSERT_THAT(carousel, IsOk()) << carousel.error().ToString();
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].media.size(), 1u);
  EXPECT_EQ(posts[0].extra["media_type"], "IMAGE");
  EXPECT_EQ(posts[1].media.size(), 2u);
  EXPECT_EQ(posts[1].extra["media_type"], "CAROUSEL");
  EXPECT_EQ(server_->network().Info()["fetched_media"].size(), 3u);
}

TEST_F(ThreadsPlatformTest, ContainerErrorCarriesMetasReason) {
  auto r = Run(platform_->Publish(Request({{"Broken", {Image("missing.jpg")}}})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("could not be fetched from this URI"));
  MediaItem page = Image("page.html");
  r = Run(platform_->Publish(Request({{"Not a picture", {page}}})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("Unsupported image format"));
  ASSERT_THAT(server_->network().Control("fail_containers", Json{{"count", 1}}), IsOk());
  r = Run(platform_->Publish(Request({{"Unlucky", {}}})));
  EXPECT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("Media processing failed"));
  EXPECT_TRUE(LivePosts().empty());
}

TEST_F(ThreadsPlatformTest, ReplyChainResumesAfterTheRecordedParts) {
  // The second container cannot be made the first time: the attempt stops after part 1.
  on_save_ = [this](const Json& state) {
    if (state["parts"].size() == 1 && !armed_) {
      armed_ = true;
      Arm(FaultKind::kServerError, "POST", "/v1.0/*/threads", 1, 503);
    }
  };
  std::vector<PostPart> parts = {{"Part one", {}}, {"Part two", {}}, {"Part three", {}}};
  auto first = Run(platform_->Publish(Request(parts)));
  ASSERT_THAT(first, StatusIs(ErrorCode::kUnavailable));
  EXPECT_THAT(first.error().message(), HasSubstr("thread part 2 of 3"));
  ASSERT_EQ(LivePosts().size(), 1u);
  PublishRequest again = Request(parts);
  again.remote_state = saved_.back();
  auto receipt = Run(platform_->Publish(std::move(again)));
  ASSERT_THAT(receipt, IsOk()) << receipt.error().ToString();
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
  EXPECT_EQ(posts[2].reply_to, posts[1].id);
  EXPECT_EQ(receipt->remote_state["parts"].size(), 3u);
}

TEST_F(ThreadsPlatformTest, LostPublishAnswerIsFoundAndPublishedOnce) {
  Arm(FaultKind::kDropAfterAccept, "POST", "/v1.0/*/threads_publish");
  auto receipt = Run(platform_->Publish(Request({{"Exactly once", {}}})));
  ASSERT_THAT(receipt, IsOk()) << receipt.error().ToString();
  auto posts = LivePosts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(Requests("POST", "/threads_publish"), 1u);
}

TEST_F(ThreadsPlatformTest, AfterACrashFindAndPublishUseTheRecordedContainer) {
  // The attempt "crashed" once the container was recorded: only that record survives.
  auto receipt = Run(platform_->Publish(Request({{"Crash-safe", {}}})));
  ASSERT_THAT(receipt, IsOk());
  const Json crashed = saved_.front();
  PublishRequest find = Request({{"Crash-safe", {}}});
  find.remote_state = crashed;
  auto found = Run(platform_->Find(std::move(find)));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, receipt->external_id);
  PublishRequest again = Request({{"Crash-safe", {}}});
  again.remote_state = crashed;
  auto second = Run(platform_->Publish(std::move(again)));
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->external_id, receipt->external_id);
  EXPECT_EQ(LivePosts().size(), 1u);
  // Nothing recorded: certainly not published.
  auto none = Run(platform_->Find(Request({{"Never sent", {}}})));
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());
}

TEST_F(ThreadsPlatformTest, SpentPublishingLimitIsAQuotaWaitBeforeAnythingIsSent) {
  emulator().MergeConfig(Json{{"quota_total", 1}});
  ASSERT_THAT(Run(platform_->Publish(Request({{"first", {}}}))), IsOk());
  const size_t containers = Requests("POST", "/threads");
  auto r = Run(platform_->Publish(Request({{"second", {}}})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  EXPECT_TRUE(r.error().quota_wait());
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_THAT(r.error().message(), HasSubstr("limit of 1 posts in 24 hours"));
  EXPECT_EQ(Requests("POST", "/threads"), containers);
  EXPECT_EQ(LivePosts().size(), 1u);
}

TEST_F(ThreadsPlatformTest, RateLimitWaitsAsMetaSays) {
  Arm(FaultKind::kRateLimit, "GET", "/v1.0/*/threads_publishing_limit", 1, 429, 600);
  auto r = Run(platform_->Publish(Request({{"limited", {}}})));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_EQ(*r.error().retry_after(), std::chrono::minutes(10));
}

// ---- delete and metrics ----

TEST_F(ThreadsPlatformTest, MetricsAndDelete) {
  auto receipt = Run(platform_->Publish(Request({{"Count me", {}}, {"and me", {}}})));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_THAT(emulator().posts().Update(receipt->external_id,
                                        [](emulators::CreatedPost& p) {
                                          p.metrics = Json{{"views", 40}, {"likes", 3}};
                                        }),
              IsOk());
  auto metrics = Run(platform_->FetchPostMetrics(Account(), *receipt));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ((*metrics)["views"], 40);
  EXPECT_EQ((*metrics)["likes"], 3);
  EXPECT_EQ((*metrics)["replies"], 0);
  auto account = Run(platform_->FetchAccountMetrics(Account()));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ((*account)["followers"], 321);
  ASSERT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());
  EXPECT_TRUE(LivePosts().empty());
  EXPECT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());  // already gone
}

}  // namespace
}  // namespace herald::platforms::threads
