// OAuthCoreFixture: two AccountService instances (two herald processes) on one database (a
// SQLite file, or PostgreSQL with HERALD_CORE_TEST_BACKEND=postgres) with the OAuth test network
// against the loopback OAuth emulator (rotating refresh tokens), a FakeClock, and a pause hook
// that advances the clock instead of sleeping. Used by the refresh race and grant tests.
#ifndef HERALD_TESTS_CORE_OAUTH_CORE_FIXTURE_H_
#define HERALD_TESTS_CORE_OAUTH_CORE_FIXTURE_H_

#include <atomic>
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

namespace herald::core::fixture {

using ::herald::matchers::IsOk;
namespace http = platforms::http;
namespace oauth = platforms::oauth;
namespace st = store::testing;

constexpr const char* kRedirect = "https://herald.example/oauth/callback/oauthtest";

class OAuthCoreFixture : public ::testing::Test {
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
    // The pause below advances the fake clock without waiting, while the winner of a race
    // talks to the emulator in real time: a waiter must be able to poll many times (here 3,600)
    // before giving up, and the lease must outlast the wait, or a slow machine would see a
    // waiter give up (or take a live lease over) while the winner is still refreshing.
    options.refresh_poll = std::chrono::milliseconds(1000);
    options.refresh_wait = std::chrono::seconds(3600);
    options.refresh_lease = std::chrono::seconds(7200);
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

  // connect_account through the browser flow (service A); returns the callback's outcome.
  OAuthCallbackResult SignIn() {
    auto started = Run(service_a_->Connect(editor_, "oauthtest", Json::object()));
    EXPECT_THAT(started, IsOk());
    if (!started.ok()) return {};
    platforms::HttpRequest req;
    req.url = started->authorization_url;
    auto r = Run(http_->Send(req));
    EXPECT_THAT(r, IsOk());
    std::string location = r->Header("Location");
    auto q = http::ParseFormUrlEncoded(location.substr(location.find('?') + 1));
    auto done = Run(service_a_->CompleteOAuth("oauthtest", http::FormValue(q, "state"),
                                              http::FormValue(q, "code"), "", ""));
    EXPECT_EQ(done.kind, OAuthCallbackResult::Kind::kConnected) << done.message;
    return done;
  }

  // SignIn; returns the first account's id.
  std::string ConnectOAuth() {
    OAuthCallbackResult done = SignIn();
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

  // `per_service` publishes of `account` through each service at once; their results.
  std::vector<Result<platforms::PublishReceipt>> PublishFromBoth(const store::Account& account,
                                                                 int per_service) {
    std::vector<Task<Result<platforms::PublishReceipt>>> tasks;
    for (int i = 0; i < per_service; ++i) {
      tasks.push_back(Publish(*service_a_, account, "from a " + std::to_string(i)));
      tasks.push_back(Publish(*service_b_, account, "from b " + std::to_string(i)));
    }
    return RunAll(std::move(tasks));
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
  std::atomic<int> pauses_{0};
};

}  // namespace herald::core::fixture

#endif  // HERALD_TESTS_CORE_OAUTH_CORE_FIXTURE_H_
