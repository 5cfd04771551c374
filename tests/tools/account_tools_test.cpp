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
  explicit FakeContext(core::Caller caller) : caller_(std::move(caller)) {}
  const core::Caller& caller() const override { return caller_; }
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

  bool elicit_url = false;
  std::vector<std::pair<std::string, Json>> requests;

 private:
  core::Caller caller_;
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
  core::Caller editor_{"org_01JD3Q8Z6X0000000000000000", "key_e", store::Role::kEditor};
  core::Caller viewer_{"org_01JD3Q8Z6X0000000000000000", "key_v", store::Role::kViewer};
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
  EXPECT_EQ(tools_.at("list_platforms")->spec().required_role, store::Role::kViewer);
  EXPECT_EQ(tools_.at("list_accounts")->spec().required_role, store::Role::kViewer);
  EXPECT_EQ(tools_.at("get_account")->spec().required_role, store::Role::kViewer);
  EXPECT_EQ(tools_.at("connect_account")->spec().required_role, store::Role::kEditor);
  EXPECT_EQ(tools_.at("disconnect_account")->spec().required_role, store::Role::kEditor);
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
