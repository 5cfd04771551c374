// The publishing core with the REAL adapters over the real HTTPS client, against emulator
// PROCESSES that lose answers after applying requests (drop_after_accept) and fail with 5xx:
// Mastodon (native idempotency) ends with every post exactly once; Slack (reconcile) finds the
// posts whose answer was lost and never sends them again; Telegram (no idempotency) never posts
// twice and marks what it cannot know `unknown`; Bluesky (record keys) ends `published` when
// the retry is refused as a duplicate and the lookups after it fail for a while; X (no key,
// reconcile) finds the tweets whose answer was lost among the account's recent posts. The
// worker is stepped with a FakeClock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>

#include "base/ids.h"
#include "base/time.h"
#include "core/post_service.h"
#include "core/publish_worker.h"
#include "platforms/http/https_client.h"
#include "platforms/oauth/token_set.h"
#include "platforms/register_all.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"
#include "tests/store/test_support.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

using ::herald::matchers::IsOk;

using emulators::EmulatorClient;
using emulators::EmulatorProcess;
using store::TargetStatus;

// Credentials kept in memory by account id (the AccountService's job in production).
class MapCredentials final : public CredentialSource {
 public:
  void Put(const std::string& account_id, base::Json credentials) {
    std::lock_guard lock(mu_);
    creds_[account_id] = std::move(credentials);
  }
  base::Result<platforms::AccountContext> OpenCredentials(const store::Account& a) override {
    std::lock_guard lock(mu_);
    auto it = creds_.find(a.id);
    if (it == creds_.end()) return base::Unauthenticated("no credentials");
    platforms::AccountContext ctx;
    ctx.account_id = a.id;
    ctx.external_id = a.external_id;
    ctx.handle = a.handle;
    ctx.base_url = a.base_url;
    ctx.settings = a.settings;
    ctx.credentials = it->second;
    return ctx;
  }

 private:
  std::mutex mu_;
  std::map<std::string, base::Json> creds_;
};

class AdaptersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* net : {"mastodon", "telegram", "slack", "bluesky", "x"}) {
      auto p = EmulatorProcess::Start(EmulatorProcess::DefaultBinary(HERALD_EMULATOR_BIN), net);
      ASSERT_THAT(p, IsOk());
      emulators_[net] = std::move(*p);
    }
  }
  static void TearDownTestSuite() { emulators_.clear(); }

  void SetUp() override {
    for (auto& [net, p] : emulators_) {
      ctl_[net] = std::make_unique<EmulatorClient>(p->base_url());
      ASSERT_THAT(ctl_[net]->Reset(), IsOk());
    }
    ASSERT_THAT(ctl_["mastodon"]->SetConfig({{"rate_limit", 1'000'000}}), IsOk());
    ASSERT_THAT(ctl_["telegram"]->SetConfig({{"chat_messages_per_minute", 1'000'000}}), IsOk());
    ASSERT_TRUE(ctl_["slack"]
                    ->SetConfig({{"channel_post_limit", 1'000'000},
                                 {"method_rate_limit", 1'000'000}})
                    .ok());
    auto db = store::testing::MakeTestDatabase(store::testing::BackendKind::kSqliteMemory);
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    auto opened = store::testing::OpenTestStore(db_->url());
    ASSERT_THAT(opened, IsOk());
    store_ = std::move(*opened);
    auto http = platforms::http::HttpsClient::Create(platforms::http::HttpsClientOptions{});
    ASSERT_THAT(http, IsOk());
    http_ = std::move(*http);
    platforms::PlatformEnv env;
    env.http = http_.get();
    env.clock = &clock_;
    env.base_urls = {{"telegram", emulators_["telegram"]->base_url()},
                     {"slack", emulators_["slack"]->base_url() + "/api"},
                     {"x", emulators_["x"]->base_url()}};
    env.oauth_clients["x"] = {"herald-x-client", "herald-x-secret"};
    registry_ = platforms::MakeDefaultRegistry(env);
    pool_ = std::make_unique<base::asio::thread_pool>(2);
    posts_ = std::make_unique<PostService>(*store_, *registry_, &creds_, clock_, *pool_);
    WorkerOptions options;
    options.owner = "wrk_adapters";
    options.retry.seed = 7;
    options.retry.max_attempts = 10;
    options.publish_timeout = std::chrono::seconds(20);
    worker_ = std::make_unique<PublishWorker>(*store_, *registry_, creds_, clock_, *pool_,
                                              options);
    org_.id = base::NewId(base::kOrgPrefix, clock_.Now());
    org_.name = "adapters";
    org_.created_at = clock_.Now();
    ASSERT_THAT(store_->Write([&](store::Tx& tx) { return tx.InsertOrganization(org_); }), IsOk());
    caller_ = {org_.id, "", base::Role::kAdmin};
  }

  void TearDown() override {
    if (http_) static_cast<platforms::http::HttpsClient*>(http_.get())->CloseIdle();
    worker_.reset();
    http_.reset();  // before io_, whose sockets it may pool
    if (pool_) pool_->join();
  }

  // Connects an account the way AccountService does: the adapter's Connect, then the row.
  std::string Connect(const std::string& platform, base::Json args) {
    auto* p = registry_->Find(platform);
    EXPECT_NE(p, nullptr);
    auto connected = testing::AwaitOn(io_, p->Connect(std::move(args)));
    EXPECT_THAT(connected, IsOk());
    if (!connected.ok()) return "";
    store::Account a;
    a.id = base::NewId(base::kAccountPrefix, clock_.Now());
    a.org_id = org_.id;
    a.platform = platform;
    a.external_id = connected->external_id;
    a.handle = connected->handle;
    a.base_url = connected->base_url;
    a.settings = connected->settings;
    a.credentials_sealed = "sealed-elsewhere";
    a.created_at = clock_.Now();
    a.updated_at = clock_.Now();
    auto stored = store::WriteValue<store::Account>(*store_,
                                                    [&](store::Tx& tx) { return tx.UpsertAccount(a); });
    EXPECT_THAT(stored, IsOk());
    if (!stored.ok()) return "";
    creds_.Put(stored->id, connected->credentials);
    return stored->id;
  }

  std::string MastodonAccount() {
    auto token = ctl_["mastodon"]->CreateToken({{"username", "core"}});
    EXPECT_THAT(token, IsOk());
    return Connect("mastodon", {{"instance_url", emulators_["mastodon"]->base_url()},
                                {"access_token", (*token)["token"]}});
  }
  std::string TelegramAccount() {
    return Connect("telegram", {{"bot_token", "7012345678:AAH3xV_l2-EmulatorSeedToken000000000"},
                                {"chat_id", "@acme_news"}});
  }
  std::string SlackAccount() {
    return Connect("slack", {{"bot_token", "xoxb-1111111111-2222222222-EmulatorSeedToken"},
                             {"channel", "C0456NEWS01"}});
  }

  // An X account the way the OAuth callback stores it: a fresh grant of the emulator.
  std::string XAccount() {
    EXPECT_THAT(ctl_["x"]->SetConfig({{"tweet_rate_limit", 1'000'000},
                                      {"user_daily_post_limit", 1'000'000}}),
                IsOk());
    auto grant = ctl_["x"]->CreateToken(base::Json::object());
    EXPECT_THAT(grant, IsOk());
    if (!grant.ok()) return "";
    platforms::oauth::TokenSet tokens;
    tokens.access_token = (*grant)["access_token"];
    tokens.refresh_token = (*grant)["refresh_token"];
    tokens.scope = (*grant)["scope"];
    tokens.expires_at = clock_.Now() + std::chrono::hours(2);
    store::Account a;
    a.id = base::NewId(base::kAccountPrefix, clock_.Now());
    a.org_id = org_.id;
    a.platform = "x";
    a.external_id = (*grant)["account_id"];
    a.handle = "@heraldtester";
    a.settings = {{"username", "heraldtester"}};
    a.credentials_sealed = "sealed-elsewhere";
    a.created_at = clock_.Now();
    a.updated_at = clock_.Now();
    auto stored = store::WriteValue<store::Account>(
        *store_, [&](store::Tx& tx) { return tx.UpsertAccount(a); });
    EXPECT_THAT(stored, IsOk());
    if (!stored.ok()) return "";
    creds_.Put(stored->id, platforms::oauth::TokenSetToCredentials(tokens));
    return stored->id;
  }

  std::string BlueskyAccount() {
    return Connect("bluesky", {{"handle", "alice.test"},
                               {"app_password", "app-pass-alice"},
                               {"service_url", emulators_["bluesky"]->base_url()}});
  }

  // Issue 9: the create reaches the PDS but its answer is lost; each retry is refused as a
  // duplicate record key (`duplicate_status`: 500 like the reference PDS, or 400 "Record already
  // exists"), and the lookup that follows fails three times (429, 5xx, dropped connection)
  // before one works. The target must end `published` with the record's URI and URL, posted
  // once, never `failed`.
  void BlueskyLostAnswerEndsPublished(int duplicate_status) {
    std::string account = BlueskyAccount();
    EmulatorClient& ctl = *ctl_["bluesky"];
    ASSERT_THAT(ctl.SetConfig({{"duplicate_record_status", duplicate_status}}), IsOk());
    ASSERT_TRUE(ctl.ArmFault({{"kind", "drop_after_accept"},
                              {"method", "POST"},
                              {"path", "/xrpc/com.atproto.repo.createRecord*"},
                              {"count", 1}})
                    .ok());
    // The drop twice: the HTTP client sends a GET again, once, when a reused keep-alive
    // connection fails before any answer.
    const std::vector<std::pair<std::string, int>> lookup_faults = {
        {"429", 1}, {"5xx", 1}, {"drop_before", 2}};
    for (const auto& [kind, count] : lookup_faults) {
      ASSERT_TRUE(ctl.ArmFault({{"kind", kind},
                                {"method", "GET"},
                                {"path", "/xrpc/com.atproto.repo.getRecord*"},
                                {"count", count}})
                      .ok());
    }
    auto ids = PublishNow(account, 1, "bluesky once");
    ASSERT_EQ(ids.size(), 1u);
    Drain();
    store::PostTarget t = TargetOf(ids[0]);
    EXPECT_EQ(t.status, TargetStatus::kPublished) << t.last_error;
    EXPECT_EQ(OnNetwork("bluesky", "bluesky once 0"), 1);
    auto posts = ctl.Posts();
    ASSERT_THAT(posts, IsOk());
    ASSERT_EQ(posts->size(), 1u);
    const std::string uri = (*posts)[0]["id"];
    EXPECT_EQ(t.external_id, uri);
    EXPECT_EQ(t.url, "https://bsky.app/profile/alice.test/post/" + uri.substr(uri.rfind('/') + 1));
    // Every failed lookup was looked at again, none of them ended the target.
    auto requests = ctl.Requests();
    ASSERT_THAT(requests, IsOk());
    int refused = 0, lookups = 0;
    for (const auto& r : *requests) {
      const std::string path = r.value("path", std::string());
      if (path.find("createRecord") != std::string::npos &&
          r.value("status", 0) == duplicate_status) {
        ++refused;
      }
      if (path.find("getRecord") != std::string::npos) ++lookups;
    }
    EXPECT_EQ(refused, 4);
    EXPECT_GE(lookups, 4);
  }

  std::vector<std::string> PublishNow(const std::string& account, int n, const std::string& tag) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      CreatePostRequest req;
      req.mode = CreateMode::kPublishNow;
      req.accounts = {account};
      req.content.text = tag + " " + std::to_string(i);
      auto r = posts_->CreateSync(caller_, req);
      EXPECT_THAT(r, IsOk());
      if (r.ok()) ids.push_back(r->post.id);
    }
    return ids;
  }

  void Drain() {
    for (int round = 0; round < 200; ++round) {
      auto next = store::ReadValue<std::optional<base::Time>>(
          *store_, [](store::Tx& tx) { return tx.NextDueTime(); });
      ASSERT_THAT(next, IsOk());
      if (!next->has_value()) return;
      if (**next > clock_.Now()) clock_.Set(**next);
      auto n = worker_->RunOnce(clock_.Now(), io_);
      ASSERT_THAT(n, IsOk());
    }
    FAIL() << "the queue did not drain";
  }

  store::PostTarget TargetOf(const std::string& post_id) {
    auto t = store::ReadValue<std::vector<store::PostTarget>>(
        *store_, [&](store::Tx& tx) { return tx.ListTargets(org_.id, post_id); });
    EXPECT_THAT(t, IsOk());
    return t.ok() && !t->empty() ? (*t)[0] : store::PostTarget{};
  }

  // Posts on the emulator with this exact text (not deleted).
  int OnNetwork(const std::string& net, const std::string& text) {
    auto posts = ctl_[net]->Posts();
    EXPECT_THAT(posts, IsOk());
    int n = 0;
    for (const auto& p : *posts) {
      if (!p.value("deleted", false) && p.value("text", std::string()) == text) ++n;
    }
    return n;
  }

  static std::map<std::string, std::unique_ptr<EmulatorProcess>> emulators_;
  std::map<std::string, std::unique_ptr<EmulatorClient>> ctl_;
  base::FakeClock clock_{base::SystemClock::Instance().Now()};
  std::unique_ptr<store::testing::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  base::asio::io_context io_;
  std::unique_ptr<platforms::HttpClient> http_;
  std::unique_ptr<platforms::PlatformRegistry> registry_;
  MapCredentials creds_;
  std::unique_ptr<base::asio::thread_pool> pool_;
  std::unique_ptr<PostService> posts_;
  std::unique_ptr<PublishWorker> worker_;
  store::Organization org_;
  base::Caller caller_;
};

std::map<std::string, std::unique_ptr<EmulatorProcess>> AdaptersTest::emulators_;

TEST_F(AdaptersTest, MastodonLostAnswersAndServerErrorsEndExactlyOnce) {
  std::string account = MastodonAccount();
  ASSERT_TRUE(ctl_["mastodon"]
                  ->ArmFault({{"kind", "drop_after_accept"},
                              {"method", "POST"},
                              {"path", "/api/v1/statuses*"},
                              {"count", 4}})
                  .ok());
  ASSERT_TRUE(ctl_["mastodon"]
                  ->ArmFault({{"kind", "5xx"}, {"method", "POST"}, {"path", "/api/v1/statuses*"},
                              {"count", 2}, {"status", 503}})
                  .ok());
  auto ids = PublishNow(account, 10, "mastodon once");
  ASSERT_EQ(ids.size(), 10u);
  Drain();
  for (int i = 0; i < 10; ++i) {
    auto t = TargetOf(ids[static_cast<size_t>(i)]);
    EXPECT_EQ(t.status, TargetStatus::kPublished) << t.last_error;
    EXPECT_EQ(OnNetwork("mastodon", "mastodon once " + std::to_string(i)), 1);
  }
  EXPECT_EQ(worker_->stats().published, 10);
}

TEST_F(AdaptersTest, SlackLostAnswersAreFoundNotResent) {
  std::string account = SlackAccount();
  ASSERT_TRUE(ctl_["slack"]
                  ->ArmFault({{"kind", "drop_after_accept"},
                              {"method", "POST"},
                              {"path", "/api/chat.postMessage*"},
                              {"count", 3}})
                  .ok());
  auto ids = PublishNow(account, 6, "slack once");
  ASSERT_EQ(ids.size(), 6u);
  Drain();
  for (int i = 0; i < 6; ++i) {
    auto t = TargetOf(ids[static_cast<size_t>(i)]);
    EXPECT_EQ(t.status, TargetStatus::kPublished) << t.last_error;
    EXPECT_EQ(OnNetwork("slack", "slack once " + std::to_string(i)), 1);
  }
  EXPECT_GE(worker_->stats().reconciled, 1);
}

TEST_F(AdaptersTest, BlueskyLostAnswerWithFailingLookupsEndsPublished500) {
  BlueskyLostAnswerEndsPublished(500);
}

TEST_F(AdaptersTest, BlueskyLostAnswerWithFailingLookupsEndsPublished400) {
  BlueskyLostAnswerEndsPublished(400);
}

TEST_F(AdaptersTest, TelegramLostAnswersBecomeUnknownNeverTwice) {
  std::string account = TelegramAccount();
  ASSERT_TRUE(ctl_["telegram"]
                  ->ArmFault({{"kind", "drop_after_accept"},
                              {"method", "*"},
                              {"path", "*sendMessage*"},
                              {"count", 2}})
                  .ok());
  ASSERT_TRUE(ctl_["telegram"]
                  ->ArmFault({{"kind", "drop_before"}, {"method", "*"}, {"path", "*sendMessage*"},
                              {"count", 1}})
                  .ok());
  auto ids = PublishNow(account, 6, "telegram once");
  ASSERT_EQ(ids.size(), 6u);
  Drain();
  int unknown = 0;
  for (int i = 0; i < 6; ++i) {
    auto t = TargetOf(ids[static_cast<size_t>(i)]);
    int there = OnNetwork("telegram", "telegram once " + std::to_string(i));
    EXPECT_LE(there, 1);
    if (t.status == TargetStatus::kPublished) {
      EXPECT_EQ(there, 1);
    } else {
      EXPECT_EQ(t.status, TargetStatus::kUnknown) << t.last_error;
      ++unknown;
    }
  }
  // Two answers lost after the message was sent, one connection dropped before: each of them
  // is indistinguishable for herald, so three targets are unknown.
  EXPECT_EQ(unknown, 3);
}

// X takes no idempotency key: a tweet whose answer was lost is looked up among the account's
// recent tweets before anything is sent again, and 5xx are retried; every post ends published
// exactly once with its x.com URL.
TEST_F(AdaptersTest, XLostAnswersAreFoundAndEndExactlyOnce) {
  std::string account = XAccount();
  ASSERT_FALSE(account.empty());
  ASSERT_TRUE(ctl_["x"]
                  ->ArmFault({{"kind", "drop_after_accept"}, {"method", "POST"},
                              {"path", "/2/tweets"}, {"count", 3}})
                  .ok());
  ASSERT_TRUE(ctl_["x"]
                  ->ArmFault({{"kind", "5xx"}, {"method", "POST"}, {"path", "/2/tweets"},
                              {"count", 2}, {"status", 503}})
                  .ok());
  auto ids = PublishNow(account, 8, "x once");
  ASSERT_EQ(ids.size(), 8u);
  Drain();
  for (int i = 0; i < 8; ++i) {
    auto t = TargetOf(ids[static_cast<size_t>(i)]);
    EXPECT_EQ(t.status, TargetStatus::kPublished) << t.last_error;
    EXPECT_EQ(t.url, "https://x.com/heraldtester/status/" + t.external_id);
    EXPECT_EQ(OnNetwork("x", "x once " + std::to_string(i)), 1) << i;
  }
  // Each lost answer was reconciled by a lookup of the recent tweets.
  auto requests = ctl_["x"]->Requests();
  ASSERT_THAT(requests, IsOk());
  int lookups = 0;
  for (const auto& r : *requests) {
    lookups += r.value("method", std::string()) == "GET" &&
               r.value("path", std::string()).find("/tweets") != std::string::npos;
  }
  EXPECT_EQ(lookups, 3);
}

}  // namespace
}  // namespace herald::core
