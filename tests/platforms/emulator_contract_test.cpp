// The Telegram, Discord and Slack emulators at the HTTP level, as any client sees them: status
// codes, envelopes, error bodies and headers of the real APIs (reference:
// shared/reference/platforms-open-and-bots.md §5-§7), independent of herald's adapters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_server.h"
#include "tests/emulators/discord/discord_emulator.h"
#include "tests/emulators/slack/slack_emulator.h"
#include "tests/emulators/telegram/telegram_emulator.h"
#include "tests/support/result_matchers.h"

namespace herald::emulators {
namespace {

using matchers::IsOk;
using ::testing::HasSubstr;

template <class N>
class Served {
 public:
  Served() : server_(EmulatorServer::Make<N>()) {
    EXPECT_THAT(server_->Start(), IsOk());
    client_ = std::make_unique<EmulatorClient>(server_->base_url());
  }
  EmulatorClient& client() { return *client_; }
  EmulatorServer& server() { return *server_; }
  RawResponse Send(std::string method, std::string path,
                   std::vector<std::pair<std::string, std::string>> headers = {},
                   std::string body = {}) {
    auto r = client_->Send(method, path, std::move(headers), std::move(body));
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RawResponse{};
  }

 private:
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<EmulatorClient> client_;
};

const std::vector<std::pair<std::string, std::string>> kJson = {
    {"Content-Type", "application/json"}};

// --- Telegram -----------------------------------------------------------------------------

TEST(TelegramContractTest, EnvelopeMirrorsTheHttpStatus) {
  Served<TelegramEmulator> t;
  const std::string bot = std::string("/bot") + TelegramEmulator::kSeedToken;
  RawResponse me = t.Send("GET", bot + "/getMe");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.JsonBody()["ok"], true);
  EXPECT_EQ(me.JsonBody()["result"]["is_bot"], true);

  RawResponse unauthorized = t.Send("GET", "/bot123:nope/getMe");
  EXPECT_EQ(unauthorized.status, 401);
  EXPECT_EQ(unauthorized.JsonBody(),
            (Json{{"ok", false}, {"error_code", 401}, {"description", "Unauthorized"}}));
  EXPECT_EQ(t.Send("GET", "/notabot/getMe").status, 404);
  EXPECT_EQ(t.Send("GET", bot + "/noSuchMethod").JsonBody()["description"], "Not Found");

  // Parameters as query, form and JSON are equivalent.
  RawResponse q = t.Send("GET", bot + "/sendMessage?chat_id=@acme_news&text=hi");
  EXPECT_EQ(q.status, 200);
  RawResponse form =
      t.Send("POST", bot + "/sendMessage", {{"Content-Type", "application/x-www-form-urlencoded"}},
             "chat_id=-1001987654321&text=hello%20there");
  EXPECT_EQ(form.JsonBody()["result"]["text"], "hello there");
  RawResponse not_found =
      t.Send("POST", bot + "/sendMessage", kJson, R"({"chat_id":"@nope_nope","text":"x"})");
  EXPECT_EQ(not_found.status, 400);
  EXPECT_EQ(not_found.JsonBody()["description"], "Bad Request: chat not found");
}

TEST(TelegramContractTest, ParseModeTurnsPunctuationIntoErrors) {
  Served<TelegramEmulator> t;
  const std::string bot = std::string("/bot") + TelegramEmulator::kSeedToken;
  RawResponse md =
      t.Send("POST", bot + "/sendMessage", kJson,
             R"({"chat_id":"@acme_news","text":"v2.0 is out!","parse_mode":"MarkdownV2"})");
  EXPECT_EQ(md.status, 400);
  EXPECT_THAT(md.JsonBody()["description"].get<std::string>(),
              HasSubstr("can't parse entities: Character '.' is reserved"));
  RawResponse plain = t.Send("POST", bot + "/sendMessage", kJson,
                             R"({"chat_id":"@acme_news","text":"v2.0 is out!"})");
  EXPECT_EQ(plain.status, 200);
}

TEST(TelegramContractTest, FloodControlAndFaultsUseRetryAfterParameters) {
  Served<TelegramEmulator> t;
  t.server().context().MergeConfig(Json{{"chat_messages_per_minute", 1}});
  const std::string bot = std::string("/bot") + TelegramEmulator::kSeedToken;
  const std::string body = R"({"chat_id":"@acme_news","text":"x"})";
  EXPECT_EQ(t.Send("POST", bot + "/sendMessage", kJson, body).status, 200);
  RawResponse flood = t.Send("POST", bot + "/sendMessage", kJson, body);
  EXPECT_EQ(flood.status, 429);
  EXPECT_EQ(flood.JsonBody()["error_code"], 429);
  EXPECT_THAT(flood.JsonBody()["description"].get<std::string>(),
              HasSubstr("Too Many Requests: retry after"));
  EXPECT_TRUE(flood.JsonBody()["parameters"]["retry_after"].is_number_integer());
  EXPECT_EQ(flood.Header("X-RateLimit-Limit"), "");  // Telegram sends none
  ASSERT_THAT(t.client().ArmFault(Json{{"kind", "5xx"}, {"status", 502}}), IsOk());
  RawResponse gateway = t.Send("GET", bot + "/getMe");
  EXPECT_EQ(gateway.status, 502);
  EXPECT_THAT(gateway.body, HasSubstr("nginx"));
}

TEST(TelegramContractTest, NoIdempotencyARepeatIsASecondMessage) {
  Served<TelegramEmulator> t;
  const std::string bot = std::string("/bot") + TelegramEmulator::kSeedToken;
  const std::string body = R"({"chat_id":"@acme_news","text":"same"})";
  auto first = t.Send("POST", bot + "/sendMessage", kJson, body).JsonBody();
  auto second = t.Send("POST", bot + "/sendMessage", kJson, body).JsonBody();
  EXPECT_NE(first["result"]["message_id"], second["result"]["message_id"]);
  auto posts = t.client().Posts();
  ASSERT_THAT(posts, IsOk());
  EXPECT_EQ(posts->size(), 2u);
}

// --- Discord ------------------------------------------------------------------------------

TEST(DiscordContractTest, WaitDecidesBetween204AndTheMessage) {
  Served<DiscordEmulator> d;
  const std::string hook = std::string("/api/webhooks/") + DiscordEmulator::kSeedWebhookId + "/" +
                           DiscordEmulator::kSeedToken;
  RawResponse no_wait = d.Send("POST", hook, kJson, R"({"content":"a"})");
  EXPECT_EQ(no_wait.status, 204);
  EXPECT_TRUE(no_wait.body.empty());
  RawResponse wait = d.Send("POST", hook + "?wait=true", kJson, R"({"content":"b"})");
  EXPECT_EQ(wait.status, 200);
  EXPECT_EQ(wait.JsonBody()["content"], "b");
  EXPECT_EQ(wait.JsonBody()["webhook_id"], DiscordEmulator::kSeedWebhookId);
  for (const char* h : {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                        "X-RateLimit-Reset-After", "X-RateLimit-Bucket"}) {
    EXPECT_FALSE(wait.Header(h).empty()) << h;
  }
  EXPECT_EQ(d.Send("POST",
                   std::string("/api/v10/webhooks/") + DiscordEmulator::kSeedWebhookId + "/" +
                       DiscordEmulator::kSeedToken + "?wait=true",
                   kJson, R"({"content":"c"})")
                .status,
            200);
}

TEST(DiscordContractTest, ErrorBodiesCarryJsonCodes) {
  Served<DiscordEmulator> d;
  const std::string hook = std::string("/api/webhooks/") + DiscordEmulator::kSeedWebhookId + "/" +
                           DiscordEmulator::kSeedToken;
  RawResponse empty = d.Send("POST", hook, kJson, R"({"content":""})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.JsonBody()["code"], 50006);
  RawResponse too_long =
      d.Send("POST", hook, kJson, base::DumpJson(Json{{"content", std::string(2001, 'x')}}));
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(too_long.JsonBody()["code"], 50035);
  EXPECT_EQ(too_long.JsonBody()["errors"]["content"]["_errors"][0]["code"], "BASE_TYPE_MAX_LENGTH");
  EXPECT_EQ(d.Send("POST", hook, kJson, "{nope").JsonBody()["code"], 50109);
  RawResponse unknown = d.Send("GET", "/api/webhooks/1/whatever-token-whatever-token");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.JsonBody(), (Json{{"message", "Unknown Webhook"}, {"code", 10015}}));
  RawResponse bad_token = d.Send(
      "GET", std::string("/api/webhooks/") + DiscordEmulator::kSeedWebhookId + "/wrong-token");
  EXPECT_EQ(bad_token.status, 401);
  EXPECT_EQ(bad_token.JsonBody()["code"], 50027);
  EXPECT_EQ(d.Send("DELETE", hook + "/messages/42").JsonBody()["code"], 10008);
}

TEST(DiscordContractTest, BucketExhaustionIs429WithRetryAfter) {
  Served<DiscordEmulator> d;
  d.server().context().MergeConfig(Json{{"webhook_rate_limit", 1}});
  const std::string hook = std::string("/api/webhooks/") + DiscordEmulator::kSeedWebhookId + "/" +
                           DiscordEmulator::kSeedToken;
  RawResponse first = d.Send("POST", hook, kJson, R"({"content":"a"})");
  EXPECT_EQ(first.Header("X-RateLimit-Remaining"), "0");
  RawResponse limited = d.Send("POST", hook, kJson, R"({"content":"b"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.JsonBody()["message"], "You are being rate limited.");
  EXPECT_EQ(limited.JsonBody()["global"], false);
  EXPECT_TRUE(limited.JsonBody()["retry_after"].is_number());
  EXPECT_FALSE(limited.Header("Retry-After").empty());
  EXPECT_EQ(limited.Header("X-RateLimit-Scope"), "user");
}

// --- Slack --------------------------------------------------------------------------------

TEST(SlackContractTest, LogicalErrorsAreHttp200OkFalse) {
  Served<SlackEmulator> s;
  const std::string auth = std::string("Bearer ") + SlackEmulator::kSeedToken;
  RawResponse missing = s.Send("POST", "/api/auth.test");
  EXPECT_EQ(missing.status, 200);
  EXPECT_EQ(missing.JsonBody(), (Json{{"ok", false}, {"error", "not_authed"}}));
  RawResponse invalid = s.Send("POST", "/api/auth.test", {{"Authorization", "Bearer xoxb-no"}});
  EXPECT_EQ(invalid.status, 200);
  EXPECT_EQ(invalid.JsonBody()["error"], "invalid_auth");
  RawResponse not_in =
      s.Send("POST", "/api/chat.postMessage",
             {{"Authorization", auth}, {"Content-Type", "application/json"}},
             std::string(R"({"channel":")") + SlackEmulator::kRandomId + R"(","text":"x"})");
  EXPECT_EQ(not_in.status, 200);
  EXPECT_EQ(not_in.JsonBody()["error"], "not_in_channel");
  RawResponse retired = s.Send("POST", "/api/files.upload", {{"Authorization", auth}});
  EXPECT_EQ(retired.JsonBody()["ok"], false);
  auto scoped = s.client().CreateToken(Json{{"scopes", {"channels:read"}}});
  ASSERT_THAT(scoped, IsOk());
  RawResponse scope = s.Send("POST", "/api/chat.postMessage",
                             {{"Authorization", "Bearer " + (*scoped)["token"].get<std::string>()},
                              {"Content-Type", "application/x-www-form-urlencoded"}},
                             std::string("channel=") + SlackEmulator::kChannelId + "&text=x");
  EXPECT_EQ(scope.JsonBody()["error"], "missing_scope");
  EXPECT_EQ(scope.JsonBody()["needed"], "chat:write");
}

TEST(SlackContractTest, RateLimitIsHttp429WithRetryAfter) {
  Served<SlackEmulator> s;
  s.server().context().MergeConfig(Json{{"channel_post_limit", 1}});
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Authorization", std::string("Bearer ") + SlackEmulator::kSeedToken},
      {"Content-Type", "application/json"}};
  const std::string body =
      std::string(R"({"channel":")") + SlackEmulator::kChannelId + R"(","text":"x"})";
  EXPECT_EQ(s.Send("POST", "/api/chat.postMessage", headers, body).JsonBody()["ok"], true);
  RawResponse limited = s.Send("POST", "/api/chat.postMessage", headers, body);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("Retry-After"), "60");
  EXPECT_EQ(limited.JsonBody()["error"], "ratelimited");
}

TEST(SlackContractTest, UploadV2CompletesWithoutTheMessageTs) {
  Served<SlackEmulator> s;
  const std::string auth = std::string("Bearer ") + SlackEmulator::kSeedToken;
  RawResponse ticket =
      s.Send("POST", "/api/files.getUploadURLExternal",
             {{"Authorization", auth}, {"Content-Type", "application/x-www-form-urlencoded"}},
             "filename=a.png&length=4");
  ASSERT_EQ(ticket.JsonBody()["ok"], true);
  const std::string url = ticket.JsonBody()["upload_url"];
  const std::string file_id = ticket.JsonBody()["file_id"];
  const std::string path = url.substr(url.find("/upload/"));
  RawResponse uploaded = s.Send("POST", path, {{"Content-Type", "image/png"}}, "\x89PNG");
  EXPECT_EQ(uploaded.status, 200);
  EXPECT_EQ(uploaded.body, "OK - 4");
  // Not completed yet: not visible.
  RawResponse before =
      s.Send("POST", "/api/files.info",
             {{"Authorization", auth}, {"Content-Type", "application/x-www-form-urlencoded"}},
             "file=" + file_id);
  EXPECT_EQ(before.JsonBody()["error"], "file_not_found");
  RawResponse done = s.Send("POST", "/api/files.completeUploadExternal",
                            {{"Authorization", auth}, {"Content-Type", "application/json"}},
                            base::DumpJson(Json{{"files", {{{"id", file_id}, {"title", "A"}}}},
                                                {"channel_id", SlackEmulator::kChannelId},
                                                {"initial_comment", "look"}}));
  ASSERT_EQ(done.JsonBody()["ok"], true) << done.body;
  EXPECT_FALSE(done.JsonBody().contains("ts"));
  EXPECT_EQ(done.JsonBody()["files"][0]["shares"], Json::object());
  RawResponse after =
      s.Send("POST", "/api/files.info",
             {{"Authorization", auth}, {"Content-Type", "application/x-www-form-urlencoded"}},
             "file=" + file_id);
  EXPECT_TRUE(after.JsonBody()["file"]["shares"]["public"].contains(SlackEmulator::kChannelId));
}

TEST(SlackContractTest, MetadataOnlyWithIncludeAllMetadata) {
  Served<SlackEmulator> s;
  const std::vector<std::pair<std::string, std::string>> json = {
      {"Authorization", std::string("Bearer ") + SlackEmulator::kSeedToken},
      {"Content-Type", "application/json"}};
  const std::vector<std::pair<std::string, std::string>> form = {
      {"Authorization", std::string("Bearer ") + SlackEmulator::kSeedToken},
      {"Content-Type", "application/x-www-form-urlencoded"}};
  s.Send("POST", "/api/chat.postMessage", json,
         base::DumpJson(Json{{"channel", SlackEmulator::kChannelId},
                             {"text", "x"},
                             {"metadata",
                              {{"event_type", "herald_post"},
                               {"event_payload", {{"idempotency_key", "k"}, {"part", 0}}}}}}));
  RawResponse plain = s.Send("POST", "/api/conversations.history", form,
                             std::string("channel=") + SlackEmulator::kChannelId);
  EXPECT_FALSE(plain.JsonBody()["messages"][0].contains("metadata"));
  RawResponse with =
      s.Send("POST", "/api/conversations.history", form,
             std::string("channel=") + SlackEmulator::kChannelId + "&include_all_metadata=true");
  EXPECT_EQ(with.JsonBody()["messages"][0]["metadata"]["event_type"], "herald_post");
  RawResponse bad = s.Send("POST", "/api/chat.postMessage", json,
                           base::DumpJson(Json{{"channel", SlackEmulator::kChannelId},
                                               {"text", "x"},
                                               {"metadata", {{"event_type", "x"}}}}));
  EXPECT_EQ(bad.JsonBody()["error"], "invalid_metadata_format");
}

}  // namespace
}  // namespace herald::emulators
