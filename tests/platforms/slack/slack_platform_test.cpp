// SlackPlatform against the in-process Slack emulator, through the real HttpsClient: publishing,
// the files upload v2 flow, threads, and reconciliation by metadata marker / file share.
#include "platforms/slack/slack_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/slack/slack_emulator.h"
#include "tests/platforms/support/emulator_harness.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::slack {
namespace {

using matchers::IsOk;
using ::testing::Not;
using base::ErrorCode;
using emulators::Fault;
using emulators::FaultKind;
using emulators::SlackEmulator;
using fixtures::FaultOn;
using fixtures::MakeRequest;
using fixtures::Png;
using ::testing::HasSubstr;

Content Thread(std::vector<std::string> texts) {
  Content c;
  for (auto& t : texts) c.parts.push_back(PostPart{std::move(t), {}});
  return c;
}

class SlackPlatformTest : public ::testing::Test {
 protected:
  SlackPlatformTest() { platform_ = Make(OptionsFor()); }

  SlackPlatform::Options OptionsFor() {
    SlackPlatform::Options options;
    options.base_url = h_.base_url() + "/api";
    options.timeout = std::chrono::seconds(5);
    options.upload_timeout = std::chrono::seconds(5);
    options.share_poll_delays = {std::chrono::milliseconds(1), std::chrono::milliseconds(1)};
    return options;
  }
  std::unique_ptr<SlackPlatform> Make(SlackPlatform::Options options) {
    return std::make_unique<SlackPlatform>(h_.http(), &h_.clock, std::move(options));
  }

  Result<ConnectedAccount> Connect(std::string token, std::string channel) {
    return h_.Run(
        platform_->Connect(Json{{"bot_token", std::move(token)}, {"channel", std::move(channel)}}));
  }

  AccountContext Account() {
    auto account = Connect(SlackEmulator::kSeedToken, SlackEmulator::kChannelId);
    EXPECT_THAT(account, IsOk());
    AccountContext ctx;
    ctx.account_id = "acc_s";
    ctx.external_id = account->external_id;
    ctx.handle = account->handle;
    ctx.settings = account->settings;
    ctx.credentials = account->credentials;
    return ctx;
  }

  PublishRequest Request(const AccountContext& account, Content content,
                         Json state = Json::object()) {
    return MakeRequest(account, std::move(content), "tgt_01SLACKKEY", &saved_, std::move(state));
  }
  Result<PublishReceipt> Publish(const AccountContext& account, Content content,
                                 Json state = Json::object()) {
    return h_.Run(platform_->Publish(Request(account, std::move(content), std::move(state))));
  }

  // Posts `text` as another user of the workspace (a second bot), optionally in a thread.
  void PostAsSomeoneElse(const std::string& text, const std::string& thread_ts = "") {
    // A second app that may post in public channels without joining them.
    auto other = h_.network().CreateToken(
        Json{{"name", "someone"}, {"scopes", {"chat:write", "chat:write.public"}}});
    ASSERT_THAT(other, IsOk());
    emulators::EmulatorClient raw(h_.base_url());
    Json body = {{"channel", SlackEmulator::kChannelId}, {"text", text}};
    if (!thread_ts.empty()) body["thread_ts"] = thread_ts;
    auto r = raw.Send("POST", "/api/chat.postMessage",
                      {{"Authorization", "Bearer " + (*other)["token"].get<std::string>()},
                       {"Content-Type", "application/json"}},
                      base::DumpJson(body));
    ASSERT_THAT(r, IsOk());
    ASSERT_EQ(r->JsonBody()["ok"], true) << r->body;
  }

  fixtures::EmulatorHarness<SlackEmulator> h_;
  std::unique_ptr<SlackPlatform> platform_;
  std::vector<Json> saved_;
};

TEST_F(SlackPlatformTest, ConnectsByIdOrName) {
  auto by_id = Connect(SlackEmulator::kSeedToken, SlackEmulator::kChannelId);
  ASSERT_THAT(by_id, IsOk());
  EXPECT_EQ(by_id->external_id, "T0123ABCD45/C0456NEWS01");
  EXPECT_EQ(by_id->handle, "#announcements");
  EXPECT_EQ(by_id->display_name, "Acme Corp #announcements");
  EXPECT_EQ(by_id->settings["bot_id"], SlackEmulator::kBotId);
  EXPECT_EQ(by_id->settings["bot_user_id"], SlackEmulator::kBotUserId);
  EXPECT_EQ(by_id->settings["team_url"], "https://acme-corp.slack.com/");
  EXPECT_EQ(by_id->credentials["bot_token"], SlackEmulator::kSeedToken);
  auto by_name = Connect(SlackEmulator::kSeedToken, "#announcements");
  ASSERT_THAT(by_name, IsOk());
  EXPECT_EQ(by_name->settings["channel_id"], SlackEmulator::kChannelId);
}

TEST_F(SlackPlatformTest, ConnectExplainsWhatToFix) {
  auto not_member = Connect(SlackEmulator::kSeedToken, SlackEmulator::kRandomId);
  EXPECT_EQ(not_member.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(not_member.error().message(), HasSubstr("/invite @herald in #random"));
  auto archived = Connect(SlackEmulator::kSeedToken, SlackEmulator::kArchivedId);
  EXPECT_EQ(archived.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(archived.error().message(), HasSubstr("archived"));
  auto hidden = Connect(SlackEmulator::kSeedToken, SlackEmulator::kPrivateId);
  EXPECT_EQ(hidden.error().code(), ErrorCode::kNotFound);
  auto no_such = Connect(SlackEmulator::kSeedToken, "#no-such-channel");
  EXPECT_EQ(no_such.error().code(), ErrorCode::kNotFound);
  auto bad_token = Connect("xoxb-not-a-real-token", SlackEmulator::kChannelId);
  EXPECT_EQ(bad_token.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(bad_token.error().message(), HasSubstr("invalid_auth"));
  auto malformed = Connect("hunter2", SlackEmulator::kChannelId);
  EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidArgument);
  auto scoped = h_.network().CreateToken(Json{{"scopes", {"chat:write"}}});
  ASSERT_THAT(scoped, IsOk());
  auto no_scope = Connect((*scoped)["token"], SlackEmulator::kChannelId);
  EXPECT_EQ(no_scope.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(no_scope.error().message(), HasSubstr("channels:read"));
}

TEST_F(SlackPlatformTest, PublishesEscapedPlainTextWithTheMarker) {
  AccountContext account = Account();
  auto receipt = Publish(account, Thread({"*a* < b & <!channel>"}));
  ASSERT_THAT(receipt, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].text, "*a* &lt; b &amp; &lt;!channel&gt;");
  EXPECT_EQ(posts[0].extra["mrkdwn"], "false");
  EXPECT_EQ(posts[0].idempotency_key, "tgt_01SLACKKEY");
  EXPECT_EQ(posts[0].extra["metadata"]["event_payload"]["part"], 0);
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, posts[0].url);
  EXPECT_EQ(receipt->remote_state["channel"], SlackEmulator::kChannelId);
}

TEST_F(SlackPlatformTest, ThreadRepliesUseTheFirstPartsTs) {
  AccountContext account = Account();
  auto receipt = Publish(account, Thread({"one", "two", "three"}));
  ASSERT_THAT(receipt, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].reply_to, "");
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
  EXPECT_EQ(posts[2].reply_to, posts[0].id);
  EXPECT_EQ(posts[2].extra["metadata"]["event_payload"]["part"], 2);
  // Before each part the attempt is recorded as pending; after it, the part's ts (the last
  // part's ts travels in the receipt).
  ASSERT_EQ(saved_.size(), 5u);
  EXPECT_EQ(saved_[0]["pending"]["part"], 0);
  EXPECT_FALSE(saved_[1].contains("pending"));
  EXPECT_EQ(saved_[1]["parts"][0]["ts"], posts[0].id);
  EXPECT_EQ(saved_[4]["pending"]["part"], 2);
  EXPECT_FALSE(receipt->remote_state.contains("pending"));
  EXPECT_EQ(receipt->remote_state["parts"].size(), 3u);
}

TEST_F(SlackPlatformTest, ImagesUseTheUploadV2FlowAndTheShareTs) {
  AccountContext account = Account();
  MediaItem a = Png("rocket.png", 3000, "A rocket");
  MediaItem b = Png("crowd.png", 2500);
  Content content;
  content.parts.push_back(PostPart{"Liftoff <3", {a, b}});
  content.parts.push_back(PostPart{"close-up", {Png("detail.png", 1000)}});
  auto receipt = Publish(account, content);
  ASSERT_THAT(receipt, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].extra["kind"], "file_share");
  EXPECT_EQ(posts[0].text, "Liftoff &lt;3");
  ASSERT_EQ(posts[0].media.size(), 2u);
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex(a.data));
  EXPECT_EQ(posts[0].media[0].alt_text, "A rocket");
  EXPECT_EQ(posts[0].media[1].sha256, base::Sha256Hex(b.data));
  EXPECT_EQ(posts[1].reply_to, posts[0].id);
  EXPECT_EQ(receipt->external_id, posts[0].id);  // learned from files.info shares
  EXPECT_EQ(h_.CountRequests("/api/files.getUploadURLExternal"), 3u);
  EXPECT_EQ(h_.CountRequests("/upload/v1/"), 3u);
  EXPECT_EQ(h_.CountRequests("/api/files.completeUploadExternal"), 2u);
  EXPECT_EQ(h_.CountRequests("/api/files.upload"), 0u);  // the retired method
}

TEST_F(SlackPlatformTest, LateFileShareIsPolledAndResumedWithoutReupload) {
  AccountContext account = Account();
  h_.ctx().MergeConfig(Json{{"share_delay_polls", 2}});
  Content content;
  content.parts.push_back(PostPart{"pic", {Png("a.png")}});
  ASSERT_THAT(Publish(account, content), IsOk());

  h_.ctx().MergeConfig(Json{{"share_delay_polls", 50}});
  auto late = Publish(account, content);
  ASSERT_THAT(late, Not(IsOk()));
  EXPECT_EQ(late.error().code(), ErrorCode::kUnavailable);
  ASSERT_EQ(saved_.back()["pending"]["stage"], "completed");
  const size_t uploads = h_.CountRequests("/upload/v1/");
  h_.ctx().MergeConfig(Json{{"share_delay_polls", 0}});
  auto resumed = Publish(account, content, saved_.back());
  ASSERT_THAT(resumed, IsOk());
  EXPECT_EQ(h_.CountRequests("/upload/v1/"), uploads);  // nothing uploaded again
  EXPECT_EQ(h_.Posts().size(), 2u);
  EXPECT_EQ(resumed->external_id, h_.Posts()[1].id);
}

TEST_F(SlackPlatformTest, DropAfterAcceptIsFoundByTheMarker) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/api/chat.postMessage"));
  auto request = Request(account, Thread({"hello"}));
  auto r = h_.Run(platform_->Publish(request));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(h_.Posts().size(), 1u);
  // The core reconciles with the state saved so far.
  request.remote_state = saved_.back();
  auto found = h_.Run(platform_->Find(request));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, h_.Posts()[0].id);
  // The scan starts shortly before the recorded attempt, not at the dawn of the channel.
  const int64_t at = request.remote_state["pending"]["at"].get<int64_t>();
  bool bounded = false;
  for (const auto& req : h_.ctx().requests().List()) {
    if (req.path == "/api/conversations.history" &&
        req.body.find("oldest=" + std::to_string(at - 600)) != std::string::npos) {
      bounded = true;
    }
  }
  EXPECT_TRUE(bounded);
  // Publishing again (a blind retry) does not post twice either.
  auto again = h_.Run(platform_->Publish(request));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->external_id, h_.Posts()[0].id);
  EXPECT_EQ(h_.Posts().size(), 1u);
}

// Issue 9 review: a reconciliation lookup (conversations.history / .replies by marker,
// files.info for a file share) that fails with a 429, a 5xx or a lost answer is "try again
// later" from both Publish and Find, never a verdict and never "not posted" (which would post
// twice); a later attempt whose lookup works finds the message.
enum class LookupFault { k429, k5xx, kDrop };

class SlackLookupFailureTest : public SlackPlatformTest,
                               public ::testing::WithParamInterface<LookupFault> {
 protected:
  void ArmLookupFault(const std::string& path) {
    switch (GetParam()) {
      case LookupFault::k429:
        h_.Arm(FaultOn(FaultKind::kRateLimit, path,
                       [](Fault& f) { f.retry_after = std::chrono::seconds(17); }));
        break;
      case LookupFault::k5xx:
        h_.Arm(FaultOn(FaultKind::kServerError, path, [](Fault& f) { f.status = 502; }));
        break;
      case LookupFault::kDrop:
        h_.Arm(FaultOn(FaultKind::kDropBefore, path));
        break;
    }
  }
  template <class T>
  void ExpectTransient(const Result<T>& r) {
    ASSERT_THAT(r, Not(IsOk()));
    if (GetParam() == LookupFault::k429) {
      EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted) << r.error().ToString();
      ASSERT_TRUE(r.error().retry_after().has_value());
      EXPECT_EQ(*r.error().retry_after(), std::chrono::seconds(17));
    } else {
      EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable) << r.error().ToString();
    }
  }
};

TEST_P(SlackLookupFailureTest, MarkerLookupFailureIsTransientAndALaterOneFindsTheMessage) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/api/chat.postMessage"));
  auto request = Request(account, Thread({"lost answer"}));
  ASSERT_EQ(h_.Run(platform_->Publish(request)).error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(h_.Posts().size(), 1u);
  request.remote_state = saved_.back();

  ArmLookupFault("/api/conversations.history");
  ExpectTransient(h_.Run(platform_->Publish(request)));
  ArmLookupFault("/api/conversations.history");
  ExpectTransient(h_.Run(platform_->Find(request)));
  EXPECT_EQ(h_.Posts().size(), 1u);

  auto found = h_.Run(platform_->Publish(request));
  ASSERT_THAT(found, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(found->external_id, posts[0].id);
  EXPECT_EQ(found->url, posts[0].url);
  EXPECT_EQ(h_.CountRequests("/api/chat.postMessage"), 1u);
}

TEST_P(SlackLookupFailureTest, ThreadReplyLookupFailureIsTransient) {
  AccountContext account = Account();
  auto request = Request(account, Thread({"one", "two"}));
  request.save_remote_state = [&](const Json& s) -> Result<void> {
    saved_.push_back(s);
    // Part 1 is recorded (second save): the answer to part 2 is lost.
    if (saved_.size() == 2) h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/api/chat.postMessage"));
    return base::Ok();
  };
  ASSERT_EQ(h_.Run(platform_->Publish(request)).error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(h_.Posts().size(), 2u);
  auto retry = Request(account, Thread({"one", "two"}), saved_.back());

  ArmLookupFault("/api/conversations.replies");
  ExpectTransient(h_.Run(platform_->Find(retry)));
  ArmLookupFault("/api/conversations.replies");
  ExpectTransient(h_.Run(platform_->Publish(retry)));
  EXPECT_EQ(h_.Posts().size(), 2u);

  auto done = h_.Run(platform_->Publish(retry));
  ASSERT_THAT(done, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(done->external_id, posts[0].id);
  EXPECT_EQ(done->remote_state["parts"][1]["ts"], posts[1].id);
}

TEST_P(SlackLookupFailureTest, FileShareLookupFailureIsTransient) {
  AccountContext account = Account();
  Content content;
  content.parts.push_back(PostPart{"pic", {Png("a.png")}});
  h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/api/files.completeUploadExternal"));
  auto request = Request(account, content);
  ASSERT_EQ(h_.Run(platform_->Publish(request)).error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(h_.Posts().size(), 1u);
  request.remote_state = saved_.back();

  ArmLookupFault("/api/files.info");
  ExpectTransient(h_.Run(platform_->Find(request)));
  ArmLookupFault("/api/files.info");
  ExpectTransient(h_.Run(platform_->Publish(request)));
  EXPECT_EQ(h_.Posts().size(), 1u);

  auto found = h_.Run(platform_->Publish(request));
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(h_.Posts().size(), 1u);
  EXPECT_EQ(found->external_id, h_.Posts()[0].id);
  EXPECT_EQ(h_.CountRequests("/api/files.completeUploadExternal"), 1u);
}

INSTANTIATE_TEST_SUITE_P(LookupFaults, SlackLookupFailureTest,
                         ::testing::Values(LookupFault::k429, LookupFault::k5xx,
                                           LookupFault::kDrop),
                         [](const ::testing::TestParamInfo<LookupFault>& param_info) {
                           switch (param_info.param) {
                             case LookupFault::k429: return std::string("RateLimited");
                             case LookupFault::k5xx: return std::string("ServerError");
                             case LookupFault::kDrop: return std::string("Dropped");
                           }
                           return std::string("Unknown");
                         });

TEST_F(SlackPlatformTest, FindWithoutAnySavedStateScansHistory) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/api/chat.postMessage"));
  ASSERT_THAT(Publish(account, Thread({"hello"})), Not(IsOk()));
  PostAsSomeoneElse("unrelated chatter");
  auto found = h_.Run(platform_->Find(Request(account, Thread({"hello"}))));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, h_.Posts()[0].id);
}

TEST_F(SlackPlatformTest, DroppedBeforeSendingIsCertainlyNotThere) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kDropBefore, "/api/chat.postMessage"));
  auto request = Request(account, Thread({"hello"}));
  auto r = h_.Run(platform_->Publish(request));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnknown);  // the client cannot know
  EXPECT_TRUE(h_.Posts().empty());
  request.remote_state = saved_.back();
  auto found = h_.Run(platform_->Find(request));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());
  auto again = h_.Run(platform_->Publish(request));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(h_.Posts().size(), 1u);
}

TEST_F(SlackPlatformTest, ResumesAThreadWhosePartWasDropped) {
  AccountContext account = Account();
  Content content = Thread({"one", "two", "three"});
  auto request = Request(account, content);
  int saves = 0;
  request.save_remote_state = [&](const Json& s) -> Result<void> {
    saved_.push_back(s);
    // After part 1 is recorded, the answer to the next post is lost.
    if (++saves == 2) h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/api/chat.postMessage"));
    return base::Ok();
  };
  auto r = h_.Run(platform_->Publish(request));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnknown);
  EXPECT_THAT(r.error().message(), HasSubstr("thread part 2 of 3"));
  ASSERT_EQ(h_.Posts().size(), 2u);

  auto retry = Request(account, content, saved_.back());
  auto found = h_.Run(platform_->Find(retry));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());  // part 3 was never sent
  auto resumed = h_.Run(platform_->Publish(retry));
  ASSERT_THAT(resumed, IsOk());
  auto posts = h_.Posts();
  ASSERT_EQ(posts.size(), 3u);  // part 2 found by its marker, not posted again
  EXPECT_EQ(posts[2].text, "three");
  EXPECT_EQ(posts[2].reply_to, posts[0].id);
}

TEST_F(SlackPlatformTest, DroppedFileShareIsFoundThroughFilesInfo) {
  AccountContext account = Account();
  Content content;
  content.parts.push_back(PostPart{"pic", {Png("a.png")}});
  h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/api/files.completeUploadExternal"));
  auto request = Request(account, content);
  ASSERT_EQ(h_.Run(platform_->Publish(request)).error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(h_.Posts().size(), 1u);
  request.remote_state = saved_.back();
  EXPECT_EQ(request.remote_state["pending"]["stage"], "uploaded");
  auto found = h_.Run(platform_->Find(request));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, h_.Posts()[0].id);
}

TEST_F(SlackPlatformTest, FileShareDroppedBeforeCompletingIsReuploaded) {
  AccountContext account = Account();
  Content content;
  content.parts.push_back(PostPart{"pic", {Png("a.png")}});
  h_.Arm(FaultOn(FaultKind::kDropBefore, "/api/files.completeUploadExternal"));
  auto request = Request(account, content);
  ASSERT_EQ(h_.Run(platform_->Publish(request)).error().code(), ErrorCode::kUnknown);
  request.remote_state = saved_.back();
  auto found = h_.Run(platform_->Find(request));
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());
  auto again = h_.Run(platform_->Publish(request));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(h_.Posts().size(), 1u);
}

TEST_F(SlackPlatformTest, UnsharedFileWithinTheSettleWindowIsUndetermined) {
  AccountContext account = Account();
  h_.ctx().MergeConfig(Json{{"share_delay_polls", 100}});
  Content content;
  content.parts.push_back(PostPart{"pic", {Png("a.png")}});
  h_.Arm(FaultOn(FaultKind::kDropAfterAccept, "/api/files.completeUploadExternal"));
  auto request = Request(account, content);
  ASSERT_THAT(h_.Run(platform_->Publish(request)), Not(IsOk()));
  request.remote_state = saved_.back();
  auto found = h_.Run(platform_->Find(request));
  ASSERT_THAT(found, Not(IsOk()));
  EXPECT_EQ(found.error().code(), ErrorCode::kUnavailable);  // try again later, not "absent"
}

TEST_F(SlackPlatformTest, HistoryScanIsBoundedAndSaysSo) {
  AccountContext account = Account();
  ASSERT_THAT(Publish(account, Thread({"ours"})), IsOk());
  for (int i = 0; i < 5; ++i) PostAsSomeoneElse("chatter " + std::to_string(i));
  SlackPlatform::Options options = OptionsFor();
  options.history_page_size = 2;
  options.max_history_pages = 2;
  auto shallow = Make(options);
  auto unknown = h_.Run(shallow->Find(Request(account, Thread({"ours"}))));
  ASSERT_THAT(unknown, Not(IsOk()));
  EXPECT_EQ(unknown.error().code(), ErrorCode::kUnknown);
  options.max_history_pages = 4;
  auto deep = Make(options);
  auto found = h_.Run(deep->Find(Request(account, Thread({"ours"}))));
  ASSERT_THAT(found, IsOk());
  EXPECT_TRUE(found->has_value());
}

TEST_F(SlackPlatformTest, RateLimitsAreHttp429WithRetryAfter) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kRateLimit, "/api/chat.postMessage",
                 [](Fault& f) { f.retry_after = std::chrono::seconds(12); }));
  auto faulted = Publish(account, Thread({"x"}));
  EXPECT_EQ(faulted.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*faulted.error().retry_after(), std::chrono::seconds(12));
  h_.ctx().MergeConfig(Json{{"channel_post_limit", 1}});
  ASSERT_THAT(Publish(account, Thread({"first"})), IsOk());
  auto limited = Publish(account, Thread({"second"}));
  ASSERT_THAT(limited, Not(IsOk()));
  EXPECT_EQ(limited.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*limited.error().retry_after(), std::chrono::seconds(60));
  EXPECT_EQ(h_.Posts().size(), 1u);
}

TEST_F(SlackPlatformTest, ServerErrorsAreTransient) {
  AccountContext account = Account();
  h_.Arm(
      FaultOn(FaultKind::kServerError, "/api/chat.postMessage", [](Fault& f) { f.status = 503; }));
  EXPECT_EQ(Publish(account, Thread({"x"})).error().code(), ErrorCode::kUnavailable);
}

TEST_F(SlackPlatformTest, RevokedOrExpiredTokenIsUnauthenticated) {
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kExpiredToken, "/api/chat.postMessage"));
  auto expired = Publish(account, Thread({"x"}));
  EXPECT_EQ(expired.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(expired.error().message(), HasSubstr("token_expired"));
  ASSERT_THAT(h_.network().RevokeToken(SlackEmulator::kSeedToken), IsOk());
  auto revoked = Publish(account, Thread({"x"}));
  EXPECT_EQ(revoked.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(revoked.error().message(), HasSubstr("token_revoked"));
  EXPECT_EQ(revoked.error().detail().find(SlackEmulator::kSeedToken), std::string::npos);
  EXPECT_TRUE(h_.Posts().empty());
}

TEST_F(SlackPlatformTest, RemovedFromTheChannelSaysInviteTheBot) {
  AccountContext account = Account();
  ASSERT_THAT(
      h_.network().Control("channels", Json{{"id", SlackEmulator::kChannelId}, {"member", false}}),
      IsOk());
  auto r = Publish(account, Thread({"x"}));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(r.error().message(), HasSubstr("invite the bot to #announcements"));
  account.settings["channel_id"] = "C0DOESNOTEXIST";
  EXPECT_EQ(Publish(account, Thread({"x"})).error().code(), ErrorCode::kNotFound);
}

TEST_F(SlackPlatformTest, SlowAnswerTimesOutAsUnknown) {
  SlackPlatform::Options options = OptionsFor();
  options.timeout = std::chrono::milliseconds(300);
  auto impatient = Make(options);
  AccountContext account = Account();
  h_.Arm(FaultOn(FaultKind::kSlow, "/api/chat.postMessage",
                 [](Fault& f) { f.delay = std::chrono::milliseconds(1500); }));
  auto r = h_.Run(impatient->Publish(Request(account, Thread({"x"}))));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnknown);
}

TEST_F(SlackPlatformTest, ValidationGuardsSlacksSilentTruncation) {
  AccountContext account = Account();
  std::string max(40'000, 'a');
  EXPECT_TRUE(platform_->Validate(Thread({max})).ok());
  ASSERT_THAT(Publish(account, Thread({max})), IsOk());
  EXPECT_EQ(h_.Posts()[0].text.size(), 40'000u);
  std::string over(40'001, 'a');
  EXPECT_FALSE(platform_->Validate(Thread({over})).ok());  // Slack would cut it off silently
}

TEST_F(SlackPlatformTest, DeletesMessagesAndFiles) {
  AccountContext account = Account();
  Content content = Thread({"one", "two"});
  content.parts[1].media = {Png("a.png")};
  auto receipt = Publish(account, content);
  ASSERT_THAT(receipt, IsOk());
  ASSERT_THAT(h_.Run(platform_->Delete(account, *receipt)), IsOk());
  EXPECT_TRUE(h_.LivePosts().empty());
  EXPECT_EQ(h_.CountRequests("/api/files.delete"), 1u);
  EXPECT_THAT(h_.Run(platform_->Delete(account, *receipt)), IsOk());  // already gone
}

TEST_F(SlackPlatformTest, MetricsFromReactionsRepliesAndMembers) {
  AccountContext account = Account();
  auto receipt = Publish(account, Thread({"launch", "details"}));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_TRUE(h_.ctx()
                  .posts()
                  .Update(receipt->external_id,
                          [](emulators::CreatedPost& p) {
                            p.metrics = Json{{"reactions", {{"tada", 2}, {"heart", 1}}}};
                          })
                  .ok());
  PostAsSomeoneElse("congrats!", receipt->external_id);
  auto metrics = h_.Run(platform_->FetchPostMetrics(account, *receipt));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ((*metrics)["likes"], 3);
  EXPECT_EQ((*metrics)["reactions"]["tada"], 2);
  EXPECT_EQ((*metrics)["replies"], 1);  // herald's own thread part does not count
  auto followers = h_.Run(platform_->FetchAccountMetrics(account));
  ASSERT_THAT(followers, IsOk());
  EXPECT_EQ((*followers)["followers"], 212);
}

}  // namespace
}  // namespace herald::platforms::slack
