// AccountService: connect (token and OAuth kinds), reconnect, argument checks, org isolation,
// disconnect (with revocation), sealed credentials, the OAuth callback and token refresh, against
// a fake network, the OAuth emulator, and the SQLite store in a file (so that the file itself can
// be scanned for clear secrets).
#include "core/account_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http/https_client.h"
#include "platforms/oauth/test_network.h"
#include "platforms/oauth/token_set.h"
#include "tests/emulators/oauth/oauth_emulator.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"
#include "tests/support/shaped_accounts.h"

namespace herald::core {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;

using base::ErrorCode;
using ::testing::HasSubstr;
using ::testing::Not;
namespace http = platforms::http;
namespace oauth = platforms::oauth;

constexpr const char* kSecretToken = "tok-SECRET-0123456789";

// A token network: connect_fields {instance_url, access_token}; the token decides the outcome.
class FakeNet final : public platforms::Platform {
 public:
  FakeNet(std::string id, std::vector<std::string> fields) {
    info_.id = std::move(id);
    info_.name = "Fake " + info_.id;
    info_.auth_kind = platforms::AuthKind::kToken;
    info_.text = {500, 0, "characters", 23};
    info_.media = {4, 1'000'000, {"image/png"}, 1500};
    info_.features.threads = true;
    info_.features.delete_posts = true;
    info_.features.idempotency = platforms::IdempotencyKind::kNative;
    info_.connect_fields = std::move(fields);
  }
  const platforms::PlatformInfo& Info() const override { return info_; }
  platforms::ValidationReport Validate(const platforms::Content&) const override { return {}; }
  Task<Result<platforms::ConnectedAccount>> Connect(Json args) override {
    last_args = args;
    std::string token = base::GetString(args, "access_token", base::GetString(args, "bot_token"));
    if (token == "private") {
      co_return base::InvalidArgument(
          "lan.example resolves to a private address (10.0.0.5); herald only connects to public "
          "addresses");
    }
    if (token != kSecretToken && token != std::string(kSecretToken) + "-2") {
      co_return base::Unauthenticated(info_.name +
                                      " refused the access token: The access token is invalid");
    }
    platforms::ConnectedAccount out;
    out.external_id = "u1";
    out.handle = token == kSecretToken ? "@alice" : "@alice2";
    out.display_name = "Alice";
    out.base_url = base::GetString(args, "instance_url");
    out.settings = Json{{"note", "not secret"}};
    out.credentials = Json{{"access_token", token}};
    co_return out;
  }
  Task<Result<platforms::PublishReceipt>> Publish(platforms::PublishRequest) override {
    co_return base::Unimplemented("fake");
  }
  Task<Result<std::optional<platforms::PublishReceipt>>> Find(platforms::PublishRequest) override {
    co_return base::Unimplemented("fake");
  }
  Task<Result<void>> Delete(platforms::AccountContext, platforms::PublishReceipt) override {
    co_return base::Unimplemented("fake");
  }
  Task<Result<Json>> FetchPostMetrics(platforms::AccountContext,
                                      platforms::PublishReceipt) override {
    co_return base::Unimplemented("fake");
  }
  Task<Result<Json>> FetchAccountMetrics(platforms::AccountContext) override {
    co_return base::Unimplemented("fake");
  }

  Json last_args;

 private:
  platforms::PlatformInfo info_;
};

struct Backend {
  std::string name;
};

class AccountServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_path_ = (std::filesystem::temp_directory_path() /
                ("herald-accounts-" + base::HexEncode(base::RandomBytes(6)) + ".db"))
                   .string();
    store::StoreOptions o;
    o.url = "sqlite:" + db_path_;
    auto opened = store::OpenStore(o);
    ASSERT_THAT(opened, IsOk());
    store_ = std::move(*opened);
    ASSERT_THAT(keyring_.Add(base::RandomBytes(32)), IsOk());
    org_a_ = MakeOrg("org-a");
    org_b_ = MakeOrg("org-b");
    editor_a_ = base::Caller{org_a_, "key_a", base::Role::kEditor};
    viewer_a_ = base::Caller{org_a_, "key_v", base::Role::kViewer};
    editor_b_ = base::Caller{org_b_, "key_b", base::Role::kEditor};

    testing::OAuthEmulatorOptions eo;
    eo.clock = &clock_;
    eo.redirect_uris = {"https://herald.example/oauth/callback/oauthtest"};
    emulator_ = std::make_unique<testing::OAuthEmulator>(eo);
    http_ = std::move(*http::HttpsClient::Create({}));
    provider_ = emulator_->Provider();
    auto net = std::make_unique<oauth::OAuthTestNetwork>(provider_, *http_, clock_);
    oauth_net_ = net.get();
    registry_.Add(std::move(net));
    auto fake = std::make_unique<FakeNet>("fakenet",
                                          std::vector<std::string>{"instance_url", "access_token"});
    fake_net_ = fake.get();
    registry_.Add(std::move(fake));
    registry_.Add(
        std::make_unique<FakeNet>("fakebot", std::vector<std::string>{"bot_token", "chat_id"}));
    registry_.Add(std::make_unique<FakeNet>(
        "fakesky", std::vector<std::string>{"handle", "access_token", "service_url"}));
    AccountServiceOptions options;
    options.public_url = "https://herald.example/";
    service_ = std::make_unique<AccountService>(*store_, keyring_, registry_, *http_, clock_, pool_,
                                                options);
  }

  void TearDown() override {
    service_.reset();
    http_.reset();
    pool_.join();
    store_.reset();
    if (!db_path_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path_ + suffix);
    }
  }

  std::string MakeOrg(const std::string& name) {
    store::Organization org{base::NewId(base::kOrgPrefix, clock_.Now()), name, clock_.Now()};
    EXPECT_THAT(store_->Write([&](store::Tx& tx) { return tx.InsertOrganization(org); }), IsOk());
    return org.id;
  }

  template <class T>
  T Run(Task<T> task) {
    return testing::RunTask(io_, std::move(task));
  }

  Result<Json> ConnectFake(const base::Caller& caller, std::string token = kSecretToken) {
    return Run(shaped_.Connect(
        caller, "fakenet",
        Json{{"instance_url", "https://social.example"}, {"access_token", token}}));
  }

  // Everything the store holds, as bytes: the SQLite files.
  std::string StoredBytes() {
    std::string out;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(db_path_ + suffix, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out += ss.str();
    }
    return out;
  }

  std::vector<store::AuditEntry> AuditOf(const std::string& org) {
    return *store::ReadValue<std::vector<store::AuditEntry>>(
        *store_, [&](store::Tx& tx) { return tx.ListAudit(org, 100); });
  }

  store::Account Stored(const std::string& org, const std::string& id) {
    return *store::ReadValue<store::Account>(*store_,
                                             [&](store::Tx& tx) { return tx.GetAccount(org, id); });
  }

  // Plays the browser on an authorization URL: returns the callback query.
  http::FormFields Browse(const std::string& authorization_url) {
    platforms::HttpRequest req;
    req.url = authorization_url;
    auto r = Run(http_->Send(req));
    EXPECT_THAT(r, IsOk());
    EXPECT_EQ(r->status, 302) << r->body;
    std::string location = r->Header("Location");
    EXPECT_EQ(location.rfind("https://herald.example/oauth/callback/oauthtest?", 0), 0u)
        << location;
    return http::ParseFormUrlEncoded(location.substr(location.find('?') + 1));
  }

  // connect_account for the OAuth network through the callback; returns the account id.
  std::string ConnectOAuth() {
    auto started = Run(shaped_.Connect(editor_a_, "oauthtest", Json::object()));
    EXPECT_THAT(started, IsOk());
    auto q = Browse((*started)["authorization_url"]);
    auto done = Run(service_->CompleteOAuth("oauthtest", http::FormValue(q, "state"),
                                            http::FormValue(q, "code"), "", ""));
    EXPECT_EQ(done.kind, OAuthCallbackResult::Kind::kConnected) << done.message;
    return done.account ? done.account->id : "";
  }

  boost::asio::io_context io_;
  base::asio::thread_pool pool_{2};
  base::FakeClock clock_;
  std::string db_path_;
  std::unique_ptr<store::Store> store_;
  base::Keyring keyring_;
  std::string org_a_, org_b_;
  base::Caller editor_a_, viewer_a_, editor_b_;
  std::unique_ptr<testing::OAuthEmulator> emulator_;
  std::unique_ptr<http::HttpsClient> http_;
  oauth::OAuthProvider provider_;
  platforms::PlatformRegistry registry_;
  oauth::OAuthTestNetwork* oauth_net_ = nullptr;
  FakeNet* fake_net_ = nullptr;
  std::unique_ptr<AccountService> service_;
  testing::ShapedAccounts shaped_{service_};
};

// ---- token kinds ----

TEST_P(AccountServiceTest, ConnectStoresSealedAccountAndAudits) {
  auto r = ConnectFake(editor_a_);
  ASSERT_THAT(r, IsOk());
  std::string id = (*r)["account_id"];
  EXPECT_TRUE(base::IsValidId(id, base::kAccountPrefix));
  EXPECT_EQ((*r)["handle"], "@alice");
  EXPECT_EQ((*r)["platform"], "fakenet");
  EXPECT_EQ((*r)["reconnected"], false);
  EXPECT_EQ((*r)["account"]["status"], "active");
  EXPECT_EQ((*r)["account"]["base_url"], "https://social.example");
  EXPECT_THAT(base::DumpJson(*r), Not(HasSubstr(kSecretToken)));

  store::Account stored = Stored(org_a_, id);
  EXPECT_FALSE(stored.credentials_sealed.empty());
  EXPECT_THAT(stored.credentials_sealed, Not(HasSubstr(kSecretToken)));
  EXPECT_THAT(StoredBytes(), Not(HasSubstr(kSecretToken)));
  EXPECT_THAT(StoredBytes(), Not(HasSubstr("SECRET")));

  auto audit = AuditOf(org_a_);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "account.connect");
  EXPECT_EQ(audit[0].subject, id);
  EXPECT_EQ(audit[0].actor, "key_a");

  auto ctx = service_->OpenCredentials(stored);
  ASSERT_THAT(ctx, IsOk());
  EXPECT_EQ(ctx->credentials["access_token"], kSecretToken);
  EXPECT_EQ(ctx->handle, "@alice");
  EXPECT_EQ(ctx->settings["note"], "not secret");
}

TEST_P(AccountServiceTest, ReconnectUpdatesTheSameRow) {
  auto first = ConnectFake(editor_a_);
  ASSERT_THAT(first, IsOk());
  clock_.Advance(std::chrono::minutes(5));
  auto second = ConnectFake(editor_a_, std::string(kSecretToken) + "-2");
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ((*second)["account_id"], (*first)["account_id"]);
  EXPECT_EQ((*second)["reconnected"], true);
  EXPECT_EQ((*second)["handle"], "@alice2");
  auto list = shaped_.ListSync(viewer_a_);
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ((*list)["accounts"].size(), 1u);
  EXPECT_EQ((*list)["accounts"][0]["handle"], "@alice2");
  auto stored = Stored(org_a_, (*first)["account_id"]);
  EXPECT_EQ(service_->OpenCredentials(stored)->credentials["access_token"],
            std::string(kSecretToken) + "-2");
  EXPECT_EQ(AuditOf(org_a_)[0].action, "account.reconnect");
}

// An account's own pacing: admins only, checked, audited, shown as the rules that hold, kept
// by a reconnection, and removed with null.
TEST_P(AccountServiceTest, AnAccountsOwnPacingIsForAdminsAndSurvivesAReconnect) {
  auto first = ConnectFake(editor_a_);
  ASSERT_THAT(first, IsOk());
  const std::string id = (*first)["account_id"];
  const base::Caller admin_a{org_a_, "key_adm", base::Role::kAdmin};
  const base::Caller admin_b{org_b_, "key_adm_b", base::Role::kAdmin};
  EXPECT_THAT(Run(service_->SetPacing(editor_a_, id, Json{{"max_per_day", 5}})),
              StatusIs(ErrorCode::kPermissionDenied, HasSubstr("admin")));
  EXPECT_THAT(Run(service_->SetPacing(admin_b, id, Json{{"max_per_day", 5}})),
              StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(Run(service_->SetPacing(admin_a, id, Json{{"max_per_day", -1}})),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("pacing.max_per_day")));
  EXPECT_THAT(Run(service_->SetPacing(admin_a, id, Json{{"per_day", 5}})),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("pacing.per_day: unknown")));
  EXPECT_THAT(Run(service_->SetPacing(admin_a, id, Json::object())),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("at least one")));
  EXPECT_THAT(Run(service_->SetPacing(admin_a, id, Json("fast"))),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("expected an object")));
  EXPECT_FALSE(Stored(org_a_, id).settings.contains("pacing")) << "refusals change nothing";

  auto set = Run(service_->SetPacing(admin_a, id, Json{{"max_per_day", 5}, {"max_per_hour", 0}}));
  ASSERT_THAT(set, IsOk());
  EXPECT_TRUE(set->credentials_sealed.empty());
  PacingRules rules = service_->PacingFor(*set);
  EXPECT_EQ(rules.max_per_day, 5);
  EXPECT_EQ(rules.max_per_hour, 0);
  EXPECT_EQ(AuditOf(org_a_)[0].action, "account.set_pacing");
  EXPECT_EQ(AuditOf(org_a_)[0].actor, "key_adm");

  clock_.Advance(std::chrono::minutes(5));
  ASSERT_THAT(ConnectFake(editor_a_, std::string(kSecretToken) + "-2"), IsOk());
  EXPECT_EQ(Stored(org_a_, id).settings["pacing"], (Json{{"max_per_day", 5}, {"max_per_hour", 0}}))
      << "a reconnection keeps the account's pacing";

  ASSERT_THAT(Run(service_->SetPacing(admin_a, id, Json(nullptr))), IsOk());
  EXPECT_FALSE(Stored(org_a_, id).settings.contains("pacing"));
}

TEST_P(AccountServiceTest, WrongTokenStoresNothing) {
  auto r = ConnectFake(editor_a_, "wrong-token");
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnauthenticated, HasSubstr("The access token is invalid")));
  EXPECT_EQ((*shaped_.ListSync(viewer_a_))["accounts"].size(), 0u);
  EXPECT_TRUE(AuditOf(org_a_).empty());
}

TEST_P(AccountServiceTest, ArgumentsAreCheckedPerPlatform) {
  auto err = [&](std::string platform, Json args) {
    auto r = Run(shaped_.Connect(editor_a_, platform, args));
    EXPECT_THAT(r, Not(IsOk())) << platform << " " << args.dump();
    return r.ok() ? std::string() : r.error().message();
  };
  EXPECT_THAT(err("fakebot", Json{{"bot_token", kSecretToken}}),
              HasSubstr("fakebot needs chat_id"));
  EXPECT_THAT(err("fakebot", Json{{"bot_token", kSecretToken}, {"chat_id", ""}}),
              HasSubstr("fakebot needs chat_id"));
  EXPECT_THAT(err("fakebot", Json::object()), HasSubstr("fakebot needs bot_token and chat_id"));
  EXPECT_THAT(err("fakebot", Json{{"bot_token", "x"}, {"chat_id", "1"}, {"instance_url", "h"}}),
              HasSubstr("fakebot does not take instance_url"));
  EXPECT_THAT(err("fakebot", Json{{"bot_token", "x"}, {"chat_id", true}}),
              HasSubstr("chat_id must be a string"));
  std::string unknown = err("myspace", Json::object());
  EXPECT_THAT(unknown, HasSubstr("unknown platform 'myspace'"));
  EXPECT_THAT(unknown, HasSubstr("fakebot, fakenet, fakesky, oauthtest"));
  EXPECT_THAT(err("fakenet",
                  Json{{"instance_url", "http://social.example"}, {"access_token", kSecretToken}}),
              HasSubstr("instance_url must be an https:// URL"));
  EXPECT_THAT(
      err("fakenet", Json{{"instance_url", "https://10.1.2.3"}, {"access_token", kSecretToken}}),
      HasSubstr("instance_url points to a private address"));
  EXPECT_THAT(
      err("fakenet", Json{{"instance_url", "https://lan.example"}, {"access_token", "private"}}),
      HasSubstr("instance_url: lan.example resolves to a private address"));
  EXPECT_THAT(err("oauthtest", Json{{"access_token", "x"}}),
              HasSubstr("takes no arguments but platform"));
  EXPECT_TRUE(AuditOf(org_a_).empty());

  // An integer chat id is accepted as text; an optional field may be left out.
  auto ok = Run(shaped_.Connect(editor_a_, "fakebot",
                                  Json{{"bot_token", kSecretToken}, {"chat_id", -100123}}));
  ASSERT_THAT(ok, IsOk());
  EXPECT_THAT(err("fakenet", Json{{"instance_url", "192.168.1.5"}, {"access_token", kSecretToken}}),
              HasSubstr("instance_url points to a private address"));
  auto bare = Run(
      shaped_.Connect(editor_a_, "fakenet",
                        Json{{"instance_url", "social.example"}, {"access_token", kSecretToken}}));
  ASSERT_THAT(bare, IsOk());
  auto sky = Run(shaped_.Connect(editor_a_, "fakesky",
                                   Json{{"handle", "a.example"}, {"access_token", kSecretToken}}));
  ASSERT_THAT(sky, IsOk());
}

TEST_P(AccountServiceTest, RolesAreEnforced) {
  auto r = ConnectFake(viewer_a_);
  ASSERT_THAT(r, StatusIs(ErrorCode::kPermissionDenied));
  auto connected = ConnectFake(editor_a_);
  ASSERT_THAT(connected, IsOk());
  std::string id = (*connected)["account_id"];
  EXPECT_THAT(shaped_.GetSync(viewer_a_, id), IsOk());
  auto d = Run(shaped_.Disconnect(viewer_a_, id));
  ASSERT_THAT(d, StatusIs(ErrorCode::kPermissionDenied));
}

TEST_P(AccountServiceTest, OrganizationsAreIsolated) {
  auto connected = ConnectFake(editor_a_);
  ASSERT_THAT(connected, IsOk());
  std::string id = (*connected)["account_id"];
  auto other = shaped_.GetSync(editor_b_, id);
  ASSERT_THAT(other, StatusIs(ErrorCode::kNotFound));
  std::string missing_id = base::NewId(base::kAccountPrefix, clock_.Now());
  auto missing = shaped_.GetSync(editor_b_, missing_id);
  ASSERT_THAT(missing, Not(IsOk()));
  // Worded alike: only the id differs.
  std::string a = other.error().message(), b = missing.error().message();
  a.replace(a.find(id), id.size(), "ID");
  b.replace(b.find(missing_id), missing_id.size(), "ID");
  EXPECT_EQ(a, b);
  EXPECT_EQ((*shaped_.ListSync(editor_b_))["accounts"].size(), 0u);
  auto d = Run(shaped_.Disconnect(editor_b_, id));
  ASSERT_THAT(d, StatusIs(ErrorCode::kNotFound));
  EXPECT_EQ(Stored(org_a_, id).status, store::AccountStatus::kActive);
  // The same network account in another organization is another row.
  auto in_b = ConnectFake(editor_b_);
  ASSERT_THAT(in_b, IsOk());
  EXPECT_NE((*in_b)["account_id"], id);
  EXPECT_EQ((*in_b)["reconnected"], false);
}

TEST_P(AccountServiceTest, GetShowsWhatTheAccountCanDo) {
  auto connected = ConnectFake(editor_a_);
  ASSERT_THAT(connected, IsOk());
  auto got = shaped_.GetSync(viewer_a_, (*connected)["account_id"]);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ((*got)["status"], "active");
  EXPECT_EQ((*got)["token_expires_at"], nullptr);
  EXPECT_EQ((*got)["last_error"], "");
  EXPECT_EQ((*got)["network"]["text"]["max_length"], 500);
  EXPECT_EQ((*got)["network"]["media"]["max_items"], 4);
  EXPECT_EQ((*got)["network"]["features"]["threads"], true);
  EXPECT_EQ((*got)["network"]["features"]["idempotency"], "native");
  EXPECT_THAT(base::DumpJson(*got), Not(HasSubstr(kSecretToken)));
  EXPECT_THAT(shaped_.GetSync(viewer_a_, "not-an-id"), Not(IsOk()));
}

TEST_P(AccountServiceTest, DisconnectErasesCredentialsAndPublishingThenFails) {
  auto connected = ConnectFake(editor_a_);
  ASSERT_THAT(connected, IsOk());
  std::string id = (*connected)["account_id"];
  auto d = Run(shaped_.Disconnect(editor_a_, id));
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ((*d)["status"], "disconnected");
  EXPECT_EQ((*d)["revoked"], nullptr);  // a token network: nothing to revoke
  EXPECT_EQ((*d)["already_disconnected"], false);
  store::Account stored = Stored(org_a_, id);
  EXPECT_EQ(stored.status, store::AccountStatus::kDisconnected);
  EXPECT_TRUE(stored.credentials_sealed.empty());
  auto ctx = service_->OpenCredentials(stored);
  ASSERT_THAT(ctx, StatusIs(ErrorCode::kPermissionDenied, HasSubstr("was disconnected")));
  EXPECT_EQ(AuditOf(org_a_)[0].action, "account.disconnect");
  auto again = Run(shaped_.Disconnect(editor_a_, id));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)["already_disconnected"], true);
  // Reconnecting brings it back under the same id.
  auto back = ConnectFake(editor_a_);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ((*back)["account_id"], id);
  EXPECT_EQ(Stored(org_a_, id).status, store::AccountStatus::kActive);
}

TEST_P(AccountServiceTest, SaveCredentialsAndNeedsReauth) {
  auto connected = ConnectFake(editor_a_);
  ASSERT_THAT(connected, IsOk());
  std::string id = (*connected)["account_id"];
  auto ctx = service_->OpenCredentials(Stored(org_a_, id));
  ASSERT_THAT(ctx, IsOk());
  base::Time expiry = clock_.Now() + std::chrono::hours(2);
  ASSERT_THAT(ctx->save_credentials(Json{{"access_token", "rotated-SECRET"}}, expiry), IsOk());
  store::Account stored = Stored(org_a_, id);
  EXPECT_EQ(stored.token_expires_at, expiry);
  EXPECT_TRUE(stored.token_refreshable);  // a token network renews its own way: never flagged
  EXPECT_EQ(service_->OpenCredentials(stored)->credentials["access_token"], "rotated-SECRET");
  EXPECT_THAT(StoredBytes(), Not(HasSubstr("rotated-SECRET")));

  ASSERT_THAT(service_->MarkNeedsReauth(org_a_, id, "the network said the token was revoked"),
              IsOk());
  auto refused = service_->OpenCredentials(Stored(org_a_, id));
  ASSERT_THAT(refused, StatusIs(ErrorCode::kUnauthenticated, HasSubstr("token was revoked")));
  EXPECT_EQ((*shaped_.GetSync(viewer_a_, id))["status"], "needs_reauth");
}

// ---- OAuth ----

TEST_P(AccountServiceTest, OAuthConnectEndToEnd) {
  auto started = Run(shaped_.Connect(editor_a_, "oauthtest", Json::object()));
  ASSERT_THAT(started, IsOk());
  EXPECT_EQ((*started)["status"], "pending_authorization");
  EXPECT_EQ((*started)["redirect_uri"], "https://herald.example/oauth/callback/oauthtest");
  EXPECT_EQ((*started)["expires_at"], base::FormatRfc3339(clock_.Now() + std::chrono::minutes(10)));
  std::string url = (*started)["authorization_url"];
  auto q = http::ParseFormUrlEncoded(url.substr(url.find('?') + 1));
  std::string state = http::FormValue(q, "state");
  EXPECT_EQ(http::FormValue(q, "code_challenge_method"), "S256");
  // Only the hash of the state is stored.
  EXPECT_THAT(StoredBytes(), Not(HasSubstr(state)));
  EXPECT_THAT(StoredBytes(), HasSubstr(base::Sha256Hex(state)));

  auto cb = Browse(url);
  EXPECT_EQ(http::FormValue(cb, "state"), state);
  auto done = Run(service_->CompleteOAuth("oauthtest", state, http::FormValue(cb, "code"), "", ""));
  ASSERT_EQ(done.kind, OAuthCallbackResult::Kind::kConnected) << done.message;
  EXPECT_THAT(done.message, HasSubstr("@tester"));
  std::string id = done.account->id;
  store::Account stored = Stored(org_a_, id);
  EXPECT_EQ(stored.handle, "@tester");
  EXPECT_EQ(stored.external_id, "4242");
  EXPECT_EQ(stored.token_expires_at, clock_.Now() + std::chrono::seconds(3600));
  auto ctx = service_->OpenCredentials(stored);
  ASSERT_THAT(ctx, IsOk());
  std::string access = ctx->credentials["access_token"];
  std::string refresh = ctx->credentials["refresh_token"];
  EXPECT_TRUE(emulator_->IsTokenActive(access));
  EXPECT_THAT(StoredBytes(), Not(HasSubstr(access)));
  EXPECT_THAT(StoredBytes(), Not(HasSubstr(refresh)));
  EXPECT_EQ(emulator_->code_exchanges(), 1);
  bool audited = false;
  for (const auto& e : AuditOf(org_a_)) audited |= e.action == "account.connect";
  EXPECT_TRUE(audited);

  // The state works once.
  auto replay =
      Run(service_->CompleteOAuth("oauthtest", state, http::FormValue(cb, "code"), "", ""));
  EXPECT_EQ(replay.kind, OAuthCallbackResult::Kind::kStateInvalid);
  EXPECT_THAT(replay.message, HasSubstr("expired or was already used"));
  EXPECT_EQ(emulator_->code_exchanges(), 1);
}

TEST_P(AccountServiceTest, OAuthExpiredUnknownAndMismatchedStatesAreRefused) {
  auto started = Run(shaped_.Connect(editor_a_, "oauthtest", Json::object()));
  ASSERT_THAT(started, IsOk());
  auto cb = Browse((*started)["authorization_url"]);
  clock_.Advance(std::chrono::minutes(11));
  auto late = Run(service_->CompleteOAuth("oauthtest", http::FormValue(cb, "state"),
                                          http::FormValue(cb, "code"), "", ""));
  EXPECT_EQ(late.kind, OAuthCallbackResult::Kind::kStateInvalid);
  EXPECT_EQ(emulator_->code_exchanges(), 0);

  auto unknown = Run(service_->CompleteOAuth("oauthtest", base::RandomToken(), "code", "", ""));
  EXPECT_EQ(unknown.kind, OAuthCallbackResult::Kind::kStateInvalid);
  auto empty = Run(service_->CompleteOAuth("oauthtest", "", "code", "", ""));
  EXPECT_EQ(empty.kind, OAuthCallbackResult::Kind::kStateInvalid);

  started = Run(shaped_.Connect(editor_a_, "oauthtest", Json::object()));
  cb = Browse((*started)["authorization_url"]);
  auto wrong = Run(service_->CompleteOAuth("fakenet", http::FormValue(cb, "state"),
                                           http::FormValue(cb, "code"), "", ""));
  EXPECT_EQ(wrong.kind, OAuthCallbackResult::Kind::kStateInvalid);
  EXPECT_EQ((*shaped_.ListSync(viewer_a_))["accounts"].size(), 0u);
}

TEST_P(AccountServiceTest, OAuthDeniedConsumesTheState) {
  emulator_->DenyNextAuthorization("access_denied", "The user said no");
  auto started = Run(shaped_.Connect(editor_a_, "oauthtest", Json::object()));
  ASSERT_THAT(started, IsOk());
  auto cb = Browse((*started)["authorization_url"]);
  ASSERT_EQ(http::FormValue(cb, "error"), "access_denied");
  auto denied = Run(service_->CompleteOAuth("oauthtest", http::FormValue(cb, "state"), "",
                                            http::FormValue(cb, "error"),
                                            http::FormValue(cb, "error_description")));
  EXPECT_EQ(denied.kind, OAuthCallbackResult::Kind::kDenied);
  EXPECT_THAT(denied.message, HasSubstr("access_denied"));
  EXPECT_THAT(denied.message, HasSubstr("The user said no"));
  auto again =
      Run(service_->CompleteOAuth("oauthtest", http::FormValue(cb, "state"), "code", "", ""));
  EXPECT_EQ(again.kind, OAuthCallbackResult::Kind::kStateInvalid);
  EXPECT_EQ((*shaped_.ListSync(viewer_a_))["accounts"].size(), 0u);
}

TEST_P(AccountServiceTest, OAuthNeedsClientCredentialsAndPublicUrl) {
  AccountServiceOptions no_url;
  AccountService without_url(*store_, keyring_, registry_, *http_, clock_, pool_, no_url);
  auto r = Run(without_url.Connect(editor_a_, "oauthtest", Json::object()));
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("HERALD_PUBLIC_URL")));

  platforms::PlatformRegistry bare;
  oauth::OAuthProvider unconfigured = oauth::OAuthTestProvider(emulator_->base_url());
  bare.Add(std::make_unique<oauth::OAuthTestNetwork>(unconfigured, *http_, clock_));
  AccountServiceOptions options;
  options.public_url = "https://herald.example";
  AccountService service(*store_, keyring_, bare, *http_, clock_, pool_, options);
  r = Run(service.Connect(editor_a_, "oauthtest", Json::object()));
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("HERALD_OAUTHTEST_CLIENT_ID")));
}

TEST_P(AccountServiceTest, OAuthRefreshBeforeExpiryDuringPublish) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  std::string old_access =
      service_->OpenCredentials(Stored(org_a_, id))->credentials["access_token"];
  clock_.Advance(std::chrono::seconds(3600 - 30));
  auto ctx = service_->OpenCredentials(Stored(org_a_, id));
  ASSERT_THAT(ctx, IsOk());
  platforms::PublishRequest req;
  req.account = std::move(*ctx);
  req.content.parts.push_back({"hello from herald", {}});
  auto receipt = Run(oauth_net_->Publish(std::move(req)));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(emulator_->refreshes(), 1);
  EXPECT_EQ(emulator_->api_unauthorized(), 0);
  store::Account stored = Stored(org_a_, id);
  EXPECT_EQ(stored.token_expires_at, clock_.Now() + std::chrono::seconds(3600));
  std::string new_access = service_->OpenCredentials(stored)->credentials["access_token"];
  EXPECT_NE(new_access, old_access);
  EXPECT_TRUE(emulator_->IsTokenActive(new_access));
  EXPECT_THAT(StoredBytes(), Not(HasSubstr(new_access)));
}

TEST_P(AccountServiceTest, OAuthRefreshOn401DuringPublish) {
  std::string id = ConnectOAuth();
  emulator_->InvalidateAccessTokens();
  auto ctx = service_->OpenCredentials(Stored(org_a_, id));
  ASSERT_THAT(ctx, IsOk());
  platforms::PublishRequest req;
  req.account = std::move(*ctx);
  req.content.parts.push_back({"after a 401", {}});
  auto receipt = Run(oauth_net_->Publish(std::move(req)));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(emulator_->api_unauthorized(), 1);
  EXPECT_EQ(emulator_->refreshes(), 1);
  EXPECT_EQ(emulator_->posts(), 1);
  std::string access = service_->OpenCredentials(Stored(org_a_, id))->credentials["access_token"];
  EXPECT_TRUE(emulator_->IsTokenActive(access));
}

TEST_P(AccountServiceTest, TransientRefreshFailureKeepsTheAccount) {
  std::string id = ConnectOAuth();
  store::Account before = Stored(org_a_, id);
  emulator_->FailNextTokenRequests(2, 503);
  auto r = Run(shaped_.Refresh(org_a_, id));
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnavailable));
  store::Account after = Stored(org_a_, id);
  EXPECT_EQ(after.status, store::AccountStatus::kActive);
  EXPECT_EQ(after.last_error, "");
  EXPECT_EQ(after.credentials_sealed, before.credentials_sealed);
  // Also through a publish with an expired token.
  clock_.Advance(std::chrono::seconds(3601));
  platforms::PublishRequest req;
  req.account = *service_->OpenCredentials(after);
  req.content.parts.push_back({"x", {}});
  auto published = Run(oauth_net_->Publish(std::move(req)));
  ASSERT_THAT(published, StatusIs(ErrorCode::kUnavailable));
  EXPECT_EQ(Stored(org_a_, id).status, store::AccountStatus::kActive);
  // Once the network is back, a refresh works.
  auto ok = Run(shaped_.Refresh(org_a_, id));
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ((*ok)["status"], "active");
}

TEST_P(AccountServiceTest, InvalidGrantMarksNeedsReauth) {
  std::string id = ConnectOAuth();
  emulator_->InvalidateRefreshTokens();
  auto r = Run(shaped_.Refresh(org_a_, id));
  ASSERT_THAT(r, StatusIs(ErrorCode::kUnauthenticated));
  store::Account after = Stored(org_a_, id);
  EXPECT_EQ(after.status, store::AccountStatus::kNeedsReauth);
  EXPECT_THAT(after.last_error, HasSubstr("invalid_grant"));
  auto ctx = service_->OpenCredentials(after);
  ASSERT_THAT(ctx, StatusIs(ErrorCode::kUnauthenticated));
  // Reconnecting through OAuth makes it active again, same row.
  std::string again = ConnectOAuth();
  EXPECT_EQ(again, id);
  EXPECT_EQ(Stored(org_a_, id).status, store::AccountStatus::kActive);
}

TEST_P(AccountServiceTest, DisconnectRevokesOAuthTokens) {
  std::string id = ConnectOAuth();
  std::string access = service_->OpenCredentials(Stored(org_a_, id))->credentials["access_token"];
  auto d = Run(shaped_.Disconnect(editor_a_, id));
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ((*d)["revoked"], true);
  EXPECT_EQ(emulator_->revocations(), 1);
  EXPECT_FALSE(emulator_->IsTokenActive(access));
  EXPECT_TRUE(Stored(org_a_, id).credentials_sealed.empty());

  // A failed revocation does not stop the disconnect.
  std::string id2 = ConnectOAuth();
  emulator_.reset();  // the network is gone
  auto d2 = Run(shaped_.Disconnect(editor_a_, id2));
  ASSERT_THAT(d2, IsOk());
  EXPECT_EQ((*d2)["revoked"], false);
  EXPECT_TRUE((*d2).contains("revoke_error"));
  EXPECT_EQ(Stored(org_a_, id2).status, store::AccountStatus::kDisconnected);
}

INSTANTIATE_TEST_SUITE_P(Stores, AccountServiceTest, ::testing::Values("sqlite"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace herald::core
