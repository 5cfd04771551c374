// TelegramPlatform against the in-process Telegram emulator, through the real HttpsClient.
#include "platforms/telegram/telegram_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "tests/emulators/telegram/telegram_emulator.h"
#include "tests/platforms/support/emulator_harness.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::telegram {
namespace {

using matchers::IsOk;
using ::testing::Not;
using base::ErrorCode;
using emulators::Fault;
using emulators::FaultKind;
using emulators::TelegramEmulator;
using fixtures::FaultOn;
using fixtures::MakeRequest;
using fixtures::Png;
using ::testing::HasSubstr;

class TelegramPlatformTest : public ::testing::Test {
 protected:
  TelegramPlatformTest() {
    TelegramPlatform::Options options;
    options.base_url = h_.base_url();
    options.timeout = std::chrono::seconds(5);
    options.upload_timeout = std::chrono::seconds(5);
    platform_ = std::make_unique<TelegramPlatform>(h_.http(), options);
  }

  Result<ConnectedAccount> Connect(Json args) {
    return h_.Run(platform_->Connect(std::move(args)));
  }

  AccountContext Channel() {
    auto account =
        Connect(Json{{"bot_token", TelegramEmulator::kSeedToken}, {"chat_id", "@acme_news"}});
    EXPECT_THAT(account, IsOk());
    AccountContext ctx;
    ctx.account_id = "acc_1";
    ctx.external_id = account->external_id;
    ctx.handle = account->handle;
    ctx.settings = account->settings;
    ctx.credentials = account->credentials;
    return ctx;
  }

  Result<PublishReceipt> Publish(AccountContext account, Content content,
                                 Json remote_state = Json::object()) {
    return h_.Run(platform_->Publish(
        MakeRequest(std::move(account), std::move(content), "tgt_1", &saved_, remote_state)));
  }

  fixtures::EmulatorHarness<TelegramEmulator> h_;
  std::unique_ptr<TelegramPlatform> platform_;
  std::vector<Json> saved_;
};

Content Thread(std::vector<std::string> texts) {
  Content c;
  for (auto& t : texts) c.parts.push_back(PostPart{std::move(t), {}});
  return c;
}

TEST_F(TelegramPlatformTest, ConnectsAChannelByUsernameOrId) {
  auto account = Connect(
      Json{{"bot_token", TelegramEmulator::kSeedToken}, {"chat_id", "https://t.me/acme_news"}});
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->external_id, "-1001987654321");
  EXPECT_EQ(account->handle, "@acme_news");
  EXPECT_EQ(account->display_name, "Acme News");
  EXPECT_EQ(account->settings["chat_id"], "-1001987654321");
  EXPECT_EQ(account->settings["bot_username"], "herald_demo_bot");
  EXPECT_EQ(account->credentials["bot_token"], TelegramEmulator::kSeedToken);

  auto by_id = Connect(
      Json{{"bot_token", TelegramEmulator::kSeedToken}, {"chat_id", TelegramEmulator::kGroupId}});
  ASSERT_THAT(by_id, IsOk());
  EXPECT_EQ(by_id->handle, "Acme Team");
}

TEST_F(TelegramPlatformTest, ConnectReportsEachProblemSpecifically) {
  auto missing = Connect(Json{{"chat_id", "@acme_news"}});
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(missing.error().message(), HasSubstr("bot_token"));
  auto malformed = Connect(Json{{"bot_token", "not-a-token"}, {"chat_id", "@acme_news"}});
  EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(h_.CountRequests("/bot"), 0u);  // nothing sent for a malformed token

  auto wrong = Connect(Json{{"bot_token", "7012345678:AAH3xV_l2-WrongWrongWrongWrongWrong1"},
                            {"chat_id", "@acme_news"}});
  EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(wrong.error().message(), HasSubstr("Unauthorized"));

  auto unknown =
      Connect(Json{{"bot_token", TelegramEmulator::kSeedToken}, {"chat_id", "@nobody_here"}});
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(unknown.error().message(), HasSubstr("chat not found"));

  auto read_only =
      Connect(Json{{"bot_token", TelegramEmulator::kSeedToken}, {"chat_id", "@acme_readonly"}});
  EXPECT_EQ(read_only.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(read_only.error().message(), HasSubstr("Post messages"));

  auto kicked =
      Connect(Json{{"bot_token", TelegramEmulator::kSeedToken}, {"chat_id", "@acme_kicked"}});
  EXPECT_EQ(kicked.error().code(), ErrorCode::kPermissionDenied);
}

TEST_F(TelegramPlatformTest, PublishesPlainTextWithoutParseMode) {
  AccountContext account = Channel();
  // MarkdownV2 would reject '.', '(' and '-' unescaped and eat the asterisks.
  const std::string text =
      "*Launch* day. (v2.0) - see https://acme.example/launch \xF0\x9F\x9A\x80";
  auto receipt = Publish(account, Thread({text}));
  ASSERT_THAT(receipt, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, text);
  EXPECT_FALSE(posts[0].extra.contains("parse_mode"));
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, "https://t.me/acme_news/" + posts[0].id);
  EXPECT_TRUE(saved_.empty());  // single part: the receipt carries the state
}

TEST_F(TelegramPlatformTest, ThreadPartsReplyToThePreviousPart) {
  AccountContext account = Channel();
  auto receipt = Publish(account, Thread({"one", "two", "three"}));
  ASSERT_THAT(receipt, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].reply_to, "");
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
  EXPECT_EQ(posts[2].reply_to, posts[1].id);
  ASSERT_EQ(receipt->remote_state["parts"].size(), 3u);
  EXPECT_EQ(std::to_string(receipt->remote_state["parts"][2]["message_ids"][0].get<int64_t>()),
            posts[2].id);
  ASSERT_EQ(saved_.size(), 2u);  // progress saved after parts 1 and 2
  EXPECT_EQ(saved_[0]["parts"].size(), 1u);
  EXPECT_EQ(saved_[1]["parts"].size(), 2u);
}

TEST_F(TelegramPlatformTest, PhotosUploadAsPhotoOrAlbum) {
  AccountContext account = Channel();
  MediaItem a = Png("a.png", 4000);
  MediaItem b = Png("b.png", 5000);
  Content content;
  content.parts.push_back(PostPart{"Two views", {a, b}});
  content.parts.push_back(PostPart{"and a detail", {Png("c.png", 3000)}});
  auto receipt = Publish(account, content);
  ASSERT_THAT(receipt, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 3u);  // an album of two messages, then a photo
  EXPECT_EQ(posts[0].text, "Two views");
  EXPECT_EQ(posts[1].text, "");  // the album caption rides on the first item
  EXPECT_EQ(posts[0].extra["media_group_id"], posts[1].extra["media_group_id"]);
  ASSERT_EQ(posts[0].media.size(), 1u);
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(a.data));
  EXPECT_EQ(posts[1].media[0].sha256, base::Sha256Hex(b.data));
  EXPECT_EQ(posts[2].extra["kind"], "photo");
  EXPECT_EQ(posts[2].text, "and a detail");
  EXPECT_EQ(posts[2].reply_to, posts[0].id);  // replies to the album's first message
  EXPECT_EQ(receipt->remote_state["parts"][0]["message_ids"].size(), 2u);
}

TEST_F(TelegramPlatformTest, ResumesAPartialThreadWithoutRepeatingParts) {
  AccountContext account = Channel();
  Content content = Thread({"one", "two", "three"});
  // Once part 1 is recorded, Telegram starts failing: part 2 is not posted.
  auto request = MakeRequest(account, content, "tgt_1", nullptr);
  Json last_state;
  request.save_remote_state = [&](const Json& state) -> Result<void> {
    if (last_state.is_null()) {
      h_.Arm(
          FaultOn(FaultKind::kServerError, "/bot*/sendMessage", [](Fault& f) { f.status = 500; }));
    }
    last_state = state;
    return base::Ok();
  };
  auto failed = h_.Run(platform_->Publish(request));
  ASSERT_THAT(failed, Not(IsOk()));
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(failed.error().message(), HasSubstr("thread part 2 of 3"));
  ASSERT_EQ(last_state["parts"].size(), 1u);
  ASSERT_EQ(h_.Posts().size(), 1u);

  auto resumed = Publish(account, content, last_state);
  ASSERT_THAT(resumed, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 3u);  // no part twice
  EXPECT_EQ(posts[1].text, "two");
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
  EXPECT_EQ(posts[2].reply_to, posts[1].id);
  EXPECT_EQ(resumed->external_id, posts[0].id);
}

TEST_F(TelegramPlatformTest, RateLimitCarriesRetryAfter) {
  AccountContext account = Channel();
  h_.Arm(FaultOn(FaultKind::kRateLimit, "/bot*/sendMessage",
                 [](Fault& f) { f.retry_after = std::chrono::seconds(17); }));
  auto r = Publish(account, Thread({"hello"}));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_EQ(*r.error().retry_after(), std::chrono::seconds(17));
  EXPECT_TRUE(h_.Posts().empty());
}

TEST_F(TelegramPlatformTest, FloodControlStopsAThreadAndTheRetryFinishesIt) {
  AccountContext account = Channel();
  h_.ctx().MergeConfig(Json{{"chat_messages_per_minute", 2}});
  Content content = Thread({"one", "two", "three"});
  auto r = Publish(account, content);
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*r.error().retry_after(), std::chrono::seconds(60));
  ASSERT_EQ(saved_.size(), 2u);
  h_.clock.Advance(std::chrono::minutes(1));
  auto resumed = Publish(account, content, saved_.back());
  ASSERT_THAT(resumed, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[2].reply_to, posts[1].id);
}

TEST_F(TelegramPlatformTest, ServerErrorsAreTransient) {
  AccountContext account = Channel();
  h_.Arm(FaultOn(FaultKind::kServerError, "/bot*/sendMessage", [](Fault& f) { f.status = 502; }));
  auto gateway = Publish(account, Thread({"x"}));
  EXPECT_EQ(gateway.error().code(), ErrorCode::kUnavailable);
  h_.Arm(FaultOn(FaultKind::kServerError, "/bot*/sendMessage", [](Fault& f) { f.status = 500; }));
  auto internal = Publish(account, Thread({"x"}));
  EXPECT_EQ(internal.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(internal.error().message(), HasSubstr("Internal Server Error"));
  EXPECT_TRUE(h_.Posts().empty());
}

TEST_F(TelegramPlatformTest, DropAfterAcceptIsUnknownAndCannotBeReconciled) {
  AccountContext account = Channel();
  h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/bot*/sendMessage"));
  auto request = MakeRequest(account, Thread({"maybe"}), "tgt_1", &saved_);
  auto r = h_.Run(platform_->Publish(request));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnknown);
  EXPECT_EQ(h_.Posts().size(), 1u);  // Telegram did post it
  auto found = h_.Run(platform_->Find(request));
  ASSERT_THAT(found, Not(IsOk()));
  EXPECT_EQ(found.error().code(), ErrorCode::kUnimplemented);
  EXPECT_EQ(platform_->Info().features.idempotency, IdempotencyKind::kNone);
}

TEST_F(TelegramPlatformTest, RevokedTokenIsUnauthenticated) {
  AccountContext account = Channel();
  h_.Arm(FaultOn(FaultKind::kExpiredToken, "/bot*/sendMessage"));
  auto r = Publish(account, Thread({"x"}));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(r.error().message(), HasSubstr("Unauthorized"));
  EXPECT_EQ(r.error().message().find(TelegramEmulator::kSeedToken), std::string::npos);
  // It stays revoked.
  EXPECT_EQ(Publish(account, Thread({"x"})).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(h_.Posts().empty());
}

TEST_F(TelegramPlatformTest, KickedBotIsPermissionDenied) {
  AccountContext account = Channel();
  ASSERT_THAT(h_.network().Control(
                  "chats", Json{{"id", TelegramEmulator::kChannelId}, {"bot_status", "kicked"}}),
              IsOk());
  auto r = Publish(account, Thread({"x"}));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(r.error().message(), HasSubstr("bot was kicked from the channel chat"));
}

TEST_F(TelegramPlatformTest, SlowAnswerTimesOut) {
  TelegramPlatform::Options options;
  options.base_url = h_.base_url();
  options.timeout = std::chrono::milliseconds(300);
  TelegramPlatform impatient(h_.http(), options);
  AccountContext account = Channel();
  h_.Arm(FaultOn(FaultKind::kSlow, "/bot*/sendMessage",
                 [](Fault& f) { f.delay = std::chrono::milliseconds(1500); }));
  auto r = h_.Run(impatient.Publish(MakeRequest(account, Thread({"x"}), "tgt_1", &saved_)));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnknown);  // sent; the answer never came in time
  h_.Arm(FaultOn(FaultKind::kSlow, "/bot*/getChatMemberCount",
                 [](Fault& f) { f.delay = std::chrono::milliseconds(1500); }));
  auto metrics = h_.Run(impatient.FetchAccountMetrics(account));
  ASSERT_THAT(metrics, Not(IsOk()));
  EXPECT_EQ(metrics.error().code(), ErrorCode::kUnavailable);  // a read: just retry
}

TEST_F(TelegramPlatformTest, LengthIsCountedInUtf16UnitsLikeTelegram) {
  AccountContext account = Channel();
  std::string fits(4094, 'a');
  fits += "\xF0\x9F\x98\x80";  // 2 UTF-16 units: 4096 total
  ASSERT_TRUE(platform_->Validate(Thread({fits})).ok());
  ASSERT_THAT(Publish(account, Thread({fits})), IsOk());
  std::string over(4095, 'a');
  over += "\xF0\x9F\x98\x80";  // 4097 units, only 4096 code points
  EXPECT_FALSE(platform_->Validate(Thread({over})).ok());
  auto refused = Publish(account, Thread({over}));  // the emulator agrees with Validate
  ASSERT_THAT(refused, Not(IsOk()));
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message(), HasSubstr("message is too long"));
}

TEST_F(TelegramPlatformTest, DeletesEveryMessageOfAThread) {
  AccountContext account = Channel();
  Content content = Thread({"one", "two"});
  content.parts[1].media = {Png("a.png"), Png("b.png")};
  auto receipt = Publish(account, content);
  ASSERT_THAT(receipt, IsOk());
  ASSERT_EQ(h_.LivePosts().size(), 3u);
  ASSERT_THAT(h_.Run(platform_->Delete(account, *receipt)), IsOk());
  EXPECT_TRUE(h_.LivePosts().empty());
  // Already gone: still Ok.
  EXPECT_THAT(h_.Run(platform_->Delete(account, *receipt)), IsOk());
}

TEST_F(TelegramPlatformTest, DeleteAfter48HoursIsRefused) {
  AccountContext account = Channel();
  auto receipt = Publish(account, Thread({"old news"}));
  ASSERT_THAT(receipt, IsOk());
  h_.clock.Advance(std::chrono::hours(49));
  auto r = h_.Run(platform_->Delete(account, *receipt));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(r.error().message(), HasSubstr("48 hours"));
}

TEST_F(TelegramPlatformTest, Metrics) {
  AccountContext account = Channel();
  auto followers = h_.Run(platform_->FetchAccountMetrics(account));
  ASSERT_THAT(followers, IsOk());
  EXPECT_EQ((*followers)["followers"], 1520);
  auto receipt = Publish(account, Thread({"x"}));
  ASSERT_THAT(receipt, IsOk());
  auto post = h_.Run(platform_->FetchPostMetrics(account, *receipt));
  EXPECT_EQ(post.error().code(), ErrorCode::kUnimplemented);
}

TEST_F(TelegramPlatformTest, UnknownChatAtPublishIsNotFound) {
  AccountContext account = Channel();
  account.settings["chat_id"] = "-1009999999999";
  auto r = Publish(account, Thread({"x"}));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace herald::platforms::telegram
