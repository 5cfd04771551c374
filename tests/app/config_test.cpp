// The configuration: every HERALD_* variable read in one place (ConfigFromEnvironment), typed and
// validated; malformed, refused and unknown variables are errors naming the variable; flags
// override the environment (Cli).
#include "app/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "app/cli.h"
#include "tests/support/result_matchers.h"

namespace herald::app {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using base::ErrorCode;

TEST(ConfigTest, AnEmptyEnvironmentGivesTheDefaults) {
  auto config = ConfigFromEnvironment({});
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->data_dir, "./var");
  EXPECT_EQ(config->EffectiveDbUrl(), "sqlite:./var/herald.db");
  EXPECT_EQ(config->log_format, "text");
  EXPECT_EQ(config->log_level, "info");
  EXPECT_EQ(config->listen, "127.0.0.1:8080");
  EXPECT_FALSE(config->http_threads.has_value());
  EXPECT_EQ(config->http_max_connections, 1024);
  EXPECT_EQ(config->mcp_max_sessions_per_key, 100);
  EXPECT_EQ(config->worker_lease, std::chrono::milliseconds(60'000));
  EXPECT_FALSE(config->publish_timeout.has_value());
  EXPECT_EQ(config->publish_rates, "*=50/100");
  EXPECT_TRUE(config->api_urls.empty());
  EXPECT_TRUE(config->secret_key.empty());
  EXPECT_FALSE(config->allow_private_networks);
  EXPECT_TRUE(config->s3.endpoint.empty());
  EXPECT_EQ(config->s3.region, "us-east-1");
}

TEST(ConfigTest, TheS3MediaStorageVariablesAreRead) {
  Environment env = {
      {"HERALD_S3_ENDPOINT", "https://minio.lan:9000"},  // a private host is the operator's
      {"HERALD_S3_BUCKET", "herald-media"},
      {"HERALD_S3_REGION", "eu-west-3"},
      {"HERALD_S3_ACCESS_KEY_ID", "AKIDEXAMPLE"},
      {"HERALD_S3_SECRET_ACCESS_KEY", "secret/with+chars"},
  };
  auto config = ConfigFromEnvironment(env);
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->s3.endpoint, "https://minio.lan:9000");
  EXPECT_EQ(config->s3.bucket, "herald-media");
  EXPECT_EQ(config->s3.region, "eu-west-3");
  EXPECT_EQ(config->s3.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(config->s3.secret_access_key, "secret/with+chars");

  auto loopback = ConfigFromEnvironment({{"HERALD_S3_ENDPOINT", "http://127.0.0.1:9000"},
                                         {"HERALD_S3_REGION", ""}});
  ASSERT_THAT(loopback, IsOk());
  EXPECT_EQ(loopback->s3.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(loopback->s3.region, "us-east-1") << "empty counts as unset";
}

TEST(ConfigTest, EveryKindOfValueIsParsed) {
  Environment env = {
      {"HERALD_DATA", "/srv/herald"},
      {"HERALD_HTTP_THREADS", "4"},
      {"HERALD_HTTP_PRESSURE_TIMEOUT_MS", "500"},
      {"HERALD_MCP_MAX_SESSIONS", "20"},
      {"HERALD_ALLOWED_ORIGINS", " https://a.example , ,https://b.example"},
      {"HERALD_SECRET_KEYS_OLD", "k1,k2"},
      {"HERALD_TELEGRAM_API_URL", "http://127.0.0.1:9000"},
      {"HERALD_OAUTH_TEST_PROVIDER", "http://127.0.0.1:9001"},
      {"HERALD_OAUTHTEST_CLIENT_ID", "id"},
      {"HERALD_OAUTHTEST_CLIENT_SECRET", "secret"},
      {"HERALD_ALLOW_PRIVATE_NETWORKS", "Yes"},
      {"HERALD_PUBLISH_TIMEOUT_MS", "1800"},
      {"HERALD_PUBLISH_RATES", "mastodon=5/20,*=50/100"},
      {"https_proxy", "http://proxy:3128"},
      {"NO_PROXY", "localhost"},
      {"HERALD_LOG_LEVEL", ""},  // empty counts as unset
  };
  auto config = ConfigFromEnvironment(env);
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->data_dir, "/srv/herald");
  EXPECT_EQ(config->EffectiveDbUrl(), "sqlite:/srv/herald/herald.db");
  EXPECT_EQ(config->http_threads, 4);
  EXPECT_EQ(config->http_pressure_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(config->mcp_max_sessions, 20);
  EXPECT_EQ(config->allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(config->secret_keys_old, (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(config->api_urls.at("telegram"), "http://127.0.0.1:9000");
  EXPECT_EQ(config->api_urls.at("oauthtest"), "http://127.0.0.1:9001");
  EXPECT_EQ(config->oauth_clients.at("oauthtest").client_id, "id");
  EXPECT_EQ(config->oauth_clients.at("oauthtest").client_secret, "secret");
  EXPECT_TRUE(config->allow_private_networks);
  EXPECT_EQ(config->publish_timeout, std::chrono::milliseconds(1800));
  EXPECT_EQ(config->https_proxy, "http://proxy:3128");
  EXPECT_EQ(config->no_proxy, "localhost");
  EXPECT_EQ(config->log_level, "info");
}

// TikTok calls its client id a client key; its API may download media by URL.
TEST(ConfigTest, TikTokClientKeyAndPullFromUrl) {
  Environment env = {{"HERALD_TIKTOK_CLIENT_KEY", "ck"},
                     {"HERALD_TIKTOK_CLIENT_SECRET", "cs"},
                     {"HERALD_TIKTOK_API_URL", "http://127.0.0.1:9002"},
                     {"HERALD_TIKTOK_AUTH_URL", "http://127.0.0.1:9003"},
                     {"HERALD_TIKTOK_PULL_FROM_URL", "yes"}};
  auto config = ConfigFromEnvironment(env);
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->oauth_clients.at("tiktok").client_id, "ck");
  EXPECT_EQ(config->oauth_clients.at("tiktok").client_secret, "cs");
  EXPECT_EQ(config->api_urls.at("tiktok"), "http://127.0.0.1:9002");
  EXPECT_EQ(config->auth_urls.at("tiktok"), "http://127.0.0.1:9003");
  EXPECT_TRUE(config->pull_from_url.contains("tiktok"));
  env["HERALD_TIKTOK_PULL_FROM_URL"] = "maybe";
  EXPECT_FALSE(ConfigFromEnvironment(env).ok());
}

TEST(ConfigTest, MalformedValuesNameTheVariableAndWhatWasExpected) {
  struct Case {
    const char* name;
    const char* value;
    const char* expected;
  };
  for (const Case& c : std::vector<Case>{
           {"HERALD_LISTEN", "127.0.0.1:http", "HERALD_LISTEN must be HOST:PORT"},
           {"HERALD_LISTEN", "127.0.0.1:99999", "HERALD_LISTEN must be HOST:PORT"},
           {"HERALD_HTTP_THREADS", "many", "HERALD_HTTP_THREADS must be an integer from 1 to 64"},
           {"HERALD_HTTP_THREADS", "65", "HERALD_HTTP_THREADS must be an integer from 1 to 64"},
           {"HERALD_HTTP_MAX_CONNECTIONS", "-5", "must be a positive integer; got '-5'"},
           {"HERALD_WORKER_CONCURRENCY", "0", "must be a positive integer; got '0'"},
           {"HERALD_MCP_MAX_SESSIONS", "10k", "HERALD_MCP_MAX_SESSIONS must be a positive integer"},
           {"HERALD_WORKER_LEASE_MS", "1m", "must be a positive number of milliseconds"},
           {"HERALD_PUBLIC_URL", "not a url", "HERALD_PUBLIC_URL"},
           {"HERALD_SLACK_API_URL", "ftp://example.com", "HERALD_SLACK_API_URL"},
           {"HERALD_ALLOW_PRIVATE_NETWORKS", "maybe", "HERALD_ALLOW_PRIVATE_NETWORKS must be 1"},
           {"HERALD_PUBLISH_RATES", "mastodon=fast", "HERALD_PUBLISH_RATES: "},
           {"HERALD_S3_ENDPOINT", "http://minio.lan:9000", "HERALD_S3_ENDPOINT must be an https"},
           {"HERALD_S3_ENDPOINT", "https://s3.example.com/?x=1", "HERALD_S3_ENDPOINT"},
           {"HERALD_S3_ENDPOINT", "s3.example.com", "HERALD_S3_ENDPOINT"},
       }) {
    auto config = ConfigFromEnvironment({{c.name, c.value}});
    EXPECT_THAT(config, StatusIs(ErrorCode::kInvalidArgument, HasSubstr(c.expected)))
        << c.name << "=" << c.value;
  }
}

TEST(ConfigTest, VariablesReadAndIgnoredBeforeAreRefusedWithTheReason) {
  EXPECT_THAT(ConfigFromEnvironment({{"HERALD_MASTODON_API_URL", "https://m.example"}}),
              StatusIs(ErrorCode::kInvalidArgument,
                       AllOf(HasSubstr("HERALD_MASTODON_API_URL is not read"),
                             HasSubstr("each account's instance_url"))));
  EXPECT_THAT(ConfigFromEnvironment({{"HERALD_BLUESKY_API_URL", "https://b.example"}}),
              StatusIs(ErrorCode::kInvalidArgument,
                       AllOf(HasSubstr("HERALD_BLUESKY_API_URL is not read"),
                             HasSubstr("each account's service_url"))));
}

TEST(ConfigTest, AnUnknownVariableIsATypoWithTheNearestNameAndTheDocs) {
  auto config = ConfigFromEnvironment({{"HERALD_WORKER_CONCURENCY", "8"}});
  EXPECT_THAT(config, StatusIs(ErrorCode::kInvalidArgument,
                               AllOf(HasSubstr("unknown environment variable "
                                               "HERALD_WORKER_CONCURENCY"),
                                     HasSubstr("did you mean HERALD_WORKER_CONCURRENCY?"),
                                     HasSubstr(kConfigDocs))));
  EXPECT_THAT(ConfigFromEnvironment({{"HERALD_SECRETKEY", "x"}}),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("did you mean HERALD_SECRET_KEY?")));
  EXPECT_THAT(ConfigFromEnvironment({{"HERALD_S3_BUCKT", "x"}}),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("did you mean HERALD_S3_BUCKET?")));
}

TEST(ConfigTest, NamesOfScriptsAndTestToolsAndOtherProgramsAreLeftAlone) {
  EXPECT_THAT(ConfigFromEnvironment({{"HERALD_URL", "http://127.0.0.1:8080"},
                                     {"HERALD_TEST_PG_URL", "postgresql://x"},
                                     {"HERALD_BENCH_DIR", "/tmp"},
                                     {"HERALD_EMULATOR_BIN", "/bin/true"},
                                     {"HERALD_SKIP_FUZZ", "1"},  // scripts/test.sh
                                     {"HERALD_TEST_S3_ENDPOINT", "http://127.0.0.1:1"},
                                     {"PATH", "/usr/bin"},
                                     {"HERALDRY", "lions"}}),
              IsOk());
}

// Runs `args` through a Cli built on `env`; returns the parsed Cli.
Cli Parse(const Environment& env, std::vector<std::string> args) {
  Cli cli(env);
  CLI::App app{"herald"};
  cli.Configure(app);
  std::vector<const char*> argv = {"herald"};
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return cli;
}

TEST(ConfigTest, FlagsOverrideTheEnvironment) {
  Environment env = {{"HERALD_DATA", "/env/data"},
                     {"HERALD_DB", "sqlite:/env/db"},
                     {"HERALD_LOG_LEVEL", "warn"},
                     {"HERALD_LISTEN", "127.0.0.1:9000"}};
  Cli flags = Parse(env, {"--data", "/flag/data", "serve", "--listen", "127.0.0.1:9100"});
  EXPECT_EQ(flags.config().data_dir, "/flag/data");
  EXPECT_EQ(flags.config().listen, "127.0.0.1:9100");
  EXPECT_EQ(flags.config().db_url, "sqlite:/env/db");  // no flag: the environment's
  EXPECT_EQ(flags.config().log_level, "warn");
  EXPECT_FALSE(flags.environment_error().has_value());

  Cli env_only = Parse(env, {"serve"});
  EXPECT_EQ(env_only.config().data_dir, "/env/data");
  EXPECT_EQ(env_only.config().listen, "127.0.0.1:9000");
}

TEST(ConfigTest, AnEnvironmentErrorStopsEveryCommandButVersion) {
  Cli bad = Parse({{"HERALD_HTTP_THREADS", "lots"}}, {"migrate"});
  ASSERT_TRUE(bad.environment_error().has_value());
  EXPECT_THAT(*bad.environment_error(), StatusIs(ErrorCode::kInvalidArgument,
                                                 HasSubstr("HERALD_HTTP_THREADS")));
  EXPECT_EQ(bad.Run(), 2);
  EXPECT_EQ(Parse({{"HERALD_HTTP_THREADS", "lots"}}, {"version"}).Run(), 0);
}

}  // namespace
}  // namespace herald::app
