// The emulator framework over real loopback sockets: control plane, every fault kind, the
// request log, and herald-emulator as a separate process. Uses the example "echo" network.
#include "tests/emulators/common/emulator_server.h"
#include "tests/support/result_matchers.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>

#include "tests/emulators/common/echo_emulator.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"

using ::herald::matchers::IsOk;

namespace herald::emulators {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

class EmulatorServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.clock = &clock_;
    server_ = EmulatorServer::Make<EchoEmulator>(options);
    ASSERT_THAT(server_->Start(), IsOk());
    client_ = std::make_unique<EmulatorClient>(server_->base_url());
  }

  base::Result<RawResponse> Post(const std::string& text, const std::string& key = "",
                                 const std::string& token = "echo-token") {
    Json body{{"text", text}};
    if (!key.empty()) body["key"] = key;
    return client_->Send(
        "POST", "/echo/posts",
        {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
        base::DumpJson(body));
  }

  base::FakeClock clock_;
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<EmulatorClient> client_;
};

TEST_F(EmulatorServerTest, ServesTheNetworkAndListsCreatedPosts) {
  EXPECT_GT(server_->port(), 0);
  EXPECT_EQ(server_->base_url(), "http://127.0.0.1:" + std::to_string(server_->port()));
  auto first = Post("hello", "k1");
  ASSERT_THAT(first, IsOk()) << first.error().ToString();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->JsonBody()["id"], "p1");
  EXPECT_EQ(first->Header("X-Echo-Limit"), "60");
  // Same key: the same post, no duplicate.
  EXPECT_EQ(Post("hello", "k1")->JsonBody()["id"], "p1");
  EXPECT_EQ(Post("second")->JsonBody()["id"], "p2");

  auto posts = client_->Posts();
  ASSERT_THAT(posts, IsOk());
  ASSERT_EQ(posts->size(), 2u);
  EXPECT_EQ((*posts)[0]["seq"], 1);
  EXPECT_EQ((*posts)[0]["text"], "hello");
  EXPECT_EQ((*posts)[0]["idempotency_key"], "k1");
  EXPECT_EQ((*posts)[1]["seq"], 2);
  EXPECT_EQ(server_->context().posts().List().size(), 2u);
}

TEST_F(EmulatorServerTest, RequestLogRecordsHeadersStatusAndFault) {
  ASSERT_THAT(Post("x", "key-9"), IsOk());
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "5xx"}, {"status", 502}}), IsOk());
  ASSERT_THAT(Post("y"), IsOk());
  auto requests = client_->Requests();
  ASSERT_THAT(requests, IsOk());
  ASSERT_EQ(requests->size(), 2u);  // the control plane is not logged
  EXPECT_EQ((*requests)[0]["path"], "/echo/posts");
  EXPECT_EQ((*requests)[0]["status"], 200);
  EXPECT_NE((*requests)[0]["body"].get<std::string>().find("key-9"), std::string::npos);
  EXPECT_EQ((*requests)[1]["status"], 502);
  EXPECT_EQ((*requests)[1]["fault"], "5xx");
}

TEST_F(EmulatorServerTest, RateLimitFaultUsesTheNetworksAnswer) {
  auto id = client_->ArmFault(Json{{"kind", "429"}, {"retry_after", 12}, {"path", "/echo/*"}});
  ASSERT_THAT(id, IsOk()) << id.error().ToString();
  auto limited = Post("x");
  ASSERT_THAT(limited, IsOk());
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->Header("Retry-After"), "12");
  EXPECT_EQ(limited->JsonBody()["error"], "rate limited");
  // Count 1: spent.
  EXPECT_EQ(Post("x")->status, 200);
  EXPECT_EQ(server_->context().posts().List().size(), 1u);
}

TEST_F(EmulatorServerTest, FaultsMatchMethodPathAndCount) {
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "5xx"}, {"method", "GET"}, {"count", 2}}), IsOk());
  EXPECT_EQ(Post("a")->status, 200);  // POST: not matched
  auto get = [&] {
    return client_->Send("GET", "/echo/posts/p1", {{"Authorization", "Bearer echo-token"}});
  };
  EXPECT_EQ(get()->status, 503);
  EXPECT_EQ(get()->status, 503);
  EXPECT_EQ(get()->status, 200);
}

TEST_F(EmulatorServerTest, DropBeforeClosesWithoutApplying) {
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "drop_before"}}), IsOk());
  auto r = Post("lost", "k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnknown);
  EXPECT_TRUE(server_->context().posts().List().empty());
}

TEST_F(EmulatorServerTest, DropAfterAcceptAppliesThenCloses) {
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "drop_after_accept"}}), IsOk());
  auto r = Post("applied", "k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnknown);
  ASSERT_EQ(server_->context().posts().List().size(), 1u);
  // The client retries with the same key: the network's idempotency returns the same post.
  EXPECT_EQ(Post("applied", "k")->JsonBody()["id"], "p1");
  EXPECT_EQ(server_->context().posts().List().size(), 1u);
  auto requests = client_->Requests();
  EXPECT_EQ((*requests)[0]["status"], 0);
  EXPECT_EQ((*requests)[0]["fault"], "drop_after_accept");
}

TEST_F(EmulatorServerTest, SlowDelaysTheAnswer) {
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "slow"}, {"delay_ms", 150}}), IsOk());
  const auto start = std::chrono::steady_clock::now();
  auto r = Post("late");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
}

TEST_F(EmulatorServerTest, SlowBeyondTheClientTimeoutIsUnknown) {
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "slow"}, {"delay_ms", 2000}}), IsOk());
  EmulatorClient impatient(server_->base_url(), std::chrono::milliseconds(100));
  auto r = impatient.Send("GET", "/echo/posts/p1", {{"Authorization", "Bearer echo-token"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnknown);
}

TEST_F(EmulatorServerTest, ExpiredTokenFaultRevokesThePresentedToken) {
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "expired_token"}}), IsOk());
  EXPECT_EQ(Post("x")->status, 401);
  EXPECT_EQ(Post("x")->status, 401);  // the token stays dead
  auto fresh = client_->CreateToken(Json{{"account", "echo"}, {"token", "new-token"}});
  ASSERT_THAT(fresh, IsOk());
  EXPECT_EQ(Post("x", "", "new-token")->status, 200);
}

TEST_F(EmulatorServerTest, TokensCanBeCreatedRevokedAndExpired) {
  auto t = client_->CreateToken(Json{{"account", "bob"}});
  ASSERT_THAT(t, IsOk());
  const std::string token = (*t)["token"];
  EXPECT_EQ(Post("x", "", token)->status, 200);
  ASSERT_THAT(client_->RevokeToken(token), IsOk());
  EXPECT_EQ(Post("x", "", token)->status, 401);
  ASSERT_THAT(client_->ExpireTokens(), IsOk());
  EXPECT_EQ(Post("x")->status, 401);
  auto missing = client_->RevokeToken("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("404"), std::string::npos);
}

TEST_F(EmulatorServerTest, ControlPlaneValidatesAndResets) {
  auto bad = client_->ArmFault(Json{{"kind", "explode"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("explode"), std::string::npos);
  auto raw = client_->Send("POST", "/__emulator/faults", {}, "not json");
  EXPECT_EQ(raw->status, 400);

  ASSERT_THAT(client_->ArmFault(Json{{"kind", "5xx"}, {"count", -1}}), IsOk());
  EXPECT_EQ(Post("x")->status, 503);
  auto config = client_->SetConfig(Json{{"anything", 5}});
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ((*config)["anything"], 5);
  EXPECT_EQ(server_->context().ConfigInt("anything", 0), 5);

  ASSERT_THAT(client_->Reset(), IsOk());
  EXPECT_EQ(Post("after reset")->status, 200);
  EXPECT_EQ(server_->context().posts().List().front().text, "after reset");
  EXPECT_EQ(server_->context().ConfigInt("anything", 0), 0);
  EXPECT_EQ(client_->Info()->value("network", ""), "echo");
  EXPECT_FALSE(client_->Control("mastodon", "x", Json::object()).ok());
  EXPECT_FALSE(client_->Control("echo", "nothing", Json::object()).ok());
}

TEST_F(EmulatorServerTest, MetricsCanBeSetPerPost) {
  ASSERT_THAT(Post("x"), IsOk());
  auto post = client_->SetMetrics("p1", Json{{"likes", 3}});
  ASSERT_THAT(post, IsOk()) << post.error().ToString();
  auto got = client_->Send("GET", "/echo/posts/p1", {{"Authorization", "Bearer echo-token"}});
  EXPECT_EQ(got->JsonBody()["metrics"]["likes"], 3);
  EXPECT_FALSE(client_->SetMetrics("p9", Json{{"likes", 1}}).ok());
}

TEST_F(EmulatorServerTest, UsesTheInjectedClockForRateWindows) {
  for (int i = 0; i < 60; ++i) ASSERT_EQ(Post("x" + std::to_string(i))->status, 200);
  auto limited = Post("over");
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->Header("X-Echo-Remaining"), "0");
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(Post("next window")->status, 200);
}

TEST_F(EmulatorServerTest, StopsCleanlyAndTwice) {
  ASSERT_THAT(Post("x"), IsOk());
  server_->Stop();
  server_->Stop();
  auto r = client_->Send("GET", "/__emulator/info");
  EXPECT_FALSE(r.ok());
}

TEST(EmulatorProcessTest, RunsAsASeparateProcess) {
  auto process = EmulatorProcess::Start(EmulatorProcess::DefaultBinary(), "echo");
  ASSERT_THAT(process, IsOk()) << process.error().ToString();
  EXPECT_GT((*process)->port(), 0);
  EmulatorClient client((*process)->base_url());
  auto r =
      client.Send("POST", "/echo/posts",
                  {{"Authorization", "Bearer echo-token"}, {"Content-Type", "application/json"}},
                  R"({"text":"from a test"})");
  ASSERT_THAT(r, IsOk()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(client.Posts()->size(), 1u);
  (*process)->Signal(SIGTERM);
  const int status = (*process)->Wait();
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(EmulatorProcessTest, UnknownNetworkFailsToStart) {
  auto process = EmulatorProcess::Start(EmulatorProcess::DefaultBinary(), "no-such-network", {},
                                        std::chrono::seconds(5));
  ASSERT_FALSE(process.ok());
  EXPECT_EQ(process.error().code(), base::ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace herald::emulators
