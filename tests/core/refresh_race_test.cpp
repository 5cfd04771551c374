// Single-flight OAuth token refresh (AccountService): concurrent publishes of one account in one
// process send one refresh; two AccountService instances on one database (two herald processes)
// send one refresh between them and both end with the winner's tokens; a rotated refresh token
// is never sent twice; a 5xx keeps the account and the next attempt refreshes; invalid_grant
// marks it needs_reauth; a lease whose holder died lapses; a waiter gives up in bounded time.
//
// Against the OAuth emulator (rotating refresh tokens). On a SQLite file, or on PostgreSQL with
// HERALD_CORE_TEST_BACKEND=postgres. Nothing sleeps: a service that finds the lease held pauses
// through an injected hook that advances the FakeClock by the poll interval.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "base/ids.h"
#include "core/account_service.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http/https_client.h"
#include "platforms/oauth/test_network.h"
#include "tests/emulators/oauth/oauth_emulator.h"
#include "tests/platforms/support/run_task.h"
#include "tests/store/test_support.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;
namespace http = platforms::http;
namespace oauth = platforms::oauth;
namespace st = store::testing;

constexpr const char* kRedirect = "https://herald.example/oauth/callback/oauthtest";

class RefreshRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db =
        st::MakeTestDatabase(testing::TestBackend() == "postgres" ? st::BackendKind::kPostgres
                                                                  : st::BackendKind::kSqliteFile);
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    // Two stores on one database: what two herald processes share.
    for (auto* s : {&store_a_, &store_b_}) {
      auto opened = st::OpenTestStore(db_->url());
      ASSERT_THAT(opened, IsOk());
      *s = std::move(*opened);
    }
    ASSERT_THAT(keyring_.Add(base::RandomBytes(32)), IsOk());
    store::Organization org{base::NewId(base::kOrgPrefix, clock_.Now()), "acme", clock_.Now()};
    ASSERT_THAT(store_a_->Write([&](store::Tx& tx) { return tx.InsertOrganization(org); }), IsOk());
    editor_ = base::Caller{org.id, "key_a", base::Role::kEditor};

    testing::OAuthEmulatorOptions eo;
    eo.clock = &clock_;
    eo.redirect_uris = {kRedirect};
    emulator_ = std::make_unique<testing::OAuthEmulator>(eo);
    http_ = std::move(*http::HttpsClient::Create({}));
    provider_ = emulator_->Provider();
    auto net = std::make_unique<oauth::OAuthTestNetwork>(provider_, *http_, clock_);
    network_ = net.get();
    registry_.Add(std::move(net));

    AccountServiceOptions options;
    options.public_url = "https://herald.example";
    options.refresh_poll = std::chrono::milliseconds(100);
    options.refresh_wait = std::chrono::seconds(10);
    options.pause = [this](base::Micros delay) -> Task<void> {
      ++pauses_;
      clock_.Advance(delay);
      co_await base::RunBlocking(pool_, [] {});  // let the other side go on
    };
    service_a_ = std::make_unique<AccountService>(*store_a_, keyring_, registry_, *http_, clock_,
                                                  pool_, options);
    service_b_ = std::make_unique<AccountService>(*store_b_, keyring_, registry_, *http_, clock_,
                                                  pool_, options);
    options_ = options;
  }

  void TearDown() override {
    service_a_.reset();
    service_b_.reset();
    http_.reset();
    pool_.join();
    store_a_.reset();
    store_b_.reset();
    db_.reset();
  }

  template <class T>
  T Run(Task<T> task) {
    return testing::RunTask(io_, std::move(task));
  }

  // Runs every task concurrently on the one io_context; returns their results in order.
  template <class T>
  std::vector<T> RunAll(std::vector<Task<T>> tasks) {
    std::vector<std::optional<T>> out(tasks.size());
    for (size_t i = 0; i < tasks.size(); ++i) {
      boost::asio::co_spawn(
          io_,
          [&out, i, task = std::move(tasks[i])]() mutable -> Task<void> {
            out[i].emplace(co_await std::move(task));
          },
          [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
          });
    }
    io_.restart();
    io_.run();
    std::vector<T> results;
    for (auto& r : out) results.push_back(std::move(*r));
    return results;
  }

  // connect_account through the browser flow (service A); returns the account id.
  std::string ConnectOAuth() {
    auto started = Run(service_a_->Connect(editor_, "oauthtest", Json::object()));
    EXPECT_THAT(started, IsOk());
    if (!started.ok()) return "";
    platforms::HttpRequest req;
    req.url = started->authorization_url;
    auto r = Run(http_->Send(req));
    EXPECT_THAT(r, IsOk());
    std::string location = r->Header("Location");
    auto q = http::ParseFormUrlEncoded(location.substr(location.find('?') + 1));
    auto done = Run(service_a_->CompleteOAuth("oauthtest", http::FormValue(q, "state"),
                                              http::FormValue(q, "code"), "", ""));
    EXPECT_EQ(done.kind, OAuthCallbackResult::Kind::kConnected) << done.message;
    return done.account ? done.account->id : "";
  }

  store::Account Stored(const std::string& id) {
    return *store::ReadValue<store::Account>(
        *store_a_, [&](store::Tx& tx) { return tx.GetAccount(editor_.org_id, id); });
  }

  std::string StoredAccessToken(const std::string& id) {
    auto ctx = service_a_->OpenCredentials(Stored(id));
    EXPECT_THAT(ctx, IsOk());
    return ctx.ok() ? ctx->credentials.value("access_token", "") : "";
  }

  // A publish through the network adapter with the context `service` opens for `account`.
  Task<Result<platforms::PublishReceipt>> Publish(AccountService& service,
                                                  const store::Account& account, std::string text) {
    auto ctx = service.OpenCredentials(account);
    if (!ctx.ok()) co_return std::move(ctx).error();
    platforms::PublishRequest req;
    req.account = std::move(*ctx);
    req.content.parts.push_back({std::move(text), {}});
    co_return co_await network_->Publish(std::move(req));
  }

  boost::asio::io_context io_;
  base::asio::thread_pool pool_{2};
  base::FakeClock clock_;
  std::unique_ptr<st::TestDatabase> db_;
  std::unique_ptr<store::Store> store_a_, store_b_;
  base::Keyring keyring_;
  base::Caller editor_;
  std::unique_ptr<testing::OAuthEmulator> emulator_;
  std::unique_ptr<http::HttpsClient> http_;
  oauth::OAuthProvider provider_;
  platforms::PlatformRegistry registry_;
  oauth::OAuthTestNetwork* network_ = nullptr;
  AccountServiceOptions options_;
  std::unique_ptr<AccountService> service_a_, service_b_;
  int pauses_ = 0;
};

TEST_F(RefreshRaceTest, ConcurrentPublishesOfOneAccountShareOneRefresh) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::seconds(3601));  // the access token expired
  store::Account account = Stored(id);
  constexpr int kPublishes = 6;
  std::vector<Task<Result<platforms::PublishReceipt>>> tasks;
  for (int i = 0; i < kPublishes; ++i) {
    tasks.push_back(Publish(*service_a_, account, "post " + std::to_string(i)));
  }
  for (const auto& r : RunAll(std::move(tasks))) EXPECT_THAT(r, IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  EXPECT_EQ(emulator_->posts(), kPublishes);
  EXPECT_EQ(emulator_->api_unauthorized(), 0);
  EXPECT_TRUE(emulator_->IsTokenActive(StoredAccessToken(id)));

  // A caller that opened its credentials before the refresh gets the stored ones: no second
  // refresh with the rotated-away refresh token.
  auto late = Run(Publish(*service_a_, account, "late"));
  EXPECT_THAT(late, IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
}

TEST_F(RefreshRaceTest, TwoServicesOnOneDatabaseSendOneRefresh) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::seconds(3601));
  store::Account account = Stored(id);
  std::vector<Task<Result<platforms::PublishReceipt>>> tasks;
  for (int i = 0; i < 3; ++i) {
    tasks.push_back(Publish(*service_a_, account, "from a " + std::to_string(i)));
    tasks.push_back(Publish(*service_b_, account, "from b " + std::to_string(i)));
  }
  for (const auto& r : RunAll(std::move(tasks))) EXPECT_THAT(r, IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  EXPECT_EQ(emulator_->token_errors(), 0);
  EXPECT_EQ(emulator_->posts(), 6);
  store::Account after = Stored(id);
  EXPECT_EQ(after.status, store::AccountStatus::kActive);
  // Both services read the winner's tokens.
  auto a = service_a_->OpenCredentials(after);
  auto b = service_b_->OpenCredentials(after);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->credentials, b->credentials);
  EXPECT_TRUE(emulator_->IsTokenActive(a->credentials["access_token"]));
}

TEST_F(RefreshRaceTest, RefreshJobsOfTwoServicesRefreshOnceAndBothSeeTheWinnersTokens) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  std::vector<Task<Result<store::Account>>> tasks;
  tasks.push_back(service_a_->Refresh(editor_.org_id, id));
  tasks.push_back(service_b_->Refresh(editor_.org_id, id));
  auto results = RunAll(std::move(tasks));
  ASSERT_THAT(results[0], IsOk());
  ASSERT_THAT(results[1], IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  EXPECT_EQ(results[0]->updated_at, results[1]->updated_at);
  EXPECT_TRUE(emulator_->IsTokenActive(StoredAccessToken(id)));
}

TEST_F(RefreshRaceTest, AServerErrorKeepsTheAccountAndTheNextAttemptRefreshes) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::seconds(3601));
  store::Account before = Stored(id);
  emulator_->FailNextTokenRequests(5, 503);
  auto failed = Run(Publish(*service_a_, before, "during the outage"));
  EXPECT_THAT(failed, StatusIs(ErrorCode::kUnavailable));
  store::Account after = Stored(id);
  EXPECT_EQ(after.status, store::AccountStatus::kActive);
  EXPECT_EQ(after.last_error, "");
  EXPECT_EQ(after.credentials_sealed, before.credentials_sealed);
  EXPECT_EQ(emulator_->posts(), 0);

  // The lease was freed: the other process's next attempt refreshes at once.
  emulator_->FailNextTokenRequests(0);
  int pauses = pauses_;
  auto ok = Run(Publish(*service_b_, after, "after the outage"));
  EXPECT_THAT(ok, IsOk());
  EXPECT_EQ(pauses_, pauses);
  EXPECT_EQ(emulator_->refreshes(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  EXPECT_EQ(emulator_->posts(), 1);
}

TEST_F(RefreshRaceTest, InvalidGrantMarksNeedsReauthForEveryWaiter) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::seconds(3601));
  emulator_->InvalidateRefreshTokens();
  store::Account account = Stored(id);
  std::vector<Task<Result<platforms::PublishReceipt>>> tasks;
  tasks.push_back(Publish(*service_a_, account, "a"));
  tasks.push_back(Publish(*service_b_, account, "b"));
  for (const auto& r : RunAll(std::move(tasks))) {
    EXPECT_THAT(r, StatusIs(ErrorCode::kUnauthenticated));
  }
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  store::Account after = Stored(id);
  EXPECT_EQ(after.status, store::AccountStatus::kNeedsReauth);
  EXPECT_THAT(after.last_error, HasSubstr("invalid_grant"));
  EXPECT_THAT(service_b_->OpenCredentials(after), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(RefreshRaceTest, ALeaseWhoseHolderDiedLapsesAndAWaiterGivesUpInTime) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  // Another process took the lease and died.
  auto take = [&](base::Time until) {
    return store::WriteValue<bool>(*store_a_, [&](store::Tx& tx) -> base::Result<bool> {
      HERALD_ASSIGN_OR_RETURN(store::Account stored, tx.GetAccount(editor_.org_id, id));
      return tx.TakeRefreshLease(editor_.org_id, id, stored.credentials_sealed, "dead-process",
                                 until, clock_.Now());
    });
  };
  ASSERT_THAT(take(clock_.Now() + std::chrono::seconds(2)), IsOk());
  auto r = Run(service_a_->Refresh(editor_.org_id, id));
  EXPECT_THAT(r, IsOk());
  EXPECT_GE(pauses_, 1);  // it waited for the lease to lapse, then refreshed
  EXPECT_EQ(emulator_->refresh_requests(), 1);

  // A lease held longer than the caller waits: kUnavailable, nothing changed, nothing sent.
  store::Account before = Stored(id);
  ASSERT_THAT(take(clock_.Now() + std::chrono::hours(1)), IsOk());
  base::Time started = clock_.Now();
  auto gave_up = Run(service_b_->Refresh(editor_.org_id, id));
  EXPECT_THAT(gave_up, StatusIs(ErrorCode::kUnavailable, HasSubstr("another herald process")));
  EXPECT_LE(clock_.Now() - started, options_.refresh_wait + options_.refresh_poll);
  EXPECT_EQ(Stored(id).credentials_sealed, before.credentials_sealed);
  EXPECT_EQ(emulator_->refresh_requests(), 1);
}

}  // namespace
}  // namespace herald::core
