// GET /oauth/callback/{platform} on a real herald_http server: the whole browser round trip
// (connect_account -> the network's authorize page -> redirect -> herald's callback page),
// state reuse, a network error, and the page's safety headers and escaping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "transport/routes/oauth_callback.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http/https_client.h"
#include "platforms/oauth/test_network.h"
#include "store/store.h"
#include "tests/emulators/oauth/oauth_emulator.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::transport {
namespace {

using ::herald::matchers::IsOk;

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPublicUrl = "https://herald.example";

class OAuthCallbackRouteTest : public ::testing::Test {
 protected:
  OAuthCallbackRouteTest() {
    EXPECT_THAT(keyring_.Add(base::RandomBytes(32)), IsOk());
    store::Organization org{"org_01JD3Q8Z6X0000000000000000", "default", clock_.Now()};
    EXPECT_THAT(store_->Write([&](store::Tx& tx) { return tx.InsertOrganization(org); }), IsOk());
    testing::OAuthEmulatorOptions eo;
    eo.clock = &clock_;
    eo.redirect_uris = {std::string(kPublicUrl) + "/oauth/callback/oauthtest"};
    emulator_ = std::make_unique<testing::OAuthEmulator>(eo);
    http_ = std::move(*platforms::http::HttpsClient::Create({}));
    auto provider = platforms::oauth::OAuthTestProvider(emulator_->base_url());
    provider.client_id = eo.client_id;
    provider.client_secret = eo.client_secret;
    registry_.Add(std::make_unique<platforms::oauth::OAuthTestNetwork>(provider, *http_, clock_));
    core::AccountServiceOptions options;
    options.public_url = kPublicUrl;
    accounts_ = std::make_unique<core::AccountService>(*store_, keyring_, registry_, *http_, clock_,
                                                       pool_, options);
    server_ = std::make_unique<http::HttpServer>(http::HttpServerOptions{});
    AddOAuthCallbackRoute(*server_, *accounts_);
    EXPECT_THAT(server_->Start(), IsOk());
  }
  ~OAuthCallbackRouteTest() override {
    server_->Shutdown(std::chrono::seconds(1));
    http_->CloseIdle();
    server_.reset();
    accounts_.reset();
    http_.reset();
    pool_.join();
  }

  platforms::HttpResponse Get(const std::string& url) {
    platforms::HttpRequest req;
    req.url = url;
    auto r = testing::RunTask(io_, http_->Send(req));
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : platforms::HttpResponse{};
  }

  // Starts connect_account and plays the browser up to the network's redirect; returns the
  // callback URL rewritten to this test's herald server (as if herald.example pointed here).
  std::string CallbackUrl() {
    base::Caller editor{"org_01JD3Q8Z6X0000000000000000", "key_e", base::Role::kEditor};
    auto started =
        testing::RunTask(io_, accounts_->Connect(editor, "oauthtest", base::Json::object()));
    EXPECT_THAT(started, IsOk());
    auto redirect = Get(started->authorization_url);
    EXPECT_EQ(redirect.status, 302);
    std::string location = redirect.Header("Location");
    EXPECT_EQ(location.rfind(kPublicUrl, 0), 0u) << location;
    return "http://" + server_->address() + location.substr(std::string(kPublicUrl).size());
  }

  boost::asio::io_context io_;
  base::asio::thread_pool pool_{2};
  base::FakeClock clock_;
  // The accounts stored so far.
  std::vector<store::Account> Accounts() {
    return *store::ReadValue<std::vector<store::Account>>(
        *store_, [](store::Tx& tx) { return tx.ListAccounts("org_01JD3Q8Z6X0000000000000000"); });
  }

  // The real store, in memory.
  std::unique_ptr<store::Store> store_ = *store::OpenStore({.url = "sqlite::memory:"});
  base::Keyring keyring_;
  std::unique_ptr<testing::OAuthEmulator> emulator_;
  std::unique_ptr<platforms::http::HttpsClient> http_;
  platforms::PlatformRegistry registry_;
  std::unique_ptr<core::AccountService> accounts_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_F(OAuthCallbackRouteTest, BrowserRoundTripConnectsTheAccount) {
  std::string callback = CallbackUrl();
  auto page = Get(callback);
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.Header("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(page.body, HasSubstr("Account connected"));
  EXPECT_THAT(page.body, HasSubstr("Connected @tester on OAuth test network"));
  EXPECT_EQ(page.Header("Cache-Control"), "no-store");
  EXPECT_EQ(page.Header("Referrer-Policy"), "no-referrer");
  EXPECT_THAT(page.Header("Content-Security-Policy"), HasSubstr("default-src 'none'"));
  EXPECT_EQ(Accounts().size(), 1u);
  EXPECT_EQ(emulator_->code_exchanges(), 1);
  // No token on the page.
  auto ctx = accounts_->OpenCredentials(Accounts()[0]);
  ASSERT_THAT(ctx, IsOk());
  EXPECT_THAT(page.body, Not(HasSubstr(ctx->credentials["access_token"].get<std::string>())));

  // The same link a second time: refused, nothing exchanged again.
  auto again = Get(callback);
  EXPECT_EQ(again.status, 400);
  EXPECT_THAT(again.body, HasSubstr("expired or was already used"));
  EXPECT_EQ(emulator_->code_exchanges(), 1);
}

TEST_F(OAuthCallbackRouteTest, APageNamesEveryAccountTheSignInConnected) {
  emulator_->SetPages({{"7", "Acme <Co>", ""}, {"8", "Beta", ""}});
  auto page = Get(CallbackUrl());
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.body, HasSubstr("Accounts connected"));
  EXPECT_THAT(page.body, HasSubstr("Connected @tester on OAuth test network and 2 more accounts: "
                                   "Acme &lt;Co&gt; and Beta. You can close this window."));
  EXPECT_EQ(Accounts().size(), 3u);
}

TEST_F(OAuthCallbackRouteTest, AFailedExchangeSaysWhatWentWrongAndStoresNothing) {
  std::string callback = CallbackUrl();
  emulator_->FailNextTokenRequests(1, 503);  // the network is down when herald redeems the code
  auto page = Get(callback);
  EXPECT_EQ(page.status, 502) << page.body;
  EXPECT_THAT(page.body, HasSubstr("Connecting the account failed"));
  EXPECT_THAT(page.body, HasSubstr("Connecting OAuth test network failed: "));
  EXPECT_THAT(page.body, HasSubstr("token service failed (temporarily_unavailable"));
  EXPECT_THAT(page.body, Not(HasSubstr("herald will try again")));
  EXPECT_THAT(page.body, HasSubstr("run connect_account again"));
  EXPECT_TRUE(Accounts().empty());
}

TEST_F(OAuthCallbackRouteTest, NetworkErrorAndBadRequestsShowAPage) {
  emulator_->DenyNextAuthorization("access_denied", "<b>no</b>");
  auto page = Get(CallbackUrl());
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Not connected"));
  EXPECT_THAT(page.body, HasSubstr("access_denied (&lt;b&gt;no&lt;/b&gt;)"));
  EXPECT_THAT(page.body, Not(HasSubstr("<b>no</b>")));
  EXPECT_TRUE(Accounts().empty());

  auto no_state = Get("http://" + server_->address() + "/oauth/callback/oauthtest?code=x");
  EXPECT_EQ(no_state.status, 400);
  auto unknown = Get("http://" + server_->address() + "/oauth/callback/nowhere?state=abc&code=x");
  EXPECT_EQ(unknown.status, 400);
}

TEST(OAuthCallbackPageTest, EscapesEverything) {
  core::OAuthCallbackResult r;
  r.kind = core::OAuthCallbackResult::Kind::kFailed;
  r.platform_name = "<Net>";
  r.message = "a \"quoted\" <script>alert(1)</script> & more";
  http::Response page = OAuthCallbackPage(r);
  EXPECT_EQ(page.status, 502);
  EXPECT_THAT(page.body, Not(HasSubstr("<script>")));
  EXPECT_THAT(page.body, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(page.body, HasSubstr("&quot;quoted&quot;"));
  EXPECT_THAT(page.body, HasSubstr("&lt;Net&gt;"));
  EXPECT_EQ(page.headers.Get("X-Frame-Options").value_or(""), "DENY");
}

}  // namespace
}  // namespace herald::transport
