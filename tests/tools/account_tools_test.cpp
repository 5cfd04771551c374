// The account tools: specs, schemas (every result validates against its output schema, inputs
// are checked by the input schema), and the URL elicitation of connect_account for OAuth
// networks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "base/ids.h"
#include "base/time.h"
#include "core/account_service.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http/https_client.h"
#include "platforms/oauth/test_network.h"
#include "schemas/schemas.h"
#include "store/store.h"
#include "tests/emulators/oauth/oauth_emulator.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"
#include "tools/resource_reads.h"
#include "tools/tool_set.h"
#include "tests/support/result_matchers.h"

namespace herald::tools {
namespace {

using ::herald::matchers::IsOk;

using base::ErrorCode;
using ::herald::matchers::IsOk;
using ::testing::HasSubstr;

const std::vector<std::string> kAccountTools = {
    "list_platforms", "connect_account", "list_accounts", "get_account", "disconnect_account"};

class FakeContext final : public ToolContext {
 public:
  explicit FakeContext(base::Caller caller) : caller_(std::move(caller)) {}
  const base::Caller& caller() const override { return caller_; }
  bool cancelled() const override { return false; }
  void Progress(double, std::optional<double>, std::string) override {}
  void Log(LogLevel, Json) override {}
  bool CanSample() const override { return false; }
  bool CanElicitForm() const override { return false; }
  bool CanElicitUrl() const override { return elicit_url; }
  Task<Result<Json>> Request(std::string method, Json params, std::chrono::milliseconds) override {
    requests.emplace_back(std::move(method), std::move(params));
    co_return Json{{"action", "accept"}};
  }

  // A session that can be told things later (the Streamable HTTP GET stream, stdio) on a
  // protocol revision `protocol`; what it was told lands in `later`.
  LaterNotify NotifyLater(std::string_view min_protocol) override {
    if (!reachable_later || protocol < min_protocol) return {};
    auto sink = later;
    return [sink](const std::string& method, Json params) {
      sink->emplace_back(method, std::move(params));
      return true;
    };
  }

  bool elicit_url = false;
  bool reachable_later = false;
  std::string protocol = "2025-11-25";
  std::vector<std::pair<std::string, Json>> requests;
  std::shared_ptr<std::vector<std::pair<std::string, Json>>> later =
      std::make_shared<std::vector<std::pair<std::string, Json>>>();

 private:
  base::Caller caller_;
};

// Validates `value` against the embedded schema at `path`; returns the first error or "".
std::string Validate(const std::string& path, const Json& value) {
  auto text = schemas::Find(path);
  if (!text) return "no schema " + path;
  Json doc = Json::parse(*text);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(doc);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(value);
  if (validator.validate(schema, target, &results)) return "";
  valijson::ValidationResults::Error error;
  std::string out;
  while (results.popError(error)) {
    std::string where;
    for (const auto& c : error.context) where += c;
    out += where + ": " + error.description + "; ";
  }
  return out.empty() ? "invalid" : out;
}

// Every property of a schema (recursively) has a description.
void ExpectDescribed(const Json& schema, const std::string& where) {
  if (!schema.is_object()) return;
  if (auto it = schema.find("properties"); it != schema.end()) {
    for (const auto& [name, prop] : it->items()) {
      EXPECT_TRUE(prop.contains("description")) << where << "." << name;
      ExpectDescribed(prop, where + "." + name);
    }
  }
  if (auto it = schema.find("items"); it != schema.end()) ExpectDescribed(*it, where + "[]");
  if (auto it = schema.find("oneOf"); it != schema.end()) {
    for (const auto& s : *it) ExpectDescribed(s, where);
  }
}

class AccountToolsTest : public ::testing::Test {
 protected:
  AccountToolsTest() {
    EXPECT_THAT(keyring_.Add(base::RandomBytes(32)), IsOk());
    store::Organization org{"org_01JD3Q8Z6X0000000000000000", "default", clock_.Now()};
    EXPECT_THAT(store_->Write([&](store::Tx& tx) { return tx.InsertOrganization(org); }), IsOk());
    testing::OAuthEmulatorOptions eo;
    eo.clock = &clock_;
    emulator_ = std::make_unique<testing::OAuthEmulator>(eo);
    http_ = std::move(*platforms::http::HttpsClient::Create({}));
    auto provider = platforms::oauth::OAuthTestProvider(emulator_->base_url());
    provider.client_id = eo.client_id;
    provider.client_secret = eo.client_secret;
    registry_.Add(std::make_unique<platforms::oauth::OAuthTestNetwork>(provider, *http_, clock_));
    core::AccountServiceOptions options;
    options.public_url = "https://herald.example";
    accounts_ = std::make_unique<core::AccountService>(*store_, keyring_, registry_, *http_, clock_,
                                                       pool_, options);
    ToolDeps deps;
    deps.clock = &clock_;
    deps.accounts = accounts_.get();
    deps.platforms = &registry_;
    for (auto& tool : MakeTools(deps)) tools_[tool->spec().name] = std::move(tool);
  }
  ~AccountToolsTest() override {
    tools_.clear();
    accounts_.reset();
    http_.reset();
    pool_.join();
  }

  Result<ToolOutput> Call(const std::string& name, Json args, FakeContext& ctx) {
    std::string input_error = Validate("tools/" + name + ".input.json", args);
    EXPECT_EQ(input_error, "") << name << " " << args.dump();
    auto out = testing::RunTask(io_, tools_.at(name)->Call(args, ctx));
    if (out.ok()) {
      EXPECT_EQ(Validate("tools/" + name + ".output.json", out->structured), "")
          << name << " " << out->structured.dump();
    }
    return out;
  }

  boost::asio::io_context io_;
  base::asio::thread_pool pool_{2};
  base::FakeClock clock_;
  // The real store, in memory (the account tools need nothing else).
  std::unique_ptr<store::Store> store_ = *store::OpenStore({.url = "sqlite::memory:"});
  base::Keyring keyring_;
  std::unique_ptr<testing::OAuthEmulator> emulator_;
  std::unique_ptr<platforms::http::HttpsClient> http_;
  platforms::PlatformRegistry registry_;
  std::unique_ptr<core::AccountService> accounts_;
  std::map<std::string, std::unique_ptr<Tool>> tools_;
  base::Caller editor_{"org_01JD3Q8Z6X0000000000000000", "key_e", base::Role::kEditor};
  base::Caller viewer_{"org_01JD3Q8Z6X0000000000000000", "key_v", base::Role::kViewer};
};

TEST_F(AccountToolsTest, SpecsAndSchemas) {
  for (const auto& name : kAccountTools) {
    ASSERT_TRUE(tools_.contains(name)) << name;
    const ToolSpec& spec = tools_.at(name)->spec();
    EXPECT_EQ(spec.name, name);
    EXPECT_GE(spec.description.size(), 80u) << name;
    for (const char* kind : {"input", "output"}) {
      std::string path = "tools/" + name + "." + kind + ".json";
      auto text = schemas::Find(path);
      ASSERT_TRUE(text.has_value()) << path;
      Json schema = Json::parse(*text);
      EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-07/schema#") << path;
      EXPECT_EQ(schema["type"], "object") << path;
      ExpectDescribed(schema, path);
      if (std::string(kind) == "input") {
        EXPECT_EQ(schema["additionalProperties"], false) << path;
      }
    }
  }
  EXPECT_EQ(tools_.at("list_platforms")->spec().required_role, base::Role::kViewer);
  EXPECT_EQ(tools_.at("list_accounts")->spec().required_role, base::Role::kViewer);
  EXPECT_EQ(tools_.at("get_account")->spec().required_role, base::Role::kViewer);
  EXPECT_EQ(tools_.at("connect_account")->spec().required_role, base::Role::kEditor);
  EXPECT_EQ(tools_.at("disconnect_account")->spec().required_role, base::Role::kEditor);
  EXPECT_TRUE(tools_.at("disconnect_account")->spec().annotations.destructive);
  EXPECT_TRUE(tools_.at("list_accounts")->spec().annotations.read_only);

  // The input schema refuses what the model might get wrong before any code runs.
  EXPECT_NE(Validate("tools/connect_account.input.json", Json{{"platform", "x"}, {"tokn", "t"}}),
            "");
  EXPECT_NE(Validate("tools/connect_account.input.json", Json{{"access_token", "t"}}), "");
  EXPECT_EQ(Validate("tools/connect_account.input.json",
                     Json{{"platform", "telegram"}, {"bot_token", "1:A"}, {"chat_id", -100}}),
            "");
  EXPECT_NE(Validate("tools/get_account.input.json", Json::object()), "");
}

TEST_F(AccountToolsTest, ListPlatformsDescribesEveryNetwork) {
  FakeContext ctx(viewer_);
  auto out = Call("list_platforms", Json::object(), ctx);
  ASSERT_THAT(out, IsOk());
  const Json& list = out->structured["platforms"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], "oauthtest");
  EXPECT_EQ(list[0]["auth_kind"], "oauth2");
  EXPECT_EQ(list[0]["text"]["max_length"], 500);
  EXPECT_EQ(list[0]["features"]["idempotency"], "none");
}

TEST_F(AccountToolsTest, ConnectOAuthAsksTheClientToOpenTheLink) {
  FakeContext plain(editor_);
  auto out = Call("connect_account", Json{{"platform", "oauthtest"}}, plain);
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->structured["status"], "pending_authorization");
  EXPECT_TRUE(plain.requests.empty());
  EXPECT_FALSE(out->structured.contains("elicitation"));

  FakeContext eliciting(editor_);
  eliciting.elicit_url = true;
  out = Call("connect_account", Json{{"platform", "oauthtest"}}, eliciting);
  ASSERT_THAT(out, IsOk());
  ASSERT_EQ(eliciting.requests.size(), 1u);
  EXPECT_EQ(eliciting.requests[0].first, "elicitation/create");
  const Json& params = eliciting.requests[0].second;
  EXPECT_EQ(params["mode"], "url");
  EXPECT_EQ(params["url"], out->structured["authorization_url"]);
  EXPECT_FALSE(base::GetString(params, "elicitationId").empty());
  EXPECT_THAT(base::GetString(params, "message"), HasSubstr("OAuth test network"));
  EXPECT_EQ(out->structured["elicitation"]["action"], "accept");
}

// The browser came back and the accounts are stored: the session whose connect_account asked
// hears notifications/elicitation/complete with the id it was given; another session's sign-in,
// a refused sign-in and an older protocol revision hear nothing.
TEST_F(AccountToolsTest, TheAskingSessionHearsWhenTheSignInCompletes) {
  auto sign_in = [&](const Json& connected) {
    platforms::HttpRequest req;
    req.url = base::GetString(connected, "authorization_url");
    auto r = testing::RunTask(io_, http_->Send(req));
    EXPECT_THAT(r, IsOk());
    std::string location = r.ok() ? r->Header("Location") : "";
    auto q = platforms::http::ParseFormUrlEncoded(location.substr(location.find('?') + 1));
    return testing::RunTask(
        io_, accounts_->CompleteOAuth("oauthtest", platforms::http::FormValue(q, "state"),
                                      platforms::http::FormValue(q, "code"),
                                      platforms::http::FormValue(q, "error"), ""));
  };
  FakeContext asking(editor_), other(editor_), old(editor_);
  for (FakeContext* c : {&asking, &other, &old}) {
    c->elicit_url = true;
    c->reachable_later = true;
  }
  old.protocol = "2025-06-18";
  auto mine = Call("connect_account", Json{{"platform", "oauthtest"}}, asking);
  auto theirs = Call("connect_account", Json{{"platform", "oauthtest"}}, other);
  auto older = Call("connect_account", Json{{"platform", "oauthtest"}}, old);
  ASSERT_THAT(mine, IsOk());
  ASSERT_THAT(theirs, IsOk());
  ASSERT_THAT(older, IsOk());
  ASSERT_EQ(asking.requests.size(), 1u);
  const std::string id = base::GetString(asking.requests[0].second, "elicitationId");

  auto done = sign_in(mine->structured);
  EXPECT_EQ(done.kind, core::OAuthCallbackResult::Kind::kConnected) << done.message;
  ASSERT_EQ(asking.later->size(), 1u);
  EXPECT_EQ((*asking.later)[0].first, "notifications/elicitation/complete");
  EXPECT_EQ((*asking.later)[0].second, (Json{{"elicitationId", id}}));
  EXPECT_TRUE(other.later->empty());

  emulator_->DenyNextAuthorization();
  auto denied = sign_in(theirs->structured);
  EXPECT_EQ(denied.kind, core::OAuthCallbackResult::Kind::kDenied);
  EXPECT_TRUE(other.later->empty());

  auto connected_old = sign_in(older->structured);
  EXPECT_EQ(connected_old.kind, core::OAuthCallbackResult::Kind::kConnected);
  EXPECT_TRUE(old.later->empty());
  EXPECT_EQ(asking.later->size(), 1u);
}

// get_account says when a token expires and whether herald can renew it; list_accounts flags a
// token that cannot be renewed from 7 days before it expires.
TEST_F(AccountToolsTest, ATokenThatCannotBeRenewedIsFlaggedBeforeItExpires) {
  store::Account a;
  a.id = base::NewId(base::kAccountPrefix, clock_.Now());
  a.org_id = editor_.org_id;
  a.platform = "oauthtest";
  a.external_id = "m-1";
  a.handle = "@member";
  a.credentials_sealed = "v1.sealed";
  a.token_expires_at = clock_.Now() + std::chrono::hours(24 * 8);
  a.token_refreshable = false;
  a.created_at = a.updated_at = clock_.Now();
  store::Account renewable = a;
  renewable.id = base::NewId(base::kAccountPrefix, clock_.Now() + std::chrono::seconds(1));
  renewable.external_id = "m-2";
  renewable.token_refreshable = true;
  ASSERT_THAT(store_->Write([&](store::Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.UpsertAccount(a));
    HERALD_RETURN_IF_ERROR(tx.UpsertAccount(renewable));
    return base::Ok();
  }),
              IsOk());
  FakeContext ctx(viewer_);
  auto got = Call("get_account", Json{{"account_id", a.id}}, ctx);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->structured["token_refreshable"], false);
  EXPECT_EQ(got->structured["token_expires_at"], base::FormatRfc3339(*a.token_expires_at));
  EXPECT_EQ(got->structured["attention"], nullptr);  // 8 days ahead: not yet

  clock_.Advance(std::chrono::hours(24 * 2));  // 6 days left
  auto listed = Call("list_accounts", Json::object(), ctx);
  ASSERT_THAT(listed, IsOk());
  const Json& accounts = listed->structured["accounts"];
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0]["attention"], "token_expires_soon");
  EXPECT_THAT(accounts[0]["attention_message"].get<std::string>(),
              HasSubstr(base::FormatRfc3339(*a.token_expires_at)));
  EXPECT_THAT(accounts[0]["attention_message"].get<std::string>(), HasSubstr("connect_account"));
  EXPECT_EQ(accounts[0]["status"], "active");
  EXPECT_EQ(accounts[1]["attention"], nullptr);  // herald renews this one itself
  EXPECT_EQ(accounts[1]["token_refreshable"], true);

  clock_.Advance(std::chrono::hours(24 * 6) + std::chrono::seconds(1));  // expired
  listed = Call("list_accounts", Json::object(), ctx);
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->structured["accounts"][0]["status"], "needs_reauth");
  EXPECT_EQ(listed->structured["accounts"][0]["attention"], nullptr);
  EXPECT_THAT(listed->structured["accounts"][0]["last_error"].get<std::string>(),
              HasSubstr("expired"));
  EXPECT_EQ(listed->structured["accounts"][1]["status"], "active");
}

TEST_F(AccountToolsTest, ErrorsAreClear) {
  FakeContext ctx(editor_);
  auto out = Call("connect_account", Json{{"platform", "myspace"}}, ctx);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(out.error().message(), HasSubstr("supported: oauthtest"));
  FakeContext viewer(viewer_);
  out = Call("connect_account", Json{{"platform", "oauthtest"}}, viewer);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kPermissionDenied);
  out = Call("get_account", Json{{"account_id", "acc_01JD3Q8Z6X0000000000000000"}}, viewer);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kNotFound);
}

TEST_F(AccountToolsTest, ListGetAndDisconnectShapes) {
  // Connect through the OAuth flow, then use the read and disconnect tools.
  FakeContext ctx(editor_);
  auto started = Call("connect_account", Json{{"platform", "oauthtest"}}, ctx);
  ASSERT_THAT(started, IsOk());
  platforms::HttpRequest browse;
  browse.url = started->structured["authorization_url"];
  auto redirect = testing::RunTask(io_, http_->Send(browse));
  ASSERT_THAT(redirect, IsOk());
  std::string location = redirect->Header("Location");
  auto q = platforms::http::ParseFormUrlEncoded(location.substr(location.find('?') + 1));
  auto done = testing::RunTask(
      io_, accounts_->CompleteOAuth("oauthtest", platforms::http::FormValue(q, "state"),
                                    platforms::http::FormValue(q, "code"), "", ""));
  ASSERT_EQ(done.kind, core::OAuthCallbackResult::Kind::kConnected) << done.message;

  FakeContext viewer(viewer_);
  auto list = Call("list_accounts", Json::object(), viewer);
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->structured["accounts"].size(), 1u);
  std::string id = list->structured["accounts"][0]["account_id"];
  EXPECT_EQ(list->structured["accounts"][0]["handle"], "@tester");
  // herald://accounts shows what list_accounts returns, read from the core.
  auto resource = testing::RunTask(io_, ReadAccounts(*accounts_, viewer_));
  ASSERT_THAT(resource, IsOk());
  EXPECT_EQ(base::DumpJson(*resource), base::DumpJson(list->structured));
  auto none = Call("list_accounts", Json{{"status", "disconnected"}}, viewer);
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(none->structured["accounts"].size(), 0u);
  auto got = Call("get_account", Json{{"account_id", id}}, viewer);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->structured["network"]["id"], "oauthtest");
  EXPECT_TRUE(got->structured["token_expires_at"].is_string());
  auto gone = Call("disconnect_account", Json{{"account_id", id}}, ctx);
  ASSERT_THAT(gone, IsOk());
  EXPECT_EQ(gone->structured["revoked"], true);
  auto disconnected = Call("list_accounts", Json{{"status", "disconnected"}}, viewer);
  ASSERT_THAT(disconnected, IsOk());
  EXPECT_EQ(disconnected->structured["accounts"].size(), 1u);
}

}  // namespace
}  // namespace herald::tools
