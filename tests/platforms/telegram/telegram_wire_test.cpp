#include "platforms/telegram/telegram_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/platforms/support/bot_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::telegram {
namespace {

using matchers::IsOk;
using ::testing::Not;
using base::ErrorCode;
using fixtures::FixtureJson;
using fixtures::ReadFixture;
using ::testing::HasSubstr;

Content Text(std::string text) { return Content{{PostPart{std::move(text), {}}}}; }

MediaItem Photo(std::string mime = "image/png", int64_t size = 1000) {
  MediaItem m;
  m.mime_type = std::move(mime);
  m.size = size;
  m.data = "PNGDATA";
  return m;
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(TelegramWireTest, InfoDeclaresUtf16LimitsAndNoIdempotency) {
  const PlatformInfo& info = Info();
  EXPECT_EQ(info.id, "telegram");
  EXPECT_EQ(info.text.max_length, 4096);
  EXPECT_EQ(info.text.max_caption_length, 1024);
  EXPECT_EQ(info.text.unit, "utf16_units");
  EXPECT_TRUE(info.features.threads);
  EXPECT_FALSE(info.features.post_metrics);
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kNone);
  EXPECT_EQ(info.connect_fields, (std::vector<std::string>{"bot_token", "chat_id"}));
}

TEST(TelegramWireTest, CountsUtf16UnitsEmojiAsTwo) {
  // 4094 ASCII + one emoji (2 units) = 4096: fits exactly.
  ValidationReport ok = Validate(Text(Repeat("a", 4094) + "\xF0\x9F\x9A\x80"));
  EXPECT_TRUE(ok.ok()) << ok.violations[0].message;
  EXPECT_EQ(ok.length, 4096);
  EXPECT_EQ(ok.unit, "utf16_units");
  // 4095 ASCII + emoji = 4097 units, although only 4096 code points.
  ValidationReport over = Validate(Text(Repeat("a", 4095) + "\xF0\x9F\x9A\x80"));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.length, 4097);
  EXPECT_EQ(over.violations[0].field, "text");
  EXPECT_THAT(over.violations[0].message,
              HasSubstr("text is 4097 UTF-16 code units, 1 over Telegram's limit of 4096"));
  // BMP characters (é, 中) count once.
  EXPECT_EQ(Validate(Text("\xC3\xA9\xE4\xB8\xAD")).length, 2);
}

TEST(TelegramWireTest, CaptionLimitAppliesWithPhotos) {
  Content c{{PostPart{Repeat("b", 1025), {Photo()}}}};
  ValidationReport r = Validate(c);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.limit, 1024);
  EXPECT_THAT(r.violations[0].message, HasSubstr("1 over Telegram's limit of 1024"));
  c.parts[0].text = Repeat("b", 1024);
  EXPECT_TRUE(Validate(c).ok());
  // A photo needs no caption.
  c.parts[0].text = "";
  EXPECT_TRUE(Validate(c).ok());
}

TEST(TelegramWireTest, RejectsEmptyTextBadMediaAndNamesThreadParts) {
  Content c{{PostPart{"first", {}}, PostPart{"  \n", {}},
             PostPart{"third", {Photo("image/gif"), Photo("image/jpeg", 10'000'001)}}}};
  ValidationReport r = Validate(c);
  ASSERT_EQ(r.violations.size(), 3u);
  EXPECT_EQ(r.violations[0].field, "thread[0].text");
  EXPECT_THAT(r.violations[0].message, HasSubstr("empty"));
  EXPECT_EQ(r.violations[1].field, "thread[1].media[0]");
  EXPECT_THAT(r.violations[1].message, HasSubstr("image/gif"));
  EXPECT_EQ(r.violations[2].field, "thread[1].media[1]");
  EXPECT_THAT(r.violations[2].message, HasSubstr("10 MB"));
  Content eleven{{PostPart{"x", std::vector<MediaItem>(11, Photo())}}};
  ASSERT_FALSE(Validate(eleven).ok());
  EXPECT_EQ(Validate(eleven).violations[0].field, "media");
  EXPECT_FALSE(Validate(Text("bad \xFF utf8")).ok());
}

TEST(TelegramWireTest, BotTokenShape) {
  EXPECT_TRUE(IsPlausibleBotToken("7012345678:AAH3xV_l2-FakeFakeFakeFakeFakeFake12"));
  EXPECT_FALSE(IsPlausibleBotToken("AAH3xV_l2-FakeFakeFakeFakeFakeFake12"));
  EXPECT_FALSE(IsPlausibleBotToken("70123:short"));
  EXPECT_FALSE(IsPlausibleBotToken("x7012345678:AAH3xV_l2-FakeFakeFakeFakeFakeFake12"));
  EXPECT_FALSE(IsPlausibleBotToken("7012345678:AAH3xV l2-FakeFakeFakeFakeFakeFake12"));
}

TEST(TelegramWireTest, NormalizesChatIds) {
  EXPECT_EQ(*NormalizeChatId(base::Json(-1001987654321)), "-1001987654321");
  EXPECT_EQ(*NormalizeChatId(base::Json(" -1001987654321 ")), "-1001987654321");
  EXPECT_EQ(*NormalizeChatId(base::Json("@acme_news")), "@acme_news");
  EXPECT_EQ(*NormalizeChatId(base::Json("acme_news")), "@acme_news");
  EXPECT_EQ(*NormalizeChatId(base::Json("https://t.me/acme_news")), "@acme_news");
  auto bad = NormalizeChatId(base::Json("acme news!"));
  ASSERT_THAT(bad, Not(IsOk()));
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message(), HasSubstr("chat_id"));
  EXPECT_THAT(NormalizeChatId(base::Json(true)), Not(IsOk()));
}

TEST(TelegramWireTest, ParsesGetMeGetChatAndMember) {
  auto me = ParseResponse(200, ReadFixture("telegram/getMe.json"), CallKind::kRead);
  ASSERT_THAT(me, IsOk());
  auto bot = ParseBotUser(*me);
  ASSERT_THAT(bot, IsOk());
  EXPECT_EQ(bot->id, 7012345678);
  EXPECT_EQ(bot->username, "herald_demo_bot");

  auto chat = ParseChat(FixtureJson("telegram/getChat_channel.json")["result"]);
  ASSERT_THAT(chat, IsOk());
  EXPECT_EQ(chat->id, -1001987654321);
  EXPECT_EQ(chat->type, "channel");
  EXPECT_EQ(ChatHandle(*chat), "@acme_news");
  EXPECT_THAT(
      CheckCanPost(*chat, FixtureJson("telegram/getChatMember_admin_can_post.json")["result"]),
      IsOk());
  auto no_post =
      CheckCanPost(*chat, FixtureJson("telegram/getChatMember_admin_no_post.json")["result"]);
  ASSERT_THAT(no_post, Not(IsOk()));
  EXPECT_EQ(no_post.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(no_post.error().message(), HasSubstr("Post messages"));
  auto left = CheckCanPost(*chat, FixtureJson("telegram/getChatMember_left.json")["result"]);
  ASSERT_THAT(left, Not(IsOk()));
  EXPECT_EQ(left.error().code(), ErrorCode::kPermissionDenied);

  auto group = ParseChat(FixtureJson("telegram/getChat_private_supergroup.json")["result"]);
  ASSERT_THAT(group, IsOk());
  EXPECT_EQ(ChatHandle(*group), "Acme Team");
  EXPECT_THAT(CheckCanPost(*group, base::Json{{"status", "member"}}), IsOk());
  EXPECT_FALSE(CheckCanPost(*group, base::Json{{"status", "restricted"},
                                               {"is_member", true},
                                               {"can_send_messages", false}})
                   .ok());
}

TEST(TelegramWireTest, ParsesSentMessagesAndBuildsUrls) {
  auto result = ParseResponse(200, ReadFixture("telegram/sendMessage_ok.json"), CallKind::kWrite);
  ASSERT_THAT(result, IsOk());
  auto msg = ParseMessage(*result);
  ASSERT_THAT(msg, IsOk());
  EXPECT_EQ(msg->message_id, 4211);
  EXPECT_EQ(msg->chat_id, -1001987654321);
  auto album = ParseResponse(200, ReadFixture("telegram/sendMediaGroup_ok.json"), CallKind::kWrite);
  ASSERT_THAT(album, IsOk());
  auto msgs = ParseMessages(*album);
  ASSERT_THAT(msgs, IsOk());
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[1].message_id, 4213);

  EXPECT_EQ(MessageUrl(-1001987654321, "acme_news", 4211), "https://t.me/acme_news/4211");
  EXPECT_EQ(MessageUrl(-1002233445566, "", 17), "https://t.me/c/2233445566/17");
  EXPECT_EQ(MessageUrl(-4001, "", 17), "");  // basic group: no link
}

TEST(TelegramWireTest, MapsFailures) {
  auto limited = ParseResponse(429, ReadFixture("telegram/error_429.json"), CallKind::kWrite);
  ASSERT_THAT(limited, Not(IsOk()));
  EXPECT_EQ(limited.error().code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(limited.error().retry_after().has_value());
  EXPECT_EQ(*limited.error().retry_after(), std::chrono::seconds(35));

  auto not_found =
      ParseResponse(400, ReadFixture("telegram/error_chat_not_found.json"), CallKind::kWrite);
  EXPECT_EQ(not_found.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(not_found.error().message(), HasSubstr("Bad Request: chat not found"));

  auto kicked = ParseResponse(403, ReadFixture("telegram/error_kicked.json"), CallKind::kWrite);
  EXPECT_EQ(kicked.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(kicked.error().message(), HasSubstr("bot was kicked"));

  auto unauth =
      ParseResponse(401, ReadFixture("telegram/error_unauthorized.json"), CallKind::kRead);
  EXPECT_EQ(unauth.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(unauth.error().message(), HasSubstr("@BotFather"));

  auto too_long = ParseResponse(400, ReadFixture("telegram/error_too_long.json"), CallKind::kWrite);
  EXPECT_EQ(too_long.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(too_long.error().message(), HasSubstr("message is too long"));

  auto migrated = ParseResponse(400, ReadFixture("telegram/error_migrated.json"), CallKind::kWrite);
  EXPECT_EQ(migrated.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(migrated.error().message(), HasSubstr("-1001555666777"));

  auto gone =
      ParseResponse(400, ReadFixture("telegram/error_delete_not_found.json"), CallKind::kDelete);
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);

  // A proxy's HTML error page: transient.
  auto html = ParseResponse(502, "<html>Bad Gateway</html>", CallKind::kWrite);
  EXPECT_EQ(html.error().code(), ErrorCode::kUnavailable);
  auto server =
      ParseResponse(500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})",
                    CallKind::kWrite);
  EXPECT_EQ(server.error().code(), ErrorCode::kUnavailable);
  // 200 with garbage after a send: it may have been posted.
  EXPECT_EQ(ParseResponse(200, "garbage", CallKind::kWrite).error().code(), ErrorCode::kUnknown);
  EXPECT_EQ(ParseResponse(200, "garbage", CallKind::kRead).error().code(), ErrorCode::kUnavailable);
}

TEST(TelegramWireTest, TransportErrorsAreClassifiedAndRedacted) {
  const std::string token = "7012345678:AAH3xV_l2-FakeFakeFakeFakeFakeFake12";
  base::Error lost =
      base::Unknown("read timed out", "POST https://api.telegram.org/bot" + token + "/sendMessage");
  base::Error mapped = Errors().FromTransport(lost, CallKind::kWrite, token);
  EXPECT_EQ(mapped.code(), ErrorCode::kUnknown);
  EXPECT_EQ(mapped.detail().find(token), std::string::npos);
  EXPECT_NE(mapped.detail().find("<redacted>"), std::string::npos);
  EXPECT_EQ(Errors().FromTransport(lost, CallKind::kRead, token).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(Errors().FromTransport(base::Unavailable("connect refused"), CallKind::kWrite, token).code(),
            ErrorCode::kUnavailable);
  EXPECT_EQ(Errors().FromTransport(base::DeadlineExceeded("connect"), CallKind::kWrite, token).code(),
            ErrorCode::kUnavailable);
}

TEST(TelegramWireTest, BuildsPlainTextRequestsAndAlbums) {
  base::Json p = SendMessageParams("-100123", "*not bold* <b>", 42);
  EXPECT_EQ(p["text"], "*not bold* <b>");
  EXPECT_FALSE(p.contains("parse_mode"));
  EXPECT_FALSE(p.contains("entities"));
  EXPECT_EQ(p["reply_parameters"]["message_id"], 42);
  EXPECT_EQ(p["reply_parameters"]["allow_sending_without_reply"], false);
  EXPECT_FALSE(SendMessageParams("-100123", "x", std::nullopt).contains("reply_parameters"));

  auto form = SendMediaGroupForm("-100123", {Photo(), Photo("image/jpeg")}, "cap", 7);
  ASSERT_EQ(form.size(), 5u);
  EXPECT_EQ(form[0].name, "chat_id");
  auto media = base::ParseJson(form[1].value);
  ASSERT_THAT(media, IsOk());
  ASSERT_EQ(media->size(), 2u);
  EXPECT_EQ((*media)[0]["media"], "attach://photo0");
  EXPECT_EQ((*media)[0]["caption"], "cap");
  EXPECT_FALSE((*media)[1].contains("caption"));
  EXPECT_FALSE((*media)[0].contains("parse_mode"));
  EXPECT_EQ(form[2].name, "reply_parameters");
  EXPECT_EQ(form[3].name, "photo0");
  EXPECT_EQ(form[3].content_type, "image/png");
  EXPECT_FALSE(form[3].file_name.empty());
  EXPECT_EQ(form[4].name, "photo1");

  auto single = SendPhotoForm("@acme", Photo(), "", std::nullopt);
  ASSERT_EQ(single.size(), 2u);  // no empty caption, no reply
  EXPECT_EQ(single[1].name, "photo");
}

// That an unanswered read and an unconnected one read alike is the kit's rule, tested once in
// tests/platforms/kit/transport_errors_test.cpp (UnansweredAndUnconnectedReadsGiveTheSameMessage).

}  // namespace
}  // namespace herald::platforms::telegram
