#include "platforms/discord/discord_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/platforms/support/bot_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::discord {
namespace {

using base::ErrorCode;
using fixtures::FixtureJson;
using fixtures::ReadFixture;
using ::herald::matchers::StatusIs;
using matchers::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "hK3v_9Zq-ExampleExampleExampleExampleExampleExampleExampleExample12";

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

MediaItem Image(std::string mime = "image/png", int64_t size = 100) {
  MediaItem m;
  m.mime_type = std::move(mime);
  m.size = size;
  m.data = "IMG";
  return m;
}

TEST(DiscordWireTest, InfoIsTrueToWebhooks) {
  const PlatformInfo& info = Info();
  EXPECT_EQ(info.id, "discord");
  EXPECT_EQ(info.auth_kind, AuthKind::kWebhook);
  EXPECT_EQ(info.text.max_length, 2000);
  EXPECT_EQ(info.text.unit, "characters");
  EXPECT_FALSE(info.features.threads);  // webhooks cannot reply
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kNone);
  EXPECT_EQ(info.connect_fields, std::vector<std::string>{"webhook_url"});
}

TEST(DiscordWireTest, CountsCodePoints) {
  // 1999 + one emoji = 2000 code points (2001 UTF-16 units): accepted, as Discord counts.
  Content ok{{PostPart{Repeat("a", 1999) + "\xF0\x9F\x8E\x89", {}}}};
  ValidationReport r = Validate(ok);
  EXPECT_TRUE(r.ok());  // a ValidationReport, not a Result
  EXPECT_EQ(r.length, 2000);
  Content over{{PostPart{Repeat("a", 2001), {}}}};
  ASSERT_FALSE(Validate(over).ok());
  EXPECT_THAT(Validate(over).violations[0].message,
              HasSubstr("text is 2001 characters, 1 over Discord's limit of 2000"));
}

TEST(DiscordWireTest, ValidatesMedia) {
  Content c{{PostPart{"", {Image(), Image("image/bmp"), Image("image/png", 11 * 1024 * 1024)}}}};
  c.parts[0].media[0].alt_text = Repeat("x", 1025);
  ValidationReport r = Validate(c);
  ASSERT_EQ(r.violations.size(), 3u);
  EXPECT_EQ(r.violations[0].field, "media[0].alt_text");
  EXPECT_EQ(r.violations[1].field, "media[1]");
  EXPECT_EQ(r.violations[2].field, "media[2]");
  Content big{{PostPart{"x", std::vector<MediaItem>(3, Image("image/png", 9 * 1024 * 1024))}}};
  ASSERT_FALSE(Validate(big).ok());
  EXPECT_THAT(Validate(big).violations[0].message, HasSubstr("25 MiB"));
  Content empty{{PostPart{"ok", {}}, PostPart{"", {}}}};
  ASSERT_FALSE(Validate(empty).ok());
  EXPECT_EQ(Validate(empty).violations[0].field, "thread[0].text");
}

TEST(DiscordWireTest, ParsesWebhookUrls) {
  const std::string id = "1234567890123456789";
  auto a = ParseWebhookUrl("https://discord.com/api/webhooks/" + id + "/" + kToken);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->id, id);
  EXPECT_EQ(a->token, kToken);
  EXPECT_THAT(
      ParseWebhookUrl(" https://discordapp.com/api/v10/webhooks/" + id + "/" + kToken + "/ "),
      IsOk());
  EXPECT_THAT(ParseWebhookUrl("https://canary.discord.com/api/webhooks/" + id + "/" + kToken +
                              "?wait=true"),
              IsOk());
  EXPECT_EQ(CanonicalWebhookUrl(*a), "https://discord.com/api/webhooks/" + id + "/" + kToken);
  for (const std::string& bad :
       {std::string("http://discord.com/api/webhooks/") + id + "/" + kToken,
        std::string("https://evil.example/api/webhooks/") + id + "/" + kToken,
        std::string("https://discord.com/api/webhooks/") + id,
        std::string("https://discord.com/api/webhooks/abc/") + kToken,
        std::string("https://discord.com/api/channels/") + id + "/" + kToken,
        std::string("https://discord.com/api/webhooks/") + id + "/" + kToken + "?thread_id=1"}) {
    auto r = ParseWebhookUrl(bad);
    ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument, HasSubstr("webhook_url"))) << bad;
  }
}

TEST(DiscordWireTest, ParsesWebhookAndMessage) {
  auto w = ParseWebhook(FixtureJson("discord/webhook.json"));
  ASSERT_THAT(w, IsOk());
  EXPECT_EQ(w->type, 1);
  EXPECT_EQ(w->name, "Acme Announcements");
  EXPECT_EQ(w->guild_id, "1122334455667788990");
  EXPECT_EQ(ParseWebhook(FixtureJson("discord/webhook_follower.json"))->type, 2);
  auto m = ParseMessage(FixtureJson("discord/message.json"));
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->id, "1320001112223334445");
  EXPECT_EQ(MessageUrl(w->guild_id, m->channel_id, m->id),
            "https://discord.com/channels/1122334455667788990/1199887766554433221/"
            "1320001112223334445");
  base::Json metrics = ReactionMetrics(FixtureJson("discord/message_with_reactions.json"));
  EXPECT_EQ(metrics["likes"], 10);
  EXPECT_EQ(metrics["reactions"]["acme"], 3);
  EXPECT_EQ(ReactionMetrics(FixtureJson("discord/message.json"))["likes"], 0);
}

TEST(DiscordWireTest, ReadsBucketHeaders) {
  HttpHeaders h = {{"x-ratelimit-limit", "5"},
                   {"X-RateLimit-Remaining", "0"},
                   {"X-RateLimit-Reset", "1767225601.250"},
                   {"X-RateLimit-Reset-After", "1.25"},
                   {"X-RateLimit-Bucket", "abcd1234"}};
  RateLimit r = ParseRateLimit(h);
  EXPECT_EQ(r.limit, 5);
  EXPECT_EQ(r.remaining, 0);
  EXPECT_EQ(r.reset_after, std::chrono::milliseconds(1250));
  EXPECT_EQ(r.bucket, "abcd1234");
  EXPECT_FALSE(r.global);
}

TEST(DiscordWireTest, MapsErrors) {
  auto limited = ParseResponse(429, {{"Retry-After", "2"}, {"X-RateLimit-Scope", "user"}},
                               ReadFixture("discord/error_429.json"), CallKind::kWrite);
  ASSERT_THAT(limited, Not(IsOk()));
  EXPECT_EQ(limited.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*limited.error().retry_after(), std::chrono::milliseconds(1337));  // body wins
  auto global = MapFailure(429, {{"X-RateLimit-Global", "true"}},
                           ReadFixture("discord/error_429_global.json"));
  EXPECT_THAT(global.message(), HasSubstr("global"));
  EXPECT_EQ(*global.retry_after(), std::chrono::milliseconds(64570));
  // Without a body the header decides.
  EXPECT_EQ(*MapFailure(429, {{"Retry-After", "3"}}, "").retry_after(),
            std::chrono::milliseconds(3000));

  auto deleted = MapFailure(404, {}, ReadFixture("discord/error_unknown_webhook.json"));
  EXPECT_EQ(deleted.code(), ErrorCode::kNotFound);
  EXPECT_THAT(deleted.message(), HasSubstr("Unknown Webhook"));
  EXPECT_THAT(deleted.message(), HasSubstr("create a new webhook"));
  EXPECT_EQ(ErrorCodeOf(ReadFixture("discord/error_unknown_webhook.json")), kUnknownWebhook);

  auto token = MapFailure(401, {}, ReadFixture("discord/error_invalid_token.json"));
  EXPECT_EQ(token.code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(MapFailure(403, {}, R"({"message":"Missing Permissions","code":50013})").code(),
            ErrorCode::kPermissionDenied);

  auto form = MapFailure(400, {}, ReadFixture("discord/error_invalid_form_body.json"));
  EXPECT_EQ(form.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(form.message(), HasSubstr("content: Must be 2000 or fewer in length."));
  EXPECT_THAT(form.message(), HasSubstr("attachments.0.description"));

  EXPECT_EQ(MapFailure(502, {}, "<html>bad gateway</html>").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(ParseResponse(204, {}, "", CallKind::kDelete)->is_null(), true);
  EXPECT_EQ(ParseResponse(200, {}, "{oops", CallKind::kWrite).error().code(), ErrorCode::kUnknown);
}

TEST(DiscordWireTest, TransportErrorsRedactTheToken) {
  base::Error lost = base::Unknown("timeout", std::string("POST /api/webhooks/1/") + kToken);
  base::Error mapped = Errors().FromTransport(lost, CallKind::kWrite, kToken);
  EXPECT_EQ(mapped.code(), ErrorCode::kUnknown);
  EXPECT_EQ(mapped.detail().find(kToken), std::string::npos);
  EXPECT_EQ(Errors().FromTransport(lost, CallKind::kDelete, kToken).code(), ErrorCode::kUnavailable);
}

TEST(DiscordWireTest, PayloadsNeverPingAndMapAttachments) {
  base::Json p = ExecuteWebhookPayload("@everyone look", {});
  EXPECT_EQ(p["content"], "@everyone look");
  EXPECT_EQ(p["allowed_mentions"]["parse"], base::Json::array());
  EXPECT_FALSE(p.contains("attachments"));
  MediaItem a = Image();
  a.file_name = "launch photo.png";
  a.alt_text = "A rocket";
  auto form = ExecuteWebhookForm("hi", {a, Image("image/gif")});
  ASSERT_EQ(form.size(), 3u);
  EXPECT_EQ(form[0].name, "payload_json");
  EXPECT_EQ(form[0].content_type, "application/json");
  auto json = base::ParseJson(form[0].value);
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ((*json)["attachments"][0]["id"], 0);
  EXPECT_EQ((*json)["attachments"][0]["filename"], "launchphoto.png");
  EXPECT_EQ((*json)["attachments"][0]["description"], "A rocket");
  EXPECT_FALSE((*json)["attachments"][1].contains("description"));
  EXPECT_EQ(form[1].name, "files[0]");
  EXPECT_EQ(form[1].file_name, "launchphoto.png");
  EXPECT_EQ(form[2].name, "files[1]");
  EXPECT_EQ(form[2].file_name, "image1.gif");
}

// That an unanswered read and an unconnected one read alike is the kit's rule, tested once in
// tests/platforms/kit/transport_errors_test.cpp (UnansweredAndUnconnectedReadsGiveTheSameMessage).

}  // namespace
}  // namespace herald::platforms::discord
