// DiscordPlatform against the in-process Discord webhook emulator, through the real HttpsClient.
#include "platforms/discord/discord_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/discord/discord_emulator.h"
#include "tests/platforms/support/emulator_harness.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::discord {
namespace {

using matchers::IsOk;
using ::testing::Not;
using base::ErrorCode;
using emulators::DiscordEmulator;
using emulators::Fault;
using emulators::FaultKind;
using fixtures::FaultOn;
using fixtures::MakeRequest;
using fixtures::Png;
using ::testing::HasSubstr;

std::string SeedUrl() {
  return std::string("https://discord.com/api/webhooks/") + DiscordEmulator::kSeedWebhookId + "/" +
         DiscordEmulator::kSeedToken;
}

Content Thread(std::vector<std::string> texts) {
  Content c;
  for (auto& t : texts) c.parts.push_back(PostPart{std::move(t), {}});
  return c;
}

class DiscordPlatformTest : public ::testing::Test {
 protected:
  explicit DiscordPlatformTest(bool fake_clock = true) : h_(fake_clock) {
    platform_ = std::make_unique<DiscordPlatform>(h_.http(), OptionsFor(h_.base_url()));
  }

  static DiscordPlatform::Options OptionsFor(const std::string& base) {
    DiscordPlatform::Options options;
    options.base_url = base + "/api";
    options.timeout = std::chrono::seconds(5);
    options.upload_timeout = std::chrono::seconds(5);
    return options;
  }

  Result<ConnectedAccount> Connect(std::string url) {
    return h_.Run(platform_->Connect(Json{{"webhook_url", std::move(url)}}));
  }

  AccountContext Account() {
    auto account = Connect(SeedUrl());
    EXPECT_THAT(account, IsOk());
    AccountContext ctx;
    ctx.account_id = "acc_d";
    ctx.external_id = account->external_id;
    ctx.handle = account->handle;
    ctx.settings = account->settings;
    ctx.credentials = account->credentials;
    return ctx;
  }

  Result<PublishReceipt> Publish(const AccountContext& account, Content content,
                                 Json state = Json::object()) {
    return h_.Run(
        platform_->Publish(MakeRequest(account, std::move(content), "tgt_d", &saved_, state)));
  }

  fixtures::EmulatorHarness<DiscordEmulator> h_;
  std::unique_ptr<DiscordPlatform> platform_;
  std::vector<Json> saved_;
};

TEST_F(DiscordPlatformTest, ConnectsWithTheWebhookUrl) {
  auto account = Connect(SeedUrl());
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->external_id, DiscordEmulator::kSeedWebhookId);
  EXPECT_EQ(account->handle, "Acme Announcements");
  EXPECT_EQ(account->settings["guild_id"], DiscordEmulator::kGuildId);
  EXPECT_EQ(account->settings["channel_id"], DiscordEmulator::kChannelId);
  EXPECT_EQ(account->credentials["webhook_url"], SeedUrl());
  // The v10 form and a pasted ?wait=true are the same webhook.
  auto versioned =
      Connect(std::string("https://discord.com/api/v10/webhooks/") +
              DiscordEmulator::kSeedWebhookId + "/" + DiscordEmulator::kSeedToken + "?wait=true");
  ASSERT_THAT(versioned, IsOk());
  EXPECT_EQ(versioned->credentials["webhook_url"], SeedUrl());
}

TEST_F(DiscordPlatformTest, ConnectRefusesWhatCannotPost) {
  auto malformed = Connect("https://discord.com/channels/1/2");
  EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(h_.CountRequests("/webhooks/"), 0u);
  auto follower =
      Connect(std::string("https://discord.com/api/webhooks/") +
              DiscordEmulator::kFollowerWebhookId + "/" + DiscordEmulator::kFollowerToken);
  EXPECT_EQ(follower.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(follower.error().message(), HasSubstr("not an incoming webhook"));
  auto wrong_token = Connect(std::string("https://discord.com/api/webhooks/") +
                             DiscordEmulator::kSeedWebhookId + "/WrongTokenWrongTokenWrongToken");
  EXPECT_EQ(wrong_token.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(wrong_token.error().message(), HasSubstr("Invalid Webhook Token"));
  auto unknown = Connect(std::string("https://discord.com/api/webhooks/1111111111111111111/") +
                         DiscordEmulator::kSeedToken);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(unknown.error().message(), HasSubstr("Unknown Webhook"));
}

TEST_F(DiscordPlatformTest, PublishesTextThatNeverPings) {
  AccountContext account = Account();
  auto receipt = Publish(account, Thread({"@everyone launch day **today**"}));
  ASSERT_THAT(receipt, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, "@everyone launch day **today**");
  EXPECT_EQ(posts[0].extra["pings_everyone"], false);
  EXPECT_EQ(posts[0].extra["allowed_mentions"]["parse"], Json::array());
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, std::string("https://discord.com/channels/") + DiscordEmulator::kGuildId +
                              "/" + DiscordEmulator::kChannelId + "/" + posts[0].id);
}

TEST_F(DiscordPlatformTest, ImagesGoAsMultipartFilesWithAltText) {
  AccountContext account = Account();
  MediaItem a = Png("rocket.png", 3000, "A rocket on the pad");
  MediaItem b = Png("crowd.png", 4000);
  Content content;
  content.parts.push_back(PostPart{"Liftoff", {a, b}});
  auto receipt = Publish(account, content);
  ASSERT_THAT(receipt, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 1u);
  ASSERT_EQ(posts[0].media.size(), 2u);
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(a.data));
  EXPECT_EQ(posts[0].media[0].alt_text, "A rocket on the pad");
  EXPECT_EQ(posts[0].media[0].mime_type, "image/png");
  EXPECT_EQ(posts[0].media[1].sha256, base::Sha256Hex(b.data));
}

TEST_F(DiscordPlatformTest, ThreadPartsAreConsecutiveMessages) {
  AccountContext account = Account();
  EXPECT_FALSE(platform_->Info().features.threads);  // no replies for webhooks
  auto receipt = Publish(account, Thread({"one", "two", "three"}));
  ASSERT_THAT(receipt, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 3u);
  for (const auto& p : posts) EXPECT_EQ(p.reply_to, "");
  EXPECT_EQ(receipt->remote_state["message_ids"], (Json{posts[0].id, posts[1].id, posts[2].id}));
  ASSERT_EQ(saved_.size(), 2u);
  EXPECT_EQ(saved_[1]["message_ids"].size(), 2u);
}

TEST_F(DiscordPlatformTest, ResumesAfterAPartialThread) {
  AccountContext account = Account();
  Content content = Thread({"one", "two", "three"});
  auto request = MakeRequest(account, content, "tgt_d", nullptr);
  Json last;
  request.save_remote_state = [&](const Json& s) -> Result<void> {
    if (last.is_null()) {
      h_.Arm(FaultOn(FaultKind::kServerError, "/api/webhooks/*", [](Fault& f) { f.status = 503; }));
    }
    last = s;
    return base::Ok();
  };
  auto failed = h_.Run(platform_->Publish(request));
  ASSERT_THAT(failed, Not(IsOk()));
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(failed.error().message(), HasSubstr("thread part 2 of 3"));
  auto resumed = Publish(account, content, last);
  ASSERT_THAT(resumed, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[1].text, "two");
  EXPECT_EQ(resumed->external_id, posts[0].id);
}

TEST_F(DiscordPlatformTest, RateLimitFaultCarriesRetryAfter) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kRateLimit, "/api/webhooks/*",
                 [](Fault& f) { f.retry_after = std::chrono::seconds(9); }));
  auto r = Publish(account, Thread({"x"}));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*r.error().retry_after(), std::chrono::seconds(9));
  EXPECT_TRUE(h_.Posts().empty());
}

TEST_F(DiscordPlatformTest, EmptyBucketBetweenPartsHandsBackWithTheReset) {
  AccountContext account = Account();
  h_.ctx().MergeConfig(Json{{"webhook_rate_limit", 2}, {"webhook_rate_window_seconds", 60}});
  Content content = Thread({"one", "two", "three"});
  auto r = Publish(account, content);
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_GT(*r.error().retry_after(), std::chrono::seconds(50));  // the bucket's Reset-After
  EXPECT_EQ(h_.Posts().size(), 2u);
  // No request was wasted on a 429: the adapter read X-RateLimit-Remaining: 0.
  for (const auto& req : h_.ctx().requests().List()) EXPECT_NE(req.status, 429);
  h_.clock.Advance(std::chrono::seconds(61));
  auto resumed = Publish(account, content, saved_.back());
  ASSERT_THAT(resumed, IsOk());
  EXPECT_EQ(h_.Posts().size(), 3u);
}

TEST_F(DiscordPlatformTest, OverTheBucketIsA429) {
  AccountContext account = Account();
  h_.ctx().MergeConfig(Json{{"webhook_rate_limit", 1}, {"webhook_rate_window_seconds", 30}});
  ASSERT_THAT(Publish(account, Thread({"one"})), IsOk());
  auto r = Publish(account, Thread({"two"}));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_THAT(r.error().message(), HasSubstr("You are being rate limited."));
  EXPECT_EQ(*r.error().retry_after(), std::chrono::seconds(30));
}

class DiscordRealClockTest : public DiscordPlatformTest {
 protected:
  DiscordRealClockTest() : DiscordPlatformTest(/*fake_clock=*/false) {}
};

TEST_F(DiscordRealClockTest, WaitsForAShortBucketResetWithinAThread) {
  AccountContext account = Account();
  h_.ctx().MergeConfig(Json{{"webhook_rate_limit", 2}, {"webhook_rate_window_seconds", 1}});
  auto receipt = Publish(account, Thread({"one", "two", "three"}));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(h_.Posts().size(), 3u);
  for (const auto& req : h_.ctx().requests().List()) EXPECT_NE(req.status, 429);
}

TEST_F(DiscordPlatformTest, ServerErrorsAreTransient) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kServerError, "/api/webhooks/*", [](Fault& f) { f.status = 502; }));
  EXPECT_EQ(Publish(account, Thread({"x"})).error().code(), ErrorCode::kUnavailable);
  h_.Arm(FaultOn(FaultKind::kServerError, "/api/webhooks/*", [](Fault& f) { f.status = 500; }));
  auto r = Publish(account, Thread({"x"}));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(r.error().message(), HasSubstr("500: Internal Server Error"));
}

TEST_F(DiscordPlatformTest, DropAfterAcceptIsUnknownAndNotFindable) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/api/webhooks/*"));
  auto request = MakeRequest(account, Thread({"maybe"}), "tgt_d", &saved_);
  auto r = h_.Run(platform_->Publish(request));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnknown);
  EXPECT_EQ(h_.Posts().size(), 1u);
  auto found = h_.Run(platform_->Find(request));
  EXPECT_EQ(found.error().code(), ErrorCode::kUnimplemented);
  EXPECT_EQ(platform_->Info().features.idempotency, IdempotencyKind::kNone);
}

TEST_F(DiscordPlatformTest, WebhooksHaveNoNonceDedupe) {
  // Why kNone: the same execute with the same nonce makes two messages.
  emulators::EmulatorClient raw(h_.base_url());
  const std::string path = std::string("/api/webhooks/") + DiscordEmulator::kSeedWebhookId + "/" +
                           DiscordEmulator::kSeedToken + "?wait=true";
  const std::string body = R"({"content":"hi","nonce":"tgt_d","enforce_nonce":true})";
  for (int i = 0; i < 2; ++i) {
    auto r = raw.Send("POST", path, {{"Content-Type", "application/json"}}, body);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->status, 200);
  }
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_NE(posts[0].id, posts[1].id);
}

TEST_F(DiscordPlatformTest, ResetTokenIsUnauthenticatedDeletedWebhookIsNotFound) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kExpiredToken, "/api/webhooks/*"));
  auto reset = Publish(account, Thread({"x"}));
  ASSERT_THAT(reset, Not(IsOk()));
  EXPECT_EQ(reset.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(reset.error().message().find(DiscordEmulator::kSeedToken), std::string::npos);

  // A fresh webhook, then deleted in Discord.
  auto made = h_.network().CreateToken(Json{{"name", "Temp"}});
  ASSERT_THAT(made, IsOk());
  auto temp = Connect((*made)["webhook_url"]);
  ASSERT_THAT(temp, IsOk());
  ASSERT_THAT(h_.network().RevokeToken((*made)["token"].get<std::string>()), IsOk());
  AccountContext gone;
  gone.credentials = temp->credentials;
  gone.settings = temp->settings;
  auto r = Publish(gone, Thread({"x"}));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(r.error().message(), HasSubstr("create a new webhook"));
}

TEST_F(DiscordPlatformTest, SlowAnswerTimesOutAsUnknown) {
  DiscordPlatform::Options options = OptionsFor(h_.base_url());
  options.timeout = std::chrono::milliseconds(300);
  DiscordPlatform impatient(h_.http(), options);
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kSlow, "/api/webhooks/*",
                 [](Fault& f) { f.delay = std::chrono::milliseconds(1500); }));
  auto r = h_.Run(impatient.Publish(MakeRequest(account, Thread({"x"}), "tgt_d", &saved_)));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnknown);
}

TEST_F(DiscordPlatformTest, LengthIsCodePointsLikeDiscord) {
  AccountContext account = Account();
  std::string fits(1999, 'a');
  fits += "\xF0\x9F\x8E\x89";  // 2000 code points
  ASSERT_TRUE(platform_->Validate(Thread({fits})).ok());
  ASSERT_THAT(Publish(account, Thread({fits})), IsOk());
  std::string over(2001, 'a');
  EXPECT_FALSE(platform_->Validate(Thread({over})).ok());
  auto refused = Publish(account, Thread({over}));
  ASSERT_THAT(refused, Not(IsOk()));
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message(), HasSubstr("content: Must be 2000 or fewer in length."));
}

TEST_F(DiscordPlatformTest, DeletesEveryPart) {
  AccountContext account = Account();
  auto receipt = Publish(account, Thread({"one", "two"}));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_THAT(h_.Run(platform_->Delete(account, *receipt)), IsOk());
  EXPECT_TRUE(h_.LivePosts().empty());
  EXPECT_THAT(h_.Run(platform_->Delete(account, *receipt)), IsOk());  // Unknown Message: gone
}

TEST_F(DiscordPlatformTest, DeleteThroughADeletedWebhookIsRefused) {
  AccountContext account = Account();
  auto receipt = Publish(account, Thread({"one"}));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_THAT(h_.network().RevokeToken(DiscordEmulator::kSeedToken), IsOk());
  auto r = h_.Run(platform_->Delete(account, *receipt));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(DiscordPlatformTest, PostMetricsFromReactions) {
  AccountContext account = Account();
  auto receipt = Publish(account, Thread({"react!"}));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_TRUE(h_.ctx()
                  .posts()
                  .Update(receipt->external_id,
                          [](emulators::CreatedPost& p) {
                            p.metrics = Json{{"reactions", {{"\xF0\x9F\x94\xA5", 7}, {"acme", 3}}}};
                          })
                  .ok());
  auto metrics = h_.Run(platform_->FetchPostMetrics(account, *receipt));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ((*metrics)["likes"], 10);
  EXPECT_EQ((*metrics)["reactions"]["acme"], 3);
  EXPECT_EQ(h_.Run(platform_->FetchAccountMetrics(account)).error().code(),
            ErrorCode::kUnimplemented);
}

}  // namespace
}  // namespace herald::platforms::discord
